"""The reads behind the lists: My work, the partner queue, escalations, the case list's rows and the export.

Each takes the person and returns a queryset already scoped by the policy, with what its page shows joined or
prefetched, so a page costs the same few queries whatever the number of rows."""

from datetime import timedelta

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from referrals import policy
from referrals.models import LIVE_ROUTING, Need, NeedStatus, Referral, ReferralStatus, Routing, RoutingStatus


def case_list(filtered, user):
    """The case list's rows, newest first, from the person's scoped and filtered cases.

    Only a filter across needs or routings joins rows that can repeat a case; DISTINCT is added then and only then,
    because it stops PostgreSQL from reading the first page straight off the (hub, created_at) index."""
    query = filtered.query
    if any(query.alias_refcount[alias] for alias in query.alias_map if alias != query.get_initial_alias()):
        filtered = filtered.distinct()
    return with_list_data(filtered, user).order_by("-created_at")


def with_list_data(referrals, user):
    return referrals.select_related("county", "assigned_to").prefetch_related(policy.prefetch_needs_for(user))


def partner_queue(user):
    """Routings to the partner's organization: pending first by deadline, then accepted, then the rest."""
    return (
        Routing.objects.filter(organization_id=user.organization_id)
        .select_related("need__category", "need__referral__county", "need__referral__language")
        .order_by(
            # pending (0), accepted (1), ended (2)
            _status_rank(),
            "deadline",
        )
    )


def _status_rank():
    return Case(
        When(status=RoutingStatus.PENDING, then=Value(0)),
        When(status=RoutingStatus.ACCEPTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
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
        .prefetch_related(Prefetch("routings", queryset=Routing.objects.select_related("organization")))
        .order_by("referral__created_at")
    )


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
