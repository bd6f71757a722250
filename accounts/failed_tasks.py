"""The administrators' page of emails and other background tasks that failed (core/tasks.py retries them): which
task, when, how many attempts and what kind of error, with a Retry button. It lives here, at the top of the app
chain, because it names the tasks of both referrals and accounts.

Nothing on it is personal: a task's arguments (ids, case references) and its error's message (an SMTP refusal can
quote an address) are never shown, only the task's name and the error's kind. Administrators only (403 for the
other roles, as on the directory's management pages); a task that is not waiting or failed is a 404."""

import smtplib
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tasks_db.models import DBTaskResult

from core import tasks
from directory import access
from directory.types import AuthenticatedRequest

PAGE_SIZE = 50

# What each task is, in words an administrator knows. A task missing here shows its function's name.
TASK_LABELS: dict[str, Promise] = {
    "referrals.notifications.routing_created": gettext_lazy("Email: a new referral for a partner"),
    "referrals.notifications.routing_answered": gettext_lazy("Email: a partner's answer"),
    "referrals.notifications.routing_dropped": gettext_lazy("Email: a referral declined or not answered"),
    "referrals.notifications.notice_digest": gettext_lazy("Email: a digest of case events"),
    "referrals.notifications.follow_ups_due": gettext_lazy("Email: follow-up reminder"),
    "referrals.notifications.case_access_granted": gettext_lazy("Email: access to a hub's cases granted"),
    "referrals.notifications.coordinator_removed": gettext_lazy("Email: a hub lost a coordinator"),
    "accounts.services.invitation_email": gettext_lazy("Email: invitation"),
    "accounts.services.email_changed_email": gettext_lazy("Email: sign-in address changed"),
    "referrals.jobs.process_deadlines_task": gettext_lazy("Deadline job"),
}


def error_kind(exception_class_path: str) -> str:
    """The kind of error, from its class alone (never its message)."""
    try:
        error = import_string(exception_class_path)
    except ImportError:
        error = None
    if isinstance(error, type):
        if issubclass(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError) or (
            issubclass(error, OSError) and not issubclass(error, smtplib.SMTPException)
        ):
            return _("The mail server could not be reached.")
        if issubclass(error, smtplib.SMTPException):
            return _("The mail server refused the email.")
        if issubclass(error, ObjectDoesNotExist):
            return _("A record it needed no longer exists.")
    return _("An error in the application.")


def _row(result: DBTaskResult) -> dict:
    return {
        "id": result.id,
        "label": TASK_LABELS.get(result.task_path) or result.task_path.rpartition(".")[2],
        "enqueued_at": result.enqueued_at,
        "last_attempt_at": result.started_at,
        "next_attempt_at": result.run_after,
        "attempts": tasks.attempts(result),
        "error": error_kind(result.exception_class_path),
        "error_class": result.exception_class_path.rpartition(".")[2],
    }


# Only what the page shows: the arguments and the traceback stay in the database.
SHOWN_FIELDS = (
    "id",
    "task_path",
    "enqueued_at",
    "started_at",
    "run_after",
    "worker_ids",
    "exception_class_path",
)


@require_GET
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    failed = Paginator(tasks.failed_tasks().only(*SHOWN_FIELDS, "finished_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    retrying = [_row(result) for result in tasks.retrying_tasks().only(*SHOWN_FIELDS)[:PAGE_SIZE]]
    context = {
        "title": _("Failed emails"),
        "section": "tasks",
        "page": failed,
        "failed": [_row(result) for result in failed.object_list],
        "retrying": retrying,
    }
    return render(request, "accounts/failed_task_list.html", context)


@require_POST
def task_retry(request: AuthenticatedRequest, task_id: UUID) -> HttpResponse:
    access.require_directory_admin(request.user)
    if not tasks.retry_now(task_id):
        raise Http404
    messages.success(request, _("It will be tried again within a minute."))
    return redirect("tasks:list")
