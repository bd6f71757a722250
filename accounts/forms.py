"""Account forms for admins. Email and password stay the person's own once the account exists."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.access import organizations_editable_by
from directory.forms import CrispyFormMixin, check_role_fits_organization
from directory.models import Role, User


class AccountFormMixin(CrispyFormMixin):
    def check_role(self, cleaned: dict) -> None:
        role, organization = cleaned.get("role"), cleaned.get("organization")
        if role and organization:
            try:
                check_role_fits_organization(role, organization)
            except ValidationError as error:
                self.add_error("role", error)


class InvitationForm(AccountFormMixin, forms.ModelForm):
    """A new account: the person sets their own password from the emailed link."""

    class Meta:
        model = User
        fields = ["email", "display_name", "organization", "role", "preferred_language"]
        help_texts = {"preferred_language": _("The invitation is written in this language.")}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations_editable_by(user)
        self.fields["organization"].required = True
        self.build_helper()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("There is already an account with this email address."))
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_role(cleaned)
        return cleaned


class AccountForm(AccountFormMixin, forms.ModelForm):
    """An existing account's organization and role. Email and password stay the person's own."""

    class Meta:
        model = User
        fields = ["display_name", "organization", "role", "preferred_language"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editor = user
        self.fields["organization"].queryset = organizations_editable_by(user)
        self.fields["organization"].required = True
        self.build_helper()

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        # Someone else must make that call, so the network is never left without an admin by accident.
        if self.instance.pk == self.editor.pk and role != Role.ADMIN:
            raise ValidationError(
                _("You cannot remove your own administrator role. Ask another administrator.")
            )
        return role

    def clean(self) -> dict:
        cleaned = super().clean()
        self.check_role(cleaned)
        return cleaned
