"""The filters above the account list."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from directory.filters import editable_organizations, yes_no_any
from directory.models import HUB_ROLES, Role, User


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or email"), method="search")
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=editable_organizations, empty_label=_("Any")
    )
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=_("Any"))
    is_active = django_filters.BooleanFilter(label=_("Active"), widget=yes_no_any())

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(email__icontains=value) | Q(display_name__icontains=value))


class TeamFilter(django_filters.FilterSet):
    """A coordinator's team: name or email, and volunteer or coordinator."""

    q = django_filters.CharFilter(label=_("Name or email"), method="search")
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=[(role.value, role.label) for role in HUB_ROLES],
        empty_label=_("Any"),
    )
    is_active = django_filters.BooleanFilter(label=_("Active"), widget=yes_no_any())

    class Meta:
        model = User
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(email__icontains=value) | Q(display_name__icontains=value))
