"""The admins' list of accounts, filtered by organization, role and whether they may sign in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Role
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db

URL = "/manage/users/"


def emails(response) -> list[str]:
    return [account.email for account in response.context["page"].object_list]


def test_it_lists_every_account(network_admin, volunteer, partner, partner2):
    response = client_for(network_admin).get(URL)
    assert response.status_code == 200
    assert emails(response) == [
        "ana@example.org",
        "pablo@example.org",
        "paula@example.org",
        "vera@example.org",
    ]


def test_it_filters_by_organization_role_and_activity(
    network_admin, volunteer, coordinator, partner, partner_org
):
    coordinator.is_active = False
    coordinator.save(update_fields=["is_active"])
    client = client_for(network_admin)
    assert emails(client.get(URL, {"organization": partner_org.pk})) == ["pablo@example.org"]
    assert emails(client.get(URL, {"role": Role.VOLUNTEER})) == ["vera@example.org"]
    assert emails(client.get(URL, {"is_active": "false"})) == ["carmen@example.org"]


def test_it_searches_names_and_emails(network_admin, volunteer, partner):
    assert emails(client_for(network_admin).get(URL, {"q": "pablo"})) == ["pablo@example.org"]
    assert emails(client_for(network_admin).get(URL, {"q": "Vera"})) == ["vera@example.org"]


def test_it_shows_who_has_not_chosen_a_password_yet(network_admin, hub):
    invited = make_user("new@example.org", hub, Role.VOLUNTEER)
    invited.set_unusable_password()
    invited.save(update_fields=["password"])
    body = client_for(network_admin).get(URL).content.decode()
    assert "Invited" in body


@pytest.mark.parametrize("persona", ["volunteer", "outsider", "partner"])
def test_it_is_for_admins_only(request, persona):
    """Coordinators get their team there instead (tests/accounts/test_training.py)."""
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_it_only_answers_get(network_admin):
    assert client_for(network_admin).post(URL).status_code == 405


def test_it_takes_the_same_number_of_queries_for_1_or_50_accounts(
    network_admin, partner_org, django_assert_num_queries
):
    client = client_for(network_admin)
    client.get(URL)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 1

    for number in range(49):
        make_user(f"person{number}@example.org", partner_org, Role.PARTNER, mfa=False)
    # The page's own queries: the count of rows; the filter's organizations; the page of accounts (with
    # their organization and their latest training expiry).
    with django_assert_num_queries(len(one_row)):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 50
