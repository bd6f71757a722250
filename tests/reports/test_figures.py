"""The reports' figures from the known cases of conftest.py, worked out by hand: on SQLite and on PostgreSQL alike."""

import statistics
from datetime import date, timedelta

from django.db import connection
from django.db.models import F

from directory.models import ServiceCategory
from referrals import policy
from referrals.models import Referral, Routing
from reports import selectors
from reports.selectors import Filters, shade_class
from reports.stats import spreads
from tests.reports.conftest import at

MARCH = Filters(start=date(2025, 3, 3), end=date(2025, 3, 30))


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def hub_figures(user, filters=MARCH):
    return selectors.case_figures(policy.hub_report_scope(user, Referral.objects.all()), filters)


def network_figures(user, filters=MARCH):
    return selectors.case_figures(policy.network_report_scope(user, Referral.objects.all()), filters)


def by_name(rows) -> dict:
    return {str(key): counts for key, counts in rows}


def test_the_hub_report_counts_families_opened_and_closed_in_the_period(march, coordinator):
    figures = hub_figures(coordinator)
    # A-F logged in March; G logged in February but closed in March; H is another hub's.
    assert (figures.opened, figures.closed) == (6, 2)
    assert figures.weeks == [
        (date(2025, 3, 3), 2),
        (date(2025, 3, 10), 2),
        (date(2025, 3, 17), 0),
        (date(2025, 3, 24), 2),
    ]


def test_the_hub_report_counts_needs_by_kind_of_help_and_county(march, coordinator):
    figures = hub_figures(coordinator)
    needs = figures.needs
    assert (needs.total, needs.helped, needs.not_helped, needs.unmet, needs.open, needs.withdrawn) == (
        7,
        1,
        1,
        1,
        5,
        0,
    )
    categories = by_name(figures.needs_by_category)
    legal, food, bond = (
        categories["Legal consultation and representation"],
        categories["Food, housing, rent and utilities"],
        categories["Bond fund"],
    )
    assert (legal.total, legal.helped, legal.open) == (4, 1, 3)
    assert (food.total, food.not_helped, food.unmet, food.open) == (2, 1, 1, 1)
    assert (bond.total, bond.open) == (1, 1)
    counties = by_name(figures.needs_by_county)
    assert {name: counts.total for name, counts in counties.items()} == {
        "Alleghany": 1,
        "Durham": 3,
        "Orange": 1,
        "Wake": 2,
    }
    # Of the needs decided (helped or not), the share helped: 1 of 2.
    assert (needs.helped, needs.decided) == (1, 2)


def test_the_hub_report_counts_routings_by_where_they_stand_and_declines_by_reason(march, coordinator):
    figures = hub_figures(coordinator)
    assert {state: count for state, count in figures.routings.items() if count} == {
        "helped": 1,
        "declined": 2,
        "expired": 1,
        "accepted": 1,
        "phone_no_answer": 1,
        "overdue": 1,
    }
    assert figures.declines == {"no_capacity": 1, "not_eligible": 1}
    organizations = {row.organization: (row.expired, row.phone_no_answer) for row in figures.organizations}
    assert organizations == {"El Refugio": (1, 0), "Siembra NC": (0, 1), "The Hispanic Liaison": (0, 0)}


def test_the_hub_report_gives_medians_and_90th_percentiles_of_the_time_to_answer_and_to_close(
    march, coordinator
):
    figures = hub_figures(coordinator)
    # Answers: 1 h, 2 h, 6 h, 10 h (the expiry and the unanswered phone call are not answers).
    assert (figures.answer_time.count, figures.answer_time.median, figures.answer_time.p90) == (
        4,
        hours(4),
        hours(8.8),
    )
    by_organization = {row.organization: row.answer_time for row in figures.organizations}
    liaison = by_organization["The Hispanic Liaison"]
    assert (liaison.count, liaison.median, liaison.p90) == (3, hours(2), hours(8.4))
    assert (by_organization["El Refugio"].median, by_organization["El Refugio"].p90) == (hours(6), hours(6))
    assert by_organization["Siembra NC"] is None
    # Closed in March: A after 97 h, G after 312 h.
    assert (figures.close_time.count, figures.close_time.median, figures.close_time.p90) == (
        2,
        hours(204.5),
        hours(290.5),
    )


def test_the_hub_report_finds_the_counties_and_kinds_of_help_with_unmet_needs(march, coordinator):
    figures = hub_figures(coordinator)
    pairs = {
        (county.name, category.code): (counts.unmet, counts.unserved)
        for county, category, counts in figures.unmet_pairs
    }
    # Durham's food need was closed as unmet; Orange's only food service is full; nobody offers a bond fund.
    assert pairs == {
        ("Alleghany", "bond"): (0, 1),
        ("Durham", "basic-needs"): (1, 0),
        ("Orange", "basic-needs"): (0, 1),
    }
    shades = {county.name: shade_class(counts.unmet_or_unserved) for county, counts in figures.counties}
    assert {name for name, shade in shades.items() if shade} == {"Alleghany", "Durham", "Orange"}
    assert shades["Wake"] == 0 and len(shades) == 100


def test_shading_classes_are_none_then_1_to_4_then_5_to_9_then_10_or_more():
    assert [shade_class(count) for count in [0, 1, 4, 5, 9, 10, 250]] == [0, 1, 1, 2, 2, 3, 3]


def test_the_network_report_counts_every_hub(march, network_admin):
    figures = network_figures(network_admin)
    assert (figures.opened, figures.closed, figures.needs.total) == (7, 2, 8)
    assert figures.routings["not_helped"] == 1
    # Answers: 1, 2, 4, 6, 10 h.
    assert (figures.answer_time.median, figures.answer_time.p90) == (hours(4), hours(8.4))
    refugio = next(row for row in figures.organizations if row.organization == "El Refugio").answer_time
    assert (refugio.count, refugio.median, refugio.p90) == (2, hours(5), hours(5.8))


def test_the_hub_report_counts_nothing_of_another_hub(march, coordinator, outsider):
    assert hub_figures(coordinator).opened == 6
    # A volunteer (of either hub) has no hub report: the scope is empty.
    assert hub_figures(outsider).opened == 0


def test_filters_narrow_by_county_kind_of_help_urgency_and_organization(march, coordinator):
    wake = hub_figures(coordinator, Filters(start=MARCH.start, end=MARCH.end, county=march.c.county))
    assert (wake.opened, wake.needs.total, sum(wake.routings.values())) == (2, 2, 2)
    food = hub_figures(
        coordinator,
        Filters(start=MARCH.start, end=MARCH.end, category=ServiceCategory.objects.get(code="basic-needs")),
    )
    assert (food.opened, food.needs.total, food.declines) == (2, 2, {"no_capacity": 1})
    emergencies = hub_figures(coordinator, Filters(start=MARCH.start, end=MARCH.end, urgency="emergency"))
    assert (emergencies.opened, emergencies.needs.total) == (2, 2)
    refugio = hub_figures(coordinator, Filters(start=MARCH.start, end=MARCH.end, organization=march.refugio))
    # Cases A and B had a routing to El Refugio; of their needs, those sent there; of the routings, those to it.
    assert (refugio.opened, refugio.needs.total, sum(refugio.routings.values())) == (2, 2, 2)
    week_two = hub_figures(coordinator, Filters(start=date(2025, 3, 10), end=date(2025, 3, 16)))
    assert (week_two.opened, week_two.closed, week_two.needs.total) == (2, 0, 2)


def test_the_partner_report_counts_its_own_organizations_referrals(march, partner):
    figures = selectors.partner_figures(
        policy.partner_report_scope(partner, Routing.objects.all()), partner.organization_id, MARCH
    )
    # To The Hispanic Liaison in March: A (helped, 2 h), B (accepted, 1 h), C (declined, 10 h), E (overdue).
    assert (figures.received, figures.accepted) == (4, 2)
    assert figures.declines == {"not_eligible": 1}
    assert (figures.answer_time.count, figures.answer_time.median, figures.answer_time.p90) == (
        3,
        hours(2),
        hours(8.4),
    )
    assert [(category.code, counts["declined"]) for category, counts in figures.by_category] == [("legal", 1)]


def reference_percentiles(answered) -> tuple[timedelta, timedelta]:
    """The median and 90th percentile as the definition gives them: PostgreSQL's own percentile_cont there, and on
    SQLite (which has none) the standard library's inclusive quantiles, the same linear interpolation."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY responded_at - created_at), "
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY responded_at - created_at) FROM referrals_routing "
                "WHERE responded_at IS NOT NULL AND status <> 'expired'"
            )
            return cursor.fetchone()
    seconds = [(r.responded_at - r.created_at).total_seconds() for r in answered]
    deciles = statistics.quantiles(seconds, n=10, method="inclusive")
    return timedelta(seconds=statistics.median(seconds)), timedelta(seconds=deciles[8])


def test_the_percentiles_are_those_of_percentile_cont(march):
    answered = Routing.objects.filter(responded_at__isnull=False).exclude(status="expired")
    median, p90 = reference_percentiles(answered)
    spread = spreads(answered, F("responded_at") - F("created_at"))[None]
    assert (spread.median, spread.p90) == (median, p90)


def test_percentiles_of_one_value_and_of_none(march):
    one = Routing.objects.filter(created_at=at(3, 10), status="declined")
    assert spreads(one, F("responded_at") - F("created_at"))[None].p90 == hours(6)
    assert spreads(Routing.objects.none(), F("responded_at") - F("created_at")) == {}
