"""Routing suggestions: which organizations could take a need, best first, each with its reasons.

For a need in county C, category K, language L: active services of category K that cover C or the whole state,
accepting referrals, at partner organizations that have not already turned this need down. Ranked by: covers C
directly before statewide, speaks L, spare places (places available minus open routings), then how fast the
organization answered its recent referrals, then name (so the order is deterministic).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Service, ServiceStatus
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
    def organization(self):
        return self.service.organization


def suggestions_for(need: Need, *, limit: int | None = None) -> list[Suggestion]:
    referral = need.referral
    county, language = referral.county, referral.language
    already_tried = Routing.objects.filter(need=need).values("organization_id")
    candidates = (
        Service.objects.filter(
            category_id=need.category_id,
            status=ServiceStatus.ACTIVE,
            accepting_referrals=True,
            organization__is_partner=True,
        )
        .serving(county)
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
            places_free=max(service.capacity_available - open_counts.get(service.pk, 0), 0),
            average_response=response_times.get(service.organization_id),
        )
        for service in services
    ]
    never = timedelta.max
    suggestions.sort(
        key=lambda s: (
            not s.is_local,
            not s.speaks_language,
            -s.places_free,
            s.average_response or never,
            s.organization.name,
            s.service.name,
        )
    )
    for suggestion in suggestions:
        suggestion.reasons = _reasons(suggestion, county=county, language=language)
    return suggestions[:limit] if limit else suggestions


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
    reasons.append(
        _("%(free)s of %(total)s places free")
        % {"free": suggestion.places_free, "total": suggestion.service.capacity_maximum}
    )
    if suggestion.average_response is not None:
        hours = max(round(suggestion.average_response.total_seconds() / 3600), 1)
        reasons.append(_("answers in about %(hours)s h") % {"hours": hours})
    return reasons
