"""The printed help: a one-page flyer with a QR code that opens the county's page, and a county page that prints on
at most two pages; and the search by town or ZIP code that leads a family to their county."""

import io
import re

import pytest
import zxingcpp
from django.db.models import Count, Q
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from directory.models import County
from tests.browser.test_public_help import open_menu_if_collapsed

pytestmark = pytest.mark.django_db(transaction=True)


def busiest_county() -> str:
    """The county with the most lines, text alerts and services of its own: the hardest to fit on one page."""
    return (
        County.objects.annotate(
            listed=Count("phones", distinct=True)
            + Count("text_alerts", distinct=True)
            + Count("services", filter=Q(services__status="active"), distinct=True)
        )
        .order_by("-listed", "name")
        .values_list("slug", flat=True)
        .first()
    ) or "durham"


def printed_pages(page: Page) -> int:
    pdf = page.pdf(format="Letter", prefer_css_page_size=True, print_background=False)
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_flyer_prints_on_one_letter_page_in_either_language(
    page: Page, live_server, demo, language, blocked_requests
):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for slug in sorted({"durham", busiest_county()}):
        page.goto(f"{live_server.url}/help/{slug}/flyer/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert printed_pages(page) == 1, slug
    assert blocked_requests == []


def test_the_flyers_qr_code_opens_the_countys_page(page: Page, live_server, demo, settings):
    settings.SITE_URL = live_server.url
    page.goto(f"{live_server.url}/help/durham/")
    page.get_by_role("link", name="One-page flyer with a QR code").click()
    expect(page).to_have_url(f"{live_server.url}/help/durham/flyer/")
    image = Image.open(io.BytesIO(page.locator("svg.flyer-qr").screenshot()))
    decoded = [barcode.text for barcode in zxingcpp.read_barcodes(image)]
    assert decoded == [f"{live_server.url}/help/durham/"]
    page.goto(decoded[0])
    expect(page.get_by_role("heading", level=1, name="Help in Durham County")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_county_page_prints_on_at_most_two_pages(page: Page, live_server, demo, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    for slug in sorted({"durham", busiest_county()}):
        page.goto(f"{live_server.url}/help/{slug}/")
        assert printed_pages(page) <= 2, slug


def test_a_family_types_their_zip_code_and_chooses_their_county(
    page: Page, live_server, demo, check_accessibility
):
    page.goto(f"{live_server.url}/help/")
    page.get_by_label("Type your town, ZIP code or county").fill("27517")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("ZIP code 27517")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Orange County").click()
    expect(page.get_by_role("heading", level=1, name="Help in Orange County")).to_be_visible()


def test_a_spanish_speaker_types_their_town_and_lands_on_their_county(page: Page, live_server, demo):
    page.goto(f"{live_server.url}/help/")
    open_menu_if_collapsed(page)
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.locator("#county-search").fill("siler city")
    page.locator("#county-search").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/help/chatham/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Chatham"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
