"""Anonymous visitors reach only the pages meant for the public."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# URL names anyone may open without signing in.
PUBLIC = {
    "healthz",
    "switch_language",
    "switch_language_link",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_email_verification_sent",
    "account_inactive",
    "account_logout",
    "account_request_login_code",
    "account_confirm_login_code",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_login_webauthn",
    "mfa_signup_webauthn",
    "mfa_trust",
}
PUBLIC_PREFIXES = ("public:", "api:")

SAMPLE_VALUES = {"int": "1", "slug": "durham", "str": "x", "uuid": str(uuid.uuid4()), "path": "x"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            child_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), child_namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry


def sample_path(route: str, pattern: URLPattern) -> str | None:
    """A concrete path for a route, with sample values for its converters; None for regex routes."""
    if route.startswith("^") or "(?P" in route:
        return None
    path = route
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__.removesuffix("Converter").lower()
        for placeholder in (f"<{kind}:{name}>", f"<{name}>"):
            path = path.replace(placeholder, SAMPLE_VALUES.get(kind, "x"))
    return "/" + path


def private_urls():
    seen = set()
    for name, route, pattern in walk(get_resolver()):
        if name in PUBLIC or name.startswith(PUBLIC_PREFIXES) or route.startswith("admin/"):
            continue
        path = sample_path(route, pattern)
        if path and path not in seen:
            seen.add(path)
            yield pytest.param(path, id=name)


@pytest.mark.parametrize("path", list(private_urls()))
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_django_admin_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_home_page_is_reached_once_signed_in(client, volunteer):
    client.force_login(volunteer)
    response = client.get("/")
    assert response.status_code == 200
    assert "My work" in response.content.decode()


def test_a_page_that_does_not_exist_is_a_friendly_404(client, volunteer):
    client.force_login(volunteer)
    response = client.get("/referrals/R-NOPE00/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Back to my work" in body


def test_a_page_the_role_may_not_use_says_so(client, partner):
    client.force_login(partner)
    response = client.get("/referrals/new/")
    assert response.status_code == 403
    assert "Your role does not give access to this page" in response.content.decode()
