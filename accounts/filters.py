"""The filters above the account list."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from directory.filters import editable_organizations, yes_no_any
from directory.models import Role, User


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
