"""What the county page lists, and in which order: organizations someone can reach first, resources only in the
counties they are for, Spanish links for Spanish visitors, and raid alerts people join by asking the organization."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import (
    County,
    Language,
    Organization,
    Phone,
    PhoneType,
    Resource,
    ResourceKind,
    Service,
    ServiceCategory,
    TextAlert,
)

pytestmark = pytest.mark.django_db


def page(client, slug: str, *, language: str = "en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(f"/help/{slug}/")
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, heading_id: str) -> str:
    start = body.find(f'id="{heading_id}"')
    return "" if start < 0 else body[start : body.index("</section>", start)]


def card_titles(fragment: str) -> list[str]:
    return re.findall(r'<h3 class="h4 card-title">([^<]+)</h3>', fragment)


def county(slug: str) -> County:
    return County.objects.get(slug=slug)


def organization_serving(
    name: str, *, counties: list[str] = (), statewide: bool = False, **fields
) -> Organization:
    org = Organization.objects.create(name=name, slug=name.lower().replace(" ", "-"), **fields)
    service = Service.objects.create(
        organization=org,
        category=ServiceCategory.objects.get(code="legal"),
        name=f"Help from {name}",
        is_statewide=statewide,
    )
    service.counties.set(County.objects.filter(slug__in=counties))
    return org


# Organizations


def test_local_organizations_someone_can_reach_come_before_those_nobody_can(client):
    # Alphabetically first, but with no phone, website or email: a visitor could do nothing with it.
    organization_serving("Aardvark Aid", counties=["orange"])
    organization_serving("Zeta Help", counties=["orange"], website="https://zeta.example")
    organization_serving("Mail Aid", counties=["orange"], email="help@mail-aid.example")
    by_phone = organization_serving("Phone Aid", counties=["orange"])
    Phone.objects.create(organization=by_phone, number="+19195550100").counties.add(county("orange"))
    # A line for another county does not reach anyone in Orange.
    elsewhere = organization_serving("Beta Aid", counties=["orange"])
    Phone.objects.create(organization=elsewhere, number="+19195550101").counties.add(county("durham"))

    local = card_titles(section(page(client, "orange"), "local-heading"))
    assert local == ["Mail Aid", "Phone Aid", "Zeta Help", "Aardvark Aid", "Beta Aid"]


def test_a_statewide_hotline_reaches_the_organization_everywhere(client):
    organization_serving("Aardvark Aid", counties=["orange"])
    hotline = organization_serving("Hotline Aid", counties=["orange"])
    Phone.objects.create(
        organization=hotline, number="+19195550102", type=PhoneType.HOTLINE, is_statewide=True
    )

    assert card_titles(section(page(client, "orange"), "local-heading")) == ["Hotline Aid", "Aardvark Aid"]


def test_local_organizations_still_come_before_statewide_ones_that_can_be_reached(client):
    organization_serving("Zeta Local", counties=["orange"])
    organization_serving("Aardvark Statewide", statewide=True, website="https://aardvark.example")

    body = page(client, "orange")
    assert card_titles(section(body, "local-heading")) == ["Zeta Local"]
    assert card_titles(section(body, "statewide-heading")) == ["Aardvark Statewide"]
    assert body.index("Zeta Local") < body.index("Aardvark Statewide")


def test_statewide_organizations_someone_can_reach_come_first_too(client):
    organization_serving("Aardvark Statewide", statewide=True)
    organization_serving("Zeta Statewide", statewide=True, website="https://zeta.example")

    statewide = card_titles(section(page(client, "yancey"), "statewide-heading"))
    assert statewide == ["Zeta Statewide", "Aardvark Statewide"]


# Resources


def test_a_resource_for_some_counties_is_listed_only_there(client):
    fund = Resource.objects.create(kind=ResourceKind.FUND, title="Durham and Wake fund")
    fund.counties.set(County.objects.filter(slug__in=["durham", "wake"]))
    Resource.objects.create(kind=ResourceKind.GUIDE, title="Guide for everyone")

    for slug in ("durham", "wake"):
        resources = section(page(client, slug), "resources-heading")
        # Once, though it lists two counties.
        assert resources.count("Durham and Wake fund") == 1
        assert "Guide for everyone" in resources
    resources = section(page(client, "yancey"), "resources-heading")
    assert "Durham and Wake fund" not in resources
    assert "Guide for everyone" in resources


def test_a_resource_says_who_published_it(client):
    hub = Organization.objects.create(name="El Centro Hispano", slug="el-centro-hispano")
    Resource.objects.create(kind=ResourceKind.TOOLKIT, title="Ally toolkit", publisher="Indivisible")
    Resource.objects.create(kind=ResourceKind.FUND, title="Bond fund", organization=hub)

    resources = section(page(client, "orange"), "resources-heading")
    assert "Toolkit · Indivisible" in resources
    assert "Fund · El Centro Hispano" in resources


def test_spanish_visitors_follow_the_spanish_link_where_there_is_one(client):
    Resource.objects.create(
        kind=ResourceKind.GUIDE,
        title="Know your rights",
        title_es="Conozca sus derechos",
        url="https://www.acluofnorthcarolina.org/en/know-your-rights",
        url_es="https://www.acluofnorthcarolina.org/es/know-your-rights",
    )
    Resource.objects.create(kind=ResourceKind.APP, title="Mobile Justice NC", url="https://example.org/app")

    english = section(page(client, "orange"), "resources-heading")
    assert 'href="https://www.acluofnorthcarolina.org/en/know-your-rights"' in english
    assert "/es/know-your-rights" not in english
    assert 'hreflang="en"' not in english

    spanish = section(page(client, "orange", language="es"), "resources-heading")
    assert 'href="https://www.acluofnorthcarolina.org/es/know-your-rights"' in spanish
    assert "/en/know-your-rights" not in spanish
    # A page only in English is still linked, and says so.
    assert re.search(r'href="https://example.org/app" rel="noopener noreferrer" hreflang="en"', spanish)


# Raid alerts by text message


def test_an_alert_people_ask_to_join_shows_who_to_call_in_its_county(client):
    radarsafe = Organization.objects.create(name="RadarSafe", slug="radarsafe")
    alert = TextAlert.objects.create(
        organization=radarsafe,
        signup_phone="+18005598714",
        description="Raid alerts by text message for Raleigh and Wake County.",
        description_es="Alertas de redadas por mensaje de texto para Raleigh y el condado de Wake.",
    )
    alert.counties.add(county("wake"))

    alerts = section(page(client, "wake"), "alerts-heading")
    assert "RadarSafe" in alerts
    assert "Raid alerts by text message for Raleigh and Wake County." in alerts
    assert 'href="tel:+18005598714"' in alerts
    assert "Ask to join: call 800-559-8714" in alerts
    assert "Wake County" in alerts
    # No keyword was published, so none is made up.
    assert "sms:" not in alerts and "Text " not in alerts

    assert "Alertas de redadas por mensaje de texto para Raleigh" in page(client, "wake", language="es")
    assert "RadarSafe" not in page(client, "durham")


def test_a_statewide_alert_is_on_every_county_page_and_may_be_joined_on_a_web_page(client):
    alerta = Organization.objects.create(name="Alerta Migratoria NC", slug="alerta-migratoria-nc")
    TextAlert.objects.create(organization=alerta, signup_url="https://alerta.example/join", is_statewide=True)

    for slug in ("yancey", "wake"):
        alerts = section(page(client, slug), "alerts-heading")
        assert 'href="https://alerta.example/join"' in alerts
        assert "Sign up on the website of Alerta Migratoria NC" in alerts
        assert "All of North Carolina" in alerts
        assert "Raid alerts by text message." in alerts  # said for it, as it has no description


def test_local_alerts_come_before_statewide_ones_and_keywords_stay_as_they_were(client):
    siembra = Organization.objects.create(name="Siembra NC", slug="siembra-nc")
    alerta = Organization.objects.create(name="Alerta Migratoria NC", slug="alerta-migratoria-nc")
    TextAlert.objects.create(organization=alerta, signup_phone="+19843772622", is_statewide=True)
    TextAlert.objects.create(organization=siembra, keyword="@siembra4", short_code="81010").counties.add(
        county("durham")
    )

    alerts = section(page(client, "durham"), "alerts-heading")
    assert 'href="sms:81010?body=%40siembra4"' in alerts
    assert "Text @siembra4 to 81010" in alerts
    assert alerts.index("@siembra4") < alerts.index("Alerta Migratoria NC")


# Queries


def fill(numbers: range) -> None:
    """Organizations with text alerts of both kinds and resources for the county, for another county and for all."""
    orange, durham = county("orange"), county("durham")
    english = Language.objects.get(code="en")
    for n in numbers:
        org = organization_serving(f"Organization {n}", counties=["orange"], website="https://example.org")
        Phone.objects.create(organization=org, number=f"+1919555{n:04d}").counties.add(orange)
        TextAlert.objects.create(organization=org, keyword=f"@org{n}", short_code="81010").counties.add(
            orange
        )
        TextAlert.objects.create(organization=org, signup_phone=f"+1984555{n:04d}", is_statewide=True)
        for label, where in (("orange", [orange]), ("durham", [durham]), ("all", [])):
            resource = Resource.objects.create(
                kind=ResourceKind.FUND, title=f"Fund {n} for {label}", organization=org
            )
            resource.counties.set(where)
            resource.languages.add(english)


@pytest.mark.parametrize("count", [1, 50])
def test_the_county_page_takes_as_many_queries_for_50_organizations_as_for_1(client, settings, count):
    settings.PUBLIC_PAGE_CACHE = False  # drawn every time
    fill(range(1))
    page(client, "orange")  # a first request does one-off work
    with CaptureQueriesContext(connection) as one:
        page(client, "orange")
    fill(range(1, count))
    with CaptureQueriesContext(connection) as many:
        body = page(client, "orange")
    assert len(many) == len(one)
    assert section(body, "alerts-heading").count("Ask to join") == count
    resources = section(body, "resources-heading")
    assert len(re.findall(r"Fund \d+ for (?:orange|all)\b", resources)) == 2 * count
    assert "for durham" not in resources
