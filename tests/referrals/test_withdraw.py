"""Taking things back: a need the family no longer needs, a routing sent to the wrong place, the family's consent."""

import pytest

from referrals.models import Need, Routing
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def legal_need(case) -> Need:
    return case.needs.get(category__code="legal")


def need_url(case) -> str:
    return f"/referrals/{case.reference}/needs/{legal_need(case).pk}/withdraw/"


def routing_url(case) -> str:
    return f"/referrals/{case.reference}/routings/{Routing.objects.get(need__referral=case).pk}/withdraw/"


def consent_url(case) -> str:
    return f"/referrals/{case.reference}/consent/withdraw/"


# Withdrawing a need


def test_withdrawing_a_need_ends_it_and_its_live_routing(routed_case, volunteer):
    response = client_for(volunteer).post(need_url(routed_case))
    assert response.status_code == 302
    assert legal_need(routed_case).status == "withdrawn"
    assert Routing.objects.get().status == "withdrawn"
    assert routed_case.events.filter(kind="need_withdrawn", actor=volunteer).exists()


def test_withdrawing_a_need_requires_post(routed_case, volunteer):
    assert client_for(volunteer).get(need_url(routed_case)).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner2", 404), ("partner", 403)])
def test_only_hub_staff_on_the_case_withdraw_a_need(request, routed_case, persona, status):
    assert client_for(request.getfixturevalue(persona)).post(need_url(routed_case)).status_code == status
    assert legal_need(routed_case).status == "open"
    assert Routing.objects.get().status == "pending"


# Withdrawing a routing


def test_withdrawing_a_routing_frees_the_need_to_be_sent_elsewhere(routed_case, coordinator, legal_b):
    client = client_for(coordinator)
    response = client.post(routing_url(routed_case))
    assert response.status_code == 302
    assert Routing.objects.get().status == "withdrawn"
    assert legal_need(routed_case).status == "open"
    # The need can go to the other legal service now.
    client.post(
        f"/referrals/{routed_case.reference}/needs/{legal_need(routed_case).pk}/route/",
        {"service": legal_b.pk},
    )
    assert Routing.objects.filter(status="pending", organization=legal_b.organization).exists()


def test_withdrawing_a_routing_requires_post(routed_case, volunteer):
    assert client_for(volunteer).get(routing_url(routed_case)).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner2", 404), ("partner", 403)])
def test_only_hub_staff_on_the_case_withdraw_a_routing(request, routed_case, persona, status):
    assert client_for(request.getfixturevalue(persona)).post(routing_url(routed_case)).status_code == status
    assert Routing.objects.get().status == "pending"


# Withdrawing consent


def test_withdrawing_consent_hides_contact_details_from_partners_at_once(routed_case, partner, volunteer):
    client = client_for(volunteer)
    assert "Rosa M." in client_for(partner).get(routed_case.get_absolute_url()).content.decode()
    response = client.post(consent_url(routed_case))
    assert response.status_code == 302
    body = client_for(partner).get(routed_case.get_absolute_url()).content.decode()
    assert "Rosa M." not in body and "919-555-0143" not in body
    assert routed_case.events.filter(kind="consent_withdrawn", actor=volunteer).exists()
    # The hub still sees them: it is their case.
    assert "Rosa M." in client.get(routed_case.get_absolute_url()).content.decode()


def test_withdrawing_consent_twice_says_nothing_was_left_to_withdraw(routed_case, volunteer):
    client = client_for(volunteer)
    client.post(consent_url(routed_case))
    response = client.post(consent_url(routed_case), follow=True)
    assert "This referral changed" in response.content.decode()
    assert routed_case.events.filter(kind="consent_withdrawn").count() == 1


def test_withdrawing_consent_requires_post(routed_case, volunteer):
    assert client_for(volunteer).get(consent_url(routed_case)).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner2", 404), ("partner", 403)])
def test_only_hub_staff_on_the_case_withdraw_consent(request, routed_case, persona, status):
    assert client_for(request.getfixturevalue(persona)).post(consent_url(routed_case)).status_code == status
    assert not routed_case.consents.filter(revoked_at__isnull=False).exists()
