"""Capacity: a service with no places free is labelled full, ranked last, and sent to only with a reason that the
hub (not the partner) reads on the timeline."""

import pytest

from referrals import services
from referrals.models import ReferralEvent, Routing
from referrals.suggestions import suggestions_for
from tests.conftest import client_for, make_org
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db


def route_url(case, need) -> str:
    return f"/referrals/{case.reference}/needs/{need.pk}/route/"


def test_a_full_service_ranks_after_every_service_with_places(volunteer, durham, spanish, partner_org):
    # The rule: full goes after every service with places, even a local full one after a statewide one
    # with places (and one that speaks the family's language after one that does not).
    statewide_org = make_org("statewide-legal", "Statewide Legal", partner=True)
    english_org = make_org("english-legal", "English Legal", partner=True)
    local_full = make_service(partner_org, "legal", [durham], available=0)
    statewide_open = make_service(statewide_org, "legal", statewide=True, available=1)
    local_english = make_service(english_org, "legal", [durham], available=1, languages=("en",))
    case = log_case(volunteer, durham, spanish)

    ranked = suggestions_for(case.needs.get())

    assert [s.service for s in ranked] == [local_english, statewide_open, local_full]
    assert [s.is_full for s in ranked] == [False, False, True]
    assert "full: no places free" in ranked[-1].reasons


def test_places_taken_by_open_routings_make_a_service_full(volunteer, durham, spanish, legal_a, legal_b):
    legal_b.capacity_available = 1
    legal_b.save()
    first = log_case(volunteer, durham, spanish)
    client_for(volunteer).post(route_url(first, first.needs.get()), {"service": legal_b.pk})

    # Its one place is taken by the open routing: the next case sees it full.
    second = log_case(volunteer, durham, spanish)
    by_service = {s.service: s for s in suggestions_for(second.needs.get())}
    assert by_service[legal_b].is_full
    assert not by_service[legal_a].is_full


def test_the_case_page_labels_a_full_service_and_asks_for_a_reason(
    volunteer, durham, spanish, legal_a, legal_b
):
    legal_b.capacity_available = 0
    legal_b.save()
    case = log_case(volunteer, durham, spanish)

    page = client_for(volunteer).get(case.get_absolute_url()).content.decode()

    assert "Full</span>" in page
    assert 'name="reason"' in page and "Send anyway" in page
    assert f"Send to {legal_a.organization.name}" in page
    assert f"Send to {legal_b.organization.name}" not in page


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_sending_to_a_full_service_without_a_reason_is_refused_and_writes_nothing(
    volunteer, durham, spanish, legal_b, reason
):
    legal_b.capacity_available = 0
    legal_b.save()
    case = log_case(volunteer, durham, spanish)
    events_before = ReferralEvent.objects.count()

    response = client_for(volunteer).post(
        route_url(case, case.needs.get()), {"service": legal_b.pk, "reason": reason}, follow=True
    )

    page = response.content.decode()
    assert "has no places free" in page or "300 characters" in page
    assert not Routing.objects.exists()
    assert ReferralEvent.objects.count() == events_before


def test_with_a_reason_it_is_sent_and_only_the_hub_reads_the_reason(
    volunteer, coordinator, partner2, durham, spanish, legal_b
):
    legal_b.capacity_available = 0
    legal_b.save()
    case = log_case(volunteer, durham, spanish)
    reason = "Their director said on the phone they will make room"

    client_for(volunteer).post(route_url(case, case.needs.get()), {"service": legal_b.pk, "reason": reason})

    routing = Routing.objects.get()
    assert routing.organization == legal_b.organization
    assert client_for(coordinator).get(case.get_absolute_url()).content.decode().count(reason) == 1
    partner_page = client_for(partner2).get(case.get_absolute_url())
    assert partner_page.status_code == 200
    assert reason not in partner_page.content.decode()


def test_a_service_with_places_needs_no_reason(volunteer, durham, spanish, legal_a):
    case = log_case(volunteer, durham, spanish)

    client_for(volunteer).post(route_url(case, case.needs.get()), {"service": legal_a.pk})

    assert Routing.objects.get().service == legal_a
    assert not ReferralEvent.objects.exclude(detail="").exists()


def test_a_service_not_taking_referrals_is_not_suggested(volunteer, durham, spanish, legal_a, legal_b):
    legal_b.accepting_referrals = False
    legal_b.save()
    case = log_case(volunteer, durham, spanish)

    assert [s.service for s in suggestions_for(case.needs.get())] == [legal_a]


def test_deleting_the_case_data_erases_the_reason(volunteer, coordinator, durham, spanish, legal_b):
    legal_b.capacity_available = 0
    legal_b.save()
    case = log_case(volunteer, durham, spanish)
    services.routing_create(
        user=volunteer, need=case.needs.get(), service=legal_b, reason="Said on the phone they make room"
    )

    client_for(coordinator).post(f"/referrals/{case.reference}/purge/", {"confirm": case.reference})

    assert not ReferralEvent.objects.filter(referral=case).exclude(detail="").exists()
