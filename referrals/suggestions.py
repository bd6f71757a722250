"""Routing suggestions: which organizations could take a need, best first, each with its reasons.

For a need in county C, category K, language L: active services of category K that cover C or the whole state,
accepting referrals, at partner organizations that have not already turned this need down. Coverage is what the
network approved (`Service.route_fit`): a partner's own widening counts only once an admin approves
it. A service with no places free is full: it comes after every service with places, however close (sending to
it asks the hub for a reason). Then ranked by: covers C directly before statewide, speaks L, spare places (places available, at most the limit
the admins set for the service, minus open routings), then how fast the organization answered its recent
referrals (or, with no recent answers, the time it promises, if at least the network's MIN_RESPONSE_HOURS), then
name (so the order is deterministic). What a partner declares is used only within those bounds, and the reasons
say so.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import CoverageState, Service, ServiceStatus
from referrals.models import LIVE_ROUTING, Need, Routing

RECENT_DAYS = 90


@dataclass
class Suggestion:
    service: Service
    is_local: bool
    speaks_language: bool
    places_free: int
    average_response: timedelta | None
    # False when the organization has no active staff account: the hub calls it and records the answer.
    answers_in_app: bool = True
    reasons: list[str] = field(default_factory=list)

    @property
    def is_full(self) -> bool:
        """No places free: still offered (the hub may know better), but last and only with a reason."""
        return self.places_free == 0

    @property
    def promise_counts(self) -> bool:
        """A promised response time counts only if it is at least the network's minimum."""
        hours = self.service.response_hours
        return hours is not None and hours >= settings.MIN_RESPONSE_HOURS

    @property
    def expected_response(self) -> timedelta | None:
        """How soon it is likely to answer: measured on its recent referrals, else its (credible) promise."""
        if self.average_response is not None:
            return self.average_response
        if self.promise_counts:
            return timedelta(hours=self.service.response_hours or 0)
        return None

    @property
    def organization(self):
        return self.service.organization

    @property
    def phones(self) -> list:
        """The organization's numbers, for a phone referral (prefetched by `suggestions_for`)."""
        return list(self.service.organization.phones.all())


def in_app(suggestions: list[Suggestion]) -> list[Suggestion]:
    return [s for s in suggestions if s.answers_in_app]


def by_phone(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Organizations with nobody to answer in the app: shown apart, as "call them"."""
    return [s for s in suggestions if not s.answers_in_app]


def suggestions_for(need: Need, *, limit: int | None = None) -> list[Suggestion]:
    """The organizations that could take one need, best first (its referral's county and language loaded)."""
    return suggestions_for_needs([need], limit=limit)[need.pk]


def suggestions_for_needs(
    needs: list[Need], *, limit: int | None = None, routings: list[Routing] | None = None
) -> dict[int, list[Suggestion]]:
    """The suggestions for each of a page of needs, in a fixed number of queries however many needs and
    counties the page holds (each need's referral, with its county and language, must be loaded). `routings`:
    every routing of those needs, when the caller has them already (an organization tried once is not suggested
    again)."""
    if not needs:
        return {}
    if routings is None:
        routings = list(Routing.objects.filter(need__in=needs).only("need_id", "organization_id"))
    tried: dict[int, set] = {}
    for routing in routings:
        tried.setdefault(routing.need_id, set()).add(routing.organization_id)
    services = list(Service.objects.routable_in({need.category_id for need in needs}))
    open_counts = dict(
        Routing.objects.filter(service__in=services, status__in=LIVE_ROUTING)
        .values("service_id")
        .annotate(n=Count("*"))  # "*": read off routing_live_service_idx alone
        .values_list("service_id", "n")
    )
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    response_times = dict(
        Routing.objects.filter(
            organization_id__in={s.organization_id for s in services},
            responded_at__isnull=False,
            created_at__gte=since,
        )
        .values("organization_id")
        .annotate(
            avg=Avg(ExpressionWrapper(F("responded_at") - F("created_at"), output_field=DurationField()))
        )
        .values_list("organization_id", "avg")
    )
    by_need = {}
    for need in needs:
        referral = need.referral
        county, language = referral.county, referral.language
        suggestions = []
        for service in services:
            is_local = service.route_fit(county, need.category)
            if is_local is None or service.organization_id in tried.get(need.pk, ()):
                continue
            suggestions.append(
                Suggestion(
                    service=service,
                    is_local=is_local,
                    speaks_language=any(lang.pk == language.pk for lang in service.languages.all()),
                    places_free=max(_places_counted(service) - open_counts.get(service.pk, 0), 0),
                    average_response=response_times.get(service.organization_id),
                    answers_in_app=service.answers_in_app,
                )
            )
        never = timedelta.max
        suggestions.sort(
            key=lambda s: (
                s.is_full,
                not s.is_local,
                not s.speaks_language,
                -s.places_free,
                s.expected_response or never,
                s.organization.name,
                s.service.name,
            )
        )
        suggestions = suggestions[:limit] if limit else suggestions
        for suggestion in suggestions:
            suggestion.reasons = _reasons(suggestion, county=county, language=language)
        by_need[need.pk] = suggestions
    return by_need


def _places_counted(service: Service) -> int:
    """The places the service declares, at most the limit the network set for it."""
    return min(service.capacity_available, service.capacity_limit)


def _reasons(suggestion: Suggestion, *, county, language) -> list[str]:
    reasons = [
        _("serves %(county)s") % {"county": county.name}
        if suggestion.is_local
        else _("serves the whole state")
    ]
    if suggestion.speaks_language:
        reasons.append(_("speaks %(language)s") % {"language": language.localized_name})
    else:
        reasons.append(_("does not list %(language)s") % {"language": language.localized_name})
    service = suggestion.service
    if suggestion.is_full:
        reasons.append(_("full: no places free"))
    elif _places_counted(service) < service.capacity_available:
        reasons.append(
            _("%(free)s places free: %(declared)s declared, capped at %(limit)s by the network")
            % {
                "free": suggestion.places_free,
                "declared": service.capacity_available,
                "limit": service.capacity_limit,
            }
        )
    else:
        reasons.append(
            _("%(free)s of %(total)s places free")
            % {"free": suggestion.places_free, "total": service.capacity_maximum}
        )
    if suggestion.average_response is not None:
        hours = max(round(suggestion.average_response.total_seconds() / 3600), 1)
        reasons.append(_("answers in about %(hours)s h") % {"hours": hours})
    elif suggestion.promise_counts:
        reasons.append(_("promises an answer within %(hours)s h") % {"hours": service.response_hours})
    elif service.response_hours is not None:
        reasons.append(
            _("promises %(hours)s h, below the network's minimum of %(minimum)s h: not counted")
            % {"hours": service.response_hours, "minimum": settings.MIN_RESPONSE_HOURS}
        )
    return reasons


# How many services the search beyond the suggestions lists: enough to choose from on a phone; narrow it for more.
OUTSIDE_RESULTS = 25


def any_service(*, q: str = "", county=None, category=None):
    """Any active service of any partner organization, for a coordinator sending a need outside the suggestions
    (a neighbouring county's, a statewide fund): by name (the service's or the organization's), county served
    (listed, or the whole state) and kind of help.

    Coverage is what the network approved, as for the suggestions: a service whose declared coverage waits for
    review (or was not approved) is found, and shown, by its approved copy; one never approved is not found."""
    as_declared = Q(coverage_state=CoverageState.APPROVED)
    services = Service.objects.filter(status=ServiceStatus.ACTIVE, organization__is_partner=True).filter(
        as_declared | Q(approved_category__isnull=False)
    )
    if q:
        services = services.filter(
            Q(name__icontains=q) | Q(name_es__icontains=q) | Q(organization__name__icontains=q)
        )
    if category is not None:
        services = services.filter(
            (as_declared & Q(category=category)) | (~as_declared & Q(approved_category=category))
        )
    if county is not None:
        declared = Service.counties.through.objects.filter(service=OuterRef("pk"), county=county)
        approved = Service.approved_counties.through.objects.filter(service=OuterRef("pk"), county=county)
        services = services.filter(
            (as_declared & (Exists(declared) | Q(is_statewide=True)))
            | (~as_declared & (Exists(approved) | Q(approved_is_statewide=True)))
        )
    return (
        services.select_related("organization", "category", "approved_category")
        .prefetch_related("counties", "approved_counties", "organization__phones")
        .with_answers_in_app()
        .order_by("organization__name", "name")
    )
