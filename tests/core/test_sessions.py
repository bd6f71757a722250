"""Sessions end when idle, after 12 hours in any case, when an account is deactivated, when the password changes
elsewhere, and signing out leaves nothing on the device."""

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


def session_expiry(client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_session_in_use_is_written_at_most_once_a_minute_and_stays_alive(client, volunteer):
    """Each request does not rewrite the session (the largest fixed cost of a page); a minute on, one does, so a
    volunteer working steadily is never signed out for being idle."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        client.get("/")
        written = session_expiry(client)
        clock.shift(timedelta(seconds=20))
        assert client.get("/").status_code == 200
        assert session_expiry(client) == written  # not rewritten 20 seconds on
        clock.shift(timedelta(seconds=45))
        assert client.get("/").status_code == 200
        assert session_expiry(client) == written + timedelta(seconds=65)
        # A request every 50 seconds for an hour: never idle for 30 minutes, never signed out.
        for _ in range(72):
            clock.shift(timedelta(seconds=50))
            assert client.get("/").status_code == 200


def test_stay_signed_in_writes_the_session_at_once(client, volunteer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        client.get("/")
        written = session_expiry(client)
        clock.shift(timedelta(seconds=20))
        assert client.post("/accounts/keepalive/").status_code == 204
        assert session_expiry(client) == written + timedelta(seconds=20)


def test_the_page_counts_the_idle_time_from_the_last_write(client, volunteer):
    """The warning before the idle timeout (static/js/app.js) counts from when the session was last written, up to a
    minute before the page was drawn, so it never promises more time than the server will give."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, volunteer.email)
        client.get("/")
        clock.shift(timedelta(seconds=40))
        page = client.get("/").content.decode()
    assert 'data-idle-seconds="1800"' in page
    assert 'data-idle-left="1760"' in page


def test_an_anonymous_visitor_gets_no_session(client):
    response = client.get("/help/")
    assert response.status_code == 200
    assert not response.cookies
