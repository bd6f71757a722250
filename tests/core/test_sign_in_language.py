"""Which language a person's pages and emails are in after signing in: the one they chose, or else their browser's."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from directory.models import Role
from tests.conftest import make_user, sign_in

pytestmark = pytest.mark.django_db

SPANISH_BROWSER = {"accept-language": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"accept-language": "en-US,en;q=0.9"}


def home(client: Client) -> str:
    return client.get("/").content.decode()


def sign_in_again(client: Client, email: str) -> None:
    """Signing in a second time in the same test: allauth refuses an authenticator code it has seen (remembered in the
    cache); half a minute later the person would have a new one."""
    cache.clear()
    sign_in(client, email)


def test_an_account_whose_language_was_never_chosen_follows_a_spanish_browser(volunteer):
    assert (volunteer.preferred_language, volunteer.language_chosen) == ("en", False)
    client = Client(headers=SPANISH_BROWSER)
    sign_in(client, volunteer.email)
    page = home(client)
    assert '<html lang="es">' in page and "Mi trabajo" in page
    volunteer.refresh_from_db()
    # Stored for the emails, but not a choice: another browser's language may replace it at the next sign-in.
    assert (volunteer.preferred_language, volunteer.language_chosen) == ("es", False)
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"

    english = Client(headers=ENGLISH_BROWSER)
    sign_in_again(english, volunteer.email)
    assert '<html lang="en">' in home(english)
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "en"


def test_an_account_that_chose_english_keeps_english_on_a_spanish_browser(volunteer):
    volunteer.language_chosen = True
    volunteer.save(update_fields=["language_chosen"])
    client = Client(headers=SPANISH_BROWSER)
    sign_in(client, volunteer.email)
    assert '<html lang="en">' in home(client)
    volunteer.refresh_from_db()
    assert (volunteer.preferred_language, volunteer.language_chosen) == ("en", True)


def test_choosing_english_on_the_sign_in_page_of_a_spanish_browser_is_a_choice(volunteer):
    client = Client(headers=SPANISH_BROWSER)
    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    sign_in(client, volunteer.email)
    assert '<html lang="en">' in home(client)
    volunteer.refresh_from_db()
    assert volunteer.language_chosen

    # On another Spanish phone, the choice holds.
    other_phone = Client(headers=SPANISH_BROWSER)
    sign_in_again(other_phone, volunteer.email)
    assert '<html lang="en">' in home(other_phone)


def test_switching_language_when_signed_in_is_a_choice_that_holds_on_every_browser(volunteer):
    client = Client(headers=ENGLISH_BROWSER)
    sign_in(client, volunteer.email)
    client.post("/language/", {"language": "es", "next": "/"})
    volunteer.refresh_from_db()
    assert (volunteer.preferred_language, volunteer.language_chosen) == ("es", True)

    english = Client(headers=ENGLISH_BROWSER)
    sign_in_again(english, volunteer.email)
    assert '<html lang="es">' in home(english)


def test_a_language_left_on_a_shared_browser_does_not_change_a_chosen_language(volunteer, coordinator):
    coordinator.preferred_language, coordinator.language_chosen = "en", True
    coordinator.save(update_fields=["preferred_language", "language_chosen"])
    client = Client(headers=SPANISH_BROWSER)
    sign_in(client, volunteer.email)  # leaves the language cookie at "es"
    client.post("/accounts/logout/")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"

    sign_in_again(client, coordinator.email)
    assert '<html lang="en">' in home(client)
    coordinator.refresh_from_db()
    assert (coordinator.preferred_language, coordinator.language_chosen) == ("en", True)


def test_existing_accounts_with_a_language_other_than_the_default_count_as_having_chosen_it(hub):
    spanish = make_user("sara@example.org", hub, Role.VOLUNTEER, preferred_language="es")
    default = make_user("dan@example.org", hub, Role.VOLUNTEER)
    import_module("directory.migrations.0008_language_chosen_and_spanish_names").forward(apps, None)
    spanish.refresh_from_db()
    default.refresh_from_db()
    assert spanish.language_chosen
    assert not default.language_chosen


# --- Email subjects (the invitation's: tests/accounts/test_services.py) ----------------------------------------------------------------------------------------------


def test_a_password_reset_asked_for_in_spanish_comes_in_spanish_without_a_prefix(volunteer):
    client = Client(headers=SPANISH_BROWSER)
    client.post("/accounts/password/reset/", {"email": volunteer.email})
    (message,) = mail.outbox
    assert not message.subject.startswith("[")
    assert "contraseña" in message.subject.lower()
