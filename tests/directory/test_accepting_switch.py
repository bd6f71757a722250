"""The partner queue's one-tap "we're full tonight" / "taking referrals again" switch: it changes only whether the
service takes referrals, does not mark the listing as confirmed, and is written to the service's history."""

import pytest

from directory.models import Service, ServiceChange
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

QUEUE = "/referrals/queue/"


def url(service: Service) -> str:
    return f"/manage/services/{service.pk}/accepting/"


def snapshot(service: Service) -> dict:
    values = Service.objects.filter(pk=service.pk).values().get()
    values.pop("accepting_referrals")
    return values


def test_the_queue_offers_the_switch_for_each_own_service(partner, service, other_partner_org):
    Service.objects.create(
        organization=other_partner_org, category=service.category, name="Someone else's clinic"
    )

    page = client_for(partner).get(QUEUE).content.decode()

    assert "Legal clinic" in page and "We're full tonight" in page
    assert url(service) in page
    assert "Someone else&#x27;s clinic" not in page


def test_full_tonight_flips_only_accepting_and_keeps_the_listing_date(partner, partner_org, service):
    before = snapshot(service)
    assured = partner_org.assured_date

    response = client_for(partner).post(url(service), {"accepting": "0", "next": QUEUE})

    assert response.status_code == 302 and response.url == QUEUE
    service.refresh_from_db()
    partner_org.refresh_from_db()
    assert service.accepting_referrals is False
    assert snapshot(service) == before  # nothing else changed, not even updated_at
    assert partner_org.assured_date == assured
    change = ServiceChange.objects.get(service=service)
    assert change.actor == partner
    assert change.changes == {"accepting_referrals": [True, False]}
    page = client_for(partner).get(QUEUE).content.decode()
    assert "Taking referrals again" in page


def test_taking_referrals_again(partner, service):
    Service.objects.filter(pk=service.pk).update(accepting_referrals=False)

    client_for(partner).post(url(service), {"accepting": "1", "next": QUEUE})

    service.refresh_from_db()
    assert service.accepting_referrals is True
    assert ServiceChange.objects.get(service=service).changes == {"accepting_referrals": [False, True]}


def test_pressing_it_twice_writes_one_history_row(partner, service):
    client = client_for(partner)
    client.post(url(service), {"accepting": "0"})
    client.post(url(service), {"accepting": "0"})

    assert ServiceChange.objects.filter(service=service).count() == 1


def test_it_does_not_redirect_off_site(partner, service):
    response = client_for(partner).post(url(service), {"accepting": "0", "next": "https://evil.example/"})

    assert response.status_code == 302 and "evil.example" not in response.url


def test_another_organizations_service_is_not_found(partner2, service):
    response = client_for(partner2).post(url(service), {"accepting": "0"})

    assert response.status_code == 404
    service.refresh_from_db()
    assert service.accepting_referrals is True
    assert not ServiceChange.objects.exists()


def test_it_takes_only_post(partner, service):
    assert client_for(partner).get(url(service)).status_code == 405
    service.refresh_from_db()
    assert service.accepting_referrals is True


@pytest.mark.parametrize("persona", ["volunteer", "coordinator"])
def test_hub_staff_cannot_use_it(request, persona, service):
    response = client_for(request.getfixturevalue(persona)).post(url(service), {"accepting": "0"})

    assert response.status_code in (403, 404)
    service.refresh_from_db()
    assert service.accepting_referrals is True
    assert not ServiceChange.objects.exists()
