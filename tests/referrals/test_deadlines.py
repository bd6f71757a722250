from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from referrals import jobs, services
from referrals.models import Routing
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db


def test_deadlines_follow_urgency_and_the_services_promise(volunteer, durham, spanish, legal_a):
    now = timezone.now()
    assert services.response_deadline(urgency="emergency", service=None, now=now) == now + timedelta(hours=4)
    assert services.response_deadline(urgency="urgent", service=None, now=now) == now + timedelta(hours=24)
    assert services.response_deadline(urgency="routine", service=None, now=now) == now + timedelta(hours=72)
    legal_a.response_hours = 12
    assert services.response_deadline(urgency="urgent", service=legal_a, now=now) == now + timedelta(hours=12)
    assert services.response_deadline(urgency="emergency", service=legal_a, now=now) == now + timedelta(
        hours=4
    )


def test_processing_expires_exactly_the_routings_past_their_deadline(
    volunteer, partner, durham, spanish, legal_a
):
    start = timezone.now()
    cases = [
        log_case(volunteer, durham, spanish, urgency=urgency)
        for urgency in ["emergency", "urgent", "routine"]
    ]
    routings = [
        services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a, now=start)
        for case in cases
    ]
    answered = log_case(volunteer, durham, spanish, urgency="emergency")
    accepted = services.routing_create(user=volunteer, need=answered.needs.get(), service=legal_a, now=start)
    services.routing_accept(user=partner, routing=accepted)

    counts = jobs.process_deadlines(now=start + timedelta(hours=25))
    assert counts["expired"] == 2
    statuses = {
        r.need.referral.urgency: r.status for r in Routing.objects.filter(pk__in=[r.pk for r in routings])
    }
    assert statuses == {"emergency": "expired", "urgent": "expired", "routine": "pending"}
    accepted.refresh_from_db()
    assert accepted.status == "accepted"
    # Running it again changes nothing.
    assert jobs.process_deadlines(now=start + timedelta(hours=25))["expired"] == 0
    assert cases[0].events.filter(kind="expired").count() == 1


def test_an_expired_need_shows_in_escalations(volunteer, coordinator, durham, spanish, legal_a):
    from tests.conftest import client_for

    case = log_case(volunteer, durham, spanish, urgency="emergency")
    services.routing_create(
        user=volunteer, need=case.needs.get(), service=legal_a, now=timezone.now() - timedelta(hours=5)
    )
    call_command("process_deadlines")
    assert case.reference in client_for(coordinator).get("/referrals/escalations/").content.decode()


def test_follow_up_reminders_go_out_once_a_day_without_personal_data(
    volunteer, durham, spanish, django_capture_on_commit_callbacks
):
    case = log_case(volunteer, durham, spanish)
    services.follow_up_add(
        user=volunteer,
        referral=case,
        due_date=timezone.localdate(),
        assigned_to=volunteer,
        note="Ask about Rosa's lawyer",
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_reminders()
        jobs.send_reminders()
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].body
    assert "Rosa" not in mail.outbox[0].body


def test_the_command_can_hand_the_work_to_the_tasks_framework(volunteer, durham, spanish, legal_a, capsys):
    case = log_case(volunteer, durham, spanish, urgency="emergency")
    services.routing_create(
        user=volunteer, need=case.needs.get(), service=legal_a, now=timezone.now() - timedelta(hours=5)
    )
    call_command("process_deadlines", "--enqueue")
    assert "Queued" in capsys.readouterr().out
    assert Routing.objects.get().status == "expired"


def test_a_pending_referral_past_its_deadline_shows_no_contact_and_cannot_be_accepted(
    case, volunteer, partner, legal_a
):
    """Overdue at once, before process_deadlines marks it expired: the partner's time to answer has passed."""
    from tests.conftest import client_for

    routing = services.routing_create(
        user=volunteer,
        need=case.needs.get(category__code="legal"),
        service=legal_a,
        now=timezone.now() - timedelta(hours=30),
    )
    client = client_for(partner)
    assert "Rosa M." not in client.get(case.get_absolute_url()).content.decode()
    response = client.post(f"/referrals/{case.reference}/routings/{routing.pk}/accept/", follow=True)
    assert "The time to answer this referral has passed" in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "pending"
