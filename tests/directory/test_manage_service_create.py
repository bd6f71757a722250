"""Adding a service: partner staff to their own organization, admins to any organization."""

import pytest
from django.utils import timezone

from directory.models import County, Language, Service, ServiceCategory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/manage/organizations/the-hispanic-liaison/services/new/"


def data(**changes) -> dict:
    values = {
        "name": "Bond fund",
        "name_es": "Fondo para fianzas",
        "category": ServiceCategory.objects.get(code="bond").pk,
        "languages": [Language.objects.get(code="es").pk],
        "counties": list(
            County.objects.filter(name__in=["Davidson", "Guilford"]).values_list("pk", flat=True)
        ),
        "status": "active",
        "accepting_referrals": "on",
        "capacity_available": "3",
        "capacity_maximum": "5",
        "response_hours": "24",
    }
    return values | changes


def test_partner_staff_add_a_service_to_their_organization(partner, partner_org):
    response = client_for(partner).post(URL, data())
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"
    service = Service.objects.get()
    assert service.organization == partner_org
    assert service.name_es == "Fondo para fianzas"
    assert sorted(county.name for county in service.counties.all()) == ["Davidson", "Guilford"]
    assert service.response_hours == 24
    partner_org.refresh_from_db()
    assert partner_org.assured_date == timezone.localdate()


def test_a_posted_organization_is_ignored_for_partner_staff(partner, partner_org, other_partner_org):
    client_for(partner).post(URL, data(organization=other_partner_org.pk))
    assert Service.objects.get().organization == partner_org


def test_the_counties_are_a_checkbox_list(partner):
    body = client_for(partner).get(URL).content.decode()
    assert body.count('name="counties"') == 100
    assert 'type="checkbox"' in body


def test_bad_input_is_explained_and_nothing_is_saved(partner, partner_org):
    response = client_for(partner).post(URL, data(counties=[], capacity_available="9"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose the counties served, or mark the service as statewide." in body
    assert "Places available (9) cannot be more than total places (5)." in body
    assert not Service.objects.exists()
    partner_org.refresh_from_db()
    assert partner_org.assured_date is None


def test_admins_choose_the_organization(network_admin, other_partner_org):
    response = client_for(network_admin).post(
        "/manage/services/new/", data(organization=other_partner_org.pk)
    )
    assert response.status_code == 302
    assert Service.objects.get().organization == other_partner_org


def test_admins_must_choose_an_organization(network_admin):
    response = client_for(network_admin).post("/manage/services/new/", data())
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Service.objects.exists()


def test_another_partners_staff_get_404(partner2, partner_org):
    client = client_for(partner2)
    assert client.get(URL).status_code == 404
    assert client.post(URL, data()).status_code == 404
    assert not Service.objects.exists()


def test_partner_staff_cannot_use_the_admins_add_page(partner):
    assert client_for(partner).get("/manage/services/new/").status_code == 403


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider"])
def test_intake_staff_get_nowhere(request, persona, partner_org):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(URL, data()).status_code == 404
    assert client.get("/manage/services/new/").status_code == 403
    assert not Service.objects.exists()


def test_it_answers_only_get_and_post(partner, partner_org):
    assert client_for(partner).put(URL).status_code == 405
