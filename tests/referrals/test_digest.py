"""A digest instead of one email per event: a person who chose "a digest every N minutes" hears of routine and urgent
case events (a new referral, an answer, a decline, no answer in time) in one email once the oldest has waited N
minutes, sent by the deadline job, once. Emergencies still come at once; so does everything sent to an organization's
intake address. The digest is in the person's language and names no family."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.utils import timezone

from directory.models import Role
from referrals import jobs, notifications, services
from referrals.models import PendingNotice, Routing
from tests.conftest import make_user
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db

SAFETY_ES = "Por la seguridad de la familia"
# What the case holds that must never leave the app by email (log_case's contact, phone and note, and a decline's
# free-text detail).
PERSONAL = ["Rosa", "919", "555", "0143", "Two kids", "call after 6pm", "her brother"]


def choose_digest(user, minutes: int | None) -> None:
    user.notice_digest_minutes = minutes
    user.save(update_fields=["notice_digest_minutes"])


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def nothing_personal() -> None:
    for message in mail.outbox:
        for text in PERSONAL:
            assert text not in message.subject + message.body, (text, message.subject)


@pytest.fixture
def route(volunteer, django_capture_on_commit_callbacks):
    """Log a case (urgent unless told) needing what a service offers and send it there, the emails' tasks run."""

    def route(service, *, urgency="urgent", by=None) -> Routing:
        by = by or volunteer
        codes = (service.category.code,)
        case = log_case(by, service.counties.get(), service.languages.get(), codes, urgency=urgency)
        with django_capture_on_commit_callbacks(execute=True):
            return services.routing_create(user=by, need=case.needs.get(), service=service)

    return route


def run_job(minutes_from_now: float, django_capture_on_commit_callbacks) -> dict:
    with django_capture_on_commit_callbacks(execute=True):
        return jobs.process_deadlines(now=timezone.now() + timedelta(minutes=minutes_from_now))


def test_a_digest_holds_routine_and_urgent_referrals_until_its_time_then_sends_one_email_once(
    partner, partner_org, legal_a, route, django_capture_on_commit_callbacks
):
    choose_digest(partner, 30)
    partner_org.intake_email = "intake@liaison.example"
    partner_org.save(update_fields=["intake_email"])
    urgent = route(legal_a)
    routine = route(legal_a, urgency="routine")

    # The intake address is not a person: it hears of each referral at once. The partner hears nothing yet.
    assert len(sent_to("intake@liaison.example")) == 2
    assert sent_to(partner.email) == []

    # Not before 30 minutes.
    assert run_job(29, django_capture_on_commit_callbacks)["digests"] == 0
    assert sent_to(partner.email) == []

    assert run_job(31, django_capture_on_commit_callbacks)["digests"] == 1
    [digest] = sent_to(partner.email)
    assert digest.subject == "2 case updates since your last digest"
    for routing in (urgent, routine):
        reference = routing.need.referral.reference
        assert reference in digest.body
        assert f"/referrals/{reference}/" in digest.body
    assert "A family needs help from The Hispanic Liaison." in digest.body
    assert "Urgency: Urgent" in digest.body and "Urgency: Routine" in digest.body
    assert "Legal consultation and representation" in digest.body
    assert "Answer needed by" in digest.body
    assert "Emergencies are never held for a digest" in digest.body
    assert "/accounts/notifications/" in digest.body
    nothing_personal()

    # Nothing twice: the next runs send nothing more.
    assert run_job(32, django_capture_on_commit_callbacks)["digests"] == 0
    assert run_job(120, django_capture_on_commit_callbacks)["digests"] == 0
    assert len(sent_to(partner.email)) == 1


def test_the_interval_counts_from_the_oldest_waiting_event(
    partner, legal_a, route, django_capture_on_commit_callbacks
):
    choose_digest(partner, 15)
    first = route(legal_a)
    PendingNotice.objects.filter(routing=first).update(created_at=timezone.now() - timedelta(minutes=16))
    second = route(legal_a)
    # The first has waited 16 minutes, the second none: both go in one email now.
    assert run_job(0, django_capture_on_commit_callbacks)["digests"] == 1
    [digest] = sent_to(partner.email)
    assert first.need.referral.reference in digest.body and second.need.referral.reference in digest.body
    # A later event starts a new wait, and only it is listed in the next digest.
    mail.outbox.clear()
    third = route(legal_a)
    assert run_job(10, django_capture_on_commit_callbacks)["digests"] == 0
    assert run_job(16, django_capture_on_commit_callbacks)["digests"] == 1
    [digest] = sent_to(partner.email)
    assert digest.subject == "1 case update since your last digest"
    assert third.need.referral.reference in digest.body
    assert first.need.referral.reference not in digest.body


def test_an_emergency_comes_at_once_even_to_someone_who_chose_a_digest(
    partner, volunteer, coordinator, legal_a, route, django_capture_on_commit_callbacks
):
    for user in (partner, volunteer, coordinator):
        choose_digest(user, 120)
    routing = route(legal_a, urgency="emergency")
    reference = routing.need.referral.reference
    [new] = sent_to(partner.email)
    assert reference in new.subject and "Emergency" in new.subject

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_decline(user=partner, routing=routing, reason="no_capacity")
    # The hub's coordinator and the volunteer on the case, at once, one email each.
    assert len(sent_to(coordinator.email)) == 1 and len(sent_to(volunteer.email)) == 1
    assert not PendingNotice.objects.exists()
    assert run_job(240, django_capture_on_commit_callbacks)["digests"] == 0
    assert len(mail.outbox) == 2


def test_every_event_is_emailed_at_once_by_default(
    partner, legal_a, route, django_capture_on_commit_callbacks
):
    assert partner.notice_digest_minutes is None
    routing = route(legal_a)
    [new] = sent_to(partner.email)
    assert routing.need.referral.reference in new.subject
    assert not PendingNotice.objects.exists()
    assert run_job(240, django_capture_on_commit_callbacks)["digests"] == 0
    assert len(sent_to(partner.email)) == 1


def test_answers_and_declines_wait_for_the_digest_of_the_volunteer_and_of_each_coordinator(
    partner, volunteer, coordinator, legal_a, food_a, route, django_capture_on_commit_callbacks
):
    choose_digest(volunteer, 60)
    choose_digest(coordinator, 30)
    accepted = route(legal_a)
    declined = route(food_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_accept(user=partner, routing=accepted)
        services.routing_decline(
            user=partner, routing=declined, reason="no_capacity", note="Rosa's case: ask her brother"
        )
    assert mail.outbox == []

    assert run_job(31, django_capture_on_commit_callbacks)["digests"] == 1
    [to_coordinator] = mail.outbox
    assert to_coordinator.to == [coordinator.email]
    assert declined.need.referral.reference in to_coordinator.body
    assert accepted.need.referral.reference not in to_coordinator.body
    assert "The Hispanic Liaison declined this referral. Reason: No capacity right now" in to_coordinator.body
    assert "/referrals/escalations/" in to_coordinator.body

    assert run_job(61, django_capture_on_commit_callbacks)["digests"] == 1
    [to_volunteer] = sent_to(volunteer.email)
    assert "The Hispanic Liaison answered: Accepted" in to_volunteer.body
    assert "The Hispanic Liaison answered: Declined" in to_volunteer.body
    assert to_volunteer.subject == "2 case updates since your last digest"
    assert len(mail.outbox) == 2
    nothing_personal()


def test_a_coordinator_on_the_case_gets_one_notice_per_event_in_the_digest(
    coordinator, durham, spanish, legal_a, partner, django_capture_on_commit_callbacks
):
    choose_digest(coordinator, 15)
    case = log_case(coordinator, durham, spanish, ("legal",))
    services.referral_assign(user=coordinator, referral=case, assignee=coordinator)
    routing = services.routing_create(user=coordinator, need=case.needs.get(), service=legal_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_decline(user=partner, routing=routing, reason="out_of_area")
    # Told as the hub's coordinator, not a second time as the one on the case; a task run twice queues no more.
    notifications.routing_dropped.call(routing.pk)
    assert list(PendingNotice.objects.values_list("recipient_id", "kind")) == [(coordinator.pk, "dropped")]
    assert run_job(16, django_capture_on_commit_callbacks)["digests"] == 1
    [digest] = mail.outbox
    assert digest.body.count(case.reference) == 1


def test_expiry_is_told_in_the_digest(coordinator, legal_a, route, django_capture_on_commit_callbacks):
    choose_digest(coordinator, 60)
    routing = route(legal_a)
    mail.outbox.clear()
    # The run that records the expiry queues the coordinator's notice; their digest goes an hour later.
    with (
        time_machine.travel(routing.deadline + timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert jobs.process_deadlines() == {"expired": 1, "digests": 0}
    assert mail.outbox == []
    with (
        time_machine.travel(routing.deadline + timedelta(minutes=64), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert jobs.process_deadlines()["digests"] == 0
    with (
        time_machine.travel(routing.deadline + timedelta(minutes=66), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert jobs.process_deadlines()["digests"] == 1
    [digest] = mail.outbox
    assert "The Hispanic Liaison did not answer this referral in time." in digest.body
    assert "/referrals/escalations/" in digest.body


def test_the_digest_is_in_the_persons_language(
    hub, volunteer, partner, legal_a, food_a, route, django_capture_on_commit_callbacks
):
    spanish_coordinator = make_user(
        "cora@example.org", hub, Role.COORDINATOR, preferred_language="es", notice_digest_minutes=30
    )
    routing = route(legal_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_decline(
            user=partner, routing=routing, reason="no_capacity", note="Rosa's case: ask her brother"
        )
    assert sent_to(spanish_coordinator.email) == []
    run_job(31, django_capture_on_commit_callbacks)
    [digest] = sent_to(spanish_coordinator.email)
    assert routing.need.referral.reference in digest.body
    assert "The Hispanic Liaison rechazó este caso. Motivo: Sin cupo por ahora" in digest.body
    assert "Consulta y representación legal" in digest.body and "Urgente" in digest.body
    assert SAFETY_ES in digest.body
    nothing_personal()


def test_a_deactivated_person_gets_no_digest(partner, legal_a, route, django_capture_on_commit_callbacks):
    choose_digest(partner, 15)
    route(legal_a)
    partner.is_active = False
    partner.save(update_fields=["is_active"])
    assert run_job(16, django_capture_on_commit_callbacks)["digests"] == 0
    assert mail.outbox == []
    # What waited is dropped: coming back does not bring an old digest.
    partner.is_active = True
    partner.save(update_fields=["is_active"])
    assert run_job(60, django_capture_on_commit_callbacks)["digests"] == 0
    assert mail.outbox == []


def test_someone_moved_to_another_organization_hears_nothing_of_the_old_ones_cases(
    partner, other_partner_org, legal_a, route, django_capture_on_commit_callbacks
):
    choose_digest(partner, 15)
    route(legal_a)
    partner.organization = other_partner_org
    partner.save(update_fields=["organization"])
    run_job(16, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_going_back_to_every_event_sends_what_waited_at_the_next_run(
    partner, legal_a, route, django_capture_on_commit_callbacks
):
    choose_digest(partner, 120)
    routing = route(legal_a)
    choose_digest(partner, None)
    assert run_job(1, django_capture_on_commit_callbacks)["digests"] == 1
    [digest] = sent_to(partner.email)
    assert routing.need.referral.reference in digest.body


def test_sent_notices_are_deleted_after_a_week(partner, legal_a, route, django_capture_on_commit_callbacks):
    choose_digest(partner, 15)
    route(legal_a)
    run_job(16, django_capture_on_commit_callbacks)
    assert PendingNotice.objects.filter(sent_at__isnull=False).count() == 1
    jobs.purge_expired(now=timezone.now() + timedelta(days=6))
    assert PendingNotice.objects.count() == 1
    jobs.purge_expired(now=timezone.now() + timedelta(days=8))
    assert not PendingNotice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_digest(hub, partner_org, durham, spanish):
    """Two schedulers run the job at the same moment: each notice is claimed by one of them, so one email goes."""
    volunteer = make_user("v2@example.org", hub, Role.VOLUNTEER)
    partner = make_user("p2@example.org", partner_org, Role.PARTNER, notice_digest_minutes=15)
    service = make_service(partner_org, "legal", [durham])
    for _ in range(3):
        case = log_case(volunteer, durham, spanish)
        services.routing_create(user=volunteer, need=case.needs.get(), service=service)
    assert PendingNotice.objects.count() == 3
    later = timezone.now() + timedelta(minutes=16)

    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run():
        try:
            barrier.wait()
            counts.append(jobs.send_notice_digests(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(counts) == [0, 1]
    [digest] = [message for message in mail.outbox if message.to == [partner.email]]
    assert digest.subject == "3 case updates since your last digest"


def test_a_volunteer_made_partner_staff_of_an_organization_on_the_case_hears_only_of_its_own_routings(
    partner, partner2, volunteer, legal_a, food_a, route, django_capture_on_commit_callbacks
):
    """The case stays open to them through their new organization's routing; the other organization's decline
    does not (a partner sees only its own routings)."""
    choose_digest(volunteer, 60)
    declined = route(legal_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.routing_decline(user=partner, routing=declined, reason="no_capacity")
    referral = declined.need.referral
    # The case's food need goes to El Refugio, where the volunteer now works.
    food = make_service(partner2.organization, "basic-needs", [referral.county])
    services.routing_create(
        user=volunteer,
        need=services.Need.objects.create(referral=referral, category=food.category),
        service=food,
    )
    volunteer.role, volunteer.organization = Role.PARTNER, partner2.organization
    volunteer.save(update_fields=["role", "organization"])
    mail.outbox.clear()
    run_job(61, django_capture_on_commit_callbacks)
    assert sent_to(volunteer.email) == []
