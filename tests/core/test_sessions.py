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
