"""The one-page flyer a network prints and hands out: hotlines, text alerts, a few organizations, a QR code."""

import re

import pytest

from demo.data import seed_demo
from directory.models import County, Organization, Phone, PhoneType, Service, ServiceCategory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_demo(password="x" * 20)


def test_the_flyer_has_the_countys_hotlines_alerts_and_organizations(client, demo):
    response = client.get("/help/durham/flyer/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Help for immigrant families in Durham County" in body
    assert "919-687-4635" in body  # El Centro Hispano
    assert "Text @siembra4 to 81010" in body
    assert "El Centro Hispano" in body


def test_the_qr_code_is_drawn_on_the_server_for_the_countys_address(client, demo, settings):
    settings.SITE_URL = "https://help.example.org"
    # The site's own address, whatever Host the request came with.
    body = client.get("/help/durham/flyer/", headers={"host": "127.0.0.1"}).content.decode()
    svg = re.search(r'<svg viewBox="[^"]+" class="flyer-qr"><title>([^<]+)</title><path', body)
    assert svg and svg.group(1) == "https://help.example.org/help/durham/"
    assert "https://help.example.org/help/durham/" in body  # printed under it, for those without a camera
    assert "<img" not in body  # nothing fetched from anywhere


def test_the_county_page_links_to_its_flyer(client, demo):
    assert 'href="/help/durham/flyer/"' in client.get("/help/durham/").content.decode()


def test_the_flyer_is_in_spanish_for_spanish_visitors(client, demo):
    body = client.get("/help/durham/flyer/", headers={"accept-language": "es"}).content.decode()
    assert "Ayuda para familias inmigrantes en el condado de Durham" in body


def test_an_unknown_county_has_no_flyer(client):
    assert client.get("/help/atlantis/flyer/").status_code == 404


def test_the_flyer_is_kept_for_anonymous_visitors_like_the_county_page(client, demo):
    response = client.get("/help/durham/flyer/")
    assert {part.strip() for part in response["Cache-Control"].split(",")} == {"public", "max-age=60"}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_long_directory_is_cut_to_what_fits_and_points_to_the_page(client, partner_org, settings):
    settings.PUBLIC_PAGE_CACHE = False
    orange = County.objects.get(slug="orange")
    for i in range(12):
        phone = Phone.objects.create(
            organization=partner_org, number=f"+1919555{i:04d}", type=PhoneType.HOTLINE
        )
        phone.counties.add(orange)
    body = client.get("/help/orange/flyer/").content.decode()
    assert body.count('class="flyer-number"') == 6
    assert "More help on this page" in body


@pytest.mark.parametrize("organizations", [1, 30])
def test_the_flyer_runs_the_same_queries_for_1_or_30_organizations(
    client, django_assert_num_queries, organizations, settings
):
    settings.PUBLIC_PAGE_CACHE = False
    orange = County.objects.get(slug="orange")
    legal = ServiceCategory.objects.get(code="legal")
    for i in range(organizations):
        org = Organization.objects.create(name=f"Org {i}", slug=f"org-{i}")
        Service.objects.create(organization=org, category=legal, name="Help").counties.add(orange)
        Phone.objects.create(organization=org, number=f"+1919555{i:04d}", type=PhoneType.OFFICE).counties.add(
            orange
        )
    # The directory's version; the county; the hotlines; the text alerts; the organizations and their office lines.
    with django_assert_num_queries(6):
        response = client.get("/help/orange/flyer/")
    assert response.content.decode().count('class="flyer-org"') == min(organizations, 4)
