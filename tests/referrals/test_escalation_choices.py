"""Escalations that let a coordinator decide: each row says what happened, how urgent it is and how long it has
waited, and names the next suggestion with its reasons; when no other organization takes the need in the county,
it says so and offers what remains (another county's or a statewide service, a phone referral, closing the need as
unmet). Coordinators can also send a need outside the suggestions, with a reason kept on the timeline."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from directory.models import County, CoverageState, Organization, Phone, ServiceStatus
from referrals import services
from referrals.models import EventKind, NeedStatus, Routing
from tests.conftest import client_for
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def orange(db):
    return County.objects.get(name="Orange")


@pytest.fixture
def declined(volunteer, partner, durham, spanish, legal_a):
    """An urgent legal need that the only legal partner in Durham declined."""
    case = log_case(volunteer, durham, spanish, ("legal",))
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    services.routing_decline(user=partner, routing=routing, reason="no_capacity", note="Back on Monday")
    return case


def escalations(user) -> str:
    response = client_for(user).get("/referrals/escalations/")
    assert response.status_code == 200
    return response.content.decode()


def row_of(body: str, case) -> str:
    start = body.index(f">{case.reference}<")
    return body[start : body.index("</li>", body.index("Close as unmet", start))]


def test_a_declined_row_names_the_next_suggestion_with_its_reasons(declined, coordinator, legal_b):
    row = row_of(escalations(coordinator), declined)
    assert "Urgent" in row and "waiting" in row
    assert "declined · No capacity right now" in row and "Back on Monday" in row
    assert "Next suggestion:" in row and "El Refugio" in row and "serves Durham" in row
    assert "Re-send to El Refugio" in row
    client_for(coordinator).post(
        f"/referrals/{declined.reference}/needs/{declined.needs.get().pk}/reroute/",
        {"service": legal_b.pk, "next": "escalations"},
    )
    assert Routing.objects.get(status="pending").service == legal_b
    assert declined.reference not in escalations(coordinator)


def test_an_expired_row_says_nobody_answered_in_time(
    volunteer, coordinator, durham, spanish, legal_a, legal_b
):
    case = log_case(volunteer, durham, spanish, ("legal",), urgency="emergency")
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    later = routing.deadline + timedelta(minutes=5)
    services.routing_expire(routing=routing, now=later)
    with time_machine.travel(later, tick=False):
        row = row_of(escalations(coordinator), case)
    assert "Emergency" in row and "no answer in time" in row and "Re-send to El Refugio" in row


def test_an_overdue_row_is_there_before_the_job_runs(
    volunteer, coordinator, durham, spanish, legal_a, legal_b
):
    case = log_case(volunteer, durham, spanish, ("legal",))
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    with time_machine.travel(routing.deadline + timedelta(minutes=5), tick=False):
        row = row_of(escalations(coordinator), case)
    assert "overdue (no answer by" in row and "Re-send to El Refugio" in row


def test_with_no_other_organization_the_row_offers_what_remains_and_no_dead_end(declined, coordinator):
    row = row_of(escalations(coordinator), declined)
    assert "No other organization takes this need in this county." in row
    assert "Re-send" not in row and "Next suggestion" not in row
    assert f"/referrals/{declined.reference}/needs/{declined.needs.get().pk}/elsewhere/" in row
    assert "Close as unmet" in row


def test_the_next_suggestion_may_be_a_phone_referral(declined, coordinator, durham):
    fund = Organization.objects.create(slug="bond", name="Durham Bond Fund", is_partner=True)
    Phone.objects.create(organization=fund, number="+19195550188")
    service = make_service(fund, "legal", [durham])
    row = row_of(escalations(coordinator), declined)
    assert "Durham Bond Fund" in row and "919-555-0188" in row and "I called: referred by phone" in row
    client_for(coordinator).post(
        f"/referrals/{declined.reference}/needs/{declined.needs.get().pk}/reroute/",
        {"service": service.pk, "by_phone": "1", "next": "escalations"},
    )
    routing = Routing.objects.get(status="pending")
    assert routing.organization == fund and routing.by_phone


def unmet_url(case) -> str:
    return f"/referrals/{case.reference}/needs/{case.needs.get().pk}/unmet/"


def test_closing_as_unmet_needs_a_reason_and_is_recorded(declined, coordinator, partner):
    client = client_for(coordinator)
    response = client.post(unmet_url(declined), {"reason": "  "}, follow=True)
    assert "Say why the need could not be met." in response.content.decode()
    assert declined.needs.get().status == NeedStatus.OPEN

    client.post(unmet_url(declined), {"reason": "No bond fund has money this month", "next": "escalations"})
    need = declined.needs.get()
    assert need.status == NeedStatus.NOT_HELPED
    event = declined.events.get(kind=EventKind.NEED_UNMET)
    assert event.detail == "No bond fund has money this month" and event.actor == coordinator
    assert declined.reference not in escalations(coordinator)
    # The hub reads why on the timeline; the partner that declined reads neither the event nor the reason.
    timeline = client.get(declined.get_absolute_url()).content.decode()
    assert "Need closed as unmet" in timeline and "Why: No bond fund has money this month" in timeline
    partner_view = client_for(partner).get(declined.get_absolute_url()).content.decode()
    assert "Need closed as unmet" not in partner_view and "No bond fund has money" not in partner_view


@pytest.mark.parametrize(
    ("persona", "status"), [("volunteer", 403), ("partner", 403), ("outsider", 404), ("network_admin", 404)]
)
def test_only_a_coordinator_of_the_hub_closes_a_need_as_unmet(request, declined, persona, status):
    response = client_for(request.getfixturevalue(persona)).post(unmet_url(declined), {"reason": "none left"})
    assert response.status_code == status
    assert declined.needs.get().status == NeedStatus.OPEN


def elsewhere_url(case, suffix="") -> str:
    return f"/referrals/{case.reference}/needs/{case.needs.get().pk}/elsewhere/{suffix}"


@pytest.fixture
def orange_fund(orange, partner2):
    return make_service(partner2.organization, "legal", [orange])


@pytest.fixture
def statewide_fund(partner2):
    return make_service(partner2.organization, "basic-needs", [], statewide=True)


def test_the_search_finds_a_neighbouring_county_and_a_statewide_service(
    declined, coordinator, orange, orange_fund, statewide_fund
):
    client = client_for(coordinator)
    # By default: the need's kind of help, in any county.
    body = client.get(elsewhere_url(declined)).content.decode()
    assert orange_fund.name in body and statewide_fund.name not in body
    body = client.get(elsewhere_url(declined), {"category": ""}).content.decode()
    assert orange_fund.name in body and statewide_fund.name in body
    body = client.get(elsewhere_url(declined), {"county": orange.pk, "category": ""}).content.decode()
    assert (
        orange_fund.name in body and statewide_fund.name in body and "The Hispanic Liaison legal" not in body
    )
    body = client.get(elsewhere_url(declined), {"q": "hispanic", "category": ""}).content.decode()
    assert orange_fund.name not in body and "The Hispanic Liaison legal" in body


def test_sending_outside_the_suggestions_needs_a_reason_kept_on_the_timeline(
    declined, coordinator, orange_fund, statewide_fund
):
    client = client_for(coordinator)
    response = client.post(elsewhere_url(declined, "send/"), {"service": orange_fund.pk}, follow=True)
    assert "Say why you are sending it outside the suggestions." in response.content.decode()
    assert not Routing.objects.filter(status="pending").exists()

    # Another kind of help is allowed here: a coordinator's choice, with a reason.
    client.post(
        elsewhere_url(declined, "send/"),
        {"service": statewide_fund.pk, "reason": "Statewide fund pays bonds"},
    )
    routing = Routing.objects.get(status="pending")
    assert routing.service == statewide_fund
    assert declined.events.get(kind=EventKind.ROUTED, routing=routing).detail == "Statewide fund pays bonds"


def test_an_inactive_service_cannot_be_chosen(declined, coordinator, orange_fund):
    orange_fund.status = ServiceStatus.INACTIVE
    orange_fund.save()
    assert orange_fund.name not in client_for(coordinator).get(elsewhere_url(declined)).content.decode()
    client_for(coordinator).post(elsewhere_url(declined, "send/"), {"service": orange_fund.pk, "reason": "x"})
    assert not Routing.objects.filter(status="pending").exists()
    with pytest.raises(ValidationError):
        services.routing_create(
            user=coordinator,
            need=declined.needs.get(),
            service=orange_fund,
            reason="x",
            outside_suggestions=True,
        )


@pytest.mark.parametrize(
    ("persona", "status"), [("volunteer", 403), ("partner", 403), ("outsider", 404), ("network_admin", 404)]
)
def test_only_a_coordinator_of_the_hub_sends_outside_the_suggestions(
    request, declined, orange_fund, persona, status
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(elsewhere_url(declined)).status_code == status
    response = client.post(elsewhere_url(declined, "send/"), {"service": orange_fund.pk, "reason": "x"})
    assert response.status_code == status
    assert not Routing.objects.filter(status="pending").exists()


def test_the_volunteer_is_pointed_to_a_coordinator_when_nothing_is_left(volunteer, durham, spanish):
    case = log_case(volunteer, durham, spanish, ("mental-health",))
    body = client_for(volunteer).get(case.get_absolute_url()).content.decode()
    assert "No other organization in the directory takes this need in this county right now." in body
    assert "Ask a coordinator" in body and "Close as unmet" not in body


def test_a_need_nobody_sent_within_30_minutes_is_an_escalation(
    volunteer, coordinator, durham, spanish, legal_a
):
    case = log_case(volunteer, durham, spanish, ("legal", "mental-health"))
    # Nobody offers mental health in Durham; the legal need has a suggestion but nobody sent it either.
    assert case.reference not in escalations(coordinator)
    with time_machine.travel(case.created_at + timedelta(minutes=31), tick=False):
        body = escalations(coordinator)
        assert body.count("not sent to any organization since it was logged") == 2
        assert "Re-send to The Hispanic Liaison" in body
        assert "No other organization takes this need in this county." in body
        # Sent meanwhile: no longer the coordinators' to decide.
        services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
        assert escalations(coordinator).count("not sent to any organization") == 1


def test_once_declined_a_volunteer_leaves_the_next_step_to_a_coordinator(
    declined, volunteer, coordinator, legal_b
):
    need = declined.needs.get()
    body = client_for(volunteer).get(declined.get_absolute_url()).content.decode()
    assert "a coordinator decides where it goes next" in body and "Send to El Refugio" not in body
    response = client_for(volunteer).post(
        f"/referrals/{declined.reference}/needs/{need.pk}/route/", {"service": legal_b.pk}
    )
    assert response.status_code == 403
    assert not Routing.objects.filter(status="pending").exists()
    # The coordinator may, from the case page as from the escalations.
    assert "Send to El Refugio" in client_for(coordinator).get(declined.get_absolute_url()).content.decode()
    client_for(coordinator).post(
        f"/referrals/{declined.reference}/needs/{need.pk}/route/", {"service": legal_b.pk}
    )
    assert Routing.objects.get(status="pending").service == legal_b


def test_an_overdue_need_is_not_expired_by_a_volunteer_who_may_not_re_send(
    volunteer, durham, spanish, legal_a, legal_b
):
    case = log_case(volunteer, durham, spanish, ("legal",))
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    with time_machine.travel(routing.deadline + timedelta(minutes=5), tick=False):
        response = client_for(volunteer).post(
            f"/referrals/{case.reference}/needs/{case.needs.get().pk}/route/", {"service": legal_b.pk}
        )
    assert response.status_code == 403
    routing.refresh_from_db()
    assert routing.status == "pending"


def test_closing_as_unmet_is_refused_once_an_organization_took_it_meanwhile(
    declined, coordinator, legal_b, partner2
):
    need = declined.needs.get()
    routing = services.routing_create(user=coordinator, need=need, service=legal_b)
    services.routing_accept(user=partner2, routing=routing)
    response = client_for(coordinator).post(unmet_url(declined), {"reason": "stale tab"}, follow=True)
    assert "changed while you were looking at it" in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "accepted" and need.status == NeedStatus.OPEN


def test_the_search_reads_the_approved_coverage_not_a_widening_waiting_for_review(
    declined, coordinator, orange, orange_fund
):
    """A partner that widens its service to the whole state is not offered statewide until an admin approves it;
    a service never approved is not offered at all."""
    orange_fund.is_statewide = True
    orange_fund.coverage_state = CoverageState.PENDING
    orange_fund.approved_category = orange_fund.category
    orange_fund.approved_is_statewide = False
    orange_fund.save()
    orange_fund.approved_counties.set([orange])
    never_approved = make_service(orange_fund.organization, "legal", [], statewide=True)
    never_approved.name = "Brand new statewide clinic"
    never_approved.coverage_state = CoverageState.PENDING
    never_approved.save()

    client = client_for(coordinator)
    durham = declined.county
    body = client.get(elsewhere_url(declined), {"county": durham.pk}).content.decode()
    assert orange_fund.name not in body and never_approved.name not in body
    body = client.get(elsewhere_url(declined), {"county": orange.pk}).content.decode()
    assert orange_fund.name in body and "serves the whole state" not in body
    assert never_approved.name not in client.get(elsewhere_url(declined)).content.decode()
    client.post(elsewhere_url(declined, "send/"), {"service": never_approved.pk, "reason": "x"})
    assert not Routing.objects.filter(status="pending").exists()
