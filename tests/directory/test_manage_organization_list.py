"""The admins' list of organizations, with the listings nobody has confirmed for 90 days flagged."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Organization
from tests.conftest import client_for, make_org

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/"


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def names(response) -> list[str]:
    return [organization.name for organization in response.context["page"].object_list]


@pytest.fixture
def stale_org(db) -> Organization:
    organization = make_org("siembra-nc", "Siembra NC", partner=True)
    organization.assured_date = days_ago(91)
    organization.save(update_fields=["assured_date"])
    return organization


@pytest.fixture
def fresh_org(db) -> Organization:
    organization = make_org("cima", "CIMA", partner=True)
    organization.assured_date = days_ago(90)
    organization.save(update_fields=["assured_date"])
    return organization


def test_it_lists_every_organization(network_admin, partner_org, other_partner_org):
    response = client_for(network_admin).get(URL)
    assert response.status_code == 200
    assert names(response) == ["El Centro Hispano", "El Refugio", "The Hispanic Liaison"]


def test_it_flags_listings_not_confirmed_for_90_days(network_admin, stale_org, fresh_org):
    hub = network_admin.organization
    hub.assured_date = timezone.localdate()
    hub.save(update_fields=["assured_date"])
    make_org("alerta", "Alerta Migratoria NC", partner=True)

    response = client_for(network_admin).get(URL)
    rows = {
        organization.name: organization.is_unconfirmed
        for organization in response.context["page"].object_list
    }
    assert rows == {
        "Alerta Migratoria NC": True,
        "CIMA": False,
        "El Centro Hispano": False,
        "Siembra NC": True,
    }
    body = response.content.decode()
    assert body.count("Not confirmed in 90 days") == 2
    assert "2 listings have not been confirmed in 90 days." in body


def test_it_filters_the_stale_listings(network_admin, stale_org, fresh_org):
    response = client_for(network_admin).get(URL, {"stale": "on"})
    assert names(response) == ["El Centro Hispano", "Siembra NC"]


def test_it_filters_hubs_and_partners(network_admin, partner_org, other_hub):
    client = client_for(network_admin)
    assert names(client.get(URL, {"kind": "hub"})) == ["Comunidad Colectiva", "El Centro Hispano"]
    assert names(client.get(URL, {"kind": "partner"})) == ["El Centro Hispano", "The Hispanic Liaison"]


def test_it_searches_by_name(network_admin, partner_org, other_partner_org):
    response = client_for(network_admin).get(URL, {"q": "refu"})
    assert names(response) == ["El Refugio"]


def test_it_links_to_each_organization(network_admin, partner_org):
    body = client_for(network_admin).get(URL).content.decode()
    assert 'href="/manage/organizations/the-hispanic-liaison/"' in body
    assert 'href="/manage/organizations/the-hispanic-liaison/edit/"' in body


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_it_is_for_admins_only(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_it_only_answers_get(network_admin):
    assert client_for(network_admin).post(URL).status_code == 405


def test_it_takes_the_same_number_of_queries_for_1_or_50_organizations(
    network_admin, django_assert_num_queries
):
    client = client_for(network_admin)
    client.get(URL)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 1

    for number in range(49):
        make_org(f"org-{number}", f"Organization {number}", partner=True)
    # The page's own queries: the count of rows, the count of stale listings, and one for the page of
    # organizations with their service counts, however many rows it has.
    with django_assert_num_queries(len(one_row)):
        response = client.get(URL)
    assert len(response.context["page"].object_list) == 50
