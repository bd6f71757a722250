"""The public, read-only HSDS 3.0 API under /api/hsds/ (docs/hsds.md describes it and the mapping).

It shows what the public "Find help" pages show, in Open Referral's format, so 211 lines and other directories
can reuse it: organizations, active services, phones, text alerts and the service categories. Nothing here reads
accounts, referrals or an organization's intake email. Errors are JSON too, and an unknown or malformed id is a
404, like any record that does not exist.
"""

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, time
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from directory.hsds import querysets, records
from directory.models import Organization, ServiceCategory, ServiceStatus

# The same five minutes as the public pages: a corrected listing reaches consumers quickly.
CACHE_SECONDS = 300
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
PROFILE_DOC = Path(settings.BASE_DIR) / "docs" / "hsds.md"
TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no", ""}


class ApiError(Exception):
    def __init__(self, status: int, detail: str):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def not_found(what: str = "record") -> ApiError:
    return ApiError(404, f"No such {what}.")


def public_api(view: Callable[..., dict | HttpResponse]) -> Callable[..., HttpResponse]:
    """Open to everyone, GET only, JSON in and out.

    CSRF is exempted only so that a POST reaches require_GET and gets its 405: no view here changes anything.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            result = view(request, *args, **kwargs)
        except ApiError as error:
            return JsonResponse({"detail": error.detail}, status=error.status)
        if isinstance(result, HttpResponse):
            return result
        return JsonResponse(result, json_dumps_params={"ensure_ascii": False})

    return login_not_required(
        csrf_exempt(require_GET(cache_control(public=True, max_age=CACHE_SECONDS)(wrapper)))
    )


# --- Query parameters -------------------------------------------------------------------------------------------


def record_id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise not_found(what) from None


def uuid_param(request: HttpRequest, name: str) -> uuid.UUID | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(400, f"{name} must be a UUID.") from None


def flag_param(request: HttpRequest, name: str) -> bool:
    value = request.GET.get(name, "").strip().lower()
    if value in TRUE_VALUES | FALSE_VALUES:
        return value in TRUE_VALUES
    raise ApiError(400, f"{name} must be true or false.")


def positive_int_param(request: HttpRequest, name: str, default: int) -> int:
    value = request.GET.get(name, "").strip()
    if not value:
        return default
    # ASCII digits only: "²".isdigit() is true, but int("²") fails.
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise ApiError(400, f"{name} must be a whole number of 1 or more.")
    return int(value)


def datetime_param(request: HttpRequest, name: str) -> datetime | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        # An unencoded "+" in a query string arrives as a space: "…T10:00:00 05:00" means "+05:00".
        parsed = parse_datetime(value) or parse_datetime(value.replace(" ", "+"))
        if parsed is None and (day := parse_date(value)):
            parsed = datetime.combine(day, time.min)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApiError(400, f"{name} must be an ISO 8601 date or date and time.")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def page_of[T](
    request: HttpRequest, items: QuerySet[Any, T] | Sequence[T], record: Callable[[T], dict]
) -> dict:
    """HSDS's page envelope around one page of records; `page` and `per_page` choose it (at most 200 a page)."""
    per_page = min(positive_int_param(request, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    number = positive_int_param(request, "page", 1)
    paginator = Paginator(items, per_page)
    if number > paginator.num_pages:
        raise not_found("page")
    page = paginator.page(number)
    return {
        "total_items": paginator.count,
        "total_pages": paginator.num_pages,
        "page_number": page.number,
        "size": len(page.object_list),
        "first_page": not page.has_previous(),
        "last_page": not page.has_next(),
        "empty": paginator.count == 0,
        "contents": [record(item) for item in page.object_list],
    }


# --- Views ------------------------------------------------------------------------------------------------------


@public_api
def index(request: HttpRequest) -> dict:
    """What this API is: HSDS 3.0, with the network's profile (docs/hsds.md) on top."""
    return {
        "version": records.HSDS_VERSION,
        "profile": settings.SITE_URL + reverse("api:profile"),
        "openapi_url": OPENAPI_URL,
    }


@public_api
def profile(request: HttpRequest) -> HttpResponse:
    """The profile: how the directory maps to HSDS, with the extension attributes and the CSV columns."""
    try:
        text = PROFILE_DOC.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise not_found("profile") from None
    return HttpResponse(text, content_type="text/markdown; charset=utf-8")


@public_api
def services(request: HttpRequest) -> dict:
    """Active services, a page at a time: one-to-one fields, or fully nested with `full=true`."""
    full = flag_param(request, "full")
    queryset = querysets.services_queryset(full=full).filter(status=ServiceStatus.ACTIVE)
    if term_id := uuid_param(request, "taxonomy_term_id"):
        queryset = queryset.filter(category_id=term_id)
    if organization_id := uuid_param(request, "organization_id"):
        queryset = queryset.filter(organization_id=organization_id)
    if modified_after := datetime_param(request, "modified_after"):
        queryset = queryset.filter(updated_at__gte=modified_after)
    return page_of(request, queryset, lambda service: records.service_record(service, full=full))


@public_api
def service(request: HttpRequest, id: str) -> dict:
    found = querysets.public_services().filter(pk=record_id(id, "service")).first()
    if found is None:
        raise not_found("service")
    return records.service_record(found)


@public_api
def organizations(request: HttpRequest) -> dict:
    """Organizations, a page at a time: one-to-one fields, or with phones, attributes and services if `full`."""
    if flag_param(request, "full"):
        queryset = querysets.organizations_queryset(services=querysets.public_services())
        return page_of(
            request,
            queryset,
            lambda org: records.organization_record(org, services=org.hsds_services, full_services=False),
        )
    return page_of(request, Organization.objects.order_by("name", "id"), records.organization_summary)


@public_api
def organization(request: HttpRequest, id: str) -> dict:
    """An organization with its phones, attributes and active services (fully nested with `full_service=true`)."""
    full_services = flag_param(request, "full_service")
    queryset = querysets.organizations_queryset(services=querysets.public_services())
    found = queryset.filter(pk=record_id(id, "organization")).first()
    if found is None:
        raise not_found("organization")
    return records.organization_record(found, services=found.hsds_services, full_services=full_services)


@public_api
def taxonomies(request: HttpRequest) -> dict:
    return page_of(request, records.TAXONOMIES, dict)


@public_api
def taxonomy(request: HttpRequest, id: str) -> dict:
    wanted = str(record_id(id, "taxonomy"))
    for item in records.TAXONOMIES:
        if item["id"] == wanted:
            return dict(item)
    raise not_found("taxonomy")


def all_terms() -> list[dict]:
    return records.taxonomy_term_records(ServiceCategory.objects.order_by("position", "code"))


@public_api
def taxonomy_terms(request: HttpRequest) -> dict:
    """The service categories and the terms of the network's extension attributes; `taxonomy_id` picks one."""
    terms = all_terms()
    if taxonomy_id := uuid_param(request, "taxonomy_id"):
        terms = [term for term in terms if term["taxonomy_id"] == str(taxonomy_id)]
    return page_of(request, terms, dict)


@public_api
def taxonomy_term(request: HttpRequest, id: str) -> dict:
    wanted = str(record_id(id, "taxonomy term"))
    for term in all_terms():
        if term["id"] == wanted:
            return term
    raise not_found("taxonomy term")


@public_api
def unknown(request: HttpRequest, rest: str = "") -> dict:
    """Anything else under /api/hsds/ is a JSON 404, not the site's HTML page."""
    raise not_found("endpoint")
