"""Two-factor authentication: required of everyone, set up once, then asked at every sign-in."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection

from tests.conftest import PASSWORD, make_user, sign_in, totp_code

pytestmark = pytest.mark.django_db


def enroll(client) -> list[str]:
    """Set up an authenticator app the way a person does; returns the recovery codes shown once."""
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    codes_page = client.get("/accounts/2fa/recovery-codes/")
    return re.findall(r"\b[0-9a-f]{8}\b", codes_page.content.decode()), secret


def test_a_new_account_sets_up_an_authenticator_then_gets_in(client, hub):
    make_user("nuevo@example.org", hub, "volunteer", mfa=False)
    sign_in(client, "nuevo@example.org")
    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/"
    codes, secret = enroll(client)
    assert client.get("/").status_code == 200
    assert len(codes) >= 5

    # Next time, the password alone is not enough.
    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"login": "nuevo@example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(client, hub):
    make_user("nuevo@example.org", hub, "volunteer", mfa=False)
    sign_in(client, "nuevo@example.org")
    codes, _secret = enroll(client)
    code = codes[0]

    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "nuevo@example.org", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "nuevo@example.org", "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_authenticator_secret_is_encrypted_at_rest(volunteer):
    from tests.conftest import TOTP_SECRET

    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        stored = repr(cursor.fetchall())
    assert TOTP_SECRET not in stored
    assert Authenticator.objects.filter(user=volunteer).exists()


def test_an_authenticator_removed_sends_every_session_of_the_account_back_to_set_one_up(volunteer):
    """The second factor is read from the account row each request loads (no query of its own): removing the
    authenticator, here as the Django admin would, must still be seen at once by every session of the account."""
    from tests.conftest import client_for

    here, elsewhere = client_for(volunteer), client_for(volunteer)
    assert here.get("/").status_code == 200 and elsewhere.get("/").status_code == 200
    Authenticator.objects.filter(user=volunteer, type=Authenticator.Type.TOTP).delete()
    assert here.get("/")["Location"] == "/accounts/2fa/totp/activate/"
    assert elsewhere.get("/")["Location"] == "/accounts/2fa/totp/activate/"


def test_removing_one_of_two_authenticators_leaves_the_account_its_second_factor(client, hub):
    make_user("nuevo@example.org", hub, "volunteer", mfa=False)
    sign_in(client, "nuevo@example.org")
    enroll(client)  # an authenticator app, and recovery codes
    assert client.get("/").status_code == 200
    Authenticator.objects.filter(
        user__email="nuevo@example.org", type=Authenticator.Type.RECOVERY_CODES
    ).delete()
    assert client.get("/").status_code == 200
