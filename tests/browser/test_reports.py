"""A coordinator reads the hub report on a phone and on a computer, in English and in Spanish: picks the period,
filters by county, reads the map's table. axe checks each page, and no English is left on the Spanish one."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, SCREENSHOTS
from tests.browser.journeys import LANGUAGES, assert_no_english, field, go_to, sign_in
from tests.reports.conftest import counties, march, siembra  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_coordinator_filters_the_hub_report_by_county_and_reads_the_maps_table(
    page: Page,
    language,
    live_server,
    coordinator,
    march,  # noqa: F811 (the fixture imported above)
    viewport,
    check_accessibility,
    blocked_requests,
):
    t = sign_in(page, live_server, coordinator.email, language, check_accessibility)
    go_to(page, t, t("Reports"))
    expect(page.get_by_role("heading", level=1, name=t("Hub report"))).to_be_visible()

    filters = page.locator("details.report-filters")
    filters.locator("summary").click()
    field(filters, t("From")).fill("2025-03-03")
    field(filters, t("To")).fill("2025-03-30")
    filters.get_by_role("button", name=t("Apply")).click()
    expect(page.get_by_text(t("Families opened"), exact=True).locator("xpath=..")).to_contain_text("6")
    check_accessibility(page)
    assert_no_english(page, language)

    map_image = page.get_by_role(
        "img", name=t("Map of North Carolina's counties, shaded by unmet or unserved needs")
    )
    expect(map_image).to_be_visible()
    table = page.get_by_role("table", name=t("Unmet needs by county"), exact=True)
    # Each county with unmet or unserved needs: closed as unmet, open with no service, in all, and its shade.
    expect(table.get_by_role("row", name="Orange 0 1 1 1–4", exact=True)).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Alleghany "))).to_be_visible()

    # The filters stay open once applied.
    field(filters, t("County")).select_option(label="Durham")
    filters.get_by_role("button", name=t("Apply")).click()
    expect(page).to_have_url(re.compile(r"county=37063"))
    table = page.get_by_role("table", name=t("Unmet needs by county"), exact=True)
    expect(table.get_by_role("row", name="Durham 1 0 1 1–4", exact=True)).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("^Orange "))).to_have_count(0)
    expect(page.locator('path.selected[data-fips="37063"]')).to_have_count(1)
    check_accessibility(page)

    if language == "en":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=SCREENSHOTS / f"report-{'desktop' if viewport == DESKTOP else 'phone'}.png", full_page=True
        )
    assert blocked_requests == []


@pytest.mark.parametrize(
    ("persona", "heading"), [("partner", "Report: The Hispanic Liaison"), ("network_admin", "Network report")]
)
def test_partners_and_administrators_open_their_own_report(
    request,
    page: Page,
    live_server,
    march,  # noqa: F811 (the fixture imported above)
    persona,
    heading,
    viewport,
    check_accessibility,
):
    user = request.getfixturevalue(persona)
    t = sign_in(page, live_server, user.email, "en")
    go_to(page, t, t("Reports"))
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    page.goto(f"{page.url}?start=2025-03-03&end=2025-03-30")
    figure = t("Received") if persona == "partner" else t("Families opened")
    expect(page.locator("dl").filter(has=page.get_by_text(figure, exact=True))).to_contain_text(
        "4" if persona == "partner" else "7"
    )
    check_accessibility(page)
