"""What the case page shows the people working on it."""

import re

import pytest

from referrals import services
from referrals.models import Routing
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_each_answer_form_on_a_case_has_its_own_labelled_fields(case, volunteer, partner, legal_a, food_a):
    for need, service in [("legal", legal_a), ("basic-needs", food_a)]:
        services.routing_create(user=volunteer, need=case.needs.get(category__code=need), service=service)
    body = client_for(partner).get(case.get_absolute_url()).content.decode()
    ids = re.findall(r'id="(id_routing\d+_reason)"', body)
    assert len(ids) == 2 and len(set(ids)) == 2
    for element_id in ids:
        assert f'for="{element_id}"' in body


def test_the_hub_reads_the_partners_reasons_for_declining(routed_case, volunteer, partner):
    routing = Routing.objects.get()
    services.routing_decline(
        user=partner, routing=routing, reason="other", note="Our lawyer is away until May"
    )
    page = client_for(volunteer).get(routed_case.get_absolute_url()).content.decode()
    assert "Our lawyer is away until May" in page
