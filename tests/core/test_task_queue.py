"""The tasks queue for real: the database backend, its worker (`manage.py db_worker --batch`, run in this process: it
works through what is due, then stops), retries with backoff, a mail server that is down and then back, and the
administrators' page of failed emails.

Transactional tests: the changes really commit (or roll back), as they do for the app and the worker."""

import signal
import socket
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from directory.models import County, Language
from referrals import services
from referrals.models import RoutingStatus
from tests.conftest import client_for
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db(transaction=True)

ANSWERED = "referrals.notifications.routing_answered"


@pytest.fixture
def queue(settings):
    """The database backend, as in production; every failed task is tried again after 60 s, then 300 s."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_DELAYS = [60, 300]
    # The worker sets its own SIGINT/SIGTERM handlers; give pytest its own back afterwards.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker() -> None:
    call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)


@pytest.fixture
def routing(queue, volunteer, partner_org, partner):
    """A routing waiting for the partner's answer; the email telling the partner of it is already sent."""
    durham = County.objects.get(name="Durham")
    service = make_service(partner_org, "legal", [durham])
    case = log_case(volunteer, durham, Language.objects.get(code="es"))
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=service)
    run_worker()
    mail.outbox.clear()
    return routing


def accept_url(routing) -> str:
    return f"/referrals/{routing.need.referral.reference}/routings/{routing.pk}/accept/"


def closed_port() -> int:
    """A local port nothing listens on: connecting to it is refused at once, as to a mail server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def use_smtp(settings, port: int) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


class Inbox:
    """What a real SMTP server received."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(port: int):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def answered_task() -> DBTaskResult:
    return DBTaskResult.objects.get(task_path=ANSWERED)


def test_a_task_queued_in_a_change_that_rolls_back_never_runs(routing, partner):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.routing_accept(user=partner, routing=routing)
        assert DBTaskResult.objects.filter(task_path=ANSWERED).exists()  # queued with the change...
        raise RuntimeError("the request failed after the change")
    assert not DBTaskResult.objects.filter(task_path=ANSWERED).exists()  # ...and gone with it
    run_worker()
    assert mail.outbox == []
    routing.refresh_from_db()
    assert routing.status == RoutingStatus.PENDING


def test_a_committed_change_queues_its_email_and_the_worker_sends_it(routing, partner, volunteer):
    response = client_for(partner).post(accept_url(routing))
    assert response.status_code == 302
    assert mail.outbox == []  # not sent by the request
    assert answered_task().status == TaskResultStatus.READY
    run_worker()
    assert [message.to for message in mail.outbox] == [[volunteer.email]]
    assert routing.need.referral.reference in mail.outbox[0].body
    assert answered_task().status == TaskResultStatus.SUCCESSFUL


def test_with_the_mail_server_down_the_change_commits_and_the_email_goes_once_it_is_back(
    routing, partner, volunteer, settings
):
    port = closed_port()
    use_smtp(settings, port)

    started = time.monotonic()
    response = client_for(partner).post(accept_url(routing))
    assert response.status_code == 302
    assert time.monotonic() - started < 2  # the request did not wait for the mail server
    routing.refresh_from_db()
    assert routing.status == RoutingStatus.ACCEPTED  # the change is committed
    task = answered_task()
    assert (task.status, task.worker_ids) == (TaskResultStatus.READY, [])  # queued, not tried in the request

    run_worker()
    task = answered_task()
    assert task.status == TaskResultStatus.READY  # failed, and queued again...
    assert len(task.worker_ids) == 1
    assert task.exception_class_path == "builtins.ConnectionRefusedError"
    assert task.run_after > timezone.now() + timedelta(seconds=50)  # ...after its backoff
    run_worker()
    assert len(answered_task().worker_ids) == 1  # not tried again before then

    with smtp_server(port) as inbox:
        # The backoff has passed.
        DBTaskResult.objects.filter(task_path=ANSWERED).update(run_after=timezone.now())
        run_worker()
        run_worker()
    assert [envelope.rcpt_tos for envelope in inbox.messages] == [[volunteer.email]]  # once
    assert routing.need.referral.reference in inbox.messages[0].content.decode()
    task = answered_task()
    assert (task.status, len(task.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 2)


@pytest.fixture
def failed_email(routing, partner, settings):
    """The partner's answer, whose email the mail server refused at every attempt (three: the first, and after each
    of two delays, made zero here so that one pass of the worker uses them all)."""
    settings.TASK_RETRY_DELAYS = [0, 0]
    port = closed_port()
    use_smtp(settings, port)
    client_for(partner).post(accept_url(routing))
    run_worker()
    task = answered_task()
    assert (task.status, len(task.worker_ids)) == (TaskResultStatus.FAILED, 3)
    return task, port


def test_an_email_that_keeps_failing_is_shown_to_administrators_without_personal_data(
    failed_email, network_admin, routing, volunteer
):
    page = client_for(network_admin).get("/manage/tasks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Email: a partner&#x27;s answer" in html
    assert "The mail server could not be reached." in html
    assert "ConnectionRefusedError" in html
    assert "<td>3</td>" in html  # attempts
    for personal in (
        routing.need.referral.reference,
        "Rosa",
        "+19195550143",
        volunteer.email,
        "Connection refused",
    ):
        assert personal not in html


def test_retry_sends_a_failed_email_once_the_server_is_back(failed_email, network_admin, volunteer):
    task, port = failed_email
    admin = client_for(network_admin)
    response = admin.post(f"/manage/tasks/{task.pk}/retry/")
    assert response.status_code == 302
    with smtp_server(port) as inbox:
        run_worker()
    assert [envelope.rcpt_tos for envelope in inbox.messages] == [[volunteer.email]]
    assert answered_task().status == TaskResultStatus.SUCCESSFUL
    assert "Nothing has failed." in admin.get("/manage/tasks/").content.decode()


def test_a_task_waiting_for_its_next_attempt_is_listed_and_can_be_retried_now(
    routing, partner, network_admin, settings
):
    use_smtp(settings, closed_port())
    client_for(partner).post(accept_url(routing))
    run_worker()
    html = client_for(network_admin).get("/manage/tasks/").content.decode()
    assert "Waiting to be tried again" in html and "Retry now" in html
    client_for(network_admin).post(f"/manage/tasks/{answered_task().pk}/retry/")
    assert answered_task().run_after <= timezone.now()


@pytest.mark.parametrize("persona", ["coordinator", "volunteer", "partner", "outsider"])
def test_other_roles_cannot_see_or_retry_failed_tasks(request, failed_email, persona):
    task, _ = failed_email
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/manage/tasks/").status_code == 403
    assert client.post(f"/manage/tasks/{task.pk}/retry/").status_code == 403
    assert answered_task().status == TaskResultStatus.FAILED


def test_retry_takes_only_a_post_and_a_task_that_exists(failed_email, network_admin):
    task, _ = failed_email
    admin = client_for(network_admin)
    assert admin.get(f"/manage/tasks/{task.pk}/retry/").status_code == 405
    assert admin.post("/manage/tasks/00000000-0000-4000-8000-000000000000/retry/").status_code == 404
    assert answered_task().status == TaskResultStatus.FAILED


def test_an_invitation_is_sent_by_the_worker(queue, network_admin, hub):
    from accounts import services as account_services

    account_services.account_invite(
        by=network_admin, email="new@example.org", organization=hub, role="volunteer", preferred_language="en"
    )
    assert mail.outbox == []
    run_worker()
    assert [message.to for message in mail.outbox] == [["new@example.org"]]
