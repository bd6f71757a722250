"""Account forms for admins: what the admin typed, in shape. The rules about roles (a role fits its organization,
nobody drops their own admin role, an address belongs to one account) are the services' (accounts/services.py); the
view shows their errors here. The password stays the person's own; the sign-in address is the administrators' to
change (where password resets go), here and nowhere else. How a person hears of case events is their own choice
(NotificationsForm), made on their own account only."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.services import email_in_use
from directory.access import organizations_editable_by
from directory.forms import CrispyFormMixin
from directory.models import NoticeDigest, User


class InvitationForm(CrispyFormMixin, forms.ModelForm):
    """A new account: the person sets their own password from the emailed link."""

    class Meta:
        model = User
        fields = ["email", "display_name", "organization", "role", "preferred_language"]
        help_texts = {"preferred_language": _("The invitation is written in this language.")}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = organizations_editable_by(user)
        organization.required = True
        self.build_helper()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email_in_use(email):
            raise ValidationError(_("There is already an account with this email address."))
        return email


class AccountForm(CrispyFormMixin, forms.ModelForm):
    """An existing account's sign-in address, organization and role, display name and language."""

    class Meta:
        model = User
        fields = ["email", "display_name", "organization", "role", "preferred_language"]
        help_texts = {
            "email": _(
                "The person signs in with this address and receives password resets at it. A change is told to "
                "the old address."
            )
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = organizations_editable_by(user)
        organization.required = True
        self.build_helper()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email_in_use(email, besides=self.instance):
            raise ValidationError(_("There is already an account with this email address."))
        return email


class NotificationsForm(CrispyFormMixin, forms.ModelForm):
    """How the signed-in person hears of case events: an email for every event, or a digest every N minutes.
    Emergencies come at once whatever the choice (referrals/notifications.py)."""

    notice_digest_minutes = forms.TypedChoiceField(
        label=_(
            "How do you want to hear of new referrals, answers, declines and referrals not answered in time?"
        ),
        choices=[("", _("An email for every event, as it happens")), *NoticeDigest.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A digest is one email listing what happened since the last one. Emergencies are never held for a "
            "digest: you hear of them at once."
        ),
        error_messages={
            "invalid_choice": _(
                "Choose one of the options listed: every event, or a digest every 15, 30, 60 or 120 minutes."
            )
        },
    )

    class Meta:
        model = User
        fields = ["notice_digest_minutes"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.build_helper()
