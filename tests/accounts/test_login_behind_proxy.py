"""Sign-in limits behind the reverse proxy: every request reaches the app from the proxy's address, so the limits must
count the real client's address (the one the proxy adds to X-Forwarded-For), as configured in the environment.

The limits are counted in the real cache (the database cache in tests), which each test's transaction empties.
"""

import importlib

import pytest

from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
PROXY = "10.0.0.2"  # the reverse proxy: REMOTE_ADDR of every request
ATTACKER = "198.51.100.7"
COORDINATOR = "203.0.113.20"
TOO_MANY = "Too many failed login attempts"


def settings_from_environment(monkeypatch, **environment: str):
    """config/settings.py evaluated with these environment variables, as a deployment would set them."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    try:
        return importlib.reload(importlib.import_module("config.settings"))
    finally:
        for name in environment:
            monkeypatch.delenv(name)


@pytest.fixture
def behind_one_proxy(settings, monkeypatch):
    """The deployment's configuration: Caddy or nginx in front, ALLAUTH_TRUSTED_PROXY_COUNT=1 in the environment."""
    module = settings_from_environment(monkeypatch, ALLAUTH_TRUSTED_PROXY_COUNT="1")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = getattr(module, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = getattr(module, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    settings.ACCOUNT_RATE_LIMITS = module.ACCOUNT_RATE_LIMITS
    yield
    importlib.reload(importlib.import_module("config.settings"))


def per_address_limit(settings) -> int:
    """How many failed sign-ins one address may make per minute (the `/m/ip` part of the setting)."""
    for rate in settings.ACCOUNT_RATE_LIMITS["login_failed"].split(","):
        amount, period, per = rate.split("/")
        if per == "ip":
            assert period == "m"
            return int(amount)
    raise AssertionError("no per-address limit on failed sign-ins")


def through_proxy(client, client_address: str):
    """Requests as the proxy forwards them: from the proxy's address, the client's appended to X-Forwarded-For."""
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    return client


def fail_with_made_up_emails(client, times: int):
    responses = []
    for attempt in range(times):
        responses.append(
            client.post(LOGIN_URL, {"login": f"nobody{attempt}@example.org", "password": "guessing"})
        )
    return responses


def test_the_proxy_count_and_client_address_header_come_from_the_environment(monkeypatch):
    module = settings_from_environment(
        monkeypatch, ALLAUTH_TRUSTED_PROXY_COUNT="2", ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP"
    )
    assert (module.ALLAUTH_TRUSTED_PROXY_COUNT, module.ALLAUTH_TRUSTED_CLIENT_IP_HEADER) == (2, "X-Real-IP")
    module = importlib.reload(module)
    assert (module.ALLAUTH_TRUSTED_PROXY_COUNT, module.ALLAUTH_TRUSTED_CLIENT_IP_HEADER) == (0, None)


def test_an_unreadable_proxy_count_stops_the_app_with_a_clear_message(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ALLAUTH_TRUSTED_PROXY_COUNT"):
        settings_from_environment(monkeypatch, ALLAUTH_TRUSTED_PROXY_COUNT="one")
    importlib.reload(importlib.import_module("config.settings"))


def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(
    behind_one_proxy, settings, client, coordinator
):
    attacker = through_proxy(client, ATTACKER)
    limit = per_address_limit(settings)
    failures = fail_with_made_up_emails(attacker, limit + 1)
    assert all("not correct" in response.content.decode() for response in failures[:limit])
    assert TOO_MANY in failures[-1].content.decode()  # the attacker's own address is held back

    from django.test import Client

    colleague = through_proxy(Client(), COORDINATOR)
    response = sign_in(colleague, "carmen@example.org")
    assert response.status_code == 302 and response["Location"] == "/"
    assert colleague.session["_auth_user_id"] == str(coordinator.pk)

    # The attacker is still held back, whichever account it tries next, the coordinator's with the right password
    # included: a limited address learns nothing about any password.
    response = attacker.post(LOGIN_URL, {"login": "carmen@example.org", "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in attacker.session


def test_a_sign_in_after_as_many_mistyped_emails_from_other_people_behind_the_proxy_succeeds(
    behind_one_proxy, settings, coordinator
):
    """Today's lockout from ordinary use: as many people as the per-address limit allows, each behind the same proxy,
    mistype their email once within a minute; the next person's correct sign-in is not refused."""
    from django.test import Client

    for number in range(per_address_limit(settings)):
        person = through_proxy(Client(), f"203.0.113.{number + 1}")
        response = person.post(LOGIN_URL, {"login": f"carmen{number}@example.og", "password": PASSWORD})
        assert "not correct" in response.content.decode()
    colleague = through_proxy(Client(), COORDINATOR)
    response = sign_in(colleague, "carmen@example.org")
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_per_account_limit_still_stops_guessing_one_account_from_many_addresses(
    behind_one_proxy, client, coordinator
):
    from django.test import Client

    for number in range(5):
        guesser = through_proxy(Client(), f"198.51.100.{number + 1}")
        response = guesser.post(LOGIN_URL, {"login": "carmen@example.org", "password": f"guess {number}"})
        assert "not correct" in response.content.decode()
    guesser = through_proxy(Client(), "198.51.100.99")
    response = guesser.post(LOGIN_URL, {"login": "carmen@example.org", "password": PASSWORD})
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in guesser.session


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(behind_one_proxy, settings, client):
    """A client can put any address in the X-Forwarded-For it sends; the proxy appends the real one, and only that
    last entry (one trusted proxy) is counted."""
    limit = per_address_limit(settings)
    for attempt in range(limit + 1):
        client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt + 1}, {ATTACKER}")
        response = client.post(LOGIN_URL, {"login": f"nobody{attempt}@example.org", "password": "guessing"})
    assert TOO_MANY in response.content.decode()


def test_without_a_proxy_the_connecting_address_is_counted(settings, client, coordinator):
    """The default (no proxy trusted): X-Forwarded-For is ignored, so a client cannot pick its own address."""
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    limit = per_address_limit(settings)
    for attempt in range(limit + 1):
        client.defaults.update(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt + 1}")
        response = client.post(LOGIN_URL, {"login": f"nobody{attempt}@example.org", "password": "guessing"})
    assert TOO_MANY in response.content.decode()


def test_with_a_client_address_header_the_proxy_sets_each_client_is_counted_apart(
    settings, monkeypatch, client, coordinator
):
    """nginx's `proxy_set_header X-Real-IP $remote_addr`: ALLAUTH_TRUSTED_CLIENT_IP_HEADER=X-Real-IP."""
    module = settings_from_environment(monkeypatch, ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = module.ALLAUTH_TRUSTED_CLIENT_IP_HEADER
    importlib.reload(module)
    from django.test import Client

    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ATTACKER)
    failures = fail_with_made_up_emails(client, per_address_limit(settings) + 1)
    assert TOO_MANY in failures[-1].content.decode()
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=COORDINATOR)
    response = sign_in(colleague, "carmen@example.org")
    assert response.status_code == 302 and response["Location"] == "/"
