"""Personas shared by every test: who works where, in which role.

- hub: El Centro Hispano, a hub (does intake) that also takes referrals.
- partner_org / other_partner_org: two partner organizations.
- volunteer, coordinator: staff of the hub (the volunteer trained for intake two months ago; untrained_volunteer
  has no training recorded).
- partner: staff of partner_org; partner2: staff of other_partner_org.
- network_admin: a network administrator (directory and accounts, no case details).
- outsider: a volunteer of another hub, who must see nothing of the first hub's cases.
"""

import os
import time
from datetime import date, timedelta
from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.apps import apps as django_apps
from django.test import Client
from django.utils import timezone

from directory.models import Organization, Role, Training, User

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM refuses to run in a thread
# with a running loop unless told it is safe, which it is here (one test thread, no async code of ours).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"
# Every persona has this authenticator app secret (base32), as production requires a second factor of everyone.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, *, offset: int = 0) -> str:
    """The code an authenticator app would show now (offset in 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


@pytest.fixture(autouse=True)
def reference_data(request):
    """Transactional tests (browser, concurrency) empty every table when they end, the shipped counties, languages
    and categories included; put them back for whichever test comes next."""
    marker = request.node.get_closest_marker("django_db")
    if (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
        import_module("directory.migrations.0004_reference_data").load(django_apps, None)


@pytest.fixture(autouse=True)
def production_like_settings(settings):
    # A development .env may relax MFA for the demo accounts; the tests check the real rules.
    settings.MFA_REQUIRED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run at once, on commit, so a test reads the emails a change caused straight from the outbox. The tests of
    # the queue itself (tests/core/test_task_queue.py) put the database backend and its worker back.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def make_org(slug: str, name: str, *, hub: bool = False, partner: bool = False) -> Organization:
    return Organization.objects.create(slug=slug, name=name, is_hub=hub, is_partner=partner)


def make_user(email: str, org: Organization, role: str, *, mfa: bool = True, **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, organization=org, role=role, **extra)
    if mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


@pytest.fixture
def hub(db) -> Organization:
    return make_org("el-centro-hispano", "El Centro Hispano", hub=True, partner=True)


@pytest.fixture
def partner_org(db) -> Organization:
    return make_org("the-hispanic-liaison", "The Hispanic Liaison", partner=True)


@pytest.fixture
def other_partner_org(db) -> Organization:
    return make_org("el-refugio", "El Refugio", partner=True)


@pytest.fixture
def other_hub(db) -> Organization:
    return make_org("comunidad-colectiva", "Comunidad Colectiva", hub=True)


def train(user: User, *, completed_on: date | None = None, expires_on: date | None = None) -> Training:
    """Record an intake course for `user`: by default two months ago, valid for a year (volunteers log intake only
    with current training)."""
    completed_on = completed_on or timezone.localdate() - timedelta(days=60)
    return Training.objects.create(
        user=user, course="Rapid response intake", completed_on=completed_on, expires_on=expires_on
    )


@pytest.fixture
def volunteer(hub) -> User:
    """Trained: the intake course two months ago, so they may log cases."""
    user = make_user("vera@example.org", hub, Role.VOLUNTEER, display_name="Vera")
    train(user)
    return user


@pytest.fixture
def untrained_volunteer(hub) -> User:
    return make_user("uma@example.org", hub, Role.VOLUNTEER, display_name="Uma")


@pytest.fixture
def coordinator(hub) -> User:
    return make_user("carmen@example.org", hub, Role.COORDINATOR, display_name="Carmen")


@pytest.fixture
def partner(partner_org) -> User:
    return make_user("pablo@example.org", partner_org, Role.PARTNER, display_name="Pablo")


@pytest.fixture
def partner2(other_partner_org) -> User:
    return make_user("paula@example.org", other_partner_org, Role.PARTNER, display_name="Paula")


@pytest.fixture
def network_admin(hub) -> User:
    return make_user("ana@example.org", hub, Role.ADMIN, display_name="Ana", is_staff=True)


@pytest.fixture
def outsider(other_hub) -> User:
    """Trained, so that what keeps them out of the first hub's cases is the hub, not their training."""
    user = make_user("otto@example.org", other_hub, Role.VOLUNTEER, display_name="Otto")
    train(user)
    return user


def client_for(user: User, *, reauthenticated: bool = False) -> Client:
    """A client signed in as `user`; reauthenticated: as if they just typed their password again (role changes,
    invitations and exports ask for that)."""
    client = Client()
    client.force_login(user)
    if reauthenticated:
        response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        assert response.status_code == 302, "re-authentication failed"
    return client


def measured_client_for(user: User) -> Client:
    """A client signed in as `user` whose session was written a moment ago, as for anyone using the app: the next
    requests within the minute write no session (core.security.SessionTouchMiddleware). For query budgets."""
    client = client_for(user)
    assert client.post("/accounts/keepalive/").status_code == 204
    return client


def sign_in(client: Client, email: str, password: str = PASSWORD):
    """Sign in through the real forms: password, then the authenticator code. Returns the last response."""
    response = client.post("/accounts/login/", {"login": email, "password": password})
    if response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/":
        # A code read in the last second of its 30-second step may be checked in the next one, and refused: a
        # person would glance again; wait for the new code instead.
        if (left := 30 - time.time() % 30) < 1.5:
            time.sleep(left + 0.05)
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    return response
