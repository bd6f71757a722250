"""A family member or neighbour, not signed in, finds the hotlines for their county on a phone or a computer."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)


def open_menu_if_collapsed(page: Page) -> None:
    menu = page.get_by_role("button", name=re.compile("^(Show menu|Mostrar menú)$"))
    if menu.is_visible():
        menu.click()


def test_a_visitor_picks_their_county_and_sees_its_hotlines(
    page: Page, live_server, demo, viewport, blocked_requests
):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Referral network").click()
    expect(page.get_by_role("heading", level=1, name="Find help in your county")).to_be_visible()
    # Statewide lines are on the start page already, before any county is chosen.
    expect(page.get_by_role("link", name="Call 984-377-2622", exact=True)).to_be_visible()

    page.get_by_label("Or choose your county").select_option(label="Durham")
    page.get_by_role("button", name="Show help").click()

    expect(page).to_have_url(f"{live_server.url}/help/durham/")
    expect(page.get_by_role("heading", level=1, name="Help in Durham County")).to_be_visible()
    local = page.get_by_role("link", name="Call 336-543-0353")
    expect(local).to_be_visible()
    expect(local).to_have_attribute("href", "tel:+13365430353")
    expect(page.get_by_role("link", name="Call 984-377-2622", exact=True)).to_be_visible()
    alert = page.get_by_role("link", name="Text @siembra4 to 81010")
    expect(alert).to_have_attribute("href", "sms:81010?body=%40siembra4")
    expect(page.get_by_role("heading", level=3, name="El Centro Hispano")).to_be_visible()

    assert Axe().run(page).violations_count == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=SCREENSHOTS / f"public-help-{name}.png", full_page=True)
    assert blocked_requests == []


def test_a_spanish_speaker_searches_for_their_county_and_reads_it_in_spanish(
    page: Page, live_server, demo, blocked_requests
):
    page.goto(f"{live_server.url}/help/")
    open_menu_if_collapsed(page)
    # A link on the public pages: their copies are shared by every visitor, so they hold no form token.
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # Field found by id: its label's Spanish wording belongs to the translators.
    page.locator("#county-search").fill("durhám")
    page.locator("#county-search").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/help/durham/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_text("Reporte posible actividad de ICE")).to_be_visible()
    expect(page.locator('a[href="tel:+13365430353"]')).to_be_visible()
    expect(page.locator('a[href="tel:+19843772622"]').first).to_be_visible()
    expect(page.get_by_text("Fondo de fianzas Liberation Not Deportation")).to_be_visible()
    expect(page.get_by_text("Organización comunitaria en Durham, Orange y Wake.")).to_be_visible()
    assert blocked_requests == []


def test_a_county_without_a_local_partner_points_to_statewide_help(
    page: Page, live_server, demo, blocked_requests
):
    page.goto(f"{live_server.url}/help/")
    page.get_by_label("Type your town, ZIP code or county").fill("yancey")
    page.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", level=1, name="Help in Yancey County")).to_be_visible()
    expect(
        page.get_by_text("No local partner organization lists services in Yancey County yet")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Call 984-377-2622", exact=True)).to_be_visible()
    assert blocked_requests == []


def test_the_county_picker_works_without_javascript(browser, live_server, demo, viewport):
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    page = context.new_page()
    page.goto(f"{live_server.url}/help/")
    page.get_by_label("Or choose your county").select_option(label="New Hanover")
    page.get_by_role("button", name="Show help").click()
    expect(page.get_by_role("heading", level=1, name="Help in New Hanover County")).to_be_visible()
    context.close()


def test_the_printout_keeps_the_numbers_and_drops_the_buttons(page: Page, live_server, demo, settings):
    settings.SITE_URL = live_server.url  # the address the share link prints
    page.goto(f"{live_server.url}/help/durham/")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print this page")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("link", name="Call 984-377-2622", exact=True)).to_be_visible()
    # A printed flyer says where to find the page again.
    expect(page.get_by_role("link", name=f"{live_server.url}/help/durham/")).to_be_visible()
