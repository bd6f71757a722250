"""The admins see which partner organizations cannot receive referrals in the app, and why: with no active
partner-staff account, hubs have to call them (a phone referral)."""

import pytest

from directory.models import Role
from tests.conftest import client_for, make_org, make_user

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/"
NO_ACCOUNT = "Cannot receive referrals in the app: no partner-staff account."
ALL_DEACTIVATED = "Cannot receive referrals in the app: every partner-staff account is deactivated."


@pytest.fixture
def organizations(partner, other_partner_org, hub):
    """partner_org answers in the app (Pablo); El Refugio's only account is deactivated; a bond fund has none. The hub
    takes referrals too, with volunteers but no partner-staff account."""
    make_user("old@refugio.example", other_partner_org, Role.PARTNER, is_active=False)
    return make_org("bond-fund", "Durham Bond Fund", partner=True)


def rows(response) -> dict[str, str]:
    return {o.name: o.unreachable_reason for o in response.context["page"].object_list}


def test_the_list_says_which_partners_cannot_receive_and_why(network_admin, organizations):
    response = client_for(network_admin).get(URL)
    assert rows(response) == {
        "Durham Bond Fund": NO_ACCOUNT,
        "El Centro Hispano": NO_ACCOUNT,
        "El Refugio": ALL_DEACTIVATED,
        "The Hispanic Liaison": "",
    }
    body = response.content.decode()
    assert "3 partners cannot receive referrals in the app" in body and NO_ACCOUNT in body


def test_the_filter_shows_only_them(network_admin, organizations):
    response = client_for(network_admin).get(URL, {"unreachable": "on"})
    assert sorted(rows(response)) == ["Durham Bond Fund", "El Centro Hispano", "El Refugio"]


def test_an_organization_that_only_does_intake_is_not_flagged(network_admin, other_hub):
    assert rows(client_for(network_admin).get(URL))[other_hub.name] == ""


def test_the_organization_page_says_so(network_admin, organizations):
    body = client_for(network_admin).get(f"/manage/organizations/{organizations.slug}/").content.decode()
    assert NO_ACCOUNT in body and "Invite a partner-staff account" in body


def test_partner_staff_do_not_see_the_list(partner):
    assert client_for(partner).get(URL).status_code == 403
