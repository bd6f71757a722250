"""The error pages: each in both languages, the reader's first, drawn without the session, the user or the
database (a bare English "Bad Request (400)" was what a failing session save or a bad header gave before)."""

import pytest
from django.test import Client

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def sections(page: str) -> list[str]:
    """The languages of the page's sections, in order."""
    return sorted(("en", "es"), key=lambda lang: page.index(f'<section lang="{lang}">'))


@pytest.mark.parametrize(("accept", "first"), [("en-US,en;q=0.9", "en"), ("es-MX,es;q=0.9", "es")])
def test_a_bad_request_gets_the_bilingual_400_page(accept, first):
    # A Host the site does not serve: Django refuses it with a 400 before any view.
    response = Client().get("/help/", HTTP_HOST="not-ours.example", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The page could not use what was sent" in page
    assert "La página no pudo usar lo que se envió" in page
    assert f'<html lang="{first}">' in page
    assert sections(page)[0] == first


def test_an_expired_form_gets_the_bilingual_403_page(volunteer):
    client = client_for(volunteer)
    client.handler.enforce_csrf_checks = True
    response = client.post("/referrals/new/", {"contact_name": "x"}, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Este formulario ha caducado" in page and "This form has expired" in page
    assert sections(page) == ["es", "en"]


def test_a_server_error_gets_the_bilingual_500_page(volunteer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("referrals.views.search.render", broken)
    client = Client(raise_request_exception=False)
    client.force_login(volunteer)
    response = client.get("/referrals/search/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "Algo salió mal" in page
    assert "no-store" in response["Cache-Control"]


def test_not_found_is_the_sites_own_page(volunteer):
    response = client_for(volunteer).get("/referrals/NOPE-0000/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
