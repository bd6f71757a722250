"""An administrator cannot give a second account a hub's cases without someone else hearing of it.

The review's scenario: deactivate the hub's only coordinator (nobody told), invite an alias as coordinator (the
notice goes to the hub's coordinators: there are none), reactivate the coordinator (the notice goes to the alias).
Now every step is told to someone other than the administrator and the account concerned: the hub's remaining
coordinators, or the network's other administrators when the hub has none.
"""

import pytest
from django.core import mail

from accounts.services import account_change_role, account_deactivate, account_invite, account_reactivate
from directory.models import Role
from referrals.models import AccessLog
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

PERSONAL = ["Carmen", "Ana", "Bea", "Vera", "Alias"]  # display names: never in an email


@pytest.fixture
def other_admin(partner_org):
    return make_user("bea@example.org", partner_org, Role.ADMIN, display_name="Bea")


def recipients() -> list[list[str]]:
    return [message.to for message in mail.outbox]


def no_names_in_emails() -> bool:
    return not any(name in message.subject + message.body for message in mail.outbox for name in PERSONAL)


def test_the_reviews_alias_scenario_is_told_to_the_other_administrators(
    network_admin, other_admin, coordinator, hub, django_capture_on_commit_callbacks
):
    # 1. The hub's only coordinator is deactivated: no coordinator remains, so the other administrator hears of it.
    with django_capture_on_commit_callbacks(execute=True):
        account_deactivate(by=network_admin, account=coordinator)
    assert recipients() == [[other_admin.email]]
    assert coordinator.email in mail.outbox[0].subject and network_admin.email in mail.outbox[0].body
    assert "El Centro Hispano" in mail.outbox[0].body

    # 2. An alias is invited as the hub's coordinator: the hub has no other coordinator to tell, so the other
    #    administrator hears of it, and never only the alias.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        alias = account_invite(
            by=network_admin,
            email="alias@example.org",
            organization=hub,
            role=Role.COORDINATOR,
            display_name="Alias",
        )
    told = [message for message in mail.outbox if "can now see" in message.subject]
    assert [message.to for message in told] == [[other_admin.email]]
    assert alias.email in told[0].subject and network_admin.email in told[0].body

    # 3. The coordinator is reactivated: the alias is now the hub's coordinator and hears of it.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        account_reactivate(by=network_admin, account=coordinator)
    assert recipients() == [[alias.email]]
    assert no_names_in_emails()


def test_a_deactivated_coordinator_is_told_to_the_hubs_remaining_coordinators(
    network_admin, other_admin, coordinator, hub, django_capture_on_commit_callbacks
):
    second = make_user("cruz@example.org", hub, Role.COORDINATOR, preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        account_deactivate(by=network_admin, account=coordinator)
    assert recipients() == [[second.email]]
    assert "como coordinador/a de" in mail.outbox[0].body  # in the recipient's language
    assert no_names_in_emails()


@pytest.mark.parametrize("change", ["demoted", "moved"])
def test_a_coordinator_demoted_or_moved_away_is_told_to_the_hub(
    change, network_admin, other_admin, coordinator, hub, other_hub, django_capture_on_commit_callbacks
):
    second = make_user("cruz@example.org", hub, Role.COORDINATOR)
    changes = {"organization": hub, "role": Role.VOLUNTEER}
    if change == "moved":
        changes = {"organization": other_hub, "role": Role.COORDINATOR}
    with django_capture_on_commit_callbacks(execute=True):
        account_change_role(by=network_admin, account=coordinator, **changes)
    removed = [message for message in mail.outbox if "no longer" in message.subject]
    assert [message.to for message in removed] == [[second.email]]
    # Moved to another hub as its coordinator: a new grant there, told to the other administrator (no coordinator
    # at the other hub); a demotion within the hub opens no new cases.
    granted = [message.to for message in mail.outbox if "can now see" in message.subject]
    assert granted == ([[other_admin.email]] if change == "moved" else [[second.email]])


def test_the_last_coordinator_demoted_is_told_to_the_other_administrators(
    network_admin, other_admin, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_change_role(
            by=network_admin, account=coordinator, organization=coordinator.organization, role=Role.VOLUNTEER
        )
    removed = [message for message in mail.outbox if "no longer" in message.subject]
    assert [message.to for message in removed] == [[other_admin.email]]


def test_deactivating_a_volunteer_or_partner_tells_nobody(
    network_admin, other_admin, coordinator, volunteer, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_deactivate(by=network_admin, account=volunteer)
        account_deactivate(by=network_admin, account=partner)
    assert mail.outbox == []


def test_a_grant_is_never_told_to_the_grantee_alone_nor_to_the_granting_admin_alone(
    network_admin, hub, django_capture_on_commit_callbacks
):
    """A network with one administrator and a hub without coordinators: nobody else exists to tell; the grant is
    still in the access log, and no email goes to the alias."""
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(by=network_admin, email="alias@example.org", organization=hub, role=Role.COORDINATOR)
    assert all("can now see" not in message.subject for message in mail.outbox)
    assert AccessLog.objects.get(action="grant_case_access").subject == "alias@example.org"


# --- the access log: coordinators see grants about their hub's staff ------------------------------------------


def test_coordinators_see_grants_about_their_hubs_staff_and_no_other_hubs(
    network_admin, coordinator, hub, other_hub, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        account_invite(by=network_admin, email="vic@example.org", organization=hub, role=Role.VOLUNTEER)
        account_invite(
            by=network_admin, email="oscar@example.org", organization=other_hub, role=Role.VOLUNTEER
        )
    assert AccessLog.objects.filter(action="grant_case_access").count() == 2
    body = client_for(coordinator).get("/referrals/access-log/").content.decode()
    assert "vic@example.org" in body
    assert "oscar@example.org" not in body
