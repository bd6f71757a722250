"""Overdue is computed on read: the moment a pending routing's deadline passes, every page shows it overdue and the
coordinator can re-send it, whether or not the deadline job (process_deadlines) has run. None of these tests runs it.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.formats import date_format

from referrals import jobs, services
from referrals.models import Routing
from tests.conftest import client_for
from tests.referrals.conftest import next_service

pytestmark = pytest.mark.django_db

OVERDUE = "Overdue"
ASK_THE_HUB = "The time to answer has passed. Ask the hub to re-send it."
WAITING = "Waiting for an answer"


@pytest.fixture
def routing(routed_case, volunteer) -> Routing:
    """The legal need's routing to partner_org, pending, due in 24 hours (an urgent case). The case's food need is
    withdrawn, so that the legal need is the only one escalations could list (an unsent need is listed too)."""
    services.need_withdraw(user=volunteer, need=routed_case.needs.get(category__code="basic-needs"))
    return Routing.objects.get(need__referral=routed_case, need__category__code="legal")


@pytest.fixture
def past_deadline(routing):
    """The clock an hour past the routing's deadline; the deadline job has not run."""
    with time_machine.travel(routing.deadline + timedelta(hours=1), tick=False):
        yield


def page(user, path: str) -> str:
    response = client_for(user).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_before_the_deadline_nothing_is_overdue(routing, partner, coordinator):
    """The other tests' contrast: the same pages, an hour before the deadline."""
    with time_machine.travel(routing.deadline - timedelta(hours=1), tick=False):
        case_page = page(partner, routing.need.referral.get_absolute_url())
        assert WAITING in case_page and ">Accept<" in case_page and OVERDUE not in case_page
        assert OVERDUE not in page(partner, "/referrals/queue/")
        assert routing.need.referral.reference not in page(coordinator, "/referrals/escalations/")


def test_the_partner_sees_it_overdue_with_no_accept_button(routing, partner, past_deadline):
    case_page = page(partner, routing.need.referral.get_absolute_url())
    assert OVERDUE in case_page and ASK_THE_HUB in case_page
    assert WAITING not in case_page
    assert ">Accept<" not in case_page and ">Decline<" not in case_page
    # And the answer itself is refused (the button being gone is not the guard).
    client_for(partner).post(f"/referrals/{routing.need.referral.reference}/routings/{routing.pk}/accept/")
    assert Routing.objects.get(pk=routing.pk).status == "pending"


@pytest.mark.parametrize("path", ["/referrals/queue/", "/"])
def test_the_partner_queue_and_my_work_show_it_overdue(routing, partner, past_deadline, path):
    body = page(partner, path)
    assert routing.need.referral.reference in body
    assert OVERDUE in body and ASK_THE_HUB in body and WAITING not in body


def test_the_hub_sees_it_overdue_on_the_case_page_and_its_case_rows(routing, volunteer, past_deadline):
    case_page = page(volunteer, routing.need.referral.get_absolute_url())
    assert OVERDUE in case_page and WAITING not in case_page
    # My work's open cases: the need's latest routing, in words.
    assert "(overdue)" in re.sub(r"<[^>]+>", "", page(volunteer, "/"))


@pytest.mark.parametrize("path", ["/referrals/escalations/", "/"])
def test_it_is_an_escalation_at_once(routing, coordinator, past_deadline, path):
    body = page(coordinator, path)
    assert routing.need.referral.reference in body
    deadline = date_format(timezone.localtime(routing.deadline), "SHORT_DATETIME_FORMAT")
    assert f"overdue (no answer by {deadline})" in body


def test_an_accepted_routing_past_its_deadline_is_not_an_escalation(routing, partner, coordinator):
    services.routing_accept(user=partner, routing=routing)
    with time_machine.travel(routing.deadline + timedelta(hours=1), tick=False):
        body = page(coordinator, "/referrals/escalations/")
        assert routing.need.referral.reference not in body
        assert OVERDUE not in page(partner, routing.need.referral.get_absolute_url())


def test_re_send_from_escalations_expires_it_once_and_sends_it_on(
    routing, coordinator, other_partner_org, past_deadline
):
    referral = routing.need.referral
    response = client_for(coordinator).post(
        f"/referrals/{referral.reference}/needs/{routing.need.pk}/reroute/",
        {"next": "escalations", "service": next_service(routing)},
    )
    assert response.status_code == 302
    routing.refresh_from_db()
    assert routing.status == "expired"
    new = Routing.objects.get(need=routing.need, status="pending")
    assert new.organization == other_partner_org
    assert referral.events.filter(kind="expired").count() == 1
    assert referral.reference not in page(coordinator, "/referrals/escalations/")
    # The deadline job coming later finds nothing left to expire.
    assert jobs.expire_overdue_routings() == 0
    assert referral.events.filter(kind="expired").count() == 1
