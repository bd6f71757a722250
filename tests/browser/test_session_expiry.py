"""A long call at night: the session is about to end while a volunteer logs a family on a phone.

The warning comes before the idle timeout and "Stay signed in" keeps the session; when it ends anyway, pressing Save
sends the volunteer to sign in, and the form comes back filled in, to check and save once. Nothing goes to the
browser's storage. The idle timeout is a few seconds here (the live server reads the overridden settings).

In Spanish, as the volunteers of the raid scenario work; no English is left on the pages it visits.
"""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from core.models import KeptForm
from directory.models import County, Language
from referrals.forms import IntakeForm
from referrals.models import Referral, Urgency
from tests.browser.conftest import PHONE
from tests.browser.journeys import assert_no_english, field, sign_in
from tests.conftest import PASSWORD, totp_code
from tests.referrals.conftest import category

pytestmark = pytest.mark.django_db(transaction=True)

IDLE_SECONDS = 10  # the warning shows halfway, after 5 seconds


@pytest.fixture
def viewport() -> dict:
    return PHONE


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    # The second sign-in comes within a minute of the first; allauth refuses a code used once, so it may use the next
    # one, as an authenticator app would show a moment later.
    settings.MFA_TOTP_TOLERANCE = 1


def assert_nothing_in_browser_storage(page: Page) -> None:
    """No kept form, nor anything else of ours, in the browser's storage. htmx keeps the page's path (not its
    content) in sessionStorage for its history; that is all there may be."""
    assert page.evaluate("Object.keys(localStorage).length") == 0
    stored = page.evaluate("Object.entries(sessionStorage)")
    assert {key for key, _value in stored} <= {"htmx-current-path-for-history"}, stored
    assert not any(word in value for _key, value in stored for word in ("Rosa", "555", "detained")), stored


def session_alive(page: Page) -> bool:
    """Whether the browser's session still opens My work (a same-origin request, as the page itself would make)."""
    return page.evaluate("fetch('/', {redirect: 'manual'}).then((response) => response.status === 200)")


def test_the_warning_keeps_the_session_and_a_form_saved_after_it_ended_comes_back(
    page: Page, live_server, volunteer, short_sessions, check_accessibility, blocked_requests
):
    t = sign_in(page, live_server, volunteer.email, "es")
    labels = IntakeForm.base_fields
    page.get_by_role("link", name=t("Log a new case")).click()
    loaded = time.monotonic()

    # Before the timeout, the warning takes the focus, with a button to stay.
    warning = page.get_by_role("alertdialog", name=t("Are you still there?"))
    expect(warning).to_be_visible(timeout=IDLE_SECONDS * 1000)
    stay = warning.get_by_role("button", name=t("Stay signed in"))
    expect(stay).to_be_focused()
    check_accessibility(page)
    page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    time.sleep(max(0, loaded + IDLE_SECONDS + 1 - time.monotonic()))
    assert session_alive(page), "Stay signed in did not keep the session past its first timeout"

    # The family's details, typed during a long call.
    page.reload()
    field(page, t.of(labels["county"].label)).select_option(label="Durham")
    field(page, t.of(labels["language"].label)).select_option(label=t.data(Language.objects.get(code="es")))
    page.get_by_role("radio", name=t.of(Urgency.EMERGENCY.label)).check()
    page.get_by_role("checkbox", name=t.data(category("legal")), exact=True).check()
    page.get_by_role("checkbox", name=t.data(category("family-planning")), exact=True).check()
    field(page, t.of(labels["contact_name"].label)).fill("Rosa Delgado")
    field(page, t.of(labels["contact_phone"].label)).fill("919-555-0143")
    field(page, t.of(labels["notes"].label)).fill("Husband detained this morning")
    page.get_by_role("checkbox", name=t.of(labels["consent"].label)).check()

    # Nobody presses the button this time: the page says the session ended, and that the typing is not lost.
    ended = "You were signed out. What you typed here is not lost: save it, sign in again, and it comes back for you to check."
    expect(warning).to_contain_text(t(ended), timeout=(IDLE_SECONDS + 2) * 1000)
    expect(stay).to_be_hidden()
    warning.get_by_role("button", name=t("Close")).click()
    page.get_by_role("button", name=t("Save and see suggestions")).click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/referrals/new/$"))
    assert Referral.objects.count() == 0 and KeptForm.objects.count() == 1
    field(page, t("Email")).fill(volunteer.email)
    field(page, t("Password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    page.locator("input[name=code]").fill(totp_code(offset=1))
    page.get_by_role("button", name=t("Sign In"), exact=True).click()

    # Back on the form, everything as it was typed.
    expect(page.get_by_role("status")).to_contain_text(
        t("You were signed out; your form was kept. Check it and save again.")
    )
    expect(field(page, t.of(labels["county"].label))).to_have_value(str(County.objects.get(name="Durham").pk))
    expect(page.get_by_role("radio", name=t.of(Urgency.EMERGENCY.label))).to_be_checked()
    expect(page.get_by_role("checkbox", name=t.data(category("legal")), exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name=t.data(category("family-planning")), exact=True)).to_be_checked()
    expect(field(page, t.of(labels["contact_name"].label))).to_have_value("Rosa Delgado")
    expect(field(page, t.of(labels["contact_phone"].label))).to_have_value("919-555-0143")
    expect(field(page, t.of(labels["notes"].label))).to_have_value("Husband detained this morning")
    expect(page.get_by_role("checkbox", name=t.of(labels["consent"].label))).to_be_checked()
    assert_nothing_in_browser_storage(page)
    check_accessibility(page)
    assert_no_english(page, "es")

    page.get_by_role("button", name=t("Save and see suggestions")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("R-")
    referral = Referral.objects.get()
    assert referral.contact_name == "Rosa Delgado" and referral.needs.count() == 2
    assert not KeptForm.objects.exists()
    assert_nothing_in_browser_storage(page)
    assert blocked_requests == []
