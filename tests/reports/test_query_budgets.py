"""Each report page costs the same queries with 1 case or 30: its figures are aggregates computed in the database,
never a loop over cases."""

import pytest

from directory.models import County
from tests.conftest import client_for
from tests.referrals.conftest import make_service
from tests.reports.conftest import PERIOD, at, make_case, need, route

# The user comes with their organization and whether they have a second factor. The session was written by the
# warm-up request: not again within the minute (core.security.SessionTouchMiddleware).
SIGNED_IN = ["the session", "the user"]
CASE_FIGURES = [
    "families opened and closed",
    "families per week",
    "answer times, all organizations",
    "answer times by organization",
    "closure times",
    "counties",
    "kinds of help",
    "the services that take needs (routable_in)",
    "their counties",
    "their approved counties",
    "their languages",
    "their organizations' phones",
    "needs by kind of help and county",
    "routings by organization and where they stand",
]
FILTER_CHOICES = ["county choices", "kind of help choices"]
BUDGETS = {
    "/reports/hub/": [
        *SIGNED_IN,
        *CASE_FIGURES,
        "escalations waiting (top bar)",
        *FILTER_CHOICES,
        "organization choices",
        "incidents of the period with their families, needs and median time to a first answer",
    ],
    "/reports/network/": [*SIGNED_IN, *CASE_FIGURES, *FILTER_CHOICES, "organization choices"],
    "/reports/partner/": [
        *SIGNED_IN,
        "received per week",
        "answer times",
        "places available over time",
        "kinds of help",
        "routings by kind of help and where they stand",
        "new in the queue (top bar)",
        *FILTER_CHOICES,
    ],
}
READERS = {
    "/reports/hub/": "coordinator",
    "/reports/network/": "network_admin",
    "/reports/partner/": "partner",
}


def log_cases(count: int, volunteer, liaison, refugio, partner) -> None:
    counties = list(County.objects.order_by("fips")[:5])
    for index in range(count):
        day = 3 + index % 20
        case = make_case(
            volunteer.organization, volunteer, counties[index % 5], "urgent", ["legal", "bond"], at(day, 9)
        )
        route(need(case, "legal"), liaison, at(day, 10), status="accepted", hours=1 + index % 7, by=partner)
        route(
            need(case, "bond"),
            refugio,
            at(day, 10),
            status="declined",
            hours=2,
            by=partner,
            reason="no_capacity",
        )


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("url", BUDGETS)
def test_a_report_page_costs_the_same_queries_for_1_case_or_30(
    request, django_assert_num_queries, url, count, volunteer, partner, partner_org, other_partner_org
):
    make_service(partner_org, "legal", County.objects.order_by("fips")[:3])
    log_cases(count, volunteer, partner_org, other_partner_org, partner)
    client = client_for(request.getfixturevalue(READERS[url]))
    client.get(url)  # the first request of a session reads a little more (the language, the session's start)
    with django_assert_num_queries(len(BUDGETS[url])):
        assert client.get(f"{url}?{PERIOD}").status_code == 200
