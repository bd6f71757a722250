"""The scheduled work: deadlines and reminders (every few minutes) and the retention purge (daily). Each job is
idempotent and safe to run from several places at once; the state changes themselves are services."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from referrals import notifications
from referrals.models import FollowUp, Note, Referral, ReferralStatus, Routing, RoutingStatus
from referrals.services import referral_erase_expired, routing_expire


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


@task
def process_deadlines_task() -> dict:
    return process_deadlines()


def process_deadlines(*, now: datetime | None = None) -> dict:
    """Expire routings past their deadline and send the day's follow-up reminders. Idempotent."""
    now = now or timezone.now()
    expired = expire_overdue_routings(now=now)
    reminded = send_follow_up_reminders(today=timezone.localdate(now))
    return {"expired": expired, "reminded": reminded}


def purge_expired(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Delete the personal data of cases closed more than RETENTION_DAYS ago. Idempotent."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if retention_days is None else retention_days
    # Belt and braces: nothing can add notes to a closed case, but if a row ever slipped in, it goes too.
    Note.objects.filter(referral__purged_at__isnull=False).delete()
    expired = Referral.objects.filter(
        status=ReferralStatus.CLOSED, closed_at__lte=now - timedelta(days=days), purged_at__isnull=True
    ).only("pk")
    return sum(referral_erase_expired(referral=referral) for referral in expired)
