"""Account forms for admins: what the admin typed, in shape. The rules about roles (a role fits its organization,
nobody drops their own admin role, an address belongs to one account) are the services' (accounts/services.py); the
view shows their errors here. The password stays the person's own; the sign-in address is the administrators' to
change (where password resets go), here and nowhere else. How a person hears of case events is their own choice
(NotificationsForm), made on their own account only. A volunteer's training is recorded by an administrator or a
coordinator of their hub (TrainingForm)."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import email_in_use
from directory.access import organizations_editable_by
from directory.forms import CrispyFormMixin
from directory.models import NoticeDigest, Training, User


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


class TrainingForm(CrispyFormMixin, forms.ModelForm):
    """A course someone completed. The expiry may be left empty: a year after the course (Training.save). Dates
    are typed or picked (type="date" sends ISO dates in every language)."""

    class Meta:
        model = Training
        fields = ["course", "completed_on", "expires_on"]
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"completed_on": _("Date of the course")}
        help_texts = {
            "course": _("For example: Rapid response intake."),
            "expires_on": _(
                "One year after the course unless you change it. Left empty, it is one year after the course."
            ),
        }

    def __init__(self, *args, refill_url: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False
        if refill_url:
            # With JavaScript, changing the course date fills the expiry in again (a year later), from the page
            # itself asked with that date; without it, the expiry stays as filled in when the page opened.
            self.fields["completed_on"].widget.attrs.update(
                {
                    "hx-get": refill_url,
                    "hx-trigger": "change",
                    "hx-target": "#id_expires_on",
                    "hx-select": "#id_expires_on",
                    "hx-swap": "outerHTML",
                }
            )
        self.build_helper()

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise ValidationError(_("The course date cannot be in the future."))
        return completed_on

    def clean(self):
        cleaned = super().clean()
        completed_on, expires_on = self.cleaned_data.get("completed_on"), self.cleaned_data.get("expires_on")
        if completed_on and expires_on and expires_on <= completed_on:
            self.add_error("expires_on", _("The training must expire after the date of the course."))
        return cleaned
