"""The directory's shared rules, each one QuerySet method: who serves a county, who is a hub's staff, which
listings nobody has confirmed lately."""

from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import County, Organization, Phone, Role, Service, ServiceCategory, User
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def counties() -> tuple[County, County]:
    return County.objects.get(name="Durham"), County.objects.get(name="Wake")


def make_service(org: Organization, name: str, counties=(), *, statewide: bool = False) -> Service:
    service = Service.objects.create(
        organization=org,
        category=ServiceCategory.objects.get(code="legal"),
        name=name,
        is_statewide=statewide,
    )
    service.counties.set(counties)
    return service


def make_phone(org: Organization, number: str, counties=(), *, statewide: bool = False) -> Phone:
    phone = Phone.objects.create(organization=org, number=number, is_statewide=statewide)
    phone.counties.set(counties)
    return phone


# --- Serving a county -----------------------------------------------------------------------------------------


def test_a_service_serves_the_counties_it_lists_and_is_marked_local_there(partner_org, counties):
    durham, wake = counties
    local = make_service(partner_org, "Durham clinic", [durham, wake])
    found = list(Service.objects.serving(durham))
    assert found == [local]
    assert found[0].is_local


def test_a_service_in_another_county_does_not_serve_this_one(partner_org, counties):
    durham, wake = counties
    make_service(partner_org, "Wake clinic", [wake])
    assert not Service.objects.serving(durham).exists()


def test_a_statewide_service_serves_every_county_once_and_is_not_local_where_it_lists_none(
    partner_org, counties
):
    durham, wake = counties
    # Statewide and also listing both counties: a join would return it twice.
    statewide = make_service(partner_org, "Statewide line", [durham, wake], statewide=True)
    elsewhere = County.objects.get(name="Yancey")
    assert list(Service.objects.serving(durham)) == [statewide]
    assert [service.is_local for service in Service.objects.serving(elsewhere)] == [False]


def test_a_phone_serves_its_counties_or_the_whole_state_and_not_another_county(partner_org, counties):
    durham, wake = counties
    durham_line = make_phone(partner_org, "+19195550101", [durham])
    make_phone(partner_org, "+19195550102", [wake])
    statewide = make_phone(partner_org, "+19195550103", statewide=True)
    assert set(Phone.objects.serving(durham)) == {durham_line, statewide}


# --- Hub staff ------------------------------------------------------------------------------------------------


def test_hub_staff_are_the_active_volunteers_and_coordinators_of_the_organization(
    hub, volunteer, coordinator, network_admin, outsider
):
    make_user("pat@example.org", hub, Role.PARTNER, mfa=False)
    assert set(User.objects.hub_staff(hub)) == {volunteer, coordinator}
    assert set(User.objects.hub_staff(hub.pk)) == {volunteer, coordinator}


def test_a_deactivated_volunteer_is_not_hub_staff_unless_asked_for(hub, volunteer, coordinator):
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    assert list(User.objects.hub_staff(hub)) == [coordinator]
    assert set(User.objects.hub_staff(hub, include_inactive=True)) == {volunteer, coordinator}


def test_staff_of_another_hub_are_not_this_hubs_staff(hub, other_hub, outsider):
    assert outsider not in User.objects.hub_staff(hub)
    assert list(User.objects.hub_staff(other_hub)) == [outsider]


# --- Unconfirmed listings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_ago", "unconfirmed"),
    [(None, True), (91, True), (90, False), (89, False), (0, False)],
)
def test_a_listing_is_unconfirmed_when_nobody_confirmed_it_in_90_days(days_ago, unconfirmed):
    today = timezone.localdate()
    org = make_org("listing", "A listing")
    org.assured_date = None if days_ago is None else today - timedelta(days=days_ago)
    org.save(update_fields=["assured_date"])
    assert org.is_unconfirmed is unconfirmed
    assert (org in Organization.objects.unconfirmed()) is unconfirmed
