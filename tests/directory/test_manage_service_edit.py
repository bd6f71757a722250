"""Editing a service: partner staff keep their own services' places, referrals switch and status current;
admins edit any service. Saving confirms the organization's listing."""

import pytest
from django.utils import timezone

from directory.models import Service, ServiceStatus
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def url(service: Service) -> str:
    return f"/manage/services/{service.pk}/edit/"


def data(service: Service, **changes) -> dict:
    values = {
        "name": service.name,
        "category": service.category_id,
        "counties": [county.pk for county in service.counties.all()],
        "status": service.status,
        "accepting_referrals": "on",
        "capacity_available": "2",
        "capacity_maximum": "10",
    }
    return values | changes


def test_partner_staff_update_places_and_stop_taking_referrals(partner, service, partner_org):
    response = client_for(partner).post(
        url(service),
        data(
            service, capacity_available="0", accepting_referrals="", status=ServiceStatus.TEMPORARILY_CLOSED
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == "/manage/organizations/the-hispanic-liaison/"
    service.refresh_from_db()
    assert service.capacity_available == 0
    assert service.accepting_referrals is False
    assert service.status == ServiceStatus.TEMPORARILY_CLOSED
    partner_org.refresh_from_db()
    assert partner_org.assured_date == timezone.localdate()


def test_the_partner_form_has_no_organization_field(partner, service):
    form = client_for(partner).get(url(service)).context["form"]
    assert "organization" not in form.fields
    assert {"capacity_available", "capacity_maximum", "accepting_referrals", "status"} <= set(form.fields)


def test_partner_staff_cannot_move_a_service_to_another_organization(partner, service, other_partner_org):
    client_for(partner).post(url(service), data(service, organization=other_partner_org.pk))
    service.refresh_from_db()
    assert service.organization.slug == "the-hispanic-liaison"


def test_more_places_available_than_in_all_is_refused(partner, service, partner_org):
    response = client_for(partner).post(url(service), data(service, capacity_available="12"))
    assert response.status_code == 200
    assert "Places available (12) cannot be more than total places (10)." in response.content.decode()
    service.refresh_from_db()
    assert service.capacity_available == 2
    partner_org.refresh_from_db()
    assert partner_org.assured_date < timezone.localdate()


def test_a_service_needs_counties_or_the_whole_state(partner, service):
    response = client_for(partner).post(url(service), data(service, counties=[]))
    assert response.status_code == 200
    assert "Choose the counties served, or mark the service as statewide." in response.content.decode()
    assert service.counties.count() == 1


def test_a_statewide_service_needs_no_counties(partner, service):
    response = client_for(partner).post(url(service), data(service, counties=[], is_statewide="on"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.is_statewide
    assert service.counties.count() == 0


def test_admins_can_move_a_service_to_another_organization(network_admin, service, other_partner_org):
    response = client_for(network_admin).post(url(service), data(service, organization=other_partner_org.pk))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.organization == other_partner_org
    other_partner_org.refresh_from_db()
    assert other_partner_org.assured_date == timezone.localdate()


def test_another_partners_staff_get_404(partner2, service):
    client = client_for(partner2)
    assert client.get(url(service)).status_code == 404
    assert client.post(url(service), data(service, capacity_available="0")).status_code == 404
    service.refresh_from_db()
    assert service.capacity_available == 2


@pytest.mark.parametrize("persona", ["volunteer", "coordinator", "outsider"])
def test_intake_staff_get_404(request, persona, service):
    assert client_for(request.getfixturevalue(persona)).get(url(service)).status_code == 404


def test_it_answers_only_get_and_post(partner, service):
    assert client_for(partner).patch(url(service)).status_code == 405
