"""Error reports name no family: a real intake (a name, a phone, a note) fails inside the service, and neither the
email to ADMINS nor the event sent to Sentry holds the name, the phone or the note, though both still say what
failed and where."""

import json
import logging
import re
import uuid
from html import unescape

import pytest
import sentry_sdk
from django.core import mail
from django.test import Client
from django.utils.log import AdminEmailHandler
from sentry_sdk.transport import Transport

from core.sentry import init_sentry, scrub_sentry_event
from directory.models import County, Language
from referrals import services
from tests.referrals.conftest import category

pytestmark = pytest.mark.django_db

NAME = "Rosa Martínez"
PHONE = "919-555-0143"
NOTE = "Husband taken at the poultry plant this morning; kids staying with the neighbor"
# The phone as the code handles it after parsing, and bare digits: neither may appear either.
SECRETS = [
    NAME,
    "Martínez",
    "Martinez",
    PHONE,
    "9195550143",
    "+19195550143",
    "555-0143",
    NOTE,
    "poultry",
    "neighbor",
]


@pytest.fixture(autouse=True)
def admins(settings):
    settings.ADMINS = ["Operations <ops@example.org>"]
    settings.DEBUG = False


@pytest.fixture
def durham() -> County:
    return County.objects.get(name="Durham")


@pytest.fixture
def spanish() -> Language:
    return Language.objects.get(code="es")


def intake(durham, spanish) -> dict:
    return {
        "county": durham.pk,
        "language": spanish.pk,
        "urgency": "emergency",
        "categories": [category("legal").pk],
        "contact_name": NAME,
        "contact_phone": PHONE,
        "safe_to_call": "on",
        "best_times": "after 6pm",
        "notes": NOTE,
        "intake_token": str(uuid.uuid4()),
    }


def post_failing_intake(volunteer, durham, spanish) -> int:
    client = Client(raise_request_exception=False)
    client.force_login(volunteer)
    return client.post("/referrals/new/", intake(durham, spanish)).status_code


@pytest.fixture
def timeline_fails(monkeypatch):
    """The intake's timeline write fails, after the service has the family's details in its variables (and the
    referral object in hand): a bug that quotes a value, as KeyError does."""

    def broken_event(referral, *args, **kwargs):
        raise KeyError(referral.contact_name)

    monkeypatch.setattr(services, "_event", broken_event)


@pytest.fixture
def phone_parsing_fails(monkeypatch):
    def broken_digest(phone):
        raise ValueError(f"invalid literal for int() with base 10: {phone!r}")

    monkeypatch.setattr(services, "phone_digest", broken_digest)


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


# --- The email to ADMINS ------------------------------------------------------------------------------------------


def admin_email() -> str:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == ["Operations <ops@example.org>"]
    assert not getattr(message, "alternatives", None), "an HTML report would repeat everything"
    return f"{message.subject}\n{message.body}"


def test_the_error_email_holds_no_name_phone_or_note(volunteer, durham, spanish, timeline_fails):
    assert post_failing_intake(volunteer, durham, spanish) == 500
    report = admin_email()
    assert leaks(report) == []
    # Still a useful report: what failed, where, on which page, with which fields posted.
    assert "ERROR (EXTERNAL IP): Internal Server Error: /referrals/new/" in report
    assert "Exception Type: KeyError at /referrals/new/" in report
    assert 'referrals/services.py", line' in report and "in referral_create" in report
    assert "contact_name = '********************'" in report
    assert "notes = '********************'" in report
    assert f"account #{volunteer.pk}" in report and volunteer.email not in report


def test_a_value_quoted_in_the_exception_message_is_hidden(volunteer, durham, spanish, phone_parsing_fails):
    assert post_failing_intake(volunteer, durham, spanish) == 500
    report = admin_email()
    assert leaks(report) == []
    # The phone as typed is a value the request carried; parsed, a run of digits: either way, a marker.
    assert re.search(
        r"Exception Value: invalid literal for int\(\) with base 10: '\[(hidden|number)\]'", report
    )


def test_an_html_report_hides_the_local_variables_and_posted_values_too(
    volunteer, durham, spanish, timeline_fails
):
    """The emails are plain text, which has no local variables; an operator who turns on the HTML report (which
    has them) still gets none of the family's details."""
    handler = AdminEmailHandler(include_html=True)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        post_failing_intake(volunteer, durham, spanish)
    finally:
        logger.removeHandler(handler)
    html = next(m for m in mail.outbox if m.alternatives).alternatives[0].content
    assert leaks(html) == []
    assert leaks(unescape(html)) == []
    # The service's variables are there, by name and type only.
    assert re.search(r"contact_phone</td>\s*<td class=\"code\"><pre>&#x27;&lt;str: hidden&gt;&#x27;", html)


# --- Sentry -------------------------------------------------------------------------------------------------------


@pytest.fixture
def sentry_events():
    """Sentry's real SDK, with its Django integration, sending to a list instead of a server."""
    events: list[dict] = []

    class Collect(Transport):
        def capture_envelope(self, envelope):
            events.extend(item.payload.json for item in envelope.items if item.type == "event")

    def start(**options):
        init_sentry("https://public@sentry.invalid/1", transport=Collect, **options)

    yield start, events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off for the tests that follow


def test_the_sentry_event_holds_no_name_phone_or_note(
    volunteer, durham, spanish, timeline_fails, sentry_events
):
    start, events = sentry_events
    start()
    assert post_failing_intake(volunteer, durham, spanish) == 500
    sentry_sdk.flush()
    [event] = events
    assert leaks(json.dumps(event, ensure_ascii=False)) == []
    assert event["exception"]["values"][-1]["type"] == "KeyError"
    assert event["transaction"] == "/referrals/new/"


def test_the_scrubber_alone_removes_what_sentry_collects_with_every_personal_data_option_on(
    volunteer, durham, spanish, timeline_fails, sentry_events
):
    """Were the options of init_sentry ever loosened, the scrubber still sends nothing about the family or the
    volunteer: the request body, cookies, query string, user and local variables are all collected here."""
    start, events = sentry_events
    start(data_collection={}, max_request_body_size="always")  # {}: everything, by default
    client = Client(raise_request_exception=False)
    client.force_login(volunteer)
    client.post(f"/referrals/new/?phone={PHONE}", intake(durham, spanish))
    sentry_sdk.flush()
    [event] = events
    text = json.dumps(event, ensure_ascii=False)
    assert leaks(text) == []
    assert volunteer.email not in text
    assert "user" not in event
    assert set(event["request"]) == {"method", "url", "headers"}
    assert "Cookie" not in event["request"]["headers"]
    frames = event["exception"]["values"][-1]["stacktrace"]["frames"]
    assert frames and all("vars" not in frame for frame in frames)


def test_a_database_outage_is_not_an_event_per_request():
    from django.db import OperationalError

    try:
        raise OperationalError("connection failed: Connection refused")
    except OperationalError as error:
        hint = {"exc_info": (type(error), error, error.__traceback__)}
    assert scrub_sentry_event({"exception": {"values": []}}, hint) is None
