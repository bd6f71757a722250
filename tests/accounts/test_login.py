import pytest
from django.urls import reverse

from directory.models import User
from tests.conftest import PASSWORD, make_user, sign_in, totp_code

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def test_it_signs_in_with_email_password_and_authenticator_code(client, volunteer):
    response = client.post(LOGIN_URL, {"login": "vera@example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == volunteer


def test_a_wrong_authenticator_code_does_not_sign_in(client, volunteer):
    client.post(LOGIN_URL, {"login": "vera@example.org", "password": PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_accepts_the_email_in_any_case(client, volunteer):
    response = sign_in(client, "Vera@Example.ORG")
    assert response["Location"] == reverse("home")


def test_a_person_without_a_second_factor_reaches_only_its_setup(client, hub):
    make_user("nuevo@example.org", hub, "volunteer", mfa=False)
    response = sign_in(client, "nuevo@example.org")
    assert response.status_code == 302
    for path in ["/", "/referrals/", "/referrals/new/", "/help/"]:
        response = client.get(path)
        if path == "/help/":
            assert response.status_code == 200  # public pages stay public
            continue
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/", path
    # Setting one up asks for the password again first (allauth's re-authentication), then shows the form.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")


def test_the_sixth_wrong_password_for_one_email_is_rate_limited(client, volunteer):
    for _ in range(5):
        response = client.post(LOGIN_URL, {"login": "vera@example.org", "password": "wrong password here"})
        assert "not correct" in response.content.decode()
    response = client.post(LOGIN_URL, {"login": "vera@example.org", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_rate_limit_is_explained_in_spanish(client, volunteer):
    client.cookies["django_language"] = "es"
    for _ in range(6):
        response = client.post(LOGIN_URL, {"login": "vera@example.org", "password": "wrong password here"})
    assert "Demasiados intentos fallidos" in response.content.decode()


def test_a_wrong_password_shows_the_same_error_as_an_unknown_email(client, volunteer):
    wrong_password = client.post(
        LOGIN_URL, {"login": "vera@example.org", "password": "not the password at all"}
    )
    unknown_email = client.post(
        LOGIN_URL, {"login": "nobody@example.org", "password": "not the password at all"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert "not correct" in wrong_password.content.decode()
    assert wrong_password.context["form"].errors == unknown_email.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_a_wrong_login_is_explained_in_spanish(client, volunteer):
    client.cookies["django_language"] = "es"
    response = client.post(LOGIN_URL, {"login": "vera@example.org", "password": "not the password at all"})
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "no son correctas" in body


def test_an_inactive_account_cannot_sign_in(client, volunteer):
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    sign_in(client, "vera@example.org")
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post(client, volunteer):
    client.force_login(volunteer)
    client.get("/accounts/logout/")
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_sign_up_page_says_it_is_closed(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign-up is closed" in response.content.decode()


def test_posting_to_sign_up_creates_no_account(client, db):
    client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.org",
            "password1": "a very long password 123",
            "password2": "a very long password 123",
        },
    )
    assert not User.objects.filter(email="intruder@example.org").exists()
    assert User.objects.count() == 0


def test_the_login_page_does_not_invite_sign_up(client, db):
    body = client.get(LOGIN_URL).content.decode()
    assert "/accounts/signup/" not in body
