"""Known cases for the report tests: four weeks of March 2025 at the hub (and one case at another hub), written
straight to the database with exact times, so that every figure of the reports can be worked out by hand.

Week of Mar 3   A  Durham   urgent     legal: to Liaison, accepted after 2 h, completed helped
                                       basic-needs: to El Refugio, declined (no capacity) after 6 h; closed as unmet
                                       case closed Mar 7 10:00 (4 days 1 hour after intake)
                B  Durham   emergency  legal: to El Refugio, no answer in time; then to Liaison, accepted after 1 h
Week of Mar 10  C  Wake     routine    legal: to Liaison, declined (not eligible) after 10 h
                D  Orange   urgent     basic-needs: to Siembra by phone, no answer by phone (Siembra's service is full)
Week of Mar 17  (none)
Week of Mar 24  E  Wake     urgent     legal: to Liaison, still waiting, past its deadline
                F  Alleghany emergency bond: sent nowhere (no bond fund anywhere)
Feb 20          G  Durham   urgent     legal (routed in February); case closed Mar 5 12:00 (13 days after intake)
Another hub:    H  Durham   urgent     legal: to El Refugio, accepted after 4 h, completed could not help
"""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from directory.models import County, Language, Organization, Role
from referrals.models import (
    EventKind,
    Need,
    NeedStatus,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    Routing,
    RoutingOutcome,
    RoutingStatus,
)
from tests.conftest import make_org, make_user
from tests.referrals.conftest import category, durham, make_service, spanish  # noqa: F401

NEW_YORK = ZoneInfo("America/New_York")
PERIOD = "start=2025-03-03&end=2025-03-30"
CONTACT_NAME, CONTACT_PHONE, NOTE = "Rosa Quintanilla", "+19195550143", "Two kids, call after 6pm"


def at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=NEW_YORK)


def make_case(hub, by, county, urgency, codes, created, *, closed=None, statuses=None) -> Referral:
    referral = Referral.objects.create(
        hub=hub,
        county=county,
        language=Language.objects.get(code="es"),
        urgency=urgency,
        created_by=by,
        created_at=created,
        contact_name=CONTACT_NAME,
        contact_phone=CONTACT_PHONE,
        notes=NOTE,
        status=ReferralStatus.CLOSED if closed else ReferralStatus.OPEN,
        outcome=ReferralOutcome.HELPED if closed else "",
        closed_at=closed,
    )
    statuses = statuses or {}
    for code in codes:
        Need.objects.create(
            referral=referral, category=category(code), created_at=created, status=statuses.get(code, "open")
        )
    return referral


def need(referral: Referral, code: str) -> Need:
    return referral.needs.get(category__code=code)


def route(
    need_, organization, created, *, status, hours=None, by=None, reason="", outcome="", by_phone=False
):
    """A routing sent at `created`, answered `hours` later by `by` (None: not answered)."""
    live = status in (RoutingStatus.PENDING, RoutingStatus.ACCEPTED)
    responded = created + timedelta(hours=hours) if hours is not None else None
    return Routing.objects.create(
        need=need_,
        organization=organization,
        status=status,
        deadline=created + timedelta(hours=24),
        created_by=need_.referral.created_by,
        created_at=created,
        responded_at=responded,
        responded_by=by,
        decline_reason=reason,
        outcome=outcome,
        by_phone=by_phone,
        ended_at=None if live else (responded or created + timedelta(hours=24)),
    )


@pytest.fixture
def counties(db) -> SimpleNamespace:
    return SimpleNamespace(
        **{name.lower(): County.objects.get(name=name) for name in ["Durham", "Wake", "Orange", "Alleghany"]}
    )


@pytest.fixture
def siembra(db) -> Organization:
    """A partner with no staff account: the hub refers to it by phone."""
    return make_org("siembra-nc", "Siembra NC", partner=True)


@pytest.fixture
def march(
    hub,
    other_hub,
    partner_org,
    other_partner_org,
    siembra,
    volunteer,
    coordinator,
    partner,
    partner2,
    counties,
):
    """The cases of the module docstring; returns them by letter, with the organizations and people."""
    make_service(partner_org, "legal", [counties.durham, counties.wake])
    make_service(other_partner_org, "basic-needs", [counties.durham])
    make_service(siembra, "basic-needs", [counties.orange], accepting_referrals=False)
    liaison, refugio = partner_org, other_partner_org
    other_volunteer = make_user("olga@example.org", other_hub, Role.VOLUNTEER, display_name="Olga")

    a = make_case(
        hub,
        volunteer,
        counties.durham,
        "urgent",
        ["legal", "basic-needs"],
        at(3, 9),
        closed=at(7, 10),
        statuses={"legal": NeedStatus.HELPED, "basic-needs": NeedStatus.NOT_HELPED},
    )
    route(need(a, "legal"), liaison, at(3, 10), status="completed", hours=2, by=partner, outcome="helped")
    route(
        need(a, "basic-needs"),
        refugio,
        at(3, 10),
        status="declined",
        hours=6,
        by=partner2,
        reason="no_capacity",
    )
    ReferralEvent.objects.create(
        referral=a,
        need=need(a, "basic-needs"),
        actor=coordinator,
        kind=EventKind.NEED_UNMET,
        created_at=at(3, 17),
    )

    b = make_case(hub, volunteer, counties.durham, "emergency", ["legal"], at(4, 8))
    route(need(b, "legal"), refugio, at(4, 9), status="expired")
    route(need(b, "legal"), liaison, at(4, 14), status="accepted", hours=1, by=partner)

    c = make_case(hub, volunteer, counties.wake, "routine", ["legal"], at(10, 7))
    route(
        need(c, "legal"), liaison, at(10, 8), status="declined", hours=10, by=partner, reason="not_eligible"
    )

    d = make_case(hub, volunteer, counties.orange, "urgent", ["basic-needs"], at(11, 8))
    # The hub called; nobody answered (recorded half an hour later: not an answer, so not a time to answer).
    route(
        need(d, "basic-needs"), siembra, at(11, 9), status="expired", hours=0.5, by=volunteer, by_phone=True
    )

    e = make_case(hub, volunteer, counties.wake, "urgent", ["legal"], at(24, 9))
    route(need(e, "legal"), liaison, at(24, 10), status="pending")

    f = make_case(hub, volunteer, counties.alleghany, "emergency", ["bond"], at(25, 9))

    g = make_case(
        hub,
        volunteer,
        counties.durham,
        "urgent",
        ["legal"],
        at(20, 12, month=2),
        closed=at(5, 12),
        statuses={"legal": NeedStatus.HELPED},
    )
    route(
        need(g, "legal"),
        liaison,
        at(20, 13, month=2),
        status="completed",
        hours=3,
        by=partner,
        outcome="helped",
    )

    h = make_case(
        other_hub,
        other_volunteer,
        counties.durham,
        "urgent",
        ["legal"],
        at(5, 9),
        statuses={"legal": NeedStatus.NOT_HELPED},
    )
    route(
        need(h, "legal"),
        refugio,
        at(5, 10),
        status="completed",
        hours=4,
        by=partner2,
        outcome=RoutingOutcome.NOT_HELPED,
    )

    return SimpleNamespace(
        a=a,
        b=b,
        c=c,
        d=d,
        e=e,
        f=f,
        g=g,
        h=h,
        liaison=liaison,
        refugio=refugio,
        siembra=siembra,
        cases=[a, b, c, d, e, f, g, h],
    )
