"""The incident page on a raid night, in Spanish, on a phone and on a desktop: a partner accepts a referral and the
coordinator's page shows it without a reload, and without moving the part of the page being read."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from directory.models import County, Language
from referrals import services
from referrals.models import Urgency
from referrals.views import incidents
from tests.browser.journeys import sign_in
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db(transaction=True)

FAMILIES = 12  # enough for the page to scroll on a desktop too


def test_the_incident_page_updates_in_place_when_a_partner_accepts(
    page: Page, live_server, coordinator, volunteer, partner, monkeypatch, viewport
):
    # Every 2 seconds rather than 20: the same polling, without a 20-second wait in the test.
    monkeypatch.setattr(incidents, "REFRESH_SECONDS", 2)
    durham = County.objects.get(name="Durham")
    spanish = Language.objects.get(code="es")
    legal = make_service(partner.organization, "legal", [durham])
    raid = services.incident_create(
        user=coordinator,
        county=durham,
        occurred_at=timezone.now() - timedelta(hours=3),
        description="Workplace raid at a poultry plant",
    )
    routings = []
    for _ in range(FAMILIES):
        case = log_case(volunteer, durham, spanish, incident=raid)
        routings.append(services.routing_create(user=volunteer, need=case.needs.get(), service=legal))
    # The oldest family is listed last: the one the coordinator scrolled down to.
    watched = routings[0]
    reference = watched.need.referral.reference

    t = sign_in(page, live_server, coordinator.email, "es")
    page.goto(f"{live_server.url}{raid.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    state = page.locator(f"#family-{reference} [data-need-state]")
    expect(state).to_have_attribute("data-need-state", "pending")

    # The coordinator reads the bottom of the list; the page remembers it was not reloaded.
    page.locator(f"#family-{reference}").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 40)")
    page.evaluate("window.notReloaded = true")
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0

    services.routing_accept(user=partner, routing=watched)

    expect(state).to_have_attribute("data-need-state", "accepted", timeout=15_000)
    assert page.evaluate("window.notReloaded") is True
    assert abs(page.evaluate("window.scrollY") - scrolled) <= 1
    # Still in Spanish after the refresh: the fragment is rendered in the reader's language.
    expect(page.locator(f"#family-{reference}")).to_contain_text(t.of(Urgency.URGENT.label))
