"""Sessions end when idle, after 12 hours in any case, and when an account is deactivated; headers protect pages."""

import re
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


@pytest.mark.parametrize("path", ["/accounts/login/", "/help/", "/help/durham/", "/healthz"])
def test_every_page_has_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    if path != "/healthz":  # JSON has no scripts
        assert re.search(r"script-src 'self' 'nonce-[\w+/=-]+'", policy), policy
        for tag in re.findall(r"<script[^>]*>", response.content.decode()):
            assert "src=" in tag and "nonce=" in tag, tag
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_signed_in_pages_carry_no_inline_script(volunteer, case):
    body = client_for(volunteer).get(case.get_absolute_url()).content.decode()
    for tag in re.findall(r"<script[^>]*>", body):
        assert "src=" in tag, tag


def test_changing_the_password_signs_out_the_other_sessions(volunteer):
    from tests.conftest import PASSWORD

    here, elsewhere = client_for(volunteer), client_for(volunteer)
    response = here.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a brand new long passphrase",
            "password2": "a brand new long passphrase",
        },
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/accounts/login/")


def test_case_pages_are_not_stored_by_the_browser(volunteer, case):
    client = client_for(volunteer)
    for path in ["/", "/referrals/", case.get_absolute_url()]:
        assert "no-store" in client.get(path)["Cache-Control"], path


@pytest.fixture
def case(volunteer):
    from directory.models import County, Language
    from tests.referrals.conftest import log_case

    return log_case(volunteer, County.objects.get(name="Durham"), Language.objects.get(code="es"))
