"""The hub report's incidents: families, needs and the median time from intake to a first answer, per incident."""

import pytest

from referrals.models import Incident
from tests.conftest import client_for
from tests.reports.conftest import PERIOD, at, make_case, need, route

pytestmark = pytest.mark.django_db


@pytest.fixture
def raids(hub, other_hub, coordinator, volunteer, partner, partner_org, durham):
    """A raid on Mar 4 with three families: first answers 1, 3 and 8 hours after intake (a second, later answer on
    one of them does not count), and one never answered; a checkpoint in February (outside the period) and another
    hub's raid."""
    raid = Incident.objects.create(
        hub=hub, county=durham, occurred_at=at(4, 5), description="Workplace raid", created_by=coordinator
    )
    answers = {"A": 1, "B": 3, "C": 8}
    for hours in answers.values():
        case = make_case(hub, volunteer, durham, "urgent", ["legal", "basic-needs"], at(4, 9))
        case.incident = raid
        case.save()
        # Sent at intake, answered `hours` later: the time to a first answer.
        route(need(case, "legal"), partner_org, at(4, 9), status="accepted", hours=hours, by=partner)
        route(
            need(case, "basic-needs"),
            partner_org,
            at(4, 9),
            status="declined",
            hours=hours + 2,
            by=partner,
            reason="no_capacity",
        )
    unanswered = make_case(hub, volunteer, durham, "urgent", ["legal"], at(4, 10))
    unanswered.incident = raid
    unanswered.save()
    february = Incident.objects.create(
        hub=hub,
        county=durham,
        occurred_at=at(20, 5, month=2),
        description="Checkpoint",
        created_by=coordinator,
    )
    old = make_case(hub, volunteer, durham, "urgent", ["legal"], at(20, 9, month=2))
    old.incident = february
    old.save()
    return raid


def test_the_hub_report_counts_each_incident(coordinator, raids):
    response = client_for(coordinator).get(f"/reports/hub/?{PERIOD}")
    rows = response.context["incidents"]
    assert len(rows) == 1
    row, shown = rows[0]
    assert (row.description, row.families, row.needs, row.answered) == ("Workplace raid", 4, 7, 3)
    assert row.first_answer.total_seconds() == 3 * 3600  # the median of 1, 3 and 8 hours
    assert shown == "3.0 h"
    assert "Workplace raid" in response.content.decode()


def test_another_hubs_coordinator_does_not_see_it(other_hub, raids):
    from directory.models import Role
    from tests.conftest import make_user

    theirs = make_user("olga@example.org", other_hub, Role.COORDINATOR)
    response = client_for(theirs).get(f"/reports/hub/?{PERIOD}")
    assert response.context["incidents"] == []
