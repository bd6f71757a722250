"""Told at once: a decline or an expiry puts a need back in the hub's escalations, so each of the hub's active
coordinators gets exactly one email, in their own language, with nothing that names the family. The top bar counts
what waits: escalations for coordinators, new referrals in the queue for partners."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from directory.models import Role
from referrals import jobs, services
from referrals.models import Routing
from tests.conftest import client_for, make_user
from tests.referrals.conftest import log_case, next_service

pytestmark = pytest.mark.django_db

# What the case holds that must never leave the app by email (log_case's contact, phone and note, and the decline's
# free-text detail).
SAFETY_ES = "Por la seguridad de la familia"
PERSONAL = ["Rosa", "919", "555", "0143", "Two kids", "call after 6pm", "her brother"]


@pytest.fixture
def spanish_coordinator(hub):
    return make_user("cora@example.org", hub, Role.COORDINATOR, display_name="Cora", preferred_language="es")


@pytest.fixture
def coordinators(coordinator, spanish_coordinator, other_hub):
    # A coordinator of another hub and a deactivated one of this hub hear nothing.
    make_user("otra@example.org", other_hub, Role.COORDINATOR)
    make_user("gone@example.org", coordinator.organization, Role.COORDINATOR, is_active=False)
    return [coordinator, spanish_coordinator]


@pytest.fixture
def routing(routed_case) -> Routing:
    """The legal need's routing to partner_org, pending, due in 24 hours (an urgent case)."""
    return Routing.objects.get(need__referral=routed_case, need__category__code="legal")


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def nothing_personal() -> None:
    for message in mail.outbox:
        for text in PERSONAL:
            assert text not in message.subject + message.body, (text, message.subject)


def test_a_decline_tells_each_coordinator_once_in_their_language(
    routing, coordinators, volunteer, partner, django_capture_on_commit_callbacks
):
    coordinator, spanish_coordinator = coordinators
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_decline(
            user=partner, routing=routing, reason="no_capacity", note="Rosa's case: ask her brother"
        )
    reference = routing.need.referral.reference
    [english] = sent_to(coordinator.email)
    [spanish] = sent_to(spanish_coordinator.email)
    assert reference in english.subject and "Declined" in english.subject
    assert "No capacity right now" in english.body and "Urgent" in english.body
    assert "/referrals/escalations/" in english.body
    # In Spanish: the reason, the urgency and the safety line (the new sentences follow once translated).
    assert reference in spanish.subject
    assert "Sin cupo por ahora" in spanish.body and "Urgente" in spanish.body
    assert SAFETY_ES in spanish.body and SAFETY_ES not in english.body
    # The volunteer still hears the answer, once; nobody else does.
    assert len(sent_to(volunteer.email)) == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, spanish_coordinator.email, volunteer.email]
    )
    nothing_personal()


def test_a_coordinator_on_the_case_gets_one_email_not_two(
    coordinator, durham, spanish, legal_a, partner, django_capture_on_commit_callbacks
):
    case = log_case(coordinator, durham, spanish, ("legal",))
    services.referral_assign(user=coordinator, referral=case, assignee=coordinator)
    routing = services.routing_create(user=coordinator, need=case.needs.get(), service=legal_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_decline(user=partner, routing=routing, reason="out_of_area")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_expiry_by_the_job_tells_each_coordinator_once_even_run_twice(
    routing, coordinators, volunteer, django_capture_on_commit_callbacks
):
    coordinator, spanish_coordinator = coordinators
    mail.outbox.clear()
    later = routing.deadline + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.expire_overdue_routings(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.expire_overdue_routings(now=later + timedelta(minutes=5)) == 0
    [english] = sent_to(coordinator.email)
    [spanish] = sent_to(spanish_coordinator.email)
    assert "No answer in time" in english.subject and routing.need.referral.reference in english.subject
    assert "did not answer" in english.body and "/referrals/escalations/" in english.body
    assert SAFETY_ES in spanish.body and "Urgente" in spanish.body and SAFETY_ES not in english.body
    assert len(mail.outbox) == 2
    nothing_personal()


def test_expiring_the_same_routing_again_sends_nothing(
    routing, coordinators, django_capture_on_commit_callbacks
):
    """The job and a re-send racing: each locks the row, only the one that changed it tells the hub."""
    later = routing.deadline + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.routing_expire(routing=routing, now=later) is True
        assert services.routing_expire(routing=routing, now=later) is False
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in coordinators)


def test_re_send_of_an_overdue_routing_then_the_job_tells_once(
    routing, coordinators, other_partner_org, partner2, django_capture_on_commit_callbacks
):
    coordinator, spanish_coordinator = coordinators
    referral = routing.need.referral
    mail.outbox.clear()
    with time_machine.travel(routing.deadline + timedelta(hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(coordinator).post(
                f"/referrals/{referral.reference}/needs/{routing.need.pk}/reroute/",
                {"next": "escalations", "service": next_service(routing)},
            )
            assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.expire_overdue_routings() == 0
    assert len(sent_to(coordinator.email)) == 1
    assert len(sent_to(spanish_coordinator.email)) == 1
    # The new routing's partner is told of it, as of every new routing.
    [new] = sent_to(partner2.email)
    assert referral.reference in new.subject


def badge(user) -> str | None:
    """The screen-reader text of the person's top-bar badges, or None when they have none."""
    body = client_for(user).get("/").content.decode()
    found = re.findall(
        r'href="([^"]+)">[^<]*<span class="badge[^>]*>(\d+)</span><span class="visually-hidden">, ([^<]+)</span>',
        body,
    )
    return found or None


def test_badges_count_what_waits_for_each_role(
    volunteer, coordinator, partner, partner2, outsider, durham, spanish, legal_a, legal_b, food_a
):
    waiting = log_case(volunteer, durham, spanish, ("legal", "basic-needs"))
    declined = services.routing_create(
        user=volunteer, need=waiting.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_create(
        user=volunteer, need=waiting.needs.get(category__code="basic-needs"), service=food_a
    )
    services.routing_decline(user=partner, routing=declined, reason="no_capacity")
    other = log_case(volunteer, durham, spanish, ("legal",))
    overdue = services.routing_create(user=volunteer, need=other.needs.get(), service=legal_a)
    third = log_case(volunteer, durham, spanish, ("legal",))
    services.routing_create(user=volunteer, need=third.needs.get(), service=legal_b)

    # Coordinator: the declined need. Partner: the food referral and the one due later. The other partner: its own.
    assert badge(coordinator) == [("/referrals/escalations/", "1", "1 waiting")]
    assert badge(partner) == [("/referrals/queue/", "2", "2 waiting")]
    assert badge(partner2) == [("/referrals/queue/", "1", "1 waiting")]
    assert badge(volunteer) is None
    assert badge(outsider) is None

    # Past the deadlines (all were sent at once, urgent), job not run: all four needs wait for the hub, none is
    # left for the partners to answer.
    with time_machine.travel(overdue.deadline + timedelta(minutes=1), tick=False):
        assert badge(coordinator) == [("/referrals/escalations/", "4", "4 waiting")]
        assert badge(partner) is None
