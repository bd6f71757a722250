"""Notes on a case: who writes them, who reads them, and when no more may be written."""

import pytest

from referrals import services
from referrals.models import Note, Routing
from tests.conftest import client_for
from tests.referrals.conftest import make_service

pytestmark = pytest.mark.django_db


def notes_url(case) -> str:
    return f"/referrals/{case.reference}/notes/"


def bodies(case) -> set[str]:
    return {note.body for note in Note.objects.filter(referral=case)}


def test_hub_staff_and_the_routed_partner_add_notes(routed_case, volunteer, partner):
    routing = Routing.objects.get()
    client_for(volunteer).post(notes_url(routed_case), {"body": "Family moved to a cousin's"})
    client_for(partner).post(notes_url(routed_case), {"body": "Lawyer calls Friday", "routing": routing.pk})
    notes = {note.body: note.routing for note in Note.objects.all()}
    assert notes == {"Family moved to a cousin's": None, "Lawyer calls Friday": routing}
    assert routed_case.events.filter(kind="note").count() == 2


def test_notes_require_post(routed_case, volunteer):
    assert client_for(volunteer).get(notes_url(routed_case)).status_code == 405


def test_no_note_can_be_added_to_a_closed_or_purged_case(case, coordinator):
    for need in case.needs.all():
        services.need_withdraw(user=coordinator, need=need)
    services.referral_close(user=coordinator, referral=case, outcome="family_withdrew")
    client = client_for(coordinator)
    response = client.post(notes_url(case), {"body": "New number 919-555-0199"}, follow=True)
    assert "This referral changed" in response.content.decode()
    services.referral_purge(user=coordinator, referral=case)
    client.post(notes_url(case), {"body": "New number 919-555-0199"})
    assert not Note.objects.filter(referral=case).exists()


def test_a_partner_cannot_write_on_another_organizations_routing_of_a_case_it_also_sees(
    case, volunteer, partner2, legal_a, other_partner_org, durham
):
    """Both partners have a routing on the case; each writes only on its own."""
    theirs = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    food_b = make_service(other_partner_org, "basic-needs", [durham])
    services.routing_create(user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_b)
    response = client_for(partner2).post(notes_url(case), {"body": "hello", "routing": theirs.pk})
    assert response.status_code == 404
    assert not Note.objects.exists()


def test_a_partner_reads_the_hubs_notes_and_its_own_but_not_another_partners(
    case, volunteer, partner, partner2, legal_a, other_partner_org, durham
):
    legal = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    food_b = make_service(other_partner_org, "basic-needs", [durham])
    food = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="basic-needs"), service=food_b
    )
    services.note_add(user=volunteer, referral=case, body="Hub: call after 6pm")
    services.note_add(user=partner, referral=case, routing=legal, body="Legal: lawyer assigned")
    services.note_add(user=partner2, referral=case, routing=food, body="Food: box on Tuesday")
    page = client_for(partner).get(case.get_absolute_url()).content.decode()
    assert "Hub: call after 6pm" in page and "Legal: lawyer assigned" in page
    assert "Food: box on Tuesday" not in page
    assert bodies(case) == {"Hub: call after 6pm", "Legal: lawyer assigned", "Food: box on Tuesday"}


def test_a_partner_whose_routing_ended_reads_its_own_earlier_notes_only(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_accept(user=partner, routing=routing)
    services.note_add(user=partner, referral=case, routing=routing, body="Before: consultation booked")
    services.routing_withdraw(user=volunteer, routing=routing)
    services.note_add(user=volunteer, referral=case, body="After: family found another lawyer")
    page = client_for(partner).get(case.get_absolute_url()).content.decode()
    assert "Before: consultation booked" in page
    assert "After: family found another lawyer" not in page


def test_a_partner_cannot_write_once_its_routing_ended(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_decline(user=partner, routing=routing, reason="no_capacity")
    response = client_for(partner).post(
        notes_url(case), {"body": "hello", "routing": routing.pk}, follow=True
    )
    assert "This referral changed" in response.content.decode()
    assert not Note.objects.exists()
