"""The account services: each change is validated, audited in the same transaction, and signs the person out on
commit where their access shrinks. A refused change writes nothing at all."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import AccountAction, AccountEvent
from accounts.services import account_change_role, account_deactivate, account_invite, account_reactivate
from directory.models import Role, User
from referrals.models import AccessLog
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def signed_in(client) -> bool:
    """Whether the browser is still signed in: a signed-out one is sent to the sign-in page."""
    response = client.get("/")
    return not (response.status_code == 302 and response["Location"].startswith("/accounts/login/"))


def nothing_recorded() -> bool:
    return not AccountEvent.objects.exists() and not AccessLog.objects.exists() and mail.outbox == []


# --- account_invite ------------------------------------------------------------------------------------------------


def test_inviting_creates_a_passwordless_account_and_records_it(
    network_admin, partner_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account = account_invite(
            by=network_admin,
            email=" Rosa@Example.org",
            display_name="Rosa",
            organization=partner_org,
            role=Role.PARTNER,
            preferred_language="es",
        )
    account.refresh_from_db()
    assert (account.email, account.role, account.organization, account.is_active) == (
        "rosa@example.org",
        Role.PARTNER,
        partner_org,
        True,
    )
    assert not account.has_usable_password()
    event = AccountEvent.objects.get()
    assert (event.actor, event.account, event.action) == (network_admin, account, AccountAction.INVITED)
    assert (event.old_role, event.new_role) == ("", Role.PARTNER)
    assert (event.old_organization, event.new_organization) == (None, partner_org)
    assert (event.old_is_active, event.new_is_active) == (None, True)


def test_the_invitation_goes_out_on_commit_in_the_invitees_language(
    network_admin, partner_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        account_invite(
            by=network_admin,
            email="rosa@example.org",
            organization=partner_org,
            role=Role.PARTNER,
            preferred_language="es",
        )
    assert mail.outbox == []  # nothing leaves before the account is committed
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    assert mail.outbox[0].subject == "Su invitación a la red de apoyo"


def test_inviting_to_a_hub_role_is_logged_and_told_to_the_hubs_coordinators(
    network_admin, coordinator, hub, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(by=network_admin, email="vic@example.org", organization=hub, role=Role.VOLUNTEER)
    log = AccessLog.objects.get(action="grant_case_access")
    assert (log.user, log.subject) == (network_admin, "vic@example.org")
    assert sorted(message.to[0] for message in mail.outbox) == [coordinator.email, "vic@example.org"]


def test_an_invitation_whose_role_does_not_fit_the_organization_writes_nothing(
    network_admin, partner_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as raised:
        account_invite(
            by=network_admin, email="vic@example.org", organization=partner_org, role=Role.VOLUNTEER
        )
    assert "role" in raised.value.message_dict
    assert not User.objects.filter(email="vic@example.org").exists()
    assert nothing_recorded()


# --- account_change_role --------------------------------------------------------------------------------------------


def test_a_role_change_is_recorded_with_old_and_new_values_and_signs_the_person_out(
    network_admin, volunteer, hub, django_capture_on_commit_callbacks
):
    browser = client_for(volunteer)
    admins_browser = client_for(network_admin)
    assert signed_in(browser)
    with django_capture_on_commit_callbacks(execute=True):
        account_change_role(by=network_admin, account=volunteer, organization=hub, role=Role.COORDINATOR)
    volunteer.refresh_from_db()
    assert volunteer.role == Role.COORDINATOR
    event = AccountEvent.objects.get()
    assert (event.actor, event.account, event.action) == (network_admin, volunteer, AccountAction.CHANGED)
    assert (event.old_role, event.new_role) == (Role.VOLUNTEER, Role.COORDINATOR)
    assert (event.old_organization, event.new_organization) == (hub, hub)
    assert not signed_in(browser)
    assert signed_in(admins_browser)


def test_a_move_to_another_organization_is_recorded_and_signs_the_person_out(
    network_admin, partner, partner_org, other_partner_org, django_capture_on_commit_callbacks
):
    browser = client_for(partner)
    with django_capture_on_commit_callbacks(execute=True):
        account_change_role(
            by=network_admin, account=partner, organization=other_partner_org, role=Role.PARTNER
        )
    event = AccountEvent.objects.get()
    assert (event.old_organization, event.new_organization) == (partner_org, other_partner_org)
    assert (event.old_role, event.new_role) == (Role.PARTNER, Role.PARTNER)
    assert not signed_in(browser)


def test_a_new_name_or_language_alone_is_no_access_change(
    network_admin, partner, partner_org, django_capture_on_commit_callbacks
):
    browser = client_for(partner)
    with django_capture_on_commit_callbacks(execute=True):
        account_change_role(
            by=network_admin,
            account=partner,
            organization=partner_org,
            role=Role.PARTNER,
            display_name="Pablo R.",
            preferred_language="es",
        )
    partner.refresh_from_db()
    assert (partner.display_name, partner.preferred_language) == ("Pablo R.", "es")
    assert not AccountEvent.objects.exists()
    assert signed_in(browser)


def test_admins_cannot_drop_their_own_admin_role(network_admin, hub, django_capture_on_commit_callbacks):
    browser = client_for(network_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as raised:
        account_change_role(by=network_admin, account=network_admin, organization=hub, role=Role.COORDINATOR)
    assert raised.value.message_dict["role"] == [
        "You cannot remove your own administrator role. Ask another administrator."
    ]
    network_admin.refresh_from_db()
    assert network_admin.role == Role.ADMIN
    assert nothing_recorded()
    assert signed_in(browser)


def test_a_role_the_organization_does_not_have_writes_nothing(
    network_admin, partner, partner_org, django_capture_on_commit_callbacks
):
    browser = client_for(partner)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        account_change_role(
            by=network_admin,
            account=partner,
            organization=partner_org,
            role=Role.COORDINATOR,
            display_name="Changed",
        )
    partner.refresh_from_db()
    assert (partner.role, partner.display_name) == (Role.PARTNER, "Pablo")
    assert nothing_recorded()
    assert signed_in(browser)


# --- account_deactivate and account_reactivate --------------------------------------------------------------------


def test_deactivating_records_it_and_signs_the_person_out_everywhere(
    network_admin, partner, django_capture_on_commit_callbacks
):
    phone, laptop = client_for(partner), client_for(partner)
    with django_capture_on_commit_callbacks(execute=True):
        account_deactivate(by=network_admin, account=partner)
    partner.refresh_from_db()
    assert partner.is_active is False
    event = AccountEvent.objects.get()
    assert (event.actor, event.account, event.action) == (network_admin, partner, AccountAction.DEACTIVATED)
    assert (event.old_is_active, event.new_is_active) == (True, False)
    assert (event.old_role, event.new_role) == (Role.PARTNER, Role.PARTNER)
    assert not signed_in(phone) and not signed_in(laptop)


def test_sessions_end_only_once_the_deactivation_commits(
    network_admin, partner, django_capture_on_commit_callbacks
):
    browser = client_for(partner)
    with django_capture_on_commit_callbacks() as callbacks:
        account_deactivate(by=network_admin, account=partner)
    User.objects.filter(pk=partner.pk).update(is_active=True)  # as if it had not committed yet
    assert signed_in(browser)
    for callback in callbacks:
        callback()
    assert not signed_in(browser)


def test_admins_cannot_deactivate_themselves(network_admin, django_capture_on_commit_callbacks):
    browser = client_for(network_admin)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        account_deactivate(by=network_admin, account=network_admin)
    network_admin.refresh_from_db()
    assert network_admin.is_active is True
    assert nothing_recorded()
    assert signed_in(browser)


def test_reactivating_records_it_and_logs_a_hub_role_grant(
    network_admin, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_deactivate(by=network_admin, account=volunteer)
        account_reactivate(by=network_admin, account=volunteer)
    volunteer.refresh_from_db()
    assert volunteer.is_active is True
    newest = AccountEvent.objects.first()
    assert newest.action == AccountAction.REACTIVATED
    assert (newest.old_is_active, newest.new_is_active) == (False, True)
    assert AccessLog.objects.get(action="grant_case_access").subject == volunteer.email


def test_deactivating_an_inactive_account_records_nothing_more(network_admin, partner):
    account_deactivate(by=network_admin, account=partner)
    account_deactivate(by=network_admin, account=partner)
    assert AccountEvent.objects.count() == 1
