"""Helpers for the browser journeys: words on the screen in either language, signing in, the top bar, axe."""

import gettext as gettext_module
import json
import re
import time
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

# The top bar's language button is named after the language it switches to, in that language.
SWITCH_TO = {"en": "English", "es": "Español"}


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
    # Bootstrap's deferred script opens the menu; it has run once the DOM is ready.
    page.wait_for_load_state("domcontentloaded")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        page.get_by_role("button", name=t("Show menu")).click()
        expect(page.locator("#main-nav")).to_be_visible()


def go_to(page: Page, t: Words, link: str) -> None:
    """Follow a link of the top bar, as a person would."""
    open_menu_if_collapsed(page, t)
    # A link may carry a count after its label, read aloud as ", 3 waiting".
    name = re.compile(rf"^{re.escape(link)}(\s*,.*)?$")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=name).click()


def sign_in(page: Page, live_server, email: str, language: str, check_accessibility=None) -> Words:
    """Email and password, then the authenticator code; then the language, from the top bar. The sign-in pages
    stay in English: signing in sets the language to the account's saved choice, so the switch comes after."""
    english = Words("en")
    page.goto(f"{live_server.url}/accounts/login/")
    field(page, english("Email")).fill(email)
    field(page, english("Password")).fill(PASSWORD)
    if check_accessibility:
        check_accessibility(page)
    page.get_by_role("button", name=english("Sign in"), exact=True).click()
    expect(page.locator("input[name=code]")).to_be_visible()
    if check_accessibility:
        check_accessibility(page)
    # A code read in the last moments of its 30 seconds may be stale when it arrives; wait for the next one.
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left)
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name=english("Sign In"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=english("My work"))).to_be_visible()
    t = Words(language)
    if language != "en":
        open_menu_if_collapsed(page, english)
        page.get_by_role("button", name=SWITCH_TO[language], exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1, name=t("My work"))).to_be_visible()
    return t


def field(scope, label: str):
    """A form control by its label; crispy marks required fields with an asterisk after the label text."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


CATALOGUE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _english_phrases(language: str) -> set[str]:
    """Runs of three or more words of our English messages that the language's catalogue translates differently:
    if one of them is on a page in that language, the page shows English."""
    with open(CATALOGUE / language / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        catalogue = gettext_module.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    phrases = set()
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or not msgid or "\x04" in msgid:
            continue
        for fragment in PLACEHOLDER.split(msgid):
            fragment = fragment.strip(" .,:;·()\n")
            if len(fragment.split()) >= 3 and fragment not in msgstr:
                phrases.add(fragment)
    return phrases


def assert_no_english(page: Page, language: str) -> None:
    """No message of ours is left in English on a page shown in another language (checked against the catalogue)."""
    if language == "en":
        return
    text = " ".join(page.locator("body").inner_text().split())
    left = sorted(phrase for phrase in _english_phrases(language) if phrase in text)
    assert not left, f"{page.url} shows English: {left[:5]}"


def expect_message(page: Page, text: str) -> None:
    """The confirmation Django's messages framework shows at the top of the page."""
    expect(page.get_by_role("status")).to_contain_text(text)


@contextmanager
def confirmation(page: Page):
    """Say yes to the question a form asks before it submits (data-confirm); yields the questions asked."""
    questions: list[str] = []

    def answer(dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    # The question comes from a deferred script (static/js/app.js); before it runs the form would just submit.
    page.wait_for_load_state("domcontentloaded")
    page.on("dialog", answer)
    try:
        yield questions
    finally:
        page.remove_listener("dialog", answer)


REFLOW = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [...document.querySelectorAll("main *, header *")].filter(
        (el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-responsive")
    );
    return wide.slice(0, 5).map((el) => el.outerHTML.slice(0, 150));
}"""


def _first_reason(node: dict) -> str:
    for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
        if check.get("message"):
            return check["message"]
    return node.get("failureSummary", "")


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
            f"- {v['id']} ({v['impact']}): {v['help']}\n"
            + "\n".join(f"    {node['html'][:140]}\n      {_first_reason(node)}" for node in v["nodes"])
            for v in blocking
        )
        # WCAG 1.4.10 (reflow): on a phone the page must fit the screen's width; wide tables scroll in their box.
        overflow = page.evaluate(REFLOW)
        assert not overflow, (
            f"{page.url} is wider than the {page.viewport_size['width']}px screen: {overflow}"
        )
