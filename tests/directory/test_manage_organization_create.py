"""Admins add organizations to the directory."""

import pytest
from django.utils import timezone

from directory.models import Language, Organization
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/new/"


def data(**changes) -> dict:
    values = {
        "name": "Siembra NC",
        "slug": "",
        "is_partner": "on",
        "description": "Rapid response in the Triad.",
        "languages": [Language.objects.get(code="es").pk],
    }
    return values | changes


def test_it_adds_an_organization_with_a_short_name_made_from_its_name(network_admin):
    response = client_for(network_admin).post(URL, data())
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/siembra-nc/"
    organization = Organization.objects.get(slug="siembra-nc")
    assert organization.name == "Siembra NC"
    assert organization.is_partner and not organization.is_hub
    assert [language.code for language in organization.languages.all()] == ["es"]
    assert organization.assured_date == timezone.localdate()


def test_a_name_already_listed_is_refused(network_admin, partner_org):
    response = client_for(network_admin).post(URL, data(name="The Hispanic Liaison"))
    assert response.status_code == 200
    assert "Organization with this Name already exists." in response.content.decode()
    assert Organization.objects.count() == 2


def test_the_short_name_new_is_reserved(network_admin):
    response = client_for(network_admin).post(URL, data(name="New", slug="new"))
    assert "This short name is reserved." in response.content.decode()
    assert not Organization.objects.filter(slug="new").exists()


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider", "partner"])
def test_it_is_for_admins_only(request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data()).status_code == 403
    assert not Organization.objects.filter(slug="siembra-nc").exists()


def test_it_answers_only_get_and_post(network_admin):
    assert client_for(network_admin).delete(URL).status_code == 405
