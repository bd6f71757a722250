"""Incidents: recording one, linking cases at intake and later, who sees what of it, and its live page's cost."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from directory.models import County, Role
from referrals import services
from referrals.models import EventKind, Incident, IncidentStatus, Referral, ReferralEvent
from tests.conftest import client_for, make_user, measured_client_for
from tests.referrals.conftest import category, log_case

pytestmark = pytest.mark.django_db

SIGNED_IN = 2  # session, user (with organization and second factor)
SESSION_SAVE = 0  # written at most once a minute: measured_client_for wrote it just before


def record(coordinator, county, description="Workplace raid at a poultry plant", *, hours_ago=2) -> Incident:
    return services.incident_create(
        user=coordinator,
        county=county,
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
        description=description,
    )


@pytest.fixture
def raid(coordinator, durham) -> Incident:
    return record(coordinator, durham)


@pytest.fixture
def other_coordinator(other_hub):
    return make_user("olga@example.org", other_hub, Role.COORDINATOR, display_name="Olga")


def intake_data(county, spanish, **extra) -> dict:
    return {
        "county": county.pk,
        "language": spanish.pk,
        "urgency": "urgent",
        "categories": [category("legal").pk],
        "contact_name": "Rosa M.",
        "contact_phone": "919-555-0143",
        "safe_to_call": "on",
        "intake_token": str(uuid.uuid4()),
        **extra,
    }


# Recording an incident.


def test_a_coordinator_records_an_incident(coordinator, durham):
    response = client_for(coordinator).post(
        "/referrals/incidents/new/",
        {"county": durham.pk, "occurred_at": "2026-03-03T05:40", "description": "Checkpoint on Highway 55"},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert (incident.hub, incident.county, incident.status) == (coordinator.organization, durham, "open")
    assert incident.created_by == coordinator


@pytest.mark.parametrize(
    "description", ["Raid: Rosa, undocumented, detained", "Arrest at 123 Main St", "A# 201-555-123 detained"]
)
def test_the_description_refuses_forbidden_content(coordinator, durham, description):
    response = client_for(coordinator).post(
        "/referrals/incidents/new/",
        {"county": durham.pk, "occurred_at": "2026-03-03T05:40", "description": description},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert not Incident.objects.exists()


def test_the_service_refuses_forbidden_content_too(coordinator, durham):
    with pytest.raises(Exception, match="immigration status|status"):
        record(coordinator, durham, "Families without papers, sin papeles")
    assert not Incident.objects.exists()


def test_volunteers_and_partners_do_not_record_incidents(volunteer, partner, durham):
    for user in (volunteer, partner):
        assert client_for(user).get("/referrals/incidents/new/").status_code == 403


# Linking at intake and later.


def test_intake_links_the_case_to_an_open_incident(volunteer, raid, durham, spanish):
    client = client_for(volunteer)
    page = client.get(f"/referrals/new/?incident={raid.pk}")
    assert page.context["form"].incident_choices == [raid]
    assert f'<option value="{raid.pk}" selected>' in page.content.decode()
    response = client.post("/referrals/new/", intake_data(durham, spanish, incident=raid.pk))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert referral.incident == raid
    assert ReferralEvent.objects.filter(referral=referral, kind=EventKind.INCIDENT_LINKED).exists()


def test_intake_offers_the_volunteers_usual_county_first(volunteer, coordinator, durham, spanish):
    wake = County.objects.get(name="Wake")
    older_in_durham = record(coordinator, durham, "Arrests at a traffic stop", hours_ago=5)
    newer_in_wake = record(coordinator, wake, "Checkpoint on Capital Blvd", hours_ago=1)
    log_case(volunteer, durham, spanish)  # the volunteer's last case was in Durham
    page = client_for(volunteer).get("/referrals/new/")
    assert page.context["form"].incident_choices == [older_in_durham, newer_in_wake]


def test_intake_does_not_offer_closed_or_other_hubs_incidents(
    volunteer, coordinator, other_coordinator, durham, spanish
):
    closed = record(coordinator, durham, "Old raid")
    services.incident_set_open(user=coordinator, incident=closed, is_open=False)
    theirs = record(other_coordinator, durham, "Their raid")
    client = client_for(volunteer)
    assert client.get("/referrals/new/").context["form"].incident_choices == []
    for incident in (closed, theirs):
        response = client.post("/referrals/new/", intake_data(durham, spanish, incident=incident.pk))
        assert response.status_code == 200 and response.context["form"].errors["incident"]
    assert not Referral.objects.exists()


def test_a_case_is_linked_later_from_its_page(volunteer, raid, durham, spanish):
    case = log_case(volunteer, durham, spanish)
    client = client_for(volunteer)
    page = client.get(case.get_absolute_url())
    assert page.context["incident_form"].incident_choices == [raid]
    response = client.post(f"/referrals/{case.reference}/incident/", {"incident": raid.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.incident == raid
    assert raid.description in client.get(case.get_absolute_url()).content.decode()
    client.post(f"/referrals/{case.reference}/incident/", {"incident": ""})
    case.refresh_from_db()
    assert case.incident is None
    kinds = list(ReferralEvent.objects.filter(referral=case).values_list("kind", flat=True))
    assert kinds[-2:] == [EventKind.INCIDENT_LINKED, EventKind.INCIDENT_UNLINKED]


def test_nobody_links_a_case_to_another_hubs_incident(volunteer, other_coordinator, durham, spanish):
    theirs = record(other_coordinator, durham, "Their raid")
    case = log_case(volunteer, durham, spanish)
    client_for(volunteer).post(f"/referrals/{case.reference}/incident/", {"incident": theirs.pk})
    case.refresh_from_db()
    assert case.incident is None
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied from the service)
        services.referral_link_incident(user=volunteer, referral=case, incident=theirs)


def test_a_partner_cannot_link_a_case(routed_case, partner, raid):
    response = client_for(partner).post(
        f"/referrals/{routed_case.reference}/incident/", {"incident": raid.pk}
    )
    assert response.status_code == 403
    routed_case.refresh_from_db()
    assert routed_case.incident is None


# Who sees an incident.


@pytest.fixture
def two_families(volunteer, raid, durham, spanish, legal_a, legal_b):
    """Two families hit by the raid: the first's legal need sent to partner_org, the second's to other_partner_org."""
    first = log_case(volunteer, durham, spanish, contact_name="Familia Uno", incident=raid)
    second = log_case(volunteer, durham, spanish, contact_name="Familia Dos", incident=raid)
    services.routing_create(user=volunteer, need=first.needs.get(), service=legal_a)
    services.routing_create(user=volunteer, need=second.needs.get(), service=legal_b)
    return first, second


def test_the_coordinator_sees_every_linked_family(coordinator, raid, two_families):
    page = client_for(coordinator).get(raid.get_absolute_url()).content.decode()
    for referral in two_families:
        assert referral.reference in page
    assert "Workplace raid at a poultry plant" in page


def test_a_partner_sees_only_the_needs_routed_to_it(partner, partner2, raid, two_families):
    first, second = two_families
    for user, mine, theirs in ((partner, first, second), (partner2, second, first)):
        response = client_for(user).get(raid.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert mine.reference in page and theirs.reference not in page
        assert [r.need.referral for r in response.context["routings"]] == [mine]
        assert "Familia" not in page  # no names, not even its own family's: the case page has them
        live = client_for(user).get(f"/referrals/incidents/{raid.pk}/live/").content.decode()
        assert mine.reference in live and theirs.reference not in live


def test_a_partner_queue_names_the_incident(partner, raid, two_families):
    page = client_for(partner).get("/referrals/queue/").content.decode()
    assert raid.description in page


def test_a_partner_with_no_routed_need_gets_404(partner, raid, volunteer, durham, spanish):
    log_case(volunteer, durham, spanish, incident=raid)  # linked, sent nowhere
    for url in (raid.get_absolute_url(), f"/referrals/incidents/{raid.pk}/live/"):
        assert client_for(partner).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_another_hubs_staff_get_404(request, persona, raid, two_families):
    client = client_for(request.getfixturevalue(persona))
    for url in (raid.get_absolute_url(), f"/referrals/incidents/{raid.pk}/live/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/referrals/incidents/{raid.pk}/close/").status_code == 404
    assert raid.description not in client.get("/referrals/incidents/").content.decode()


def test_an_administrator_sees_no_incident(network_admin, raid):
    assert client_for(network_admin).get(raid.get_absolute_url()).status_code == 404
    assert client_for(network_admin).get("/referrals/incidents/").status_code == 403


def test_a_volunteer_sees_their_own_cases_of_the_incident(volunteer, hub, raid, durham, spanish):
    other_volunteer = make_user("val@example.org", hub, Role.VOLUNTEER)
    theirs = Referral.objects.create(
        hub=hub, county=durham, language=spanish, created_by=other_volunteer, incident=raid
    )
    mine = log_case(volunteer, durham, spanish, incident=raid)
    page = client_for(volunteer).get(raid.get_absolute_url()).content.decode()
    assert mine.reference in page and theirs.reference not in page


# Closing and reopening.


def test_the_coordinator_closes_and_reopens_an_incident(coordinator, volunteer, raid):
    assert client_for(volunteer).post(f"/referrals/incidents/{raid.pk}/close/").status_code == 403
    client = client_for(coordinator)
    client.post(f"/referrals/incidents/{raid.pk}/close/")
    raid.refresh_from_db()
    assert raid.status == IncidentStatus.CLOSED and raid.closed_at is not None
    client.post(f"/referrals/incidents/{raid.pk}/reopen/")
    raid.refresh_from_db()
    assert raid.status == IncidentStatus.OPEN and raid.closed_at is None


def test_the_top_bar_links_to_incidents_for_hub_staff_only(volunteer, coordinator, partner):
    for user, shown in ((volunteer, True), (coordinator, True), (partner, False)):
        page = client_for(user).get("/").content.decode()
        assert ('href="/referrals/incidents/"' in page) is shown


# The war room.


def test_the_live_part_counts_needs_and_puts_decisions_first(
    coordinator, volunteer, partner, raid, durham, spanish, legal_a, food_a
):
    calm = log_case(volunteer, durham, spanish, ("legal",), incident=raid, urgency="emergency")
    services.routing_create(user=volunteer, need=calm.needs.get(), service=legal_a)
    declined = log_case(
        volunteer, durham, spanish, ("legal", "basic-needs"), incident=raid, urgency="routine"
    )
    routing = services.routing_create(
        user=volunteer, need=declined.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_decline(user=partner, routing=routing, reason="no_capacity")
    response = client_for(coordinator).get(f"/referrals/incidents/{raid.pk}/live/")
    assert b"<html" not in response.content
    board = response.context["board"]
    # The routine case with a declined need comes before the emergency whose need waits in time.
    assert [referral.reference for referral in board.families] == [declined.reference, calm.reference]
    assert [need.category.code for need in board.decide_now] == ["legal"]
    legal = next(row for row in board.by_category if row.category.code == "legal")
    # unrouted, pending, overdue, declined, accepted, completed, closed
    assert legal.counts == [0, 1, 0, 1, 0, 0, 0]
    assert board.totals.counts == [1, 1, 0, 1, 0, 0, 0]


@pytest.mark.parametrize("families", [1, 30])
def test_a_refresh_costs_the_same_whatever_the_number_of_families(
    django_assert_num_queries,
    coordinator,
    volunteer,
    partner,
    raid,
    durham,
    spanish,
    legal_a,
    food_a,
    families,
):
    for _ in range(families):
        case = log_case(volunteer, durham, spanish, ("legal", "basic-needs"), incident=raid)
        legal = services.routing_create(
            user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
        )
        services.routing_decline(user=partner, routing=legal, reason="no_capacity")
        services.routing_create(
            user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_a
        )
    client = measured_client_for(coordinator)
    # the incident (with hub, county), the linked cases (with county), their needs (with category), the needs'
    # routings (with organization), which of the needs are escalations; escalations badge
    with django_assert_num_queries(SIGNED_IN + 6 + SESSION_SAVE):
        response = client.get(f"/referrals/incidents/{raid.pk}/live/")
    assert len(response.context["board"].families) == families


@pytest.mark.parametrize("families", [1, 30])
def test_a_partners_refresh_costs_the_same(
    django_assert_num_queries, partner, volunteer, raid, durham, spanish, legal_a, families
):
    for _ in range(families):
        case = log_case(volunteer, durham, spanish, incident=raid)
        services.routing_create(user=volunteer, need=case.needs.get(), service=legal_a)
    client = measured_client_for(partner)
    # the incident (if one of our routings is of it), our routings of it (with need, category, case, county,
    # language); queue badge
    with django_assert_num_queries(SIGNED_IN + 3 + SESSION_SAVE):
        response = client.get(f"/referrals/incidents/{raid.pk}/live/")
    assert len(response.context["routings"]) == families


def test_the_print_view_does_not_refresh(coordinator, raid):
    page = client_for(coordinator).get(f"{raid.get_absolute_url()}?print").content.decode()
    assert "hx-trigger" not in page and "data-print" in page
    live_page = client_for(coordinator).get(raid.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 20s, incident-refresh"' in live_page
