"""What intake costs a volunteer on a phone at night, counted: taps, characters typed and page loads, for one
Spanish-speaking family in Durham with two needs, logged from My work and both needs sent. The figures are in
docs/referrals.md; this journey fails if intake gets costlier than they say, or if the work after saving is not on
the first screen with tap targets a finger can hit.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from directory.models import County, Language
from referrals.forms import IntakeForm
from referrals.models import Referral, Routing, Urgency
from tests.browser.conftest import PHONE
from tests.browser.journeys import assert_no_english, field, sign_in
from tests.referrals.conftest import category, log_case, make_service

pytestmark = pytest.mark.django_db(transaction=True)

# The budget, as measured (docs/referrals.md, "What intake costs").
MAX_TAPS = 10
MAX_CHARACTERS = 19
MAX_PAGE_LOADS = 2
# WCAG 2.5.5's target size, the one Apple and Google recommend for fingers.
TAP_TARGET = 44


@pytest.fixture
def viewport() -> dict:
    return PHONE


@pytest.fixture
def directory(partner, partner2):
    durham = County.objects.get(name="Durham")
    return {
        "legal": make_service(partner.organization, "legal", [durham]),
        "basic-needs": make_service(partner2.organization, "basic-needs", [durham]),
    }


class Effort:
    """Counts what the volunteer does: each tap (a choice in a list is two: open it, pick), each character typed,
    and each page the browser loads (htmx updates are not page loads)."""

    def __init__(self, page: Page):
        self.taps = self.characters = self.page_loads = 0
        page.on("load", lambda _: self._loaded())

    def _loaded(self) -> None:
        self.page_loads += 1

    def tap(self, locator) -> None:
        self.taps += 1
        locator.click()

    def check(self, locator) -> None:
        self.taps += 1
        locator.check()

    def choose(self, locator, label: str) -> None:
        self.taps += 2
        locator.select_option(label=label)

    def type(self, locator, text: str) -> None:
        self.taps += 1  # into the box
        self.characters += len(text)
        locator.fill(text)


def test_logging_a_family_on_a_phone_costs_what_the_docs_say(
    page: Page, live_server, volunteer, directory, check_accessibility, blocked_requests
):
    # The volunteer logged a family in Durham earlier tonight: the form starts from that county.
    log_case(volunteer, County.objects.get(name="Durham"), Language.objects.get(code="es"), ("legal",))
    t = sign_in(page, live_server, volunteer.email, "es")
    effort = Effort(page)
    fields = IntakeForm.base_fields
    legal, food = t.data(category("legal")), t.data(category("basic-needs"))

    effort.tap(page.get_by_role("link", name=t("Log a new case")))
    county = field(page, t.of(fields["county"].label))
    if county.input_value() != str(County.objects.get(name="Durham").pk):
        effort.choose(county, "Durham")
    expect(field(page, t.of(fields["language"].label))).to_have_value(str(Language.objects.get(code="es").pk))
    effort.check(page.get_by_role("radio", name=t.of(Urgency.EMERGENCY.label)))
    effort.check(page.get_by_role("checkbox", name=legal, exact=True))
    effort.check(page.get_by_role("checkbox", name=food, exact=True))
    effort.type(field(page, t.of(fields["contact_name"].label)), "Rosa M.")
    effort.type(field(page, t.of(fields["contact_phone"].label)), "919-555-0143")
    effort.check(page.get_by_role("checkbox", name=t.of(fields["consent"].label)))
    check_accessibility(page)
    assert_no_english(page, "es")
    effort.tap(page.get_by_role("button", name=t("Save and see suggestions")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("R-")

    # The work comes first: the first send button is on the first screen, big enough for a finger.
    first_send = page.get_by_role(
        "button", name=t("Send to %(organization)s", organization="The Hispanic Liaison")
    )
    box = first_send.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    print(f"\nfirst send button: top {box['y']:.0f} px, {box['height']:.0f} px tall")
    assert box["height"] >= TAP_TARGET, box
    check_accessibility(page)
    assert_no_english(page, "es")
    # Dates read the same whatever the reader's habit: the month in letters ("5 dic 2026, 16:14").
    expect(page.locator("main")).to_contain_text(
        re.compile(r"\b\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) 20\d\d, \d{1,2}:\d\d")
    )

    for need, organization in ((legal, "The Hispanic Liaison"), (food, "El Refugio")):
        card = page.locator(".card").filter(has=page.get_by_role("heading", level=3, name=need, exact=True))
        effort.tap(card.get_by_role("button", name=t("Send to %(organization)s", organization=organization)))
        # Updated in place, saying which need went where.
        expect(card).to_contain_text(
            t("%(need)s sent to %(organization)s.", need=need, organization=organization)
        )

    referral = Referral.objects.latest("created_at")
    assert Routing.objects.filter(need__referral=referral, status="pending").count() == 2
    print(
        f"\nintake effort: {effort.taps} taps, {effort.characters} characters, {effort.page_loads} page loads"
    )
    assert effort.taps <= MAX_TAPS
    assert effort.characters <= MAX_CHARACTERS
    assert effort.page_loads <= MAX_PAGE_LOADS
    assert blocked_requests == []
