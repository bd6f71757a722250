"""Signed-in pages warn before the idle timeout and offer "Stay signed in", which renews the session (the browser
test tests/browser/test_session_expiry.py shows the warning itself)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import client_for, sign_in

pytestmark = pytest.mark.django_db


def test_stay_signed_in_renews_the_session(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        clock.shift(timedelta(minutes=25))
        assert client.post("/accounts/keepalive/").status_code == 204
        clock.shift(timedelta(minutes=25))
        assert client.get("/").status_code == 200  # 50 minutes after the last page, still signed in


def test_stay_signed_in_does_not_pass_the_12_hour_limit(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        for _ in range(12 * 4):
            clock.shift(timedelta(minutes=15))
            assert client.post("/accounts/keepalive/").status_code == 204
        clock.shift(timedelta(minutes=15))
        assert client.post("/accounts/keepalive/")["Location"].startswith("/accounts/login/")


def test_keepalive_is_a_post_for_signed_in_people_only(client, volunteer):
    assert client.post("/accounts/keepalive/")["Location"].startswith("/accounts/login/")
    assert client_for(volunteer).get("/accounts/keepalive/").status_code == 405


def test_keepalive_needs_the_pages_csrf_token(volunteer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(volunteer)
    assert browser.post("/accounts/keepalive/").status_code == 403
    page = browser.get("/").content.decode()
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    assert browser.post("/accounts/keepalive/", headers={"X-CSRFToken": token}).status_code == 204


def test_signed_in_pages_carry_the_warning_with_its_timings_and_words(volunteer, settings):
    settings.SESSION_COOKIE_AGE = 30 * 60
    body = client_for(volunteer).get("/").content.decode()
    warning = re.search(r'<div id="session-warning"[^>]*>', body).group(0)
    assert 'role="alertdialog"' in warning and " hidden" in warning
    assert 'data-idle-seconds="1800"' in warning and 'data-warn-seconds="120"' in warning
    assert re.search(r'data-absolute-left="4[0-9]{4}"', warning)  # about 12 hours (43200 s) left
    assert "You were signed out. Sign in again to continue." in warning
    assert "signed out in 2 minutes" in body and ">Stay signed in</button>" in body


def test_the_intake_page_says_a_form_posted_after_the_session_ended_is_not_lost(volunteer):
    body = client_for(volunteer).get("/referrals/new/").content.decode()
    assert "What you typed here is not lost" in body


def test_public_pages_have_no_warning(client):
    for path in ["/accounts/login/", "/help/"]:
        assert 'id="session-warning"' not in client.get(path).content.decode()
