"""The reads behind the reports: aggregates computed in the database, a fixed number of queries whatever the number
of cases, over cases already scoped by the policy (`policy.hub_report_scope`, `network_report_scope`,
`partner_report_scope`).

What a period counts (the filters' "from" and "to", both days included, in the network's time zone):
- families opened: cases logged in the period; families closed: cases closed in the period (whenever logged);
- needs: the needs of the cases logged in the period, in the state they are in now;
- routings: the needs sent to an organization in the period, in the state they are in now; the time to answer is
  that of those routings that have an answer (accepted or declined, in the app or by phone);
- time to closure: of the cases closed in the period, from intake to closure.
County and urgency are the case's; category is the need's (a case counts when one of its needs is of it); an
organization narrows routings to those sent to it, and needs and cases to those with a routing to it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncWeek
from django.urls import reverse
from django.utils import timezone

from directory.models import County, Organization, Service, ServiceCategory, ServiceChange
from referrals.models import (
    EventKind,
    Need,
    NeedStatus,
    Referral,
    ReferralEvent,
    Routing,
    RoutingOutcome,
    RoutingStatus,
)
from reports.stats import Spread, interpolate, spreads

# Shading of the unmet-needs map: a county's count of unmet or unserved needs falls in one of these classes.
SHADE_LIMITS = (1, 5, 10)  # 0 = none; 1-4; 5-9; 10 or more


def shade_class(count: int) -> int:
    """0 for none, then 1, 2, 3 as the count reaches each of SHADE_LIMITS."""
    return sum(1 for limit in SHADE_LIMITS if count >= limit)


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # included
    county: County | None = None
    category: ServiceCategory | None = None
    urgency: str = ""
    organization: Organization | None = None

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def during(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve weeks, Monday to today: what a coordinator looks at on a Monday morning."""
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=11), today


# Where a routing stands now, in the words of the reports: one label per routing, so the rows add up to the total.
STATES = [
    "pending",
    "overdue",
    "accepted",
    "helped",
    "not_helped",
    "declined",
    "expired",
    "phone_no_answer",
    "withdrawn_after_accepting",
    "withdrawn",
]
ACCEPTED_STATES = ("accepted", "helped", "not_helped", "withdrawn_after_accepting")


def _routing_state(now: datetime) -> Case:
    return Case(
        When(status=RoutingStatus.PENDING, deadline__lte=now, then=Value("overdue")),
        When(status=RoutingStatus.COMPLETED, outcome=RoutingOutcome.HELPED, then=Value("helped")),
        When(status=RoutingStatus.COMPLETED, then=Value("not_helped")),
        # "No answer by phone": the hub called and recorded that nobody answered (routing_record_phone_answer).
        When(
            status=RoutingStatus.EXPIRED,
            by_phone=True,
            responded_by__isnull=False,
            then=Value("phone_no_answer"),
        ),
        When(
            status=RoutingStatus.WITHDRAWN,
            responded_at__isnull=False,
            then=Value("withdrawn_after_accepting"),
        ),
        default=F("status"),
        output_field=CharField(),
    )


def _answered() -> Q:
    """Routings with an answer: accepted or declined (a phone call nobody answered is not an answer)."""
    return Q(responded_at__isnull=False) & ~Q(status=RoutingStatus.EXPIRED)


@dataclass
class NeedCounts:
    """Needs in one group, by where they stand now. `unmet`: closed by a coordinator as unmet (a part of
    not_helped); `unserved`: still open where no service takes them (county and category)."""

    total: int = 0
    helped: int = 0
    not_helped: int = 0
    unmet: int = 0
    open: int = 0
    withdrawn: int = 0
    unserved: int = 0

    def add(self, other: "NeedCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def decided(self) -> int:
        return self.helped + self.not_helped

    @property
    def unmet_or_unserved(self) -> int:
        return self.unmet + self.unserved


@dataclass
class OrganizationRow:
    organization: str
    expired: int = 0
    phone_no_answer: int = 0
    answer_time: Spread | None = None


@dataclass
class CaseFigures:
    """The hub and network reports' figures."""

    filters: Filters
    opened: int
    closed: int
    weeks: list[tuple[date, int]]
    needs: NeedCounts
    needs_by_category: list[tuple[ServiceCategory, NeedCounts]]
    needs_by_county: list[tuple[County, NeedCounts]]
    # The map: every county with its counts (unmet and unserved), and the county x category pairs with any.
    counties: list[tuple[County, NeedCounts]]
    unmet_pairs: list[tuple[County, ServiceCategory, NeedCounts]]
    routings: dict[str, int]
    declines: dict[str, int]
    organizations: list[OrganizationRow]
    answer_time: Spread | None
    close_time: Spread | None


def _weeks(queryset: QuerySet, filters: Filters, field_name: str) -> list[tuple[date, int]]:
    """Counts per week (Monday first) from one grouped query, with the weeks that had none filled in."""
    counted = {
        week.date() if isinstance(week, datetime) else week: count
        for week, count in queryset.filter(filters.during(field_name))
        .annotate(week=TruncWeek(field_name))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by("week")
        .values_list("week", "count")
    }
    first = filters.start - timedelta(days=filters.start.weekday())
    weeks = []
    week = first
    while week <= filters.end:
        weeks.append((week, counted.get(week, 0)))
        week += timedelta(weeks=1)
    return weeks


def _case_filters(filters: Filters, prefix: str) -> Q:
    condition = Q()
    if filters.county:
        condition &= Q(**{f"{prefix}county": filters.county})
    if filters.urgency:
        condition &= Q(**{f"{prefix}urgency": filters.urgency})
    return condition


def case_figures(cases: QuerySet[Referral], filters: Filters) -> CaseFigures:
    """The figures of the hub report (a hub's cases) or the network report (every hub's), from the cases the policy
    scoped. Queries: the families (1), per week (1), needs by category and county (1), routings by organization and
    state (1), answer times overall (1) and by organization (1), closure times (1), the services that take needs
    (routable_in: 1 + 4 prefetches), counties (1), categories (1)."""
    now = timezone.now()
    referrals = cases.filter(_case_filters(filters, ""))
    if filters.category:
        referrals = referrals.filter(
            Exists(Need.objects.filter(referral=OuterRef("pk"), category=filters.category))
        )
    if filters.organization:
        referrals = referrals.filter(
            Exists(Routing.objects.filter(need__referral=OuterRef("pk"), organization=filters.organization))
        )
    families = referrals.filter(filters.during("created_at") | filters.during("closed_at")).aggregate(
        opened=Count("pk", filter=filters.during("created_at")),
        closed=Count("pk", filter=filters.during("closed_at")),
    )
    weeks = _weeks(referrals, filters, "created_at")

    needs = Need.objects.filter(referral__in=cases).filter(
        _case_filters(filters, "referral__"), filters.during("referral__created_at")
    )
    if filters.category:
        needs = needs.filter(category=filters.category)
    if filters.organization:
        needs = needs.filter(
            Exists(Routing.objects.filter(need=OuterRef("pk"), organization=filters.organization))
        )
    need_rows = (
        needs.annotate(
            closed_unmet=Exists(ReferralEvent.objects.filter(need=OuterRef("pk"), kind=EventKind.NEED_UNMET))
        )
        .values("category_id", "referral__county_id")
        .annotate(
            total=Count("pk"),
            helped=Count("pk", filter=Q(status=NeedStatus.HELPED)),
            not_helped=Count("pk", filter=Q(status=NeedStatus.NOT_HELPED)),
            unmet=Count("pk", filter=Q(closed_unmet=True)),
            open=Count("pk", filter=Q(status=NeedStatus.OPEN)),
            withdrawn=Count("pk", filter=Q(status=NeedStatus.WITHDRAWN)),
        )
        .order_by()
    )

    routings = Routing.objects.filter(need__referral__in=cases).filter(
        _case_filters(filters, "need__referral__"), filters.during("created_at")
    )
    if filters.category:
        routings = routings.filter(need__category=filters.category)
    if filters.organization:
        routings = routings.filter(organization=filters.organization)
    routing_rows = (
        routings.annotate(state=_routing_state(now))
        .values("organization_id", "organization__name", "state", "decline_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    answered = routings.filter(_answered())
    answer_times = spreads(answered, F("responded_at") - F("created_at"))
    answer_times_by_organization = spreads(
        answered, F("responded_at") - F("created_at"), group="organization_id"
    )
    close_times = spreads(referrals.filter(filters.during("closed_at")), F("closed_at") - F("created_at"))

    counties = {county.pk: county for county in County.objects.all()}
    categories = {category.pk: category for category in ServiceCategory.objects.all()}
    takes = _services_taking(categories.values())

    by_category: dict = {}
    by_county: dict = {}
    pairs: dict = {}
    total = NeedCounts()
    for row in need_rows:
        county_id, category_id = row["referral__county_id"], row["category_id"]
        counts = NeedCounts(
            total=row["total"],
            helped=row["helped"],
            not_helped=row["not_helped"],
            unmet=row["unmet"],
            open=row["open"],
            withdrawn=row["withdrawn"],
        )
        if counts.open and not any(
            service.route_fit(counties[county_id], categories[category_id]) is not None
            for service in takes.get(category_id, [])
        ):
            counts.unserved = counts.open
        total.add(counts)
        by_category.setdefault(category_id, NeedCounts()).add(counts)
        by_county.setdefault(county_id, NeedCounts()).add(counts)
        pairs[(county_id, category_id)] = counts

    state_counts = dict.fromkeys(STATES, 0)
    declines: dict[str, int] = {}
    organizations: dict = {}
    for routing_row in routing_rows:
        state, count = routing_row["state"], routing_row["count"]
        state_counts[state] += count
        if state == RoutingStatus.DECLINED:
            declines[routing_row["decline_reason"]] = declines.get(routing_row["decline_reason"], 0) + count
        organization = organizations.setdefault(
            routing_row["organization_id"], OrganizationRow(organization=routing_row["organization__name"])
        )
        if state == RoutingStatus.EXPIRED:
            organization.expired += count
        elif state == "phone_no_answer":
            organization.phone_no_answer += count
    for organization_id, spread in answer_times_by_organization.items():
        organizations.setdefault(organization_id, OrganizationRow(organization="")).answer_time = spread

    category_order = list(categories)
    return CaseFigures(
        filters=filters,
        opened=families["opened"],
        closed=families["closed"],
        weeks=weeks,
        needs=total,
        needs_by_category=[(categories[pk], by_category[pk]) for pk in category_order if pk in by_category],
        needs_by_county=[
            (counties[pk], by_county[pk]) for pk in sorted(by_county, key=lambda pk: counties[pk].name)
        ],
        counties=[(county, by_county.get(pk, NeedCounts())) for pk, county in counties.items()],
        unmet_pairs=[
            (counties[county_id], categories[category_id], counts)
            for (county_id, category_id), counts in sorted(
                pairs.items(), key=lambda item: (counties[item[0][0]].name, category_order.index(item[0][1]))
            )
            if counts.unmet_or_unserved
        ],
        routings=state_counts,
        declines=declines,
        organizations=sorted(organizations.values(), key=lambda row: row.organization.casefold()),
        answer_time=answer_times.get(None),
        close_time=close_times.get(None),
    )


def _services_taking(categories) -> dict:
    """The services routing may suggest, by category (the one rule: `ServiceQuerySet.routable_in`), to tell for each
    county and category with open needs whether any service takes them there (`Service.route_fit`)."""
    takes: dict = {}
    for service in Service.objects.routable_in(categories):
        # route_fit asks for the declared category and, while a change waits for review, the approved one too.
        takes.setdefault(service.category_id, []).append(service)
    return takes


@dataclass
class PartnerFigures:
    """One partner organization's figures: the routings to it, and its services' capacity changes."""

    filters: Filters
    weeks: list[tuple[date, int]]
    states: dict[str, int]
    declines: dict[str, int]
    by_category: list[tuple[ServiceCategory, dict[str, int]]]
    answer_time: Spread | None
    capacity: list[ServiceChange] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(self.states.values())

    @property
    def accepted(self) -> int:
        return sum(self.states[state] for state in ACCEPTED_STATES)


def partner_figures(routings: QuerySet[Routing], organization_id, filters: Filters) -> PartnerFigures:
    """The partner report's figures, from the routings the policy scoped to the person's organization. Queries: per
    week (1), routings by category and state (1), answer times (1), capacity changes (1), categories (1)."""
    now = timezone.now()
    routings = routings.filter(_case_filters(filters, "need__referral__"))
    if filters.category:
        routings = routings.filter(need__category=filters.category)
    weeks = _weeks(routings, filters, "created_at")
    rows = (
        routings.filter(filters.during("created_at"))
        .annotate(state=_routing_state(now))
        .values("need__category_id", "state", "decline_reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    answer_time = spreads(
        routings.filter(filters.during("created_at")).filter(_answered()), F("responded_at") - F("created_at")
    ).get(None)
    capacity = list(
        ServiceChange.objects.filter(
            service__organization_id=organization_id, changes__has_key="capacity_available"
        )
        .filter(filters.during("created_at"))
        .select_related("service")
        .order_by("created_at", "pk")
    )
    categories = {category.pk: category for category in ServiceCategory.objects.all()}
    states = dict.fromkeys(STATES, 0)
    declines: dict[str, int] = {}
    by_category: dict = {}
    for row in rows:
        states[row["state"]] += row["count"]
        if row["state"] == RoutingStatus.DECLINED:
            declines[row["decline_reason"]] = declines.get(row["decline_reason"], 0) + row["count"]
        counts = by_category.setdefault(row["need__category_id"], dict.fromkeys(STATES, 0))
        counts[row["state"]] += row["count"]
    return PartnerFigures(
        filters=filters,
        weeks=weeks,
        states=states,
        declines=declines,
        by_category=[(categories[pk], by_category[pk]) for pk in categories if pk in by_category],
        answer_time=answer_time,
        capacity=capacity,
    )


@dataclass
class IncidentRow:
    """One incident on the hub report: its families and needs, and the median time from a family's intake to the
    first answer (accepted or declined) any organization gave one of its needs."""

    incident_id: int
    description: str
    occurred_at: datetime
    county: str
    families: int
    needs: int
    answered: int  # families with a first answer
    first_answer: timedelta | None  # the median over `answered` families

    @property
    def url(self) -> str:
        return reverse("referrals:incident_detail", kwargs={"incident_id": self.incident_id})


def incident_figures(cases: QuerySet[Referral], filters: Filters) -> list[IncidentRow]:
    """The incidents of the scoped cases that occurred in the period, newest first. One query, whatever the number of
    families: each linked case with its needs counted and its first answer, numbered within its incident by that
    time (window functions, as `stats.spreads`), keeping only the rows a median needs and each incident's first."""
    first_answer = (
        Routing.objects.filter(need__referral=OuterRef("pk"))
        .filter(_answered())
        .order_by()
        .values("need__referral")
        .annotate(first=Min("responded_at"))
        .values("first")
    )
    need_count = (
        Need.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(n=Count("pk"))
        .values("n")
    )
    partition = [F("incident_id")]
    ranked = (
        cases.filter(incident__isnull=False)
        .filter(incident__occurred_at__gte=filters.since, incident__occurred_at__lt=filters.until)
        .order_by()
        .annotate(
            _needs=Subquery(need_count, output_field=IntegerField()),
            _duration=ExpressionWrapper(
                Subquery(first_answer, output_field=DateTimeField()) - F("created_at"),
                output_field=DurationField(),
            ),
        )
        .annotate(
            _families=Window(Count("pk"), partition_by=partition),
            _answered=Window(Count("_duration"), partition_by=partition),
            _all_needs=Window(Sum("_needs"), partition_by=partition),
            _rank=Window(
                RowNumber(),
                partition_by=partition,
                order_by=[F("_duration").asc(nulls_last=True), F("pk").asc()],
            ),
        )
    )
    low = (F("_answered") - 1) * 50 / 100 + 1
    rows = ranked.filter(Q(_rank=1) | Q(_rank=low) | Q(_rank=low + 1)).values_list(
        "incident_id",
        "incident__description",
        "incident__occurred_at",
        "incident__county__name",
        "_families",
        "_all_needs",
        "_answered",
        "_rank",
        "_duration",
    )
    found: dict[int, IncidentRow] = {}
    ranks: dict[int, dict[int, timedelta]] = {}
    for incident_id, description, occurred_at, county, families, needs, answered, rank, duration in rows:
        found.setdefault(
            incident_id,
            IncidentRow(incident_id, description, occurred_at, county, families, needs or 0, answered, None),
        )
        if duration is not None:
            ranks.setdefault(incident_id, {})[rank] = duration
    for incident_id, row in found.items():
        if row.answered:
            row.first_answer = interpolate(row.answered, ranks[incident_id], 50)
    return sorted(found.values(), key=lambda row: row.occurred_at, reverse=True)
