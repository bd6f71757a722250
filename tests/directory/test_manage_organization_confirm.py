"""The "confirm listing is still current" button."""

import datetime

import pytest
from django.utils import timezone

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/the-hispanic-liaison/confirm/"


@pytest.fixture
def stale_listing(partner_org):
    partner_org.assured_date = timezone.localdate() - datetime.timedelta(days=120)
    partner_org.save(update_fields=["assured_date"])
    return partner_org


def test_partner_staff_confirm_their_listing_is_current(partner, stale_listing):
    client = client_for(partner)
    response = client.post(URL)
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"
    stale_listing.refresh_from_db()
    assert stale_listing.assured_date == timezone.localdate()
    page = client.get(response["Location"]).content.decode()
    assert "The listing is marked as current today." in page
    assert "Not confirmed in 90 days" not in page


def test_admins_can_confirm_any_listing(network_admin, stale_listing):
    assert client_for(network_admin).post(URL).status_code == 302
    stale_listing.refresh_from_db()
    assert stale_listing.assured_date == timezone.localdate()


def test_another_partners_staff_get_404(partner2, stale_listing):
    assert client_for(partner2).post(URL).status_code == 404
    stale_listing.refresh_from_db()
    assert stale_listing.assured_date < timezone.localdate()


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider"])
def test_intake_staff_get_404(request, persona, stale_listing):
    assert client_for(request.getfixturevalue(persona)).post(URL).status_code == 404


def test_it_needs_a_post(partner, stale_listing):
    assert client_for(partner).get(URL).status_code == 405
    stale_listing.refresh_from_db()
    assert stale_listing.assured_date < timezone.localdate()
