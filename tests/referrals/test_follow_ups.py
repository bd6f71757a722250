"""Scheduling a follow-up on a case and marking it done: the hub staff who run the case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import FollowUp
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def add_url(case) -> str:
    return f"/referrals/{case.reference}/follow-ups/"


def done_url(case, follow_up) -> str:
    return f"/referrals/{case.reference}/follow-ups/{follow_up.pk}/done/"


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


@pytest.fixture
def follow_up(routed_case, volunteer):
    return services.follow_up_add(
        user=volunteer, referral=routed_case, due_date=timezone.localdate(), assigned_to=volunteer
    )


def test_it_schedules_a_follow_up(routed_case, volunteer, coordinator):
    data = {"due_date": in_days(3), "assigned_to": coordinator.pk, "note": "Ask whether the lawyer called"}
    response = client_for(volunteer).post(add_url(routed_case), data)
    assert response.status_code == 302
    follow_up = FollowUp.objects.get(referral=routed_case)
    assert (follow_up.assigned_to, follow_up.note) == (coordinator, "Ask whether the lawyer called")
    routed_case.refresh_from_db()
    assert routed_case.next_follow_up.isoformat() == in_days(3)
    assert routed_case.events.filter(kind="follow_up", actor=volunteer).exists()


def test_a_follow_up_goes_only_to_staff_of_the_hub(routed_case, volunteer, partner, outsider):
    client = client_for(volunteer)
    for stranger in (partner, outsider):
        client.post(add_url(routed_case), {"due_date": in_days(1), "assigned_to": stranger.pk})
    assert not FollowUp.objects.exists()


def test_it_marks_a_follow_up_done(routed_case, coordinator, follow_up):
    response = client_for(coordinator).post(done_url(routed_case, follow_up))
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    routed_case.refresh_from_db()
    assert routed_case.next_follow_up is None
    assert routed_case.events.filter(kind="follow_up_done", actor=coordinator).exists()


def test_a_follow_up_of_another_case_is_not_found(routed_case, volunteer, durham, spanish, follow_up):
    from tests.referrals.conftest import log_case

    other = log_case(volunteer, durham, spanish)
    assert client_for(volunteer).post(done_url(other, follow_up)).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.done_at is None


def test_both_require_post(routed_case, volunteer, follow_up):
    client = client_for(volunteer)
    assert client.get(add_url(routed_case)).status_code == 405
    assert client.get(done_url(routed_case, follow_up)).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner2", 404), ("partner", 403)])
def test_only_hub_staff_on_the_case_schedule_follow_ups(request, routed_case, volunteer, persona, status):
    """The partner the need was sent to sees the case (403); anyone else does not (404)."""
    client = client_for(request.getfixturevalue(persona))
    response = client.post(add_url(routed_case), {"due_date": in_days(1), "assigned_to": volunteer.pk})
    assert response.status_code == status
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("partner2", 404), ("partner", 403)])
def test_only_hub_staff_on_the_case_mark_follow_ups_done(request, routed_case, follow_up, persona, status):
    response = client_for(request.getfixturevalue(persona)).post(done_url(routed_case, follow_up))
    assert response.status_code == status
    follow_up.refresh_from_db()
    assert follow_up.done_at is None
