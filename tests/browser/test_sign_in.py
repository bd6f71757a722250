import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("Email|Correo electrónico")).fill(email)
    page.get_by_label(re.compile("Password|Contraseña")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Sign in|Iniciar sesión)$")).last.click()
    page.locator("input[name=code]").fill(totp_code())
    page.get_by_role("button", name=re.compile("^(Sign In|Iniciar sesión)$", re.I)).last.click()


def test_a_volunteer_signs_in_switches_to_spanish_and_signs_out(
    page: Page, live_server, volunteer, blocked_requests
):
    sign_in(page, live_server, volunteer.email)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()

    menu = page.get_by_role("button", name="Show menu")
    if menu.is_visible():
        menu.click()
        expect(page.locator("#main-nav.show")).to_be_visible()
    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", name="Mi trabajo")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    menu = page.get_by_role("button", name="Mostrar menú")
    if menu.is_visible():
        menu.click()
        # Wait for the menu to finish opening before pressing a button inside it.
        expect(page.locator("#main-nav.show")).to_be_visible()
    page.get_by_role("button", name="Cerrar sesión").click()
    # Signing out also clears the site's data from the browser (Clear-Site-Data), which can take a moment.
    expect(page).to_have_url(re.compile(r"/accounts/login/"), timeout=20_000)
    assert blocked_requests == []


def test_a_wrong_password_shows_a_clear_error(page: Page, live_server, volunteer):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(volunteer.email)
    page.get_by_label("Password").fill("definitely not the password")
    page.get_by_role("button", name="Sign in").last.click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
