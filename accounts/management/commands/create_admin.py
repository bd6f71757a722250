from urllib.parse import quote

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from accounts.models import AccountAction, AccountEvent
from directory.models import Organization, Role, User


@transaction.atomic
def create_admin(*, email: str, organization_name: str, display_name: str = "", language: str = "en") -> User:
    """An administrator account without a password, in the named organization (created as a hub if it does not
    exist yet), recorded as an invitation the account made itself: nobody could invite it."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise CommandError(f"An account with the address {email} already exists.")
    organization = Organization.objects.filter(name__iexact=organization_name.strip()).first()
    if organization is None:
        organization = Organization(
            name=organization_name.strip(), slug=slugify(organization_name)[:80], is_hub=True
        )
        organization.full_clean()
        organization.save()
    account = User(
        email=email,
        display_name=display_name,
        organization=organization,
        role=Role.ADMIN,
        preferred_language=language,
    )
    account.set_unusable_password()
    account.full_clean()
    account.save()
    event = AccountEvent(
        actor=account,
        account=account,
        action=AccountAction.INVITED,
        new_role=account.role,
        new_organization=organization,
        new_is_active=True,
    )
    event.full_clean()
    event.save()
    return account


def password_link(account: User) -> str:
    """The link an invitation email holds (accounts.services.send_invitation): choose a password, once, before it
    expires like a password-reset link."""
    key = f"{user_pk_to_url_str(account)}-{default_token_generator.make_token(account)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    return settings.SITE_URL + path.replace("UID-KEY", quote(key))


class Command(BaseCommand):
    help = (
        "Create an administrator: the first one on a new installation (with the hub organization it works for), or "
        "one more when nobody who could invite one can sign in. Prints a link to choose a password; after signing "
        "in, the administrator sets up an authenticator app before anything else, then invites everyone else."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--email", required=True, help="The administrator's email address (their sign-in)."
        )
        parser.add_argument(
            "--organization",
            required=True,
            help="The organization they work for; created as a hub (an organization that does intake) if new.",
        )
        parser.add_argument("--name", default="", help="The name shown to others (optional).")
        parser.add_argument("--language", default="en", choices=[code for code, _ in settings.LANGUAGES])

    def handle(self, *args, **options):
        try:
            account = create_admin(
                email=options["email"],
                organization_name=options["organization"],
                display_name=options["name"],
                language=options["language"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        self.stdout.write(
            f"Created the administrator {account.email} of {account.organization}.\n"
            f"Give them this link (it works once, for {days} days) to choose a password; they then set up an "
            f"authenticator app:\n{password_link(account)}"
        )
