"""The whole life of a case through the views, as the people involved click through it."""

import re

import pytest
from django.core import mail

from directory.models import Service
from referrals.models import Need, Referral, ReferralEvent, Routing
from tests.conftest import client_for
from tests.referrals.conftest import category

pytestmark = pytest.mark.django_db


def test_a_case_goes_from_intake_to_closure(
    volunteer,
    coordinator,
    partner,
    partner2,
    durham,
    spanish,
    legal_a,
    legal_b,
    food_a,
    django_capture_on_commit_callbacks,
):
    vera = client_for(volunteer)
    form = vera.get("/referrals/new/")
    token = form.context["form"].initial["intake_token"]
    response = vera.post(
        "/referrals/new/",
        {
            "county": durham.pk,
            "language": spanish.pk,
            "urgency": "urgent",
            "categories": [category("legal").pk, category("basic-needs").pk],
            "contact_name": "Rosa M.",
            "contact_phone": "(919) 555-0143",
            "safe_to_call": "on",
            "notes": "Husband detained this morning",
            "consent": "on",
            "intake_token": token,
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{referral.reference}/"
    assert re.fullmatch(r"R-[2-9A-Z]{6}", referral.reference)

    # Suggestions, with their reasons, one click to route each need.
    page = vera.get(referral.get_absolute_url())
    body = page.content.decode()
    assert "serves Durham · speaks Spanish · 5 of 10 places free" in body
    legal = Need.objects.get(referral=referral, category__code="legal")
    food = Need.objects.get(referral=referral, category__code="basic-needs")
    with django_capture_on_commit_callbacks(execute=True):
        vera.post(f"/referrals/{referral.reference}/needs/{legal.pk}/route/", {"service": legal_a.pk})
        vera.post(f"/referrals/{referral.reference}/needs/{food.pk}/route/", {"service": food_a.pk})
    assert Routing.objects.filter(status="pending").count() == 2
    assert [message.to for message in mail.outbox] == [[partner.email], [partner.email]]
    assert referral.reference in mail.outbox[0].subject

    # Partner A declines the legal need and accepts the food one.
    pablo = client_for(partner)
    queue = pablo.get("/referrals/queue/").content.decode()
    assert referral.reference in queue
    legal_routing = Routing.objects.get(need=legal)
    food_routing = Routing.objects.get(need=food)
    pablo.post(
        f"/referrals/{referral.reference}/routings/{legal_routing.pk}/decline/",
        {"reason": "no_capacity", "note": "Full until next month"},
    )
    pablo.post(f"/referrals/{referral.reference}/routings/{food_routing.pk}/accept/")
    pablo.post(
        f"/referrals/{referral.reference}/notes/",
        {"body": "Food box delivered Tuesday", "routing": food_routing.pk},
    )
    pablo.post(f"/referrals/{referral.reference}/routings/{food_routing.pk}/complete/", {"outcome": "helped"})

    # The coordinator sees the declined need in escalations and re-routes it to partner B in one click.
    carmen = client_for(coordinator)
    escalations = carmen.get("/referrals/escalations/").content.decode()
    assert referral.reference in escalations
    assert f"Re-send to {partner2.organization.name}" in escalations
    service = Service.objects.get(organization=partner2.organization, category__code="legal")
    carmen.post(
        f"/referrals/{referral.reference}/needs/{legal.pk}/reroute/",
        {"next": "escalations", "service": service.pk},
    )
    rerouted = Routing.objects.get(need=legal, status="pending")
    assert rerouted.organization == partner2.organization

    paula = client_for(partner2)
    paula.post(f"/referrals/{referral.reference}/routings/{rerouted.pk}/accept/")
    paula.post(f"/referrals/{referral.reference}/routings/{rerouted.pk}/complete/", {"outcome": "helped"})

    carmen.post(f"/referrals/{referral.reference}/close/", {"outcome": "helped"})
    referral.refresh_from_db()
    assert referral.status == "closed" and referral.outcome == "helped"

    kinds = list(ReferralEvent.objects.filter(referral=referral).values_list("kind", flat=True))
    assert kinds == [
        "created",
        "consent_recorded",
        "routed",
        "routed",
        "declined",
        "accepted",
        "note",
        "completed",
        "routed",
        "accepted",
        "completed",
        "closed",
    ]
    timeline = carmen.get(referral.get_absolute_url()).content.decode()
    for label in ["Case logged", "Declined", "Accepted", "Completed", "Case closed"]:
        assert label in timeline
