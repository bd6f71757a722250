"""Who may see and change which referral. Every view goes through these; anything out of scope is a 404."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from directory.models import Role, User
from referrals.models import Consent, Need, Referral, Routing, RoutingStatus


def manages(user: User, referral: Referral) -> bool:
    """Volunteers manage the cases they logged or are assigned; coordinators every case of their hub."""
    if not user.is_active or referral.hub_id != user.organization_id:
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.VOLUNTEER and user.pk in (referral.created_by_id, referral.assigned_to_id)


def get_referral_for_user(user: User, reference: str, *, write: bool = False) -> Referral:
    """The referral if the user may see it (404 otherwise); with write=True, 403 for those who may only look."""
    referral = get_object_or_404(
        Referral.objects.visible_to(user).select_related(
            "hub", "county", "language", "created_by", "assigned_to"
        ),
        reference=reference,
    )
    if write and not manages(user, referral):
        raise PermissionDenied
    return referral


def get_routing_for_partner(user: User, referral: Referral, routing_id: int) -> Routing:
    """A routing of this referral to the partner's own organization, or 404."""
    if user.role != Role.PARTNER:
        raise Http404
    return get_object_or_404(
        Routing.objects.select_related("need__category", "need__referral"),
        pk=routing_id,
        need__referral=referral,
        organization_id=user.organization_id,
    )


def active_consent(referral: Referral) -> Consent | None:
    now = timezone.now()
    for consent in referral.consents.prefetch_related("categories").filter(revoked_at__isnull=True):
        if consent.is_active(now):
            return consent
    return None


def can_see_contact(user: User, referral: Referral, *, consent: Consent | None = None) -> bool:
    """Hub staff on the case always; a partner only while its routing is live and the family's consent covers it."""
    if manages(user, referral):
        return True
    if user.role != Role.PARTNER or not referral.is_open:
        return False
    consent = consent if consent is not None else active_consent(referral)
    if consent is None:
        return False
    covered = {category.pk for category in consent.categories.all()}
    live = Routing.objects.filter(
        need__referral=referral,
        organization_id=user.organization_id,
        need__category_id__in=covered,
    ).filter(
        # A pending routing past its deadline is over, even before process_deadlines marks it expired.
        Q(status=RoutingStatus.ACCEPTED) | Q(status=RoutingStatus.PENDING, deadline__gt=timezone.now())
    )
    return live.exists()


def routings_visible_to(user: User, referral: Referral):
    """Hub staff see every routing of the case; a partner sees only its own organization's."""
    routings = Routing.objects.select_related("organization", "service", "need__category").order_by(
        "created_at"
    )
    if user.role == Role.PARTNER:
        routings = routings.filter(organization_id=user.organization_id)
    return routings.filter(need__referral=referral)


def prefetch_routings_for(user: User) -> Prefetch:
    queryset = Routing.objects.select_related("organization", "service").order_by("created_at")
    if user.role == Role.PARTNER:
        queryset = queryset.filter(organization_id=user.organization_id)
    return Prefetch("routings", queryset=queryset)


def needs_visible_to(user: User, referral: Referral):
    """Hub staff see every need of the case; a partner only the needs sent to its organization (a food pantry must
    not learn that the family also needs a bond fund)."""
    needs = Need.objects.filter(referral=referral).select_related("category")
    if user.role == Role.PARTNER:
        needs = needs.filter(routings__organization_id=user.organization_id).distinct()
    return needs


def prefetch_needs_for(user: User) -> Prefetch:
    needs = Need.objects.select_related("category").prefetch_related(prefetch_routings_for(user))
    if user.role == Role.PARTNER:
        needs = needs.filter(routings__organization_id=user.organization_id).distinct()
    return Prefetch("needs", queryset=needs)
