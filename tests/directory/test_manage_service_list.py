"""The admins' list of every service, filtered by county, category, language, referrals and organization."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import County, Language, Service, ServiceCategory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/services/"


def make_service(
    organization, name: str, *, category="legal", counties=(), languages=(), **fields
) -> Service:
    service = Service.objects.create(
        organization=organization, category=ServiceCategory.objects.get(code=category), name=name, **fields
    )
    service.counties.set(County.objects.filter(name__in=counties))
    service.languages.set(Language.objects.filter(code__in=languages))
    return service


@pytest.fixture
def services(partner_org, other_partner_org):
    make_service(partner_org, "Lexington legal clinic", counties=["Davidson"], languages=["es"])
    make_service(
        other_partner_org, "Bond fund", category="bond", is_statewide=True, accepting_referrals=False
    )
    make_service(
        other_partner_org, "Court accompaniment", category="accompaniment", counties=["Durham", "Wake"]
    )


def names(response) -> list[str]:
    return [service.name for service in response.context["page"].object_list]


def test_it_lists_every_service(network_admin, services):
    response = client_for(network_admin).get(URL)
    assert response.status_code == 200
    assert names(response) == ["Bond fund", "Court accompaniment", "Lexington legal clinic"]
    body = response.content.decode()
    assert "Statewide" in body
    assert "2 counties" in body


def test_a_county_shows_its_own_services_and_the_statewide_ones(network_admin, services):
    durham = County.objects.get(name="Durham")
    response = client_for(network_admin).get(URL, {"county": durham.pk})
    assert names(response) == ["Bond fund", "Court accompaniment"]


def test_it_filters_by_category_language_and_referrals(network_admin, services):
    client = client_for(network_admin)
    bond = ServiceCategory.objects.get(code="bond")
    assert names(client.get(URL, {"category": bond.pk})) == ["Bond fund"]
    spanish = Language.objects.get(code="es")
    assert names(client.get(URL, {"language": spanish.pk})) == ["Lexington legal clinic"]
    assert names(client.get(URL, {"accepting": "false"})) == ["Bond fund"]
    assert names(client.get(URL, {"accepting": "true"})) == ["Court accompaniment", "Lexington legal clinic"]


def test_it_filters_by_organization(network_admin, services, partner_org):
    response = client_for(network_admin).get(URL, {"organization": partner_org.pk})
    assert names(response) == ["Lexington legal clinic"]


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_it_is_for_admins_only(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_it_only_answers_get(network_admin):
    assert client_for(network_admin).post(URL).status_code == 405


def test_it_takes_the_same_number_of_queries_for_1_or_50_services(
    network_admin, partner_org, django_assert_num_queries
):
    make_service(partner_org, "Service 0", counties=["Durham"], languages=["es", "en"])
    client = client_for(network_admin)
    client.get(URL)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 1

    for number in range(1, 50):
        make_service(partner_org, f"Service {number}", counties=["Durham"], languages=["es", "en"])
    # The page's own queries: the count of rows; the filters' organizations, counties, categories and
    # languages; the page of services (organization, category and county count joined in); their languages.
    with django_assert_num_queries(len(one_row)):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 50
