"""The scheduled work: deadlines, reminders and notice digests (every few minutes) and the retention purge (daily).
Each job is idempotent and safe to run from several places at once; the state changes themselves are services."""

import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.tasks import task
from django.utils import timezone

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

DEADLINE_JOB = "process_deadlines"
# How long the deadline job may stay silent while routings wait before /healthz says so. It runs every few minutes.
DEADLINE_JOB_STALE_AFTER = timedelta(minutes=30)
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


def process_deadlines(*, now: datetime | None = None) -> dict:
    """Expire routings past their deadline, send the day's follow-up reminders and the notice digests that are due.
    Idempotent."""
    now = now or timezone.now()
    expired = expire_overdue_routings(now=now)
    reminded = send_follow_up_reminders(today=timezone.localdate(now))
    digests = send_notice_digests(now=now)
    # Recorded at the end, so a run that failed half-way does not count as one.
    JobRun.objects.update_or_create(name=DEADLINE_JOB, defaults={"last_success": timezone.now()})
    return {"expired": expired, "reminded": reminded, "digests": digests}


def deadline_job_stale() -> str | None:
    """A /healthz check: pages show overdue routings without the job, but only the job records the expiry and
    tells the hub, so a scheduler that stopped must show. A fresh install with nothing pending is healthy."""
    since = timezone.now() - DEADLINE_JOB_STALE_AFTER
    if JobRun.objects.filter(name=DEADLINE_JOB, last_success__gte=since).exists():
        return None
    if not Routing.objects.filter(status=RoutingStatus.PENDING).exists():
        return None
    return "the deadline job (process_deadlines) has not run for 30 minutes while routings are pending"


def purge_expired(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Delete the personal data of cases closed more than RETENTION_DAYS ago, and notices sent in a digest more than
    SENT_NOTICES_KEPT ago. Idempotent."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if retention_days is None else retention_days
    PendingNotice.objects.filter(sent_at__lte=now - SENT_NOTICES_KEPT).delete()
    KeptForm.objects.expired(now=now).delete()  # forms kept after a session ended: an hour at most
    # Belt and braces: nothing can add notes to a closed case, but if a row ever slipped in, it goes too.
    Note.objects.filter(referral__purged_at__isnull=False).delete()
    expired = Referral.objects.filter(
        status=ReferralStatus.CLOSED, closed_at__lte=now - timedelta(days=days), purged_at__isnull=True
    ).only("pk")
    return sum(referral_erase_expired(referral=referral) for referral in expired)
