"""Background tasks on the database backend (django-tasks-db): queued with the change that causes them, tried again
with backoff when they fail, and kept for administrators to see and retry when they keep failing.

django-tasks-db runs a task once and records a failure; it has no retries of its own. Retrying is done here, in
place: when a task fails on the worker, `retry_later` (a receiver of Django's task_finished signal) puts the same row
back in the queue to run after the next of settings.TASK_RETRY_DELAYS. The worker appends its id to the row's
`worker_ids` at every claim, so the number of attempts is that list's length and needs no column of our own. Once
every delay has been used, the row stays failed: the failed-tasks page lists it, and its Retry button queues it once
more. One row is one email however often it is tried, so the page shows one line per email, not one per attempt.

Emails are sent at least once: a task that fails half-way (the second of two recipients refused) is tried again
whole. Every task here is safe to run twice for that reason (see referrals/notifications.py).

Task arguments are ids, never names, phones or notes; the page shows a task's name, times, attempts and the kind of
error, never its arguments or the error's message (an SMTP refusal can quote an address).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.tasks import Task, TaskResult, TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Failed tasks stay on the page this long after their last attempt, then the purge deletes them (with their ids);
# tasks that succeeded are deleted after a week.
FAILED_TASKS_KEPT = timedelta(days=30)
FINISHED_TASKS_KEPT = timedelta(days=7)


def enqueue_on_commit(task: Task, *args) -> None:
    """Queue a task that only a committed change may cause.

    On the database backend the task's row is written now, inside the caller's transaction: it is committed with the
    change or rolled back with it, and the worker cannot see it before the change is committed (a transactional
    outbox: no window where the change is saved but its email lost). Any other backend (the test suite's immediate
    one, which runs the task at once) is handed the task once the change is committed."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def attempts(row: DBTaskResult) -> int:
    """How many times the worker has started this task."""
    return len(row.worker_ids)


def retry_later(sender, task_result: TaskResult, **kwargs) -> None:
    """task_finished receiver: a task that failed on the database backend is queued again after the next delay of
    TASK_RETRY_DELAYS, or left failed once they are used up. Never raises: it runs inside the worker's loop."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if not isinstance(task_backends[task_result.backend], DatabaseBackend):
        return
    try:
        schedule_retry(task_result.id)
    except DatabaseError:
        # The row stays failed, and so on the administrators' page: nothing is lost.
        logger.exception("Task id=%s failed and could not be queued again", task_result.id)


def schedule_retry(task_id: str, *, now: datetime | None = None) -> datetime | None:
    """Queue a failed task again after its backoff delay. Returns when it will run, or None if it has had all its
    attempts (or is not failed)."""
    row = DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED).first()
    if row is None:
        return None
    delays = settings.TASK_RETRY_DELAYS
    tried = attempts(row)
    if tried > len(delays):
        logger.error("Task id=%s path=%s failed %d times; given up", task_id, row.task_path, tried)
        return None
    run_after = (now or timezone.now()) + timedelta(seconds=delays[tried - 1])
    DBTaskResult.objects.filter(pk=task_id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after
    )
    logger.warning(
        "Task id=%s path=%s failed (attempt %d); next attempt at %s", task_id, row.task_path, tried, run_after
    )
    return run_after


def failed_tasks() -> QuerySet[DBTaskResult]:
    """Tasks that used up their attempts, the latest failure first."""
    return DBTaskResult.objects.failed().order_by("-finished_at")


def retrying_tasks() -> QuerySet[DBTaskResult]:
    """Tasks that failed at least once and wait for their next attempt, the next one first."""
    return (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        .exclude(exception_class_path="")
        .order_by("run_after")
    )


def retry_now(task_id) -> bool:
    """An administrator's Retry: a failed task, or one waiting for its next attempt, runs at the worker's next look
    (one attempt more; if it fails again, it is back on the page). False if there is no such task."""
    failed = Q(status=TaskResultStatus.FAILED)
    waiting = Q(status=TaskResultStatus.READY) & ~Q(exception_class_path="")
    retryable = DBTaskResult.objects.filter(failed | waiting, pk=task_id)
    return retryable.update(status=TaskResultStatus.READY, run_after=timezone.now()) == 1


def prune(*, now: datetime | None = None) -> int:
    """Delete tasks that succeeded more than FINISHED_TASKS_KEPT ago and failed ones not retried in
    FAILED_TASKS_KEPT: their arguments are case ids and references, which should not outlive their use."""
    now = now or timezone.now()
    deleted, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - FINISHED_TASKS_KEPT
    ).delete()
    gone, _ = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lte=now - FAILED_TASKS_KEPT
    ).delete()
    return deleted + gone
