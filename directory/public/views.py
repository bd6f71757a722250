"""The public "Find help" pages: hotlines, text alerts, organizations and resources by county, without signing in.

Nothing here reads or writes personal data, and the only input is a county, town or ZIP, so the pages are cached
for anonymous visitors (directory/public/caching.py) and drawn in a fixed number of queries otherwise.
"""

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from directory.models import (
    County,
    Organization,
    Phone,
    PhoneType,
    Resource,
    Service,
    ServiceStatus,
    TextAlert,
)
from directory.public.caching import public_page
from directory.public.search import match_counties, only_county, search

CALLABLE_TYPES = [PhoneType.HOTLINE, PhoneType.TEXT]


def county_address(county: County) -> str:
    """The county page's full address, as the share link prints it and the flyer's QR code opens it."""
    return settings.SITE_URL + county.get_absolute_url()


def county_lines(county: County):
    """The lines serving the county, its own first (`is_local`), each with its organization."""
    return (
        Phone.objects.serving(county)
        .select_related("organization")
        .order_by("-is_local", "organization__name", "number")
    )


def county_text_alerts(county: County):
    return (
        TextAlert.objects.serving(county)
        .select_related("organization")
        .order_by("-is_local", "organization__name", "keyword")
    )


def statewide_hotlines() -> QuerySet[Phone]:
    return (
        Phone.objects.filter(is_statewide=True, type__in=CALLABLE_TYPES)
        .select_related("organization")
        .prefetch_related("languages")
        .order_by("organization__name", "number")
    )


@login_not_required
@require_safe
@public_page(varies_on=("q", "county"))
def index(request: HttpRequest) -> HttpResponse:
    """Choose a county from the list, or type a county, town or ZIP code; a search that can only mean one county goes
    straight to its page, and one that may mean several lists them."""
    counties = list(County.objects.only("name", "slug"))
    # The list sends a slug and the search box a name; both go through the same matching.
    query = (request.GET.get("q") or request.GET.get("county") or "").strip()[:100]
    choices = search(query, counties) if query else []
    if county := only_county(choices):
        return redirect(county)
    context = {
        "counties": counties,
        "query": query,
        "choices": choices,
        "statewide_phones": statewide_hotlines(),
    }
    return render(request, "directory/public/index.html", context)


@login_not_required
@require_safe
@public_page()
def county_help(request: HttpRequest, slug: str) -> HttpResponse:
    """Everything that helps a family in one county, in a fixed number of queries, printable as a flyer."""
    county = County.objects.filter(slug=slug.lower()).first()
    if county is None:
        counties = list(County.objects.only("name", "slug"))
        context: dict[str, object] = {
            "counties": counties,
            "slug": slug,
            "suggestions": match_counties(slug, counties),
        }
        return render(request, "directory/public/county_not_found.html", context, status=404)
    if county.slug != slug:
        return redirect(county, permanent=True)

    phones = county_lines(county).prefetch_related("languages")
    services = (
        Service.objects.filter(status=ServiceStatus.ACTIVE)
        .serving(county)
        .select_related("category")
        .prefetch_related("languages")
        .order_by("-is_local", "category__position", "name")
    )
    organizations = list(
        Organization.objects.annotate(
            has_service=Exists(services.filter(organization=OuterRef("pk"))),
            has_local_service=Exists(services.filter(organization=OuterRef("pk"), is_local=True)),
            # Someone can reach it from this page: a line that serves the county, its website or its email.
            reachable=Exists(phones.filter(organization=OuterRef("pk"))) | ~Q(website="") | ~Q(email=""),
        )
        .filter(has_service=True)
        .order_by("-has_local_service", "-reachable", "name")
        # One call per Prefetch: their querysets are of different models, which django-stubs cannot type as one
        # argument list.
        .prefetch_related(Prefetch("services", queryset=services, to_attr="county_services"))
        .prefetch_related(
            Prefetch("phones", queryset=phones.filter(type=PhoneType.OFFICE), to_attr="county_office_phones")
        )
    )
    language = (get_language() or "en").split("-")[0]
    in_visitor_language = Resource.languages.through.objects.filter(
        resource=OuterRef("pk"), language__code=language
    )
    resources = (
        Resource.objects.for_county(county)
        .annotate(in_visitor_language=Exists(in_visitor_language))
        .select_related("organization")
        .prefetch_related("languages")
        .order_by("-in_visitor_language", "kind", "title")
    )
    context = {
        "county": county,
        "share_url": county_address(county),
        "hotlines": phones.filter(type__in=CALLABLE_TYPES),
        "text_alerts": county_text_alerts(county),
        "local_organizations": [org for org in organizations if org.has_local_service],
        "statewide_organizations": [org for org in organizations if not org.has_local_service],
        "resources": resources,
    }
    return render(request, "directory/public/county.html", context)


# What fits on one Letter page next to the QR code, in either language.
FLYER_HOTLINES = 6
FLYER_TEXT_ALERTS = 4
FLYER_ORGANIZATIONS = 4


@login_not_required
@require_safe
@public_page()
def county_flyer(request: HttpRequest, slug: str) -> HttpResponse:
    """One printed page to hand out: the hotlines, the raid alerts by text, the few local organizations to call,
    and a QR code to the county's page for everything else."""
    county = get_object_or_404(County, slug=slug)
    # One more than fits, to know whether to say "More help on this page".
    hotlines = list(county_lines(county).filter(type__in=CALLABLE_TYPES)[: FLYER_HOTLINES + 1])
    text_alerts = list(county_text_alerts(county)[: FLYER_TEXT_ALERTS + 1])
    office_phones = (
        Phone.objects.serving(county).filter(type=PhoneType.OFFICE, is_local=True).order_by("number")
    )
    local_services = Service.objects.filter(status=ServiceStatus.ACTIVE).serving(county).filter(is_local=True)
    organizations = list(
        Organization.objects.annotate(
            has_local_service=Exists(local_services.filter(organization=OuterRef("pk")))
        )
        .filter(has_local_service=True)
        .filter(Exists(office_phones.filter(organization=OuterRef("pk"))) | ~Q(website=""))
        .order_by("name")
        .prefetch_related(Prefetch("phones", queryset=office_phones, to_attr="county_office_phones"))[
            : FLYER_ORGANIZATIONS + 1
        ]
    )
    page_url = county_address(county)
    qr = segno.make(page_url, error="m")
    context = {
        "county": county,
        "page_url": page_url,
        "qr_svg": mark_safe(  # noqa: S308 - segno draws it from the county page's address, escaped in its title
            qr.svg_inline(
                scale=4, border=2, title=page_url, svgclass="flyer-qr", lineclass=None, omitsize=True
            )
        ),
        "hotlines": hotlines[:FLYER_HOTLINES],
        "text_alerts": text_alerts[:FLYER_TEXT_ALERTS],
        "organizations": organizations[:FLYER_ORGANIZATIONS],
        "more": len(hotlines) > FLYER_HOTLINES
        or len(text_alerts) > FLYER_TEXT_ALERTS
        or len(organizations) > FLYER_ORGANIZATIONS,
    }
    return render(request, "directory/public/flyer.html", context)
