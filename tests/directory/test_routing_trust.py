"""Routing trust: what a partner declares about itself reaches the routing suggestions only once the network's admins
have approved it, and only within the bounds they set (issue 17, finding 1)."""

import pytest

from directory.models import County, Language, Service, ServiceCategory
from referrals.suggestions import suggestions_for
from tests.conftest import client_for
from tests.referrals.conftest import log_case, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def durham(db) -> County:
    return County.objects.get(name="Durham")


@pytest.fixture
def orange(db) -> County:
    return County.objects.get(name="Orange")


@pytest.fixture
def spanish(db) -> Language:
    return Language.objects.get(code="es")


@pytest.fixture
def honest_bond_fund(other_partner_org, durham):
    """The network's Durham bond fund, approved long ago: 3 places free, a 48-hour promise."""
    return make_service(other_partner_org, "bond", [durham], available=3, maximum=5, response_hours=48)


@pytest.fixture
def orange_legal(partner_org, orange):
    """The partner's organization serves one county, Orange."""
    return make_service(partner_org, "legal", [orange])


def bond_form(counties, **changes) -> dict:
    values = {
        "name": "Bond fund",
        "category": ServiceCategory.objects.get(code="bond").pk,
        "languages": [Language.objects.get(code="es").pk],
        "counties": [county.pk for county in counties],
        "status": "active",
        "accepting_referrals": "on",
        "capacity_available": "999999",
        "capacity_maximum": "999999",
        "response_hours": "1",
    }
    return values | changes


def bond_need(volunteer, durham, spanish):
    return log_case(volunteer, durham, spanish, ("bond",)).needs.get()


def test_a_partner_cannot_make_itself_the_top_suggestion_by_adding_a_service(
    partner, partner_org, orange_legal, honest_bond_fund, volunteer, durham, spanish
):
    """Finding 1: partner staff of a one-county organization add a Durham bond fund with 999,999 places and a
    1-hour promise. Whatever the form makes of it, it is never suggested for a Durham family's bond need."""
    client_for(partner).post(
        f"/manage/organizations/{partner_org.slug}/services/new/",
        bond_form([durham]),
    )
    # The same again with numbers the form accepts: the new service is still not the partner's to route to.
    client_for(partner).post(
        f"/manage/organizations/{partner_org.slug}/services/new/",
        bond_form([durham], capacity_available="5", capacity_maximum="5", name="Bond fund 2"),
    )
    suggested = [s.service for s in suggestions_for(bond_need(volunteer, durham, spanish))]
    assert suggested == [honest_bond_fund]


# The journey: a partner widens, an admin approves, the history shows both.


def edit_form(service: Service, **changes) -> dict:
    values = {
        "name": service.name,
        "category": service.category_id,
        "languages": [language.pk for language in service.languages.all()],
        "counties": [county.pk for county in service.counties.all()],
        "status": service.status,
        "accepting_referrals": "on",
        "capacity_available": str(service.capacity_available),
        "capacity_maximum": str(service.capacity_maximum),
    }
    return values | changes


def edit_url(service: Service) -> str:
    return f"/manage/services/{service.pk}/edit/"


@pytest.fixture
def orange_bond(partner_org, orange):
    return make_service(partner_org, "bond", [orange], available=4, maximum=5)


def test_a_widening_is_suggested_only_once_an_admin_approves_it_and_the_history_shows_both_steps(
    partner, network_admin, orange_bond, orange, durham, volunteer, spanish, honest_bond_fund
):
    pablo, ana = client_for(partner), client_for(network_admin)

    # The partner adds Durham to its Orange bond fund.
    response = pablo.post(edit_url(orange_bond), edit_form(orange_bond, counties=[orange.pk, durham.pk]))
    assert response.status_code == 302
    assert "once a network administrator approves it" in pablo.get(response["Location"]).content.decode()
    # The public Durham page shows it as declared; routing does not suggest it.
    assert "Hispanic Liaison" in pablo.get("/help/durham/").content.decode()
    assert [s.service for s in suggestions_for(bond_need(volunteer, durham, spanish))] == [honest_bond_fund]
    # Its Orange families are still served as before.
    assert [s.service for s in suggestions_for(bond_need(volunteer, orange, spanish))] == [orange_bond]

    # The admin sees it waiting, with the change, and approves it.
    tabs = ana.get("/manage/services/").content.decode()
    assert "Coverage reviews" in tabs and "1 waiting" in tabs
    reviews = ana.get("/manage/reviews/").content.decode()
    assert (
        orange_bond.name in reviews and "Orange, Durham" not in reviews
    )  # counties are listed by name, sorted
    assert "Durham, Orange" in reviews and "table-warning" in reviews
    detail = ana.get(f"/manage/reviews/{orange_bond.pk}/")
    assert "Durham, Orange" in detail.content.decode() and "Approve" in detail.content.decode()
    stamp = detail.context["stamp"]
    response = ana.post(f"/manage/reviews/{orange_bond.pk}/approve/", {"stamp": stamp})
    assert response.status_code == 302 and response["Location"] == "/manage/reviews/"
    assert "Nothing waits for review." in ana.get("/manage/reviews/").content.decode()

    suggested = [s.service for s in suggestions_for(bond_need(volunteer, durham, spanish))]
    assert suggested == [orange_bond, honest_bond_fund]  # 4 places free before 3

    # The history on the service's page, newest first: the approval, then the partner's change.
    for client in (ana, pablo):
        history = client.get(edit_url(orange_bond)).context["history"]
        assert [entry["kind"] for entry in history] == ["Approved", "Changed"]
        assert history[1]["rows"] == [{"label": "Counties served", "old": "Orange", "new": "Durham, Orange"}]
        assert history[0]["rows"] == [{"label": "Counties served", "old": "Orange", "new": "Durham, Orange"}]
    assert client_for(network_admin).get(edit_url(orange_bond)).context["history"][0]["who"] == "Ana"
    # The partner sees its own colleague by name, the network's administrator by role.
    pablo_history = pablo.get(edit_url(orange_bond)).context["history"]
    assert [entry["who"] for entry in pablo_history] == ["Administrator", "Pablo"]


def test_a_rejected_widening_stays_out_of_routing_and_is_not_asked_again_by_an_unrelated_save(
    partner, network_admin, orange_bond, orange, durham, volunteer, spanish
):
    pablo, ana = client_for(partner), client_for(network_admin)
    pablo.post(edit_url(orange_bond), edit_form(orange_bond, counties=[orange.pk, durham.pk]))
    stamp = ana.get(f"/manage/reviews/{orange_bond.pk}/").context["stamp"]
    ana.post(f"/manage/reviews/{orange_bond.pk}/reject/", {"stamp": stamp})
    orange_bond.refresh_from_db()
    assert orange_bond.coverage_state == "rejected"
    assert suggestions_for(bond_need(volunteer, durham, spanish)) == []
    assert [s.service for s in suggestions_for(bond_need(volunteer, orange, spanish))] == [orange_bond]
    # Updating its places does not put the same change up for review again.
    pablo.post(edit_url(orange_bond), edit_form(orange_bond, capacity_available="3"))
    orange_bond.refresh_from_db()
    assert orange_bond.coverage_state == "rejected" and orange_bond.capacity_available == 3
    assert "Nothing waits for review." in ana.get("/manage/reviews/").content.decode()
    kinds = [entry["kind"] for entry in ana.get(edit_url(orange_bond)).context["history"]]
    assert kinds == ["Changed", "Not approved", "Changed"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"is_statewide": "on"}, id="statewide"),
        pytest.param({"category": "legal"}, id="new category"),
    ],
)
def test_every_widening_waits_for_review(change, partner, orange_bond, orange, durham, volunteer, spanish):
    if "category" in change:
        change = {"category": ServiceCategory.objects.get(code=change["category"]).pk}
    client_for(partner).post(edit_url(orange_bond), edit_form(orange_bond, **change))
    orange_bond.refresh_from_db()
    assert orange_bond.coverage_state == "pending"
    assert suggestions_for(log_case(volunteer, durham, spanish, ("legal",)).needs.get()) == []
    assert suggestions_for(bond_need(volunteer, durham, spanish)) == []


def test_a_category_change_stops_routing_in_the_old_category_at_once(
    partner, orange_bond, orange, volunteer, spanish
):
    legal = ServiceCategory.objects.get(code="legal")
    client_for(partner).post(edit_url(orange_bond), edit_form(orange_bond, category=legal.pk))
    assert suggestions_for(bond_need(volunteer, orange, spanish)) == []
    assert suggestions_for(log_case(volunteer, orange, spanish, ("legal",)).needs.get()) == []


def test_narrowing_counts_at_once_and_adding_the_county_back_needs_review(
    partner, partner_org, orange, durham, volunteer, spanish
):
    both = make_service(partner_org, "bond", [orange, durham])
    pablo = client_for(partner)
    pablo.post(edit_url(both), edit_form(both, counties=[orange.pk]))
    both.refresh_from_db()
    assert both.coverage_state == "approved"
    assert suggestions_for(bond_need(volunteer, durham, spanish)) == []
    pablo.post(edit_url(both), edit_form(both, counties=[orange.pk, durham.pk]))
    both.refresh_from_db()
    assert both.coverage_state == "pending"
    assert suggestions_for(bond_need(volunteer, durham, spanish)) == []


def test_narrowing_while_a_widening_waits_counts_at_once(
    partner, partner_org, orange, durham, volunteer, spanish
):
    wake = County.objects.get(name="Wake")
    service = make_service(partner_org, "bond", [orange, durham])
    pablo = client_for(partner)
    pablo.post(edit_url(service), edit_form(service, counties=[orange.pk, durham.pk, wake.pk]))
    pablo.post(edit_url(service), edit_form(service, counties=[orange.pk, wake.pk]))
    service.refresh_from_db()
    assert service.coverage_state == "pending"
    assert [s.service for s in suggestions_for(bond_need(volunteer, orange, spanish))] == [service]
    assert suggestions_for(bond_need(volunteer, durham, spanish)) == []
    assert suggestions_for(bond_need(volunteer, wake, spanish)) == []


def test_an_admins_edit_counts_at_once_and_is_recorded(
    network_admin, orange_bond, orange, durham, volunteer, spanish
):
    response = client_for(network_admin).post(
        edit_url(orange_bond),
        edit_form(orange_bond, organization=orange_bond.organization_id, counties=[orange.pk, durham.pk]),
    )
    assert response.status_code == 302
    assert [s.service for s in suggestions_for(bond_need(volunteer, durham, spanish))] == [orange_bond]
    entry = orange_bond.history.get()
    assert entry.actor == network_admin and entry.changes == {"counties": [["Orange"], ["Durham", "Orange"]]}


def test_an_admin_approving_a_change_edited_since_decides_nothing(
    partner, network_admin, orange_bond, orange, durham
):
    pablo, ana = client_for(partner), client_for(network_admin)
    pablo.post(edit_url(orange_bond), edit_form(orange_bond, counties=[orange.pk, durham.pk]))
    stamp = ana.get(f"/manage/reviews/{orange_bond.pk}/").context["stamp"]
    pablo.post(edit_url(orange_bond), edit_form(orange_bond, is_statewide="on"))
    response = ana.post(f"/manage/reviews/{orange_bond.pk}/approve/", {"stamp": stamp}, follow=True)
    assert "changed after you opened the review" in response.content.decode()
    orange_bond.refresh_from_db()
    assert orange_bond.coverage_state == "pending"
    assert not orange_bond.history.filter(kind="approved").exists()


# Who may review.


def test_partner_staff_cannot_open_the_review_list_nor_approve_their_own_change(
    partner, orange_bond, orange, durham
):
    pablo = client_for(partner)
    pablo.post(edit_url(orange_bond), edit_form(orange_bond, counties=[orange.pk, durham.pk]))
    assert pablo.get("/manage/reviews/").status_code == 403
    assert pablo.get(f"/manage/reviews/{orange_bond.pk}/").status_code == 403
    response = pablo.post(f"/manage/reviews/{orange_bond.pk}/approve/", {"stamp": "x"})
    assert response.status_code == 403
    orange_bond.refresh_from_db()
    assert orange_bond.coverage_state == "pending"


def test_partner_staff_get_a_404_for_another_organizations_review(
    partner2, partner, orange_bond, orange, durham
):
    client_for(partner).post(edit_url(orange_bond), edit_form(orange_bond, counties=[orange.pk, durham.pk]))
    paula = client_for(partner2)
    assert paula.get(f"/manage/reviews/{orange_bond.pk}/").status_code == 404
    assert paula.post(f"/manage/reviews/{orange_bond.pk}/reject/", {"stamp": "x"}).status_code == 404
    orange_bond.refresh_from_db()
    assert orange_bond.coverage_state == "pending"


def test_hub_staff_have_no_business_with_reviews(volunteer, coordinator, orange_bond):
    for user in (volunteer, coordinator):
        client = client_for(user)
        assert client.get("/manage/reviews/").status_code == 403
        assert client.get(f"/manage/reviews/{orange_bond.pk}/").status_code == 404


def test_decisions_are_posted_and_the_pages_are_read_with_get(network_admin, orange_bond):
    ana = client_for(network_admin)
    assert ana.get(f"/manage/reviews/{orange_bond.pk}/approve/").status_code == 405
    assert ana.post("/manage/reviews/").status_code == 405
    assert ana.post(f"/manage/reviews/{orange_bond.pk}/").status_code == 405


# Capacity and promises: bounded by the network.


def test_partner_staff_cannot_declare_more_places_than_the_admins_limit(partner, orange_bond):
    response = client_for(partner).post(
        edit_url(orange_bond), edit_form(orange_bond, capacity_available="26", capacity_maximum="30")
    )
    assert response.status_code == 200
    assert "The network allows at most 25 places for this service." in response.content.decode()
    orange_bond.refresh_from_db()
    assert (orange_bond.capacity_available, orange_bond.capacity_maximum) == (4, 5)
    assert not orange_bond.history.exists()


def test_the_limit_is_the_admins_to_set_and_then_partners_may_declare_up_to_it(
    partner, network_admin, orange_bond
):
    assert "capacity_limit" not in client_for(partner).get(edit_url(orange_bond)).context["form"].fields
    # A posted limit is ignored for partner staff.
    client_for(partner).post(edit_url(orange_bond), edit_form(orange_bond, capacity_limit="1000"))
    orange_bond.refresh_from_db()
    assert orange_bond.capacity_limit == 25
    client_for(network_admin).post(
        edit_url(orange_bond),
        edit_form(orange_bond, organization=orange_bond.organization_id, capacity_limit="40"),
    )
    response = client_for(partner).post(
        edit_url(orange_bond), edit_form(orange_bond, capacity_available="40", capacity_maximum="40")
    )
    assert response.status_code == 302
    orange_bond.refresh_from_db()
    assert (orange_bond.capacity_limit, orange_bond.capacity_available) == (40, 40)
    history = client_for(network_admin).get(edit_url(orange_bond)).context["history"]
    assert {"label": "Most places partner staff may declare", "old": "25", "new": "40"} in history[1]["rows"]


def test_ranking_counts_places_up_to_the_limit_and_says_so(
    other_partner_org, partner_org, durham, volunteer, spanish
):
    # Written past the form (an import, an old row, a lowered limit): routing still counts 25 at most.
    inflated = make_service(partner_org, "bond", [durham], available=999999, maximum=999999)
    honest = make_service(other_partner_org, "bond", [durham], available=30, maximum=30, capacity_limit=40)
    suggestions = suggestions_for(bond_need(volunteer, durham, spanish))
    assert [s.service for s in suggestions] == [honest, inflated]
    assert "999999 declared, capped at 25 by the network" in " · ".join(suggestions[1].reasons)
    assert "30 of 30 places free" in suggestions[0].reasons


def test_a_promise_below_the_networks_minimum_is_ignored_for_ranking_and_said_so(
    settings, other_partner_org, partner_org, durham, volunteer, spanish
):
    settings.MIN_RESPONSE_HOURS = 4
    hasty = make_service(partner_org, "bond", [durham], response_hours=1)
    steady = make_service(other_partner_org, "bond", [durham], response_hours=12)
    suggestions = suggestions_for(bond_need(volunteer, durham, spanish))
    assert [s.service for s in suggestions] == [steady, hasty]
    assert "promises an answer within 12 h" in suggestions[0].reasons
    assert "promises 1 h, below the network's minimum of 4 h: not counted" in suggestions[1].reasons
    settings.MIN_RESPONSE_HOURS = 1
    assert [s.service for s in suggestions_for(bond_need(volunteer, durham, spanish))] == [hasty, steady]


def test_a_promise_below_the_minimum_never_shortens_a_deadline_below_it(settings, orange_bond):
    from datetime import timedelta

    from django.utils import timezone

    from referrals.services import response_deadline

    settings.MIN_RESPONSE_HOURS = 4
    now = timezone.now()
    orange_bond.response_hours = 1
    assert response_deadline(urgency="urgent", service=orange_bond, now=now) == now + timedelta(hours=4)
    assert response_deadline(urgency="emergency", service=orange_bond, now=now) == now + timedelta(hours=4)
    orange_bond.response_hours = 6
    assert response_deadline(urgency="urgent", service=orange_bond, now=now) == now + timedelta(hours=6)


def test_the_demo_directory_loads_and_its_services_are_routable(db):
    from demo.data import seed_demo

    seed_demo(password="x-very-long-demo-password-123")
    services = Service.objects.all()
    assert services.exists()
    assert not services.exclude(coverage_state="approved").exists()
    durham = County.objects.get(name="Durham")
    legal = ServiceCategory.objects.get(code="legal")
    assert any(s.route_fit(durham, legal) is not None for s in Service.objects.routable_in([legal]))


def test_the_review_list_reads_a_fixed_number_of_queries(
    network_admin, partner_org, orange, durham, django_assert_num_queries
):
    for code in ("bond", "legal", "basic-needs"):
        service = make_service(partner_org, code, [orange])
        service.counties.add(durham)
        service.coverage_state = "pending"
        service.approved_category = service.category
        service.save()
        service.approved_counties.set([orange])
    ana = client_for(network_admin)
    ana.get("/manage/reviews/")  # sessions and the like warmed up
    # session, user (with organization and second factor), the category names, the pending services (with
    # organization and categories), their counties, their approved counties, the tab's count: the same for 3 items
    # as for 30. The session was written by the first request: not again within the minute.
    with django_assert_num_queries(7):
        body = ana.get("/manage/reviews/").content.decode()
    assert body.count("table-warning") == 3
