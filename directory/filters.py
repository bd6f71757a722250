"""The filters above the lists in /manage/. Choice lists of organizations come from access.py."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from directory.access import organizations_editable_by
from directory.models import (
    County,
    Language,
    Organization,
    OrganizationQuerySet,
    Phone,
    PhoneQuerySet,
    PhoneType,
    Resource,
    ResourceKind,
    Service,
    ServiceCategory,
    ServiceQuerySet,
    ServiceStatus,
    TextAlert,
    TextAlertQuerySet,
)


def yes_no_any() -> forms.Select:
    return forms.Select(choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))])


def editable_organizations(request) -> QuerySet[Organization]:
    return organizations_editable_by(request.user)


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[("hub", _("Hub (does intake)")), ("partner", _("Partner (takes referrals)"))],
        empty_label=_("Any"),
        method="filter_kind",
    )
    stale = django_filters.BooleanFilter(
        label=_("Only listings not confirmed in 90 days"),
        widget=forms.CheckboxInput,
        method="filter_stale",
    )
    unreachable = django_filters.BooleanFilter(
        label=_("Only partners that cannot receive referrals in the app"),
        widget=forms.CheckboxInput,
        method="filter_unreachable",
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(is_hub=True) if value == "hub" else queryset.filter(is_partner=True)

    def filter_stale(
        self, queryset: OrganizationQuerySet, name: str, value: bool | None
    ) -> OrganizationQuerySet:
        return queryset.unconfirmed() if value else queryset

    def filter_unreachable(
        self, queryset: OrganizationQuerySet, name: str, value: bool | None
    ) -> OrganizationQuerySet:
        return queryset.unreachable_in_app() if value else queryset


class ServiceFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all(), empty_label=_("Any"), method="filter_county"
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=ServiceCategory.objects.all(), empty_label=_("Any")
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"), field_name="languages", queryset=Language.objects.all(), empty_label=_("Any")
    )
    accepting = django_filters.BooleanFilter(
        label=_("Accepting referrals"), field_name="accepting_referrals", widget=yes_no_any()
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ServiceStatus.choices, empty_label=_("Any")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=editable_organizations, empty_label=_("Any")
    )

    class Meta:
        model = Service
        fields: list[str] = []

    def filter_county(self, queryset: ServiceQuerySet, name: str, value: County | None) -> QuerySet[Service]:
        return queryset.serving(value) if value else queryset


class PhoneFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all(), empty_label=_("Any"), method="filter_county"
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=PhoneType.choices, empty_label=_("Any"))
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=editable_organizations, empty_label=_("Any")
    )

    class Meta:
        model = Phone
        fields: list[str] = []

    def filter_county(self, queryset: PhoneQuerySet, name: str, value: County | None) -> QuerySet[Phone]:
        return queryset.serving(value) if value else queryset


class TextAlertFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(
        label=_("County"), queryset=County.objects.all(), empty_label=_("Any"), method="filter_county"
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=editable_organizations, empty_label=_("Any")
    )

    class Meta:
        model = TextAlert
        fields: list[str] = []

    def filter_county(
        self, queryset: TextAlertQuerySet, name: str, value: County | None
    ) -> QuerySet[TextAlert]:
        return queryset.serving(value) if value else queryset


class ResourceFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ResourceKind.choices, empty_label=_("Any"))
    language = django_filters.ModelChoiceFilter(
        label=_("Language"), field_name="languages", queryset=Language.objects.all(), empty_label=_("Any")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=editable_organizations, empty_label=_("Any")
    )

    class Meta:
        model = Resource
        fields: list[str] = []
