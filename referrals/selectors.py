"""The reads behind the lists: My work, the partner queue, escalations, the case list's rows and the export.

Each takes the person and returns a queryset already scoped by the policy, with what its page shows joined or
prefetched, so a page costs the same few queries whatever the number of rows."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from directory.models import ServiceCategory
from referrals import policy
from referrals.models import (
    LIVE_ROUTING,
    Incident,
    IncidentStatus,
    Need,
    NeedStatus,
    Referral,
    ReferralStatus,
    Routing,
    RoutingStatus,
    Urgency,
)

# Newest first; among cases logged in the same instant, the newest id first (a keyset: core/pagination.py).
CASE_LIST_ORDER = ["-created_at", "-pk"]


def case_list(filtered, user):
    """The case list's rows, newest first (the newest id first among cases logged in the same instant), from the
    person's scoped and filtered cases. The filters across needs and routings are EXISTS (referrals/filters.py):
    no row repeats, so there is no DISTINCT, which would stop PostgreSQL from reading the first page straight off
    the (hub, created_at) index."""
    return with_list_data(filtered, user).order_by(*CASE_LIST_ORDER)


# What a list row never shows: a family's contact details and notes are left in the database, not read and
# decrypted for rows that do not show them.
NOT_IN_LISTS = ("contact_name", "contact_phone", "best_times", "notes")


def with_list_data(referrals, user):
    return (
        referrals.defer(*NOT_IN_LISTS)
        .select_related("county", "assigned_to")
        .prefetch_related(policy.prefetch_needs_for(user))
    )


def partner_queue(user):
    """Routings to the partner's organization: pending first by deadline, then accepted, then the rest."""
    return (
        Routing.objects.filter(organization_id=user.organization_id)
        .select_related(
            "need__category", "need__referral__county", "need__referral__language", "need__referral__incident"
        )
        .defer(*(f"need__referral__{name}" for name in NOT_IN_LISTS))
        .order_by(*QUEUE_ORDER)
    )


# Waiting for an answer, then accepted, then the rest (Routing.queue_rank), soonest deadline first (a keyset).
QUEUE_ORDER = ["queue_rank", "deadline", "pk"]


def waiting_in_queue(user):
    """The partner's routings waiting for its answer and still in time (the queue's badge), read off the queue's
    index: queue_rank 0 is pending."""
    return Routing.objects.filter(
        organization_id=user.organization_id,
        queue_rank=0,
        status=RoutingStatus.PENDING,
        deadline__gt=timezone.now(),
    )


# A need logged this long ago and never sent anywhere (none of the suggestions, or no organization at all) is the
# coordinators' to decide, as a declined one is.
UNSENT_AFTER = timedelta(minutes=30)


def escalations(user):
    """Open needs of the hub that nobody is taking care of: the last routing was declined or expired, or the live
    one is pending past its deadline (overdue is read from the clock, not from the deadline job having run), or it
    was never sent anywhere UNSENT_AFTER after it was logged."""
    now = timezone.now()
    overdue = Q(status=RoutingStatus.PENDING, deadline__lte=now)
    answered_or_waiting_in_time = Routing.objects.filter(
        need=OuterRef("pk"), status__in=LIVE_ROUTING
    ).exclude(overdue)
    dropped = Routing.objects.filter(need=OuterRef("pk")).filter(
        Q(status__in=[RoutingStatus.DECLINED, RoutingStatus.EXPIRED]) | overdue
    )
    return (
        Need.objects.filter(
            referral__hub_id=user.organization_id,
            referral__status=ReferralStatus.OPEN,
            status=NeedStatus.OPEN,
        )
        .filter(
            Exists(dropped)
            | (~Exists(Routing.objects.filter(need=OuterRef("pk"))) & Q(created_at__lte=now - UNSENT_AFTER))
        )
        .exclude(Exists(answered_or_waiting_in_time))
        .select_related("category", "referral__county", "referral__language")
        .defer(*(f"referral__{name}" for name in NOT_IN_LISTS))
        .prefetch_related(Prefetch("routings", queryset=Routing.objects.select_related("organization")))
        .order_by(*ESCALATIONS_ORDER)
    )


# The oldest case first, each case's needs in the order they were logged (a keyset: core/pagination.py).
ESCALATIONS_ORDER = ["referral__created_at", "pk"]


def open_cases_with_same_phone(user, referral: Referral) -> dict:
    """Other open cases of the hub for the same phone number (found by its keyed hash, never by the number)."""
    if not referral.phone_digest or not referral.is_open:
        return {}
    others = Referral.objects.filter(
        hub_id=referral.hub_id, phone_digest=referral.phone_digest, status=ReferralStatus.OPEN
    ).exclude(pk=referral.pk)
    visible = list(policy.duplicate_hint_scope(user, others).values_list("reference", flat=True))
    hidden = others.count() - len(visible) if policy.counts_hidden_duplicates(user) else 0
    return {"visible": visible, "hidden": hidden}


def mark_dropped(need: Need) -> None:
    """What an escalation says of a need, from its prefetched routings: the last one (`dropped`: declined, expired,
    not answered by phone or overdue; None if it was never sent) and since when the need waits (`waiting_since`)."""
    routings = sorted(need.routings.all(), key=lambda routing: routing.created_at)
    need.dropped = dropped = routings[-1] if routings else None
    need.waiting_since = (dropped.ended_at or dropped.deadline) if dropped else need.created_at


# Incidents.


def incident_list(user):
    """The hub's incidents the person may see, open ones first, each newest first, with its number of families
    (of the cases the person may open)."""
    families = policy.visible_referrals(user, Referral.objects.filter(incident=OuterRef("pk")))
    return (
        policy.incidents_visible_to(user, Incident.objects.select_related("county"))
        .annotate(
            families=Subquery(
                families.order_by().values("incident").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            open_rank=Case(When(status=IncidentStatus.OPEN, then=Value(0)), default=Value(1)),
        )
        .order_by("open_rank", "-occurred_at", "-pk")
    )


# Where a need of an incident stands, from its latest routing: one state per need, so each row adds up.
NEED_STATES = {
    "unrouted": pgettext_lazy("need state", "Not sent"),
    "pending": pgettext_lazy("need state", "Waiting"),
    "overdue": pgettext_lazy("need state", "Overdue"),
    "declined": pgettext_lazy("need state", "Declined"),
    "accepted": pgettext_lazy("need state", "Accepted"),
    "completed": pgettext_lazy("need state", "Completed"),
    "closed": pgettext_lazy("need state", "Closed"),
}
URGENCY_RANK: dict[str, int] = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.ROUTINE: 2}


def need_state(need: Need, now) -> str:
    """unrouted (open, never sent or its routing withdrawn), pending, overdue (past its deadline, or recorded as not
    answered in time), declined, accepted, completed; closed: withdrawn or closed as unmet without a completion."""
    routing = need.latest_routing
    if routing is not None and routing.status == RoutingStatus.COMPLETED:
        return "completed"
    if not need.is_open:
        return "closed"
    if routing is None or routing.status == RoutingStatus.WITHDRAWN:
        return "unrouted"
    if routing.status == RoutingStatus.PENDING:
        return "overdue" if routing.deadline <= now else "pending"
    if routing.status == RoutingStatus.EXPIRED:
        return "overdue"
    return str(routing.status)  # declined, accepted


@dataclass
class CategoryRow:
    category: ServiceCategory | None  # None: the totals
    counts: list[int]  # in NEED_STATES' order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class IncidentBoard:
    """The live part of an incident's page, for hub staff: the linked families (those the person may open), the
    needs that wait for a decision now (the escalations' rule), and the needs by kind of help and state."""

    families: list[Referral]
    decide_now: list[Need]
    by_category: list[CategoryRow]
    totals: CategoryRow
    states: list = field(default_factory=lambda: list(NEED_STATES.values()))


def incident_board(user, incident: Incident) -> IncidentBoard:
    """Three queries for the families (cases with county, needs with category, routings with organization) and one
    for which of their needs are escalations, whatever the number of families."""
    now = timezone.now()
    families = list(
        policy.incident_referrals(user, incident, Referral.objects.all())
        .select_related("county")
        .prefetch_related(policy.prefetch_needs_for(user))
        .order_by("-created_at")
    )
    # The escalations' own rule (declined, expired, overdue, or never sent 30 minutes on), read for this incident.
    escalated = set(
        escalations(user).filter(referral__incident=incident).order_by().values_list("pk", flat=True)
    )
    decide_now: list[Need] = []
    by_category: dict[object, tuple[ServiceCategory, dict[str, int]]] = {}
    totals = dict.fromkeys(NEED_STATES, 0)
    for referral in families:
        referral.decide_now = False
        referral.need_rows = []
        for need in referral.needs.all():
            need.referral = referral  # loaded: no query per need
            state = need_state(need, now)
            need.state = state
            need.state_label = NEED_STATES[state]
            referral.need_rows.append(need)
            counts = by_category.setdefault(need.category_id, (need.category, dict.fromkeys(NEED_STATES, 0)))[
                1
            ]
            counts[state] += 1
            totals[state] += 1
            if need.pk in escalated:
                mark_dropped(need)
                decide_now.append(need)
                referral.decide_now = True
    # What needs a decision now first, then the most urgent, then the newest (the order they were read in).
    families.sort(key=lambda referral: (not referral.decide_now, URGENCY_RANK.get(referral.urgency, 9)))
    decide_now.sort(key=lambda need: need.waiting_since)
    rows = [
        CategoryRow(category, [counts[state] for state in NEED_STATES])
        for category, counts in sorted(by_category.values(), key=lambda row: (row[0].position, row[0].pk))
    ]
    return IncidentBoard(
        families=families,
        decide_now=decide_now,
        by_category=rows,
        totals=CategoryRow(None, [totals[state] for state in NEED_STATES]),
    )


def incident_partner_routings(user, incident: Incident):
    """What a partner sees of an incident: its organization's routings of the linked needs, in the queue's order."""
    return policy.incident_routings(
        user,
        incident,
        Routing.objects.select_related(
            "need__category", "need__referral__county", "need__referral__language"
        ),
    ).order_by(*QUEUE_ORDER)
