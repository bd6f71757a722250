"""Every change to an account's access: invite, change organization or role or sign-in address, deactivate,
reactivate; and recording the training that lets a volunteer log intake.

Each one is atomic, validates the account with `full_clean()` before saving, and writes its AccountEvent in the
same transaction. What must not happen for a change that was rolled back happens on commit: the invitation email,
and signing the person out where their access shrinks. A hub role opened to someone is logged and told to the
hub's coordinators (referrals.audit.case_access_granted), because administrators see no cases themselves and must
not be able to give themselves access quietly through a second account; a coordinator deactivated, demoted or moved
away is told to the hub's remaining coordinators (referrals.audit.coordinator_removed), so that emptying a hub of
coordinators before such a grant is not quiet either (both tell the other administrators when no coordinator is
left).

The sign-in address is where password resets go, so only an administrator changes it (allauth's own email page is
closed, accounts.views.email_closed); the change is recorded and told to the old address.

The rules an administrator cannot break, whatever the form says, live here: a role fits its organization; nobody
deactivates themselves or drops their own admin role (someone else must make that call, so the network is never
left without an administrator by accident). They raise ValidationError keyed by field, for the form to show.
"""

from datetime import date
from importlib import import_module
from urllib.parse import quote
from uuid import UUID

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import AccountAction, AccountEvent
from core.tasks import enqueue_on_commit
from directory.access import trainees_of
from directory.forms import check_role_fits_organization
from directory.models import Organization, Role, Training, User, a_year_after
from referrals.audit import case_access_granted, coordinator_removed


def _check_role(role: str, organization: Organization) -> None:
    try:
        check_role_fits_organization(role, organization)
    except ValidationError as error:
        raise ValidationError({"role": error}) from error


def _record(
    *,
    by: User,
    account: User,
    action: str,
    before: tuple[str, UUID | None, bool | None] = ("", None, None),
    old_email: str = "",
) -> AccountEvent:
    """The audit row: `before` is (role, organization id, active) as they were; after is read off the account.
    An email change also records the old address (the new one is read off the account)."""
    old_role, old_organization_id, old_is_active = before
    event = AccountEvent(
        old_email=old_email,
        new_email=account.email if old_email else "",
        actor=by,
        account=account,
        action=action,
        old_role=old_role,
        new_role=account.role,
        old_organization_id=old_organization_id,
        new_organization_id=account.organization_id,
        old_is_active=old_is_active,
        new_is_active=account.is_active,
    )
    event.full_clean()
    event.save()
    return event


def _state(account: User) -> tuple[str, UUID | None, bool]:
    return (account.role, account.organization_id, account.is_active)


def _coordinated_hub(state: tuple[str, UUID | None, bool]) -> UUID | None:
    """The hub an account in this state coordinates, if it is an active coordinator."""
    role, organization_id, is_active = state
    return organization_id if role == Role.COORDINATOR and is_active else None


def _tell_if_coordinator_removed(*, by: User, account: User, before: tuple[str, UUID | None, bool]) -> None:
    """A hub losing a coordinator (deactivated, demoted, moved to another organization) is told."""
    hub_id = _coordinated_hub(before)
    if hub_id is not None and _coordinated_hub(_state(account)) != hub_id:
        coordinator_removed(by=by, account=account, hub_id=hub_id)


def send_invitation(account: User) -> None:
    """A link to choose a password, made by allauth's password-reset machinery, so it expires like a reset link
    (PASSWORD_RESET_TIMEOUT) and stops working once a password is set. The email says nothing else, and is
    written in the invitee's language. The link starts with SITE_URL, like every email the app sends, so it is
    the same whichever host the admin used and whether or not a request is at hand."""
    key = f"{user_pk_to_url_str(account)}-{default_token_generator.make_token(account)}"
    path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
    context = {
        "invitation_url": settings.SITE_URL + path.replace("UID-KEY", quote(key)),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override(account.preferred_language):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [account.email]
    )


# The emails go through the tasks' worker, queued with the change (core.tasks): an administrator's page never
# waits for the mail server, and an email the server refused is tried again. Their arguments are ids.


@task
def invitation_email(account_id: int) -> None:
    """Send (or send again) an account's invitation, unless the person has chosen a password or the account was
    deactivated since it was queued: the link would not work."""
    account = User.objects.get(pk=account_id)
    if account.is_active and not account.has_usable_password():
        send_invitation(account)


@task
def email_changed_email(event_id: int) -> None:
    """The notice to the old address of an account whose sign-in address was changed (the AccountEvent records it)."""
    event = AccountEvent.objects.select_related("actor", "account").get(pk=event_id)
    send_email_changed_notice(
        old_email=event.old_email,
        new_email=event.new_email,
        by_email=event.actor.email,
        language=event.account.preferred_language,
    )


def end_sessions(account: User) -> None:
    """Signs the person out everywhere. Django already refuses inactive accounts on their next request; deleting
    the sessions also throws away whatever they held, and makes a role change take effect at once. With Redis
    (`cached_db`) the store's delete() clears the cached copy as well as the row. Sessions expire after half an
    hour idle, so the table stays small enough to scan."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return
    model = store_class.get_model_class()
    for session in model.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(account.pk):
            store_class(session_key=session.session_key).delete()


def _end_sessions_on_commit(account: User) -> None:
    transaction.on_commit(lambda: end_sessions(account))


@transaction.atomic
def account_invite(
    *,
    by: User,
    email: str,
    organization: Organization,
    role: str,
    display_name: str = "",
    preferred_language: str = "en",
) -> User:
    """A new account without a usable password; the person chooses one from the emailed link."""
    account = User(
        email=email.strip().lower(),
        display_name=display_name,
        organization=organization,
        role=role,
        preferred_language=preferred_language,
    )
    account.set_unusable_password()
    _check_role(role, organization)
    account.full_clean()
    account.save()
    _record(by=by, account=account, action=AccountAction.INVITED)
    case_access_granted(by=by, account=account)
    enqueue_on_commit(invitation_email, account.pk)
    return account


@transaction.atomic
def account_change_role(
    *,
    by: User,
    account: User,
    organization: Organization,
    role: str,
    display_name: str | None = None,
    preferred_language: str | None = None,
    email: str | None = None,
) -> User:
    """Moves an account to another organization and/or role. The display name, language and sign-in address
    travel with it, so the account page saves in one transaction; only a change of organization or role is an
    access change, so only that writes an AccountEvent of that kind and signs the person out (their open pages
    must not keep what the old role showed). An administrator staying an administrator keeps their sessions:
    their access does not depend on their organization. A new address is account_change_email's."""
    if email is not None:
        account_change_email(by=by, account=account, email=email)
    account = User.objects.select_for_update().get(pk=account.pk)
    before = _state(account)
    if account.pk == by.pk and account.role == Role.ADMIN and role != Role.ADMIN:
        raise ValidationError(
            {"role": _("You cannot remove your own administrator role. Ask another administrator.")}
        )
    _check_role(role, organization)
    account.organization, account.role = organization, role
    fields = ["organization", "role"]
    if display_name is not None:
        account.display_name = display_name
        fields.append("display_name")
    if preferred_language is not None:
        account.preferred_language = preferred_language
        fields.append("preferred_language")
    account.full_clean()
    account.save(update_fields=fields)
    if (account.role, account.organization_id) != before[:2]:
        _record(by=by, account=account, action=AccountAction.CHANGED, before=before)
        _tell_if_coordinator_removed(by=by, account=account, before=before)
        case_access_granted(by=by, account=account)
        if not (before[0] == Role.ADMIN and account.role == Role.ADMIN):
            _end_sessions_on_commit(account)
    return account


@transaction.atomic
def account_deactivate(*, by: User, account: User) -> User:
    """The person can no longer sign in, and is signed out everywhere once this commits. Deactivating an
    inactive account changes nothing and records nothing."""
    if account.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account. Ask another administrator."))
    account = User.objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        return account
    before = _state(account)
    account.is_active = False
    account.full_clean()
    account.save(update_fields=["is_active"])
    _record(by=by, account=account, action=AccountAction.DEACTIVATED, before=before)
    _tell_if_coordinator_removed(by=by, account=account, before=before)
    _end_sessions_on_commit(account)
    return account


@transaction.atomic
def account_reactivate(*, by: User, account: User) -> User:
    """The person can sign in again, with the organization and role the account had."""
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active:
        return account
    before = _state(account)
    account.is_active = True
    account.full_clean()
    account.save(update_fields=["is_active"])
    _record(by=by, account=account, action=AccountAction.REACTIVATED, before=before)
    case_access_granted(by=by, account=account)
    return account


def email_in_use(email: str, *, besides: User | None = None) -> bool:
    """Whether another account signs in with this address or has it among allauth's addresses (any case)."""
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email)
    if besides is not None:
        users = users.exclude(pk=besides.pk)
        addresses = addresses.exclude(user=besides)
    return users.exists() or addresses.exists()


def send_email_changed_notice(*, old_email: str, new_email: str, by_email: str, language: str) -> None:
    """Told to the old address, in the person's language: if they did not ask for it, someone may be diverting
    their password resets. It names the new address and the administrator, and holds no link to act on."""
    context = {
        "old_email": old_email,
        "new_email": new_email,
        "changed_by": by_email,
        "site_url": settings.SITE_URL,
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/email_changed_subject.txt", context).strip()
        body = render_to_string("accounts/email/email_changed_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, [old_email])


@transaction.atomic
def account_change_email(*, by: User, account: User, email: str) -> User:
    """Changes the address a person signs in with and receives password resets at. Only administrators reach
    this (the account page asks for their password again first). allauth's address rows follow, so the old
    address no longer finds the account (a password reset for it sends no link) and the new one is the only one.
    An address another account uses is refused. The same address (in any case) changes nothing."""
    email = email.strip().lower()
    account = User.objects.select_for_update().get(pk=account.pk)
    old_email = account.email
    if email == old_email.lower():
        return account
    if email_in_use(email, besides=account):
        raise ValidationError({"email": _("There is already an account with this email address.")})
    account.email = email
    account.full_clean()
    account.save(update_fields=["email"])
    EmailAddress.objects.filter(user=account).delete()
    EmailAddress.objects.create(user=account, email=email, primary=True, verified=True)
    event = _record(
        by=by,
        account=account,
        action=AccountAction.EMAIL_CHANGED,
        before=_state(account),
        old_email=old_email,
    )
    enqueue_on_commit(email_changed_email, event.pk)
    return account


@transaction.atomic
def training_record(
    *, by: User, account: User, course: str, completed_on: date, expires_on: date | None = None
) -> Training:
    """Record a course `account` completed; without an expiry it is valid for a year. Only for
    someone whose training `by` records (directory.access.trainees_of): the row, with who recorded it and when, is
    the audit."""
    if not trainees_of(by).filter(pk=account.pk).exists():
        raise PermissionDenied
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("The course date cannot be in the future.")})
    training = Training(
        user=account,
        course=course.strip(),
        completed_on=completed_on,
        expires_on=expires_on or a_year_after(completed_on),
        recorded_by=by,
    )
    training.full_clean()
    training.save()
    return training
