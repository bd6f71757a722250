"""An organization's page in /manage/: its listing, services, phones and (for admins) accounts."""

import datetime

import pytest
from django.utils import timezone

from directory.models import Phone, Service, ServiceCategory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/the-hispanic-liaison/"


@pytest.fixture
def listing(partner_org):
    Service.objects.create(
        organization=partner_org,
        category=ServiceCategory.objects.get(code="legal"),
        name="Free legal consultations",
        is_statewide=True,
        capacity_available=3,
        capacity_maximum=10,
    )
    Phone.objects.create(organization=partner_org, number="+13365550123")
    return partner_org


def test_partner_staff_see_their_own_listing(partner, listing):
    response = client_for(partner).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The Hispanic Liaison" in body
    assert "Free legal consultations" in body
    assert "3 of 10" in body
    assert "336-555-0123" in body
    assert "Confirm listing is still current" in body


def test_partner_staff_do_not_see_accounts_or_the_intake_email(partner, listing):
    listing.intake_email = "intake@liaison.example"
    listing.save(update_fields=["intake_email"])
    body = client_for(partner).get(URL).content.decode()
    assert "intake@liaison.example" not in body
    assert "pablo@example.org" not in body
    assert "/manage/phones/" not in body


def test_admins_see_accounts_and_can_add_phones(network_admin, partner, listing):
    body = client_for(network_admin).get(URL).content.decode()
    assert "pablo@example.org" in body
    assert f'href="/manage/users/{partner.pk}/edit/"' in body
    assert 'href="/manage/phones/new/?organization=the-hispanic-liaison"' in body


def test_it_flags_a_listing_not_confirmed_for_90_days(partner, listing):
    assert "Not confirmed in 90 days" in client_for(partner).get(URL).content.decode()
    listing.assured_date = timezone.localdate() - datetime.timedelta(days=10)
    listing.save(update_fields=["assured_date"])
    assert "Not confirmed in 90 days" not in client_for(partner).get(URL).content.decode()


def test_another_partners_staff_get_404(partner2, listing):
    assert client_for(partner2).get(URL).status_code == 404


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider"])
def test_intake_staff_get_404(request, persona, listing):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 404


def test_it_only_answers_get(partner, listing):
    assert client_for(partner).post(URL).status_code == 405
