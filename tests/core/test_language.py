import pytest
from django.conf import settings

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_a_visitor_switches_to_spanish_and_back(client):
    response = client.post("/language/", {"language": "es", "next": "/accounts/login/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Iniciar sesión" in body

    response = client.post("/language/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()


def test_the_browser_language_is_honoured(client):
    response = client.get("/accounts/login/", headers={"accept-language": "es-MX,es;q=0.9"})
    assert '<html lang="es">' in response.content.decode()


def test_switching_remembers_the_choice_on_the_account(client, volunteer):
    client.force_login(volunteer)
    client.post("/language/", {"language": "es", "next": "/"})
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "es"
    assert '<html lang="es">' in client.get("/").content.decode()


def test_signing_in_brings_back_the_accounts_language(client, volunteer):
    volunteer.preferred_language, volunteer.language_chosen = "es", True
    volunteer.save(update_fields=["preferred_language", "language_chosen"])
    sign_in(client, volunteer.email)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Mi trabajo" in client.get("/").content.decode()


def test_an_unknown_language_changes_nothing(client, volunteer):
    client.force_login(volunteer)
    client.post("/language/", {"language": "xx", "next": "/"})
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_switching_never_redirects_to_another_site(client):
    response = client.post("/language/", {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_switching_language_needs_a_post(client):
    assert client.get("/language/").status_code == 405


def test_choosing_spanish_on_the_sign_in_page_sticks_after_signing_in(client, volunteer):
    client.post("/language/", {"language": "es", "next": "/accounts/login/"})
    sign_in(client, volunteer.email)
    assert '<html lang="es">' in client.get("/").content.decode()
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "es"
