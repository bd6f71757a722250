"""The public "Find help" pages: hotlines, text alerts, organizations and resources by county, without signing in.

Nothing here reads or writes personal data, and the only input is a county name, so the pages can be cached
briefly; the Vary headers added by the locale and session middleware keep English and Spanish copies apart.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from directory.models import County, Organization, Phone, PhoneType, Resource, Service, ServiceStatus, fold

# Five minutes: a corrected number reaches visitors quickly, and a busy night still hits the cache.
CACHE_SECONDS = 300

# People type "Durham County", "condado de Durham" or "new-hanover"; only the county's own name matters.
COUNTY_WORDS = re.compile(r"^(condado de|condado|county of)\s+|\s+(county|condado|co\.?)$")

CALLABLE_TYPES = [PhoneType.HOTLINE, PhoneType.TEXT]


def search_key(text: str) -> str:
    words = " ".join(fold(text).replace("-", " ").split())
    return COUNTY_WORDS.sub("", words).strip()


def match_counties(query: str, counties: list[County]) -> list[County]:
    """Counties whose name is the query (accents and case ignored), else those whose name contains it."""
    key = search_key(query)
    if not key:
        return []
    keyed = [(search_key(county.name), county) for county in counties]
    exact = [county for name, county in keyed if name == key]
    return exact or [county for name, county in keyed if key in name]


def cached_briefly(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Lets the visitor's own browser keep a page for CACHE_SECONDS, never a shared cache: every copy holds the
    visitor's CSRF token (the language switch), and a signed-in person's copy their name in the menu."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
        return response

    return wrapper


def statewide_hotlines() -> QuerySet[Phone]:
    return (
        Phone.objects.filter(is_statewide=True, type__in=CALLABLE_TYPES)
        .select_related("organization")
        .prefetch_related("languages")
        .order_by("organization__name", "number")
    )


@login_not_required
@require_safe
@cached_briefly
def index(request: HttpRequest) -> HttpResponse:
    """Choose a county from the list or type its name; one match goes straight to that county's page."""
    counties = list(County.objects.only("name", "slug"))
    # The list sends a slug and the search box a name; both go through the same matching.
    query = (request.GET.get("q") or request.GET.get("county") or "").strip()[:100]
    matches = match_counties(query, counties) if query else []
    if len(matches) == 1:
        return redirect(matches[0])
    context = {
        "counties": counties,
        "query": query,
        "matches": matches,
        "statewide_phones": statewide_hotlines(),
    }
    return render(request, "directory/public/index.html", context)


@login_not_required
@require_safe
@cached_briefly
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

    phones = (
        Phone.objects.serving(county)
        .select_related("organization")
        .prefetch_related("languages")
        .order_by("-is_local", "organization__name", "number")
    )
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
        )
        .filter(has_service=True)
        .order_by("-has_local_service", "name")
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
        Resource.objects.annotate(in_visitor_language=Exists(in_visitor_language))
        .select_related("organization")
        .prefetch_related("languages")
        .order_by("-in_visitor_language", "kind", "title")
    )
    context = {
        "county": county,
        "share_url": request.build_absolute_uri(county.get_absolute_url()),
        "hotlines": phones.filter(type__in=CALLABLE_TYPES),
        "text_alerts": county.text_alerts.select_related("organization").order_by("keyword"),
        "local_organizations": [org for org in organizations if org.has_local_service],
        "statewide_organizations": [org for org in organizations if not org.has_local_service],
        "resources": resources,
    }
    return render(request, "directory/public/county.html", context)
