"""The scheduled work: deadlines and notice digests (every few minutes), follow-up reminders (each morning), the
retention purge (each night), and the schedule itself (`JOBS`: when each job runs, and when /healthz calls it
stale). Each job is idempotent and safe to run from several places at once; the state changes themselves are
services. Each records its last success in JobRun. docs/tasks.md has the schedule for cron, systemd and containers."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min
from django.tasks import task
from django.utils import timezone

from core import tasks as core_tasks
from core.models import KeptForm
from referrals import notifications
from referrals.models import (
    FollowUp,
    JobRun,
    Note,
    PendingNotice,
    Referral,
    ReferralStatus,
    Routing,
    RoutingStatus,
)
from referrals.services import referral_erase_expired, routing_expire

# The jobs' names: each is the management command that runs it, and the name of its JobRun row.
DEADLINE_JOB = "process_deadlines"
REMINDERS_JOB = "send_reminders"
PURGE_JOB = "purge_expired"
BACKUP_JOB = "backup"  # recorded by manage.py backup
# Notices already sent in a digest are kept this long (which digest told whom of what), then deleted by the purge.
SENT_NOTICES_KEPT = timedelta(days=7)


def expire_overdue_routings(*, now: datetime | None = None) -> int:
    """Expire every pending routing past its deadline. Safe to run again and from several places at once."""
    now = now or timezone.now()
    overdue = Routing.objects.filter(status=RoutingStatus.PENDING, deadline__lte=now).only("pk")
    return sum(routing_expire(routing=routing, now=now) for routing in overdue)


def send_follow_up_reminders(*, today: date | None = None) -> int:
    """Email each volunteer or coordinator the references of their follow-ups due today or overdue, once a day."""
    today = today or timezone.localdate()
    due = (
        FollowUp.objects.filter(
            done_at__isnull=True, due_date__lte=today, referral__status=ReferralStatus.OPEN
        )
        .exclude(reminded_on=today)
        .select_related("referral")
        .order_by("assigned_to_id", "due_date")
    )
    by_user: dict[int, list[FollowUp]] = {}
    for follow_up in due:
        by_user.setdefault(follow_up.assigned_to_id, []).append(follow_up)
    for user_id, follow_ups in by_user.items():
        with transaction.atomic():
            # Marking first makes a second run on the same day send nothing, even if two run at once.
            claimed = (
                FollowUp.objects.filter(pk__in=[f.pk for f in follow_ups], done_at__isnull=True)
                .exclude(reminded_on=today)
                .update(reminded_on=today)
            )
            if claimed:
                notifications.on_commit(
                    notifications.follow_ups_due, user_id, sorted({f.referral.reference for f in follow_ups})
                )
    return len(by_user)


def send_notice_digests(*, now: datetime | None = None) -> int:
    """Email each person who chose a digest one list of the case events waiting for them, once the oldest has waited
    their interval (at the next run if they went back to every event). Returns the number of digests.

    Safe to run again and from several places at once: each run claims the notices it sends with one UPDATE ...
    WHERE sent_at IS NULL, tagged with its own digest id, and the email lists exactly the rows it claimed, so no
    notice is sent twice. Deactivated people hear nothing: what waited for them is dropped."""
    now = now or timezone.now()
    waiting = PendingNotice.objects.filter(sent_at__isnull=True, created_at__lte=now)
    waiting.filter(recipient__is_active=False).delete()
    oldest = (
        waiting.values("recipient_id", "recipient__notice_digest_minutes")
        .annotate(oldest=Min("created_at"))
        .order_by("recipient_id")
    )
    digests = 0
    for row in oldest:
        interval = timedelta(minutes=row["recipient__notice_digest_minutes"] or 0)
        if row["oldest"] > now - interval:
            continue
        digest = uuid.uuid4()
        with transaction.atomic():
            claimed = waiting.filter(recipient_id=row["recipient_id"]).update(sent_at=now, digest=digest)
            if claimed:
                notifications.on_commit(notifications.notice_digest, row["recipient_id"], str(digest))
                digests += 1
    return digests


@task
def process_deadlines_task() -> dict:
    return process_deadlines()


def record_success(name: str) -> None:
    """Recorded at the end of a job, so a run that failed half-way does not count as one."""
    JobRun.objects.update_or_create(name=name, defaults={"last_success": timezone.now()})


def process_deadlines(*, now: datetime | None = None) -> dict:
    """Expire routings past their deadline and send the notice digests that are due. Idempotent. (The follow-up
    reminders are their own daily job, send_reminders, so that they go out in the morning.)"""
    now = now or timezone.now()
    expired = expire_overdue_routings(now=now)
    digests = send_notice_digests(now=now)
    record_success(DEADLINE_JOB)
    return {"expired": expired, "digests": digests}


def send_reminders(*, today: date | None = None) -> int:
    """The daily job: the follow-up reminders of the day (send_follow_up_reminders). Idempotent."""
    reminded = send_follow_up_reminders(today=today)
    record_success(REMINDERS_JOB)
    return reminded


def purge_expired(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Delete the personal data of cases closed more than RETENTION_DAYS ago, and notices sent in a digest more than
    SENT_NOTICES_KEPT ago. Idempotent."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if retention_days is None else retention_days
    PendingNotice.objects.filter(sent_at__lte=now - SENT_NOTICES_KEPT).delete()
    core_tasks.prune(now=now)  # finished tasks: their arguments are case ids and references
    KeptForm.objects.expired(now=now).delete()  # forms kept after a session ended: an hour at most
    # Belt and braces: nothing can add notes to a closed case, but if a row ever slipped in, it goes too.
    Note.objects.filter(referral__purged_at__isnull=False).delete()
    expired = Referral.objects.filter(
        status=ReferralStatus.CLOSED, closed_at__lte=now - timedelta(days=days), purged_at__isnull=True
    ).only("pk")
    count = sum(referral_erase_expired(referral=referral) for referral in expired)
    record_success(PURGE_JOB)
    return count


# The schedule. run_schedule (containers) runs each job when it is due; systemd timers or cron call the same commands
# at the same times (deploy/). /healthz reports a job as stale when it has had work waiting for longer than its
# window without one success in that window. A job that has never succeeded is judged the same way, so a production
# scheduler that never started shows once work has waited a window; but not on a development server (DEBUG), which
# runs no scheduler unless asked (docs/tasks.md).


@dataclass(frozen=True)
class Job:
    name: str  # the management command, and its JobRun
    every: timedelta | None  # run this long after the last success...
    at: time | None  # ...or once a day, at this local time
    stale_after: timedelta  # /healthz's window
    waits: str  # what is held up when it stops, for /healthz
    work_since: Callable[
        [datetime], datetime | None
    ]  # since when work has waited for it (None: nothing waits)

    def is_due(self, last_success: datetime | None, now: datetime) -> bool:
        """Whether run_schedule should run it now: never run, or its interval has passed since its last success, or
        (daily jobs) today's time has come and it has not succeeded since."""
        if last_success is None:
            return True
        if self.at is None:
            assert self.every is not None
            return now - last_success >= self.every
        local = timezone.localtime(now)
        slot = timezone.make_aware(datetime.combine(local.date(), self.at))
        if slot > now:
            slot = timezone.make_aware(datetime.combine(local.date() - timedelta(days=1), self.at))
        return last_success < slot

    def stale(self, last_success: datetime | None, now: datetime) -> str | None:
        """The reason /healthz gives when the job has stopped, or None."""
        since = now - self.stale_after
        if last_success is not None and last_success >= since:
            return None
        if last_success is None and settings.DEBUG:
            return None
        waiting = self.work_since(now)
        if waiting is None or waiting > since:
            return None
        return f"the {self.name} job has not run for {_duration(self.stale_after)} while {self.waits}"


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60} hours" if minutes >= 120 else f"{minutes} minutes"


def _pending_routings_since(now: datetime) -> datetime | None:
    """Pending routings: each may pass its deadline at any time, and digests wait for the same job."""
    return Routing.objects.filter(status=RoutingStatus.PENDING).aggregate(since=Min("created_at"))["since"]


def _follow_ups_due_since(now: datetime) -> datetime | None:
    due = (
        FollowUp.objects.filter(done_at__isnull=True, referral__status=ReferralStatus.OPEN)
        .filter(due_date__lte=timezone.localdate(now))
        .aggregate(since=Min("due_date"))["since"]
    )
    return None if due is None else timezone.make_aware(datetime.combine(due, time.min))


def _cases_past_retention_since(now: datetime) -> datetime | None:
    days = timedelta(days=settings.RETENTION_DAYS)
    closed = Referral.objects.filter(
        status=ReferralStatus.CLOSED, closed_at__lte=now - days, purged_at__isnull=True
    ).aggregate(since=Min("closed_at"))["since"]
    return None if closed is None else closed + days


def _installed_since(now: datetime) -> datetime | None:
    """Backups are owed from the day the database was created (its first migration)."""
    return MigrationRecorder.Migration.objects.aggregate(since=Min("applied"))["since"]


JOBS: tuple[Job, ...] = (
    Job(
        name=DEADLINE_JOB,
        every=timedelta(minutes=5),
        at=None,
        stale_after=timedelta(minutes=30),
        waits="routings are pending",
        work_since=_pending_routings_since,
    ),
    Job(
        name=REMINDERS_JOB,
        every=None,
        at=time(8, 0),
        stale_after=timedelta(hours=26),
        waits="follow-ups are due",
        work_since=_follow_ups_due_since,
    ),
    Job(
        name=PURGE_JOB,
        every=None,
        at=time(3, 30),
        stale_after=timedelta(hours=26),
        waits="closed cases are past their retention period",
        work_since=_cases_past_retention_since,
    ),
    Job(
        name=BACKUP_JOB,
        every=None,
        at=time(2, 15),
        stale_after=timedelta(hours=26),
        waits="the database holds data",
        work_since=_installed_since,
    ),
)


def last_successes() -> dict[str, datetime]:
    return dict(
        JobRun.objects.filter(name__in=[job.name for job in JOBS]).values_list("name", "last_success")
    )


def stale_jobs() -> list[str]:
    """The /healthz check (registered by referrals' AppConfig): one reason per stale job, naming it. One query while
    every job is fresh; a query more for each that is not."""
    now = timezone.now()
    last = last_successes()
    return [reason for job in JOBS if (reason := job.stale(last.get(job.name), now))]
