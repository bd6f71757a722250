"""Leaks found by reviewing the app as an attacker would, each kept closed by a test."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import Note, Routing
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_no_note_can_be_added_to_a_closed_or_purged_case(case, coordinator):
    for need in case.needs.all():
        services.need_withdraw(user=coordinator, need=need)
    services.referral_close(user=coordinator, referral=case, outcome="family_withdrew")
    response = client_for(coordinator).post(
        f"/referrals/{case.reference}/notes/", {"body": "New number 919-555-0199"}, follow=True
    )
    assert "This referral changed" in response.content.decode()
    services.referral_purge(user=coordinator, referral=case)
    client_for(coordinator).post(f"/referrals/{case.reference}/notes/", {"body": "New number 919-555-0199"})
    assert not Note.objects.filter(referral=case).exists()


def test_a_partner_sees_only_the_needs_sent_to_it(case, volunteer, partner2, legal_b):
    services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_b)
    client = client_for(partner2)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Legal consultation and representation" in page
    assert "Food, housing, rent and utilities" not in page
    rows = client.get("/referrals/").content.decode().split('<ul class="list-group')[1]
    assert "Legal consultation" in rows and "Food, housing" not in rows
    food = client.get("/referrals/?category=" + str(case.needs.get(category__code="basic-needs").category_id))
    assert case.reference not in food.content.decode()


def test_a_pending_referral_past_its_deadline_shows_no_contact_and_cannot_be_accepted(
    case, volunteer, partner, legal_a
):
    routing = services.routing_create(
        user=volunteer,
        need=case.needs.get(category__code="legal"),
        service=legal_a,
        now=timezone.now() - timedelta(hours=30),
    )
    client = client_for(partner)
    assert "Rosa M." not in client.get(case.get_absolute_url()).content.decode()
    response = client.post(f"/referrals/{case.reference}/routings/{routing.pk}/accept/", follow=True)
    assert "The time to answer this referral has passed" in response.content.decode()
    routing.refresh_from_db()
    assert routing.status == "pending"


def test_a_partner_sees_the_hub_not_its_staff_in_the_timeline(case, volunteer, partner, legal_a):
    services.routing_create(user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a)
    page = client_for(partner).get(case.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline-heading"') :]
    assert volunteer.display_name not in timeline
    assert volunteer.organization.name in timeline


def test_the_hub_reads_the_partners_reasons_for_declining(case, volunteer, partner, legal_a):
    routing = services.routing_create(
        user=volunteer, need=case.needs.get(category__code="legal"), service=legal_a
    )
    services.routing_decline(
        user=partner, routing=routing, reason="other", note="Our lawyer is away until May"
    )
    assert (
        "Our lawyer is away until May" in client_for(volunteer).get(case.get_absolute_url()).content.decode()
    )
    assert Routing.objects.get().decline_note == "Our lawyer is away until May"


def test_signed_in_management_pages_are_not_stored_either(network_admin):
    for path in ["/manage/users/", "/manage/organizations/"]:
        assert "no-store" in client_for(network_admin).get(path)["Cache-Control"], path
