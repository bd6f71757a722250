"""The demo incident: an open raid in Durham, recorded once, with up to three of the hub's Durham cases."""

import pytest

from directory.models import County, Language, Role
from referrals.models import Incident
from tests.conftest import make_user
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db


def test_the_demo_incident_links_three_durham_cases_once(hub, volunteer):
    from demo.incidents import seed_demo_incident

    durham, spanish = County.objects.get(name="Durham"), Language.objects.get(code="es")
    make_user("coordinator@demo.example", hub, Role.COORDINATOR)
    cases = [log_case(volunteer, durham, spanish) for _ in range(4)]
    incident = seed_demo_incident()
    assert seed_demo_incident() == incident
    assert Incident.objects.count() == 1
    assert (incident.county, incident.is_open) == (durham, True)
    assert incident.referrals.count() == 3
    assert cases[0].pk not in set(incident.referrals.values_list("pk", flat=True))  # the oldest is left out
