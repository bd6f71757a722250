"""The public "Find help" pages: anyone, signed in or not, finds hotlines and help for their county."""

import re

import pytest
from django.conf import settings

from demo.data import seed_demo
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
    ServiceStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    # Request it after persona fixtures: it takes over their organizations by slug rather than clashing.
    seed_demo(password="x" * 20)


def page(client, path: str, data: dict | None = None, **kwargs) -> str:
    response = client.get(path, data, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def test_durham_lists_el_centro_hispano_and_the_siembra_text_alert(client, demo):
    body = page(client, "/help/durham/")
    assert "Help in Durham County" in body
    assert "El Centro Hispano" in body
    assert "Liberation Not Deportation bond fund" in body
    assert 'href="tel:+19196874635"' in body
    assert "Text @siembra4 to 81010" in body
    assert 'href="sms:81010?body=%40siembra4"' in body
    # Other counties' keywords would sign a Durham family up for the wrong alerts.
    assert "@siembra1" not in body


def test_wake_shows_the_radarsafe_hotline(client, demo):
    body = page(client, "/help/wake/")
    assert "RadarSafe" in body
    assert 'href="tel:+18005598714"' in body
    assert "Call 800-559-8714" in body


def test_hotlines_show_their_hours_and_languages(client, demo):
    body = page(client, "/help/yancey/")
    hotline = body[body.index("Alerta Migratoria NC") :]
    assert "24 hours" in hotline
    assert "English, Spanish" in hotline


def test_a_county_without_a_local_partner_shows_statewide_help_and_says_so(client, demo):
    body = page(client, "/help/yancey/")
    assert "No local partner organization lists services in Yancey County yet" in body
    assert "Alerta Migratoria NC" in body
    assert 'href="tel:+19843772622"' in body
    assert "Call 984-377-2622" in body
    assert "Know-your-rights workshops" in body  # El Pueblo, statewide
    assert (
        "Liberation Not Deportation bond fund" not in body
    )  # El Centro Hispano's, for Durham, Orange and Wake
    assert "Organizations in Yancey County" not in body


def test_a_county_with_local_partners_does_not_say_it_has_none(client, demo):
    assert "No local partner" not in page(client, "/help/durham/")


def test_local_help_comes_before_statewide_help(client, demo):
    body = page(client, "/help/wake/")
    # Hotlines: RadarSafe's line lists Wake; Alerta Migratoria answers statewide.
    assert body.index('href="tel:+18005598714"') < body.index('href="tel:+19843772622"')
    # Services: El Centro Hispano's bond fund covers Wake; El Pueblo's workshops are statewide.
    assert body.index("Liberation Not Deportation bond fund") < body.index("Know-your-rights workshops")


def test_within_an_organization_local_services_come_before_statewide_ones(client, demo):
    statewide = Service.objects.create(
        organization=Organization.objects.get(slug="el-centro-hispano"),
        category=ServiceCategory.objects.get(code="bond"),
        name="A statewide bond hotline",
        is_statewide=True,
    )
    body = page(client, "/help/durham/")
    card = body[body.index("El Centro Hispano") :]
    assert card.index("Interpretation") < card.index(statewide.name)


def test_inactive_services_are_not_listed(client, demo):
    Service.objects.filter(name="Legal consultation for affected families").update(
        status=ServiceStatus.TEMPORARILY_CLOSED
    )
    body = page(client, "/help/durham/")
    assert "Legal consultation for affected families" not in body
    assert '<h3 class="h4 card-title">Mi Maletín</h3>' not in body


def test_it_says_whether_a_service_is_accepting_referrals(client, demo):
    Service.objects.filter(name="Legal consultation for affected families").update(accepting_referrals=False)
    body = page(client, "/help/durham/")
    service = body[body.index("Legal consultation for affected families") :]
    assert service.index("Not taking new referrals right now") < service.index("</li>")
    assert "Accepting referrals" in body


def test_spanish_visitors_see_spanish_names_and_descriptions(client, demo):
    body = page(spanish(client), "/help/durham/")
    assert '<html lang="es">' in body
    assert "Organización comunitaria en Durham, Orange y Wake" in body
    assert "Fondo de fianzas Liberation Not Deportation" in body
    assert "Reporte posible actividad de ICE" in body
    assert "Alertas de redadas por mensaje de texto" in body
    assert "Fondo para fianzas" in body  # the category
    assert "Community organization in Durham" not in body
    assert "Liberation Not Deportation bond fund" not in body


def test_the_browsers_language_is_honoured(client, demo):
    body = page(client, "/help/durham/", headers={"accept-language": "es-MX,es;q=0.9"})
    assert "Organización comunitaria en Durham" in body


def test_text_without_a_spanish_version_is_marked_as_english(client, demo):
    Resource.objects.filter(title="How to be an immigrant ally locally").update(title_es="")
    body = page(spanish(client), "/help/durham/")
    assert re.search(
        r'<h3 class="h5 mb-1" lang="en">\s*(<a [^>]+>)?How to be an immigrant ally locally', body
    )


def resources_section(body: str) -> str:
    return body[body.index('id="resources-heading"') :]


def test_resources_in_the_visitors_language_come_first(client, demo):
    english_only = Resource.objects.create(
        kind=ResourceKind.APP, title="Raid reporter", title_es="Reportero de redadas"
    )
    english_only.languages.set([Language.objects.get(code="en")])

    resources = resources_section(page(client, "/help/durham/"))
    assert resources.index("Raid reporter") < resources.index("Liberation Not Deportation fund")

    resources = resources_section(page(spanish(client), "/help/durham/"))
    assert resources.index("Fondo Liberation Not Deportation") < resources.index("Reportero de redadas")


@pytest.mark.parametrize(
    ("query", "county"),
    [
        ("new hanover", "new-hanover"),
        ("DURHAM", "durham"),
        ("Durhám", "durham"),
        ("  durham county ", "durham"),
        ("condado de Durham", "durham"),
        ("hanover", "new-hanover"),
    ],
)
def test_a_search_for_one_county_goes_to_its_page(client, query, county):
    response = client.get("/help/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == f"/help/{county}/"


def test_choosing_from_the_list_goes_to_the_countys_page(client):
    response = client.get("/help/", {"county": "new-hanover"})
    assert response.status_code == 302
    assert response["Location"] == "/help/new-hanover/"


def test_a_search_matching_several_counties_lists_them(client):
    body = page(client, "/help/", {"q": "ham"})
    assert "Places matching “ham”" in body
    for slug in ("durham", "chatham", "graham", "rockingham"):
        assert f'href="/help/{slug}/"' in body
    assert 'href="/help/wake/"' not in body


def test_a_search_matching_nothing_says_so_and_lists_every_county(client):
    body = page(client, "/help/", {"q": "Atlantis"})
    assert "No North Carolina county, town or ZIP code matches “Atlantis”" in body
    assert len(re.findall(r'<li><a href="/help/[a-z-]+/">', body)) == 100


def test_the_search_text_is_escaped(client):
    body = page(client, "/help/", {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)" in body


def test_the_start_page_offers_every_county_and_the_statewide_hotlines(client, demo):
    body = page(client, "/help/")
    assert len(re.findall(r'<option value="[a-z-]+">', body)) == County.objects.count() == 100
    assert '<option value="new-hanover">New Hanover</option>' in body
    assert "Alerta Migratoria NC" in body
    assert 'href="tel:+19843772622"' in body
    # Only statewide lines here: a county's lines are on its own page.
    assert "RadarSafe" not in body


def test_an_unknown_county_is_a_404_that_lists_every_county(client):
    response = client.get("/help/atlantis/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We could not find that county" in body
    assert 'href="/help/yancey/"' in body
    assert len(re.findall(r'<li><a href="/help/[a-z-]+/">', body)) == 100


def test_a_near_miss_suggests_the_county(client):
    response = client.get("/help/durham-county/")
    assert response.status_code == 404
    assert re.search(r'Did you mean.*href="/help/durham/"', response.content.decode(), re.DOTALL)


def test_a_slug_in_capitals_goes_to_the_lower_case_address(client):
    response = client.get("/help/New-Hanover/")
    assert response.status_code == 301
    assert response["Location"] == "/help/new-hanover/"


@pytest.mark.parametrize("path", ["/help/", "/help/durham/"])
def test_anonymous_visitors_see_the_pages_without_signing_in(client, path):
    page(client, path)


@pytest.mark.parametrize("path", ["/help/", "/help/durham/"])
def test_signed_in_people_see_the_same_pages(client, volunteer, path):
    client.force_login(volunteer)
    page(client, path)


@pytest.mark.parametrize("path", ["/help/", "/help/durham/", "/help/atlantis/"])
def test_the_pages_only_answer_get(client, path):
    assert client.post(path, {"q": "durham"}).status_code == 405


def test_link_checkers_may_ask_for_headers_only(client):
    assert client.head("/help/durham/").status_code == 200


def test_nothing_personal_or_internal_is_shown(client, volunteer, demo):
    Organization.objects.filter(slug="el-centro-hispano").update(
        intake_email="referrals-intake@elcentro.example"
    )
    Service.objects.filter(organization__slug="el-centro-hispano").update(
        email="service-intake@elcentro.example", capacity_available=7, capacity_maximum=9
    )
    body = page(client, "/help/durham/")
    assert "El Centro Hispano" in body
    assert "intake@elcentro.example" not in body
    assert volunteer.email not in body
    assert "@demo.example" not in body
    assert "7 of 9" not in body and "places" not in body.lower()


def test_the_county_page_has_no_form_that_collects_anything(client, demo):
    body = page(client, "/help/durham/")
    # No form at all: the language switch is a link on the page every anonymous visitor shares.
    assert re.findall(r'<input[^>]*type="(?:text|email|tel|search)"', body) == []
    assert "<form" not in body
    assert 'href="/language/es/?next=/help/durham/"' in body


def test_the_county_page_can_be_printed(client, demo):
    body = page(client, "/help/durham/")
    assert "data-print" in body
    assert "Print this page" in body
    assert "/static/css/public.css" in body
    assert f"{settings.SITE_URL}/help/durham/" in body  # the printed page says where to find it again


@pytest.mark.parametrize("path", ["/help/", "/help/?q=ham", "/help/durham/", "/help/atlantis/"])
def test_the_pages_load_nothing_from_other_sites_and_keep_to_the_csp(client, demo, path):
    body = client.get(path).content.decode()
    assert re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', body) == []
    assert "style=" not in body
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []


def test_the_menu_offers_find_help_to_everyone(client, volunteer):
    body = page(client, "/accounts/login/")
    assert re.search(r'class="navbar-brand[^"]*" href="/help/"', body)
    assert '<a class="nav-link" href="/help/">Find help</a>' in body

    client.force_login(volunteer)
    body = page(client, "/")
    assert re.search(r'class="navbar-brand[^"]*" href="/"', body)
    assert '<a class="nav-link" href="/help/">Find help</a>' in body


def test_the_menu_marks_find_help_as_the_current_page(client):
    body = page(client, "/help/")
    assert '<a class="nav-link active" aria-current="page" href="/help/">Find help</a>' in body


def add_organizations(count: int, county: County) -> None:
    """Organizations with everything the county page shows: local and statewide services, phones, resources."""
    category = ServiceCategory.objects.get(code="legal")
    languages = list(Language.objects.filter(code__in=["en", "es"]))
    for n in range(count):
        org = Organization.objects.create(
            slug=f"org-{n}", name=f"Organization {n}", website="https://example.org"
        )
        local = Service.objects.create(organization=org, category=category, name=f"Local help {n}")
        local.counties.add(county)
        local.languages.set(languages)
        statewide = Service.objects.create(
            organization=org, category=category, name=f"Statewide help {n}", is_statewide=True
        )
        statewide.languages.set(languages)
        for kind, number in ((PhoneType.OFFICE, f"+1919555{n:04d}"), (PhoneType.HOTLINE, f"+1984555{n:04d}")):
            phone = Phone.objects.create(organization=org, number=number, type=kind)
            phone.counties.add(county)
            phone.languages.set(languages)
        resource = Resource.objects.create(organization=org, kind=ResourceKind.GUIDE, title=f"Guide {n}")
        resource.languages.set(languages)


@pytest.mark.parametrize("organizations", [1, 50])
def test_the_county_page_runs_the_same_queries_for_1_or_50_organizations(
    client, django_assert_num_queries, organizations, settings
):
    settings.PUBLIC_PAGE_CACHE = False  # drawn every time, as on the first visit after a change
    county = County.objects.get(slug="orange")
    add_organizations(organizations, county)
    # The directory's version (from the cache); the county; its hotlines and their languages; its text alerts; the
    # organizations, their services, the services' languages, their office lines and those lines' languages; the
    # resources and their languages.
    with django_assert_num_queries(12):
        body = page(client, "/help/orange/")
    assert body.count("Local help") == organizations


@pytest.mark.parametrize("organizations", [1, 50])
def test_the_start_page_runs_the_same_queries_for_1_or_50_hotlines(
    client, django_assert_num_queries, organizations, settings
):
    settings.PUBLIC_PAGE_CACHE = False
    add_organizations(organizations, County.objects.get(slug="orange"))
    Phone.objects.filter(type=PhoneType.HOTLINE).update(is_statewide=True)
    # The directory's version; the counties; the statewide hotlines and their languages.
    with django_assert_num_queries(4):
        body = page(client, "/help/")
    assert body.count('href="tel:') == organizations
