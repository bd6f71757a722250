"""Routing suggestions: which organizations could take a need, best first, each with its reasons.

For a need in county C, category K, language L: active services of category K that cover C or the whole state,
accepting referrals, at partner organizations that have not already turned this need down. Coverage is what the
network approved (`ServiceQuerySet.routable_for`): a partner's own widening counts only once an admin approves
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
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Service
from referrals.models import LIVE_ROUTING, Need, Routing

RECENT_DAYS = 90


@dataclass
class Suggestion:
    service: Service
    is_local: bool
    speaks_language: bool
    places_free: int
    average_response: timedelta | None
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


def suggestions_for(need: Need, *, limit: int | None = None) -> list[Suggestion]:
    referral = need.referral
    county, language = referral.county, referral.language
    already_tried = Routing.objects.filter(need=need).values("organization_id")
    candidates = (
        Service.objects.routable_for(county, need.category)
        .exclude(organization_id__in=already_tried)
        .select_related("organization")
        .annotate(
            speaks=Exists(
                Service.languages.through.objects.filter(service_id=OuterRef("pk"), language_id=language.pk)
            ),
        )
    )
    services = list(candidates)
    open_counts = dict(
        Routing.objects.filter(service__in=services, status__in=LIVE_ROUTING)
        .values("service_id")
        .annotate(n=Count("pk"))
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
    suggestions = [
        Suggestion(
            service=service,
            is_local=service.is_local,
            speaks_language=service.speaks,
            places_free=max(_places_counted(service) - open_counts.get(service.pk, 0), 0),
            average_response=response_times.get(service.organization_id),
        )
        for service in services
    ]
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
    for suggestion in suggestions:
        suggestion.reasons = _reasons(suggestion, county=county, language=language)
    return suggestions[:limit] if limit else suggestions


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
