"""Admins keep the hotlines and office lines: the list, adding, editing and removing them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import County, Phone, Service, ServiceCategory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LIST_URL = "/manage/phones/"
NEW_URL = "/manage/phones/new/"


@pytest.fixture
def phone(partner_org) -> Phone:
    return Phone.objects.create(organization=partner_org, number="+13365550123", type="hotline")


def data(organization, **changes) -> dict:
    values = {"organization": organization.pk, "type": "hotline", "number": "(336) 555-0199", "hours": "24/7"}
    return values | changes


def test_admins_add_a_number_written_as_people_write_it(network_admin, partner_org):
    response = client_for(network_admin).post(NEW_URL, data(partner_org))
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"
    assert Phone.objects.get().number == "+13365550199"


def test_a_bad_number_is_explained_and_nothing_is_saved(network_admin, partner_org):
    response = client_for(network_admin).post(NEW_URL, data(partner_org, number="555-0199"))
    assert response.status_code == 200
    assert "Enter a 10-digit US phone number, such as 919-555-0123." in response.content.decode()
    assert not Phone.objects.exists()


def test_the_service_must_belong_to_the_organization(network_admin, partner_org, other_partner_org):
    service = Service.objects.create(
        organization=other_partner_org, category=ServiceCategory.objects.get(code="bond"), name="Bond fund"
    )
    response = client_for(network_admin).post(NEW_URL, data(partner_org, service=service.pk))
    assert "This service belongs to another organization." in response.content.decode()
    assert not Phone.objects.exists()


def test_the_add_link_on_an_organization_page_preselects_it(network_admin, partner_org):
    response = client_for(network_admin).get(NEW_URL, {"organization": "the-hispanic-liaison"})
    assert response.context["form"].initial == {"organization": partner_org}


def test_admins_edit_a_number(network_admin, phone):
    response = client_for(network_admin).post(
        f"/manage/phones/{phone.pk}/edit/", data(phone.organization, number="1-919-555-0100", type="office")
    )
    assert response.status_code == 302
    phone.refresh_from_db()
    assert (phone.number, phone.type, phone.hours) == ("+19195550100", "office", "24/7")


def test_admins_remove_a_number(network_admin, phone):
    response = client_for(network_admin).post(f"/manage/phones/{phone.pk}/delete/")
    assert response.status_code == 302
    assert not Phone.objects.exists()


def test_removing_asks_for_confirmation_and_needs_a_post(network_admin, phone):
    client = client_for(network_admin)
    body = client.get(f"/manage/phones/{phone.pk}/edit/").content.decode()
    assert 'data-confirm="Remove this phone number from the directory?"' in body
    assert client.get(f"/manage/phones/{phone.pk}/delete/").status_code == 405
    assert Phone.objects.exists()


def test_the_list_filters_by_county_and_type(network_admin, phone, partner_org):
    statewide = Phone.objects.create(
        organization=partner_org, number="+19195550100", type="office", is_statewide=True
    )
    phone.counties.set(County.objects.filter(name="Davidson"))
    client = client_for(network_admin)
    durham = County.objects.get(name="Durham")
    assert list(client.get(LIST_URL, {"county": durham.pk}).context["page"].object_list) == [statewide]
    assert list(client.get(LIST_URL, {"type": "hotline"}).context["page"].object_list) == [phone]


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_the_section_is_for_admins_only(request, persona, phone):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(LIST_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403
    assert client.get(f"/manage/phones/{phone.pk}/edit/").status_code == 404
    assert client.post(f"/manage/phones/{phone.pk}/delete/").status_code == 404
    assert Phone.objects.exists()


def test_the_list_only_answers_get(network_admin):
    assert client_for(network_admin).post(LIST_URL).status_code == 405


def test_the_list_takes_the_same_number_of_queries_for_1_or_50_numbers(
    network_admin, partner_org, django_assert_num_queries
):
    Phone.objects.create(organization=partner_org, number="+13365550000")
    client = client_for(network_admin)
    client.get(LIST_URL)  # A session's first request does one-off work; count from the second.
    with CaptureQueriesContext(connection) as one_row:
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 1

    for number in range(1, 50):
        Phone.objects.create(organization=partner_org, number=f"+1336555{number:04d}")
    # The page's own queries: the count of rows; the filters' counties and organizations; the page of
    # numbers (organization, service and county count joined in).
    with django_assert_num_queries(len(one_row)):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 50
