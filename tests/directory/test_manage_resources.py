"""Admins keep the know-your-rights guides, apps, toolkits, funds, petitions and articles the network points people to:
who published each, its English and Spanish links, and the counties it is for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from directory.models import County, Language, Resource
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LIST_URL = "/manage/resources/"
NEW_URL = "/manage/resources/new/"


@pytest.fixture
def guide(db) -> Resource:
    return Resource.objects.create(kind="guide", title="Know your rights", url="https://example.org/kyr")


def add_guide(organization, number: int, language: Language) -> None:
    Resource.objects.create(kind="guide", title=f"Guide {number}", organization=organization).languages.add(
        language
    )


def data(**changes) -> dict:
    values = {
        "kind": "fund",
        "title": "Bond fund",
        "title_es": "Fondo para fianzas",
        "url": "https://example.org/bond",
        "languages": [Language.objects.get(code="es").pk],
    }
    return values | changes


def test_admins_add_a_resource_without_an_organization(network_admin):
    response = client_for(network_admin).post(NEW_URL, data())
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    resource = Resource.objects.get()
    assert resource.title_es == "Fondo para fianzas"
    assert [language.code for language in resource.languages.all()] == ["es"]


def test_a_resource_of_an_organization_leads_back_to_it(network_admin, partner_org):
    response = client_for(network_admin).post(NEW_URL, data(organization=partner_org.pk))
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"


def test_bad_input_is_explained_and_nothing_is_saved(network_admin):
    response = client_for(network_admin).post(NEW_URL, data(title="", url="not a link"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Enter a valid URL." in body
    assert not Resource.objects.exists()


def test_admins_edit_and_remove_a_resource(network_admin, guide):
    client = client_for(network_admin)
    response = client.post(
        f"/manage/resources/{guide.pk}/edit/", data(kind="guide", title="Conozca sus derechos")
    )
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.title == "Conozca sus derechos"
    assert client.post(f"/manage/resources/{guide.pk}/delete/").status_code == 302
    assert not Resource.objects.exists()


def test_the_list_filters_by_kind(network_admin, guide):
    Resource.objects.create(kind="app", title="Notifica")
    response = client_for(network_admin).get(LIST_URL, {"kind": "guide"})
    assert list(response.context["page"].object_list) == [guide]


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_the_section_is_for_admins_only(request, persona, guide):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    assert client.get(f"/manage/resources/{guide.pk}/edit/").status_code == 404
    assert client.post(f"/manage/resources/{guide.pk}/delete/").status_code == 404
    assert Resource.objects.exists()


def test_removing_needs_a_post(network_admin, guide):
    assert client_for(network_admin).get(f"/manage/resources/{guide.pk}/delete/").status_code == 405


def test_the_list_takes_the_same_number_of_queries_for_1_or_50_resources(
    network_admin, partner_org, django_assert_num_queries
):
    spanish = Language.objects.get(code="es")
    add_guide(partner_org, 0, spanish)
    client = client_for(network_admin)
    client.get(LIST_URL)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 1

    for number in range(1, 50):
        add_guide(partner_org, number, spanish)
    # The page's own queries: the count of rows; the filters' languages and organizations; the page of
    # resources (with their organization); their languages.
    with django_assert_num_queries(len(one_row)):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 50


def test_admins_say_who_published_a_resource_its_spanish_link_and_its_counties(network_admin):
    counties = list(County.objects.filter(name__in=["Durham", "Wake"]))
    response = client_for(network_admin).post(
        NEW_URL,
        data(
            publisher="Indivisible",
            url_es="https://example.org/es/bond",
            counties=[county.pk for county in counties],
        ),
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.publisher, resource.url_es) == ("Indivisible", "https://example.org/es/bond")
    assert set(resource.counties.all()) == set(counties)

    body = client_for(network_admin).get(LIST_URL).content.decode()
    assert "Published by Indivisible" in body
    assert 'href="https://example.org/es/bond"' in body
    assert "2 counties" in body


def test_a_resource_for_no_county_is_for_the_whole_state(network_admin, guide):
    body = client_for(network_admin).get(LIST_URL).content.decode()
    assert "Statewide" in body
    assert not guide.counties.exists()


def test_a_bad_spanish_link_is_explained(network_admin):
    response = client_for(network_admin).post(NEW_URL, data(url_es="not a link"))
    assert response.status_code == 200
    assert response.context["form"].errors["url_es"] == ["Enter a valid URL."]
    assert not Resource.objects.exists()


def test_the_spanish_link_is_the_one_spanish_readers_get(db):
    resource = Resource(
        kind="guide", title="Know your rights", url="https://example.org/en", url_es="https://example.org/es"
    )
    with translation.override("es"):
        assert resource.localized_url == "https://example.org/es"
    with translation.override("en"):
        assert resource.localized_url == "https://example.org/en"
    resource.url_es = ""
    with translation.override("es"):
        assert resource.localized_url == "https://example.org/en"
