"""Helpers for the browser journeys: words on the screen in either language, signing in, the top bar, axe."""

import json
import re
from contextlib import contextmanager
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, totp_code

LANGUAGES = ["en", "es"]
AXE_RESULTS = Path(__file__).resolve().parents[2] / "test-results" / "axe"
BLOCKING_IMPACTS = {"serious", "critical"}

# The language button shows the name of the language it switches to, in that language.
LANGUAGE_BUTTON = {"en": "Español", "es": "English"}


class Words:
    """What the screen says in one language.

    Spanish comes from the same compiled catalogue (locale/es/LC_MESSAGES/django.mo, plus Django's and allauth's)
    that the live server uses, so a locator never carries a guess of a translator's wording. A message the
    catalogue does not translate yet fails the Spanish run by name instead of passing on English text.
    """

    def __init__(self, language: str):
        self.language = language

    def __call__(self, msgid: str, **params) -> str:
        with translation.override(self.language):
            text = gettext(msgid)
        self._require_translation(msgid, text)
        return text % params if params else text

    def of(self, lazy) -> str:
        """A lazy label (a form field's, a model choice's) as it shows in this language."""
        with translation.override("en"):
            english = str(lazy)
        with translation.override(self.language):
            text = str(lazy)
        self._require_translation(english, text)
        return text

    def data(self, obj) -> str:
        """Bilingual reference data (categories, languages): the text the page shows for it."""
        with translation.override(self.language):
            return str(obj)

    def _require_translation(self, english: str, text: str) -> None:
        if self.language != "en":
            assert text != english, (
                f"{english!r} has no {self.language} translation in locale/{self.language}/LC_MESSAGES/django.po "
                "(untranslated, fuzzy, or django.mo not compiled): the page would show English"
            )


def open_menu_if_collapsed(page: Page, t: Words) -> None:
    """On a phone the top bar folds into a menu button."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        page.get_by_role("button", name=t("Show menu")).click()
        expect(page.locator("#main-nav")).to_be_visible()


def go_to(page: Page, t: Words, link: str) -> None:
    """Follow a link of the top bar, as a person would."""
    open_menu_if_collapsed(page, t)
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=link, exact=True).click()


def sign_in(page: Page, live_server, email: str, language: str, check_accessibility=None) -> Words:
    """Email and password, then the authenticator code; then the language, from the top bar. The sign-in pages
    stay in English: signing in sets the language to the account's saved choice, so the switch comes after."""
    english = Words("en")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(english("Email"), exact=True).fill(email)
    page.get_by_label(english("Password"), exact=True).fill(PASSWORD)
    if check_accessibility:
        check_accessibility(page)
    page.get_by_role("button", name=english("Sign in"), exact=True).click()
    code = page.locator("input[name=code]")
    code.fill(totp_code())
    if check_accessibility:
        check_accessibility(page)
    page.get_by_role("button", name=re.compile(f"^{english('Sign In')}$")).click()
    if page.locator("input[name=code]").count():
        # The code turned over between reading and sending it: the next one is valid now.
        page.locator("input[name=code]").fill(totp_code())
        page.get_by_role("button", name=re.compile(f"^{english('Sign In')}$")).click()
    expect(page.get_by_role("heading", level=1, name=english("My work"))).to_be_visible()
    t = Words(language)
    if language != "en":
        open_menu_if_collapsed(page, english)
        page.get_by_role("button", name=LANGUAGE_BUTTON["en"]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1, name=t("My work"))).to_be_visible()
    return t


def field(scope, label: str):
    """A form control by its label; crispy marks required fields with an asterisk after the label text."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def expect_message(page: Page, text: str) -> None:
    """The confirmation Django's messages framework shows at the top of the page."""
    expect(page.locator(".messages")).to_contain_text(text)


@contextmanager
def confirmation(page: Page):
    """Say yes to the question a form asks before it submits (data-confirm); yields the questions asked."""
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    try:
        yield questions
    finally:
        page.remove_listener("dialog", answer)


class AccessibilityChecker:
    """Runs axe on a page, keeps the results with the test, and fails on serious or critical violations."""

    def __init__(self, test_name: str, record_property):
        self.name = re.sub(r"[^A-Za-z0-9_.-]+", "-", test_name).strip("-")
        self.record_property = record_property
        self.count = 0
        self.axe = Axe()

    def __call__(self, page: Page) -> None:
        results = self.axe.run(page)
        self.count += 1
        violations = results.response["violations"]
        AXE_RESULTS.mkdir(parents=True, exist_ok=True)
        path = AXE_RESULTS / f"{self.name}-{self.count}.json"
        kept = {key: results.response.get(key) for key in ("url", "timestamp", "testEngine", "violations")}
        path.write_text(json.dumps(kept, indent=2))
        summary = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations) or "none"
        self.record_property(f"axe-{self.count}", f"{page.url}: {summary} [{path.name}]")
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            print(results.generate_report())
        assert not blocking, f"axe found serious or critical violations on {page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']}; "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"])
            for v in blocking
        )
