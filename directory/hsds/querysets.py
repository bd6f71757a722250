"""The querysets the API and the export read: a stable order, and everything a record reads fetched up front, so
every list is a fixed number of queries however many rows it has."""

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Prefetch, QuerySet

from directory.models import County, Language, Organization, Phone, Service, ServiceStatus, TextAlert

if TYPE_CHECKING:
    # Typing only: django-stubs-ext is a development dependency.
    from django_stubs_ext import WithAnnotations


class HsdsServices(TypedDict):
    """What `organizations_queryset` prefetches onto each organization."""

    hsds_services: list[Service]


def _by_code() -> QuerySet[Language]:
    return Language.objects.order_by("code")


def _by_fips() -> QuerySet[County]:
    return County.objects.order_by("fips")


def phones_queryset() -> QuerySet[Phone]:
    return Phone.objects.order_by("type", "number", "id").prefetch_related(
        Prefetch("languages", queryset=_by_code()), Prefetch("counties", queryset=_by_fips())
    )


def services_queryset(*, full: bool = True) -> QuerySet[Service]:
    """Services in a stable order, with what their records read fetched up front."""
    queryset = Service.objects.select_related("organization", "category").order_by(
        "organization__name", "category__position", "name", "id"
    )
    if full:
        queryset = queryset.prefetch_related(
            Prefetch("languages", queryset=_by_code()),
            Prefetch("counties", queryset=_by_fips()),
            Prefetch("phones", queryset=phones_queryset()),
        )
    return queryset


def public_services() -> QuerySet[Service]:
    """What the public API shows: active services only."""
    return services_queryset().filter(status=ServiceStatus.ACTIVE)


def organizations_queryset(
    *, services: QuerySet[Service] | None = None
) -> "QuerySet[WithAnnotations[Organization, HsdsServices]]":
    """Organizations with their languages, phones, text alerts and the given services (`hsds_services`)."""
    return Organization.objects.order_by("name", "id").prefetch_related(
        Prefetch("languages", queryset=_by_code()),
        Prefetch("phones", queryset=phones_queryset()),
        Prefetch(
            "text_alerts",
            queryset=TextAlert.objects.order_by("keyword", "short_code", "id").prefetch_related(
                Prefetch("counties", queryset=_by_fips())
            ),
        ),
        Prefetch(
            "services",
            queryset=(services if services is not None else services_queryset()).order_by(
                "category__position", "name", "id"
            ),
            to_attr="hsds_services",
        ),
    )
