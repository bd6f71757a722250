"""The schedule of the jobs (referrals.jobs.JOBS): when each is due, run_schedule running what is due, and /healthz
naming a job that stopped."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from referrals import jobs, services
from referrals.models import JobRun, Referral, ReferralStatus
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db

JOB = {job.name: job for job in jobs.JOBS}


def local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def test_the_deadline_job_is_due_every_5_minutes():
    job = JOB["process_deadlines"]
    now = local("2026-03-02 10:00")
    assert job.is_due(None, now)
    assert not job.is_due(now - timedelta(minutes=4), now)
    assert job.is_due(now - timedelta(minutes=5), now)


def test_reminders_are_due_once_a_day_from_8_in_the_morning():
    job = JOB["send_reminders"]
    yesterday_morning = local("2026-03-01 08:00:05")
    assert not job.is_due(yesterday_morning, local("2026-03-02 07:59"))
    assert job.is_due(yesterday_morning, local("2026-03-02 08:00"))
    assert not job.is_due(local("2026-03-02 08:00:05"), local("2026-03-02 23:00"))
    # A scheduler that was down at 8 catches up when it comes back, the same day or the next.
    assert job.is_due(local("2026-02-27 08:00"), local("2026-03-02 02:00"))


def test_the_purge_and_the_backup_run_each_night():
    assert JOB["purge_expired"].is_due(local("2026-03-01 03:30:10"), local("2026-03-02 03:30"))
    assert not JOB["purge_expired"].is_due(local("2026-03-01 03:30:10"), local("2026-03-02 03:29"))
    assert JOB["backup"].is_due(local("2026-03-01 02:15:10"), local("2026-03-02 02:15"))


def test_run_schedule_runs_what_is_due_and_records_each_success(capsys):
    call_command("run_schedule", "--once", "--skip", "backup")
    assert set(JobRun.objects.values_list("name", flat=True)) == {
        "process_deadlines",
        "send_reminders",
        "purge_expired",
    }
    assert capsys.readouterr().out.count(" running ") == 3
    call_command("run_schedule", "--once", "--skip", "backup")  # nothing is due again yet
    assert " running " not in capsys.readouterr().out
    with time_machine.travel(timezone.now() + timedelta(minutes=6), tick=False):
        call_command("run_schedule", "--once", "--skip", "backup")
    assert capsys.readouterr().out.count(" running ") == 1  # the deadline job, every 5 minutes


def test_a_failing_job_does_not_hold_up_the_others_and_once_says_so(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "send_notice_digests", broken)
    with pytest.raises(CommandError, match="process_deadlines"):
        call_command("run_schedule", "--once", "--skip", "backup")
    assert set(JobRun.objects.values_list("name", flat=True)) == {"send_reminders", "purge_expired"}


def test_the_deadline_job_leaves_the_reminders_to_the_morning_job(
    volunteer, durham, spanish, mailoutbox, django_capture_on_commit_callbacks
):
    case = log_case(volunteer, durham, spanish)
    services.follow_up_add(
        user=volunteer, referral=case, due_date=timezone.localdate(), assigned_to=volunteer
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("process_deadlines")
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert len(mailoutbox) == 1


# /healthz: a job is stale once work has waited longer than its window without one success in that window.

PURGE_STALE = (
    "the purge_expired job has not run for 26 hours while closed cases are past their retention period"
)


@pytest.fixture
def case_past_retention(volunteer, durham, spanish):
    """A case closed now (its closing is another test's business); it passes its retention period later."""
    case = log_case(volunteer, durham, spanish)
    Referral.objects.filter(pk=case.pk).update(
        status=ReferralStatus.CLOSED, closed_at=timezone.now(), outcome="helped"
    )
    case.refresh_from_db()
    return case


def problems_at(client, when: datetime) -> list[str]:
    with time_machine.travel(when, tick=False):
        JobRun.objects.update_or_create(name="backup", defaults={"last_success": timezone.now()})
        response = client.get("/healthz")
    return response.json().get("problems", [])


def test_healthz_names_the_purge_when_it_stopped_with_cases_past_retention(
    client, case_past_retention, settings
):
    JobRun.objects.create(name="purge_expired", last_success=timezone.now())
    due = case_past_retention.closed_at + timedelta(days=settings.RETENTION_DAYS)
    assert PURGE_STALE not in problems_at(client, due + timedelta(hours=25))
    assert PURGE_STALE in problems_at(client, due + timedelta(hours=27))


def test_a_purge_that_keeps_running_is_healthy(client, case_past_retention, settings):
    due = case_past_retention.closed_at + timedelta(days=settings.RETENTION_DAYS)
    with time_machine.travel(due + timedelta(days=2), tick=False):
        call_command("purge_expired")
    assert PURGE_STALE not in problems_at(client, due + timedelta(days=2, hours=1))


def test_a_backup_that_never_ran_is_reported_a_day_after_the_install(client):
    with time_machine.travel(timezone.now() + timedelta(hours=27), tick=False):
        problems = client.get("/healthz").json().get("problems", [])
    assert "the backup job has not run for 26 hours while the database holds data" in problems


def test_a_development_server_is_not_held_to_jobs_it_never_ran(client, case_past_retention, settings):
    """No scheduler runs next to `make run`: jobs that never ran are not reported with DEBUG on (a job that ran
    and then stopped still is)."""
    settings.DEBUG = True
    due = case_past_retention.closed_at + timedelta(days=settings.RETENTION_DAYS)
    with time_machine.travel(due + timedelta(days=5), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200
