import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from referrals.models import JobRun

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_it_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_sign_in(client):
    assert client.get("/healthz").status_code == 200


def test_it_answers_503_when_the_database_is_unreachable(tmp_path):
    # A separate process whose database is a PostgreSQL server that is not there (port 1 is never listened on).
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "True",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
        "CONN_MAX_AGE": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 503, "body": {"status": "unavailable", "database": "unreachable"}}


# The deadline job's check, registered by referrals (core imports no project app, so it only runs the checks).

STALE = "the process_deadlines job has not run for 30 minutes while routings are pending"


@pytest.fixture
def pending_routing(volunteer, partner_org, partner):
    """One routing waiting for the answer of the partner (whose staff account lets it receive in the app)."""
    from directory.models import County, Language
    from referrals import services
    from tests.referrals.conftest import log_case, make_service

    durham = County.objects.get(name="Durham")
    service = make_service(partner_org, "legal", [durham])
    case = log_case(volunteer, durham, Language.objects.get(code="es"))
    return services.routing_create(user=volunteer, need=case.needs.get(), service=service)


def test_a_fresh_run_of_the_deadline_job_is_healthy(client, pending_routing):
    from referrals import jobs

    jobs.process_deadlines()
    with time_machine.travel(timezone.now() + timedelta(minutes=29), tick=False):
        assert client.get("/healthz").status_code == 200


def test_it_reports_a_deadline_job_silent_for_30_minutes_while_routings_wait(
    client, pending_routing, django_assert_max_num_queries
):
    from referrals import jobs

    jobs.process_deadlines()
    for job in (
        "send_reminders",
        "purge_expired",
        "backup",
    ):  # the other jobs ran: only the deadline job is late
        JobRun.objects.create(name=job, last_success=timezone.now())
    later = time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False)
    # SELECT 1, the jobs' last successes, since when routings have been pending
    with later, django_assert_max_num_queries(3):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "problems": [STALE]}


def test_a_deadline_job_that_never_ran_is_reported_once_routings_have_waited_30_minutes(
    client, pending_routing
):
    """A production scheduler that never started: healthy until a routing has waited the job's window."""
    with time_machine.travel(timezone.now() + timedelta(minutes=29), tick=False):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=31), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert STALE in response.json()["problems"]


def test_nothing_pending_is_healthy_however_long_the_job_has_been_silent(client, pending_routing, partner):
    """A fresh install, or a quiet week: with no routing waiting, a stopped scheduler holds nothing up."""
    from referrals import services

    services.routing_accept(user=partner, routing=pending_routing)
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        JobRun.objects.create(name="backup", last_success=timezone.now())  # backups are owed whatever waits
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
