"""Sessions end when idle, after 12 hours in any case, and when an account is deactivated; headers protect pages."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import client_for, sign_in

pytestmark = pytest.mark.django_db


def test_a_session_ends_after_30_idle_minutes(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity keeps it alive
        clock.shift(timedelta(minutes=31))
        assert client.get("/")["Location"].startswith("/accounts/login/")


def test_a_session_ends_after_12_hours_however_active(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        for _ in range(12 * 4 + 1):
            clock.shift(timedelta(minutes=15))
            response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session


def test_a_deactivated_account_loses_access_at_once(volunteer):
    client = client_for(volunteer)
    assert client.get("/").status_code == 200
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_signing_out_clears_the_sites_data_from_the_device(volunteer):
    client = client_for(volunteer)
    response = client.post("/accounts/logout/")
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_signed_in_pages_carry_no_inline_script(volunteer, case):
    body = client_for(volunteer).get(case.get_absolute_url()).content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag, tag


@pytest.fixture
def case(volunteer):
    from directory.models import County, Language
    from tests.referrals.conftest import log_case

    return log_case(volunteer, County.objects.get(name="Durham"), Language.objects.get(code="es"))
