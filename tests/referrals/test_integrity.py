"""Transitions that are not allowed, double submissions and races: one wins, the other is told to reload."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from referrals import services
from referrals.models import Referral, Routing
from tests.conftest import client_for
from tests.referrals.conftest import category

pytestmark = pytest.mark.django_db


def test_a_need_has_one_live_routing_at_a_time(case, volunteer, legal_a, legal_b):
    legal = case.needs.get(category__code="legal")
    services.routing_create(user=volunteer, need=legal, service=legal_a)
    with pytest.raises(services.Conflict):
        services.routing_create(user=volunteer, need=legal, service=legal_b)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Routing.objects.create(
            need=legal,
            organization=legal_b.organization,
            deadline=Routing.objects.get().deadline,
            created_by=volunteer,
        )


def test_accepting_twice_tells_the_second_tab_to_reload(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    client = client_for(partner)
    url = f"/referrals/{case.reference}/routings/{routing.pk}/accept/"
    client.post(url)
    response = client.post(url, follow=True)
    assert "This referral changed while you were looking at it" in response.content.decode()
    assert case.events.filter(kind="accepted").count() == 1


def test_a_declined_routing_cannot_be_accepted(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_decline(user=partner, routing=routing, reason="no_capacity")
    with pytest.raises(services.Conflict):
        services.routing_accept(user=partner, routing=routing)


def test_declining_needs_a_reason_and_changes_nothing_without_one(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    response = client_for(partner).post(
        f"/referrals/{case.reference}/routings/{routing.pk}/decline/", {"reason": ""}, follow=True
    )
    assert "Choose a reason." in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "pending"


def test_a_case_with_open_needs_cannot_be_closed(case, coordinator):
    response = client_for(coordinator).post(
        f"/referrals/{case.reference}/close/", {"outcome": "helped"}, follow=True
    )
    assert "Some needs are still open" in response.content.decode()
    case.refresh_from_db()
    assert case.is_open


def test_routing_to_an_organization_that_was_not_suggested_is_refused(case, volunteer, partner_org, durham):
    from tests.referrals.conftest import make_service

    closed = make_service(partner_org, "legal", [durham], accepting_referrals=False)
    legal = case.needs.get(category__code="legal")
    response = client_for(volunteer).post(
        f"/referrals/{case.reference}/needs/{legal.pk}/route/", {"service": closed.pk}, follow=True
    )
    assert "cannot take this need" in response.content.decode()
    assert not Routing.objects.exists()


def intake_post(durham, spanish, token):
    return {
        "county": durham.pk,
        "language": spanish.pk,
        "urgency": "emergency",
        "categories": [category("legal").pk],
        "contact_phone": "919-555-0143",
        "safe_to_call": "on",
        "intake_token": token,
    }


def test_a_double_posted_intake_creates_one_case(volunteer, durham, spanish):
    client = client_for(volunteer)
    token = str(uuid.uuid4())
    first = client.post("/referrals/new/", intake_post(durham, spanish, token))
    second = client.post("/referrals/new/", intake_post(durham, spanish, token))
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_intake_input_is_explained_and_saves_nothing(volunteer, durham, spanish):
    client = client_for(volunteer)
    data = {**intake_post(durham, spanish, str(uuid.uuid4())), "categories": [], "contact_phone": "12345"}
    response = client.post("/referrals/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Choose at least one need." in errors["categories"]
    assert "Enter a phone number with its country code" in errors["contact_phone"][0]
    assert not Referral.objects.exists()


def test_bad_intake_input_is_explained_in_spanish(volunteer, durham, spanish):
    client = client_for(volunteer)
    client.cookies["django_language"] = "es"
    data = {**intake_post(durham, spanish, str(uuid.uuid4())), "categories": []}
    response = client.post("/referrals/new/", data)
    assert "Elija al menos una necesidad." in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_partners_accepting_at_once_one_wins(hub, partner_org, durham, spanish):
    """Two staff of the same partner press Accept at the same moment: exactly one acceptance is recorded.

    On PostgreSQL the row lock (select_for_update) makes the second wait; on SQLite the write transaction does."""
    from tests.conftest import make_user
    from tests.referrals.conftest import log_case, make_service

    volunteer = make_user("v2@example.org", hub, "volunteer")
    first = make_user("p1@example.org", partner_org, "partner")
    second = make_user("p2@example.org", partner_org, "partner")
    service = make_service(partner_org, "legal", [durham])
    case = log_case(volunteer, durham, spanish)
    routing = services.routing_create(user=volunteer, need=case.needs.get(), service=service)

    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(user):
        try:
            barrier.wait()
            services.routing_accept(user=user, routing=routing)
            results.append("won")
        except services.Conflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["conflict", "won"]
    assert case.events.filter(kind="accepted").count() == 1
