"""Admins change an account's organization and role; nobody can take away their own admin role."""

import pytest
from django.utils.html import strip_tags

from accounts.models import AccountEvent
from directory.models import Role
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(account) -> str:
    return f"/manage/users/{account.pk}/edit/"


def data(account, **changes) -> dict:
    values = {
        "email": account.email,
        "display_name": account.display_name,
        "organization": account.organization_id,
        "role": account.role,
        "preferred_language": account.preferred_language,
    }
    return values | changes


def test_admins_promote_a_volunteer_to_coordinator(network_admin, volunteer):
    response = client_for(network_admin, reauthenticated=True).post(
        url(volunteer), data(volunteer, role=Role.COORDINATOR)
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.role == Role.COORDINATOR


def test_admins_move_someone_to_another_organization(network_admin, partner, other_partner_org):
    client_for(network_admin, reauthenticated=True).post(
        url(partner), data(partner, organization=other_partner_org.pk)
    )
    partner.refresh_from_db()
    assert partner.organization == other_partner_org


def test_a_role_the_organization_does_not_have_is_refused(network_admin, partner):
    response = client_for(network_admin, reauthenticated=True).post(
        url(partner), data(partner, role=Role.COORDINATOR)
    )
    assert response.status_code == 200
    assert (
        "Volunteers and coordinators work for a hub (an organization that does intake). "
        "The Hispanic Liaison does not do intake."
    ) in response.content.decode()
    partner.refresh_from_db()
    assert partner.role == Role.PARTNER


def test_admins_cannot_demote_themselves(network_admin):
    response = client_for(network_admin, reauthenticated=True).post(
        url(network_admin), data(network_admin, role=Role.VOLUNTEER)
    )
    assert response.status_code == 200
    assert "You cannot remove your own administrator role." in response.content.decode()
    network_admin.refresh_from_db()
    assert network_admin.role == Role.ADMIN


def test_the_form_does_not_change_the_password(network_admin, partner):
    """The address is the administrators' to change (tests/accounts/test_email_addresses.py); the password never."""
    client_for(network_admin, reauthenticated=True).post(url(partner), data(partner, password="x"))
    partner.refresh_from_db()
    assert partner.has_usable_password() and not partner.check_password("x")


def test_an_admins_own_page_offers_no_deactivation(network_admin, partner):
    client = client_for(network_admin, reauthenticated=True)
    assert "Deactivate" not in client.get(url(network_admin)).content.decode()
    assert 'data-confirm="Deactivate this account?' in client.get(url(partner)).content.decode()


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_everyone_else_gets_404(request, persona, partner2):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(url(partner2)).status_code == 404
    assert client.post(url(partner2), data(partner2, display_name="Hacked")).status_code == 404
    partner2.refresh_from_db()
    assert partner2.display_name == "Paula"


def test_it_answers_only_get_and_post(network_admin, partner):
    assert client_for(network_admin, reauthenticated=True).delete(url(partner)).status_code == 405


def test_changing_a_role_asks_for_the_admins_password_again(network_admin, volunteer):
    client = client_for(network_admin)
    response = client.post(url(volunteer), data(volunteer, role=Role.COORDINATOR))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    volunteer.refresh_from_db()
    assert volunteer.role == Role.VOLUNTEER


def test_giving_an_account_a_hub_role_is_logged_and_told_to_the_hubs_coordinators(
    network_admin, coordinator, partner, hub, django_capture_on_commit_callbacks
):
    from django.core import mail

    from referrals.models import AccessLog

    with django_capture_on_commit_callbacks(execute=True):
        client_for(network_admin, reauthenticated=True).post(
            url(partner), data(partner, organization=hub.pk, role=Role.COORDINATOR)
        )
    log = AccessLog.objects.get(action="grant_case_access")
    assert (log.user, log.subject) == (network_admin, partner.email)
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert partner.email in mail.outbox[0].subject and network_admin.email in mail.outbox[0].body


def test_a_role_change_is_recorded_and_signs_the_person_out(
    network_admin, volunteer, django_capture_on_commit_callbacks
):
    volunteers_browser = client_for(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network_admin, reauthenticated=True).post(
            url(volunteer), data(volunteer, role=Role.COORDINATOR)
        )
    event = AccountEvent.objects.get()
    assert (event.actor, event.old_role, event.new_role) == (network_admin, Role.VOLUNTEER, Role.COORDINATOR)
    assert volunteers_browser.get("/")["Location"].startswith("/accounts/login/")


def test_a_refused_change_leaves_the_account_and_its_history_alone(network_admin, partner):
    client = client_for(network_admin, reauthenticated=True)
    response = client.post(url(partner), data(partner, role=Role.COORDINATOR, display_name="Changed"))
    assert response.status_code == 200
    assert not AccountEvent.objects.exists()
    partner.refresh_from_db()
    assert partner.display_name == "Pablo"
    assert "No changes recorded yet." in response.content.decode()


def test_the_page_shows_the_accounts_history_newest_first(network_admin, volunteer, other_hub):
    client = client_for(network_admin, reauthenticated=True)
    client.post(url(volunteer), data(volunteer, role=Role.COORDINATOR))
    client.post(url(volunteer), data(volunteer, role=Role.COORDINATOR, organization=other_hub.pk))
    client.post(f"/manage/users/{volunteer.pk}/deactivate/")

    body = client.get(url(volunteer)).content.decode()
    history = " ".join(strip_tags(body[body.index('id="account-history"') :]).split())
    deactivated = history.index("Deactivated by ana@example.org")
    moved = history.index("Organization: El Centro Hispano → Comunidad Colectiva")
    promoted = history.index("Role: Volunteer → Coordinator")
    assert deactivated < moved < promoted
    assert "Role: Coordinator → Coordinator" not in history  # only what changed is shown


def test_the_page_reads_the_history_in_one_query_however_long_it_is(
    network_admin, volunteer, hub, other_hub, django_assert_num_queries
):
    client = client_for(network_admin, reauthenticated=True)
    client.get(url(volunteer))  # A session's first request does one-off work; count from the second.
    for organization in [other_hub, hub] * 6:
        client.post(url(volunteer), data(volunteer, organization=organization.pk))
    # The session; the admin (with their organization, and whether they have a second factor); allauth: their
    # verified email addresses, and which re-authentication methods they have (recovery codes, TOTP, passkeys); the
    # account with its organization; the organization choices; the history (newest ten, with who and which
    # organizations). The session was written by the posts just before: not again within the minute.
    with django_assert_num_queries(9):
        response = client.get(url(volunteer))
    assert len(response.context["history"]) == 10
