import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import County, Organization, ServiceCategory, User
from referrals import policy
from referrals.models import Referral, ReferralStatus, Urgency


class ReferralFilter(django_filters.FilterSet):
    """Filters for the case list. Every choice list is built from what the person may already see."""

    status = django_filters.ChoiceFilter(
        choices=ReferralStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.none(), label=_("County"), empty_label=_("Any county")
    )
    category = django_filters.ModelChoiceFilter(
        field_name="needs__category",
        queryset=ServiceCategory.objects.all(),
        label=_("Need"),
        empty_label=_("Any need"),
    )
    urgency = django_filters.ChoiceFilter(
        choices=Urgency.choices, label=_("Urgency"), empty_label=_("Any urgency")
    )
    organization = django_filters.ModelChoiceFilter(
        field_name="needs__routings__organization",
        queryset=Organization.objects.none(),
        label=_("Sent to"),
        empty_label=_("Any organization"),
    )
    assigned_to = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(), label=_("Assigned to"), empty_label=_("Anyone")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Follow-up overdue"))

    class Meta:
        model = Referral
        fields = ["status", "county", "category", "urgency", "organization", "assigned_to", "overdue"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = request.user
        visible = self.queryset
        self._user = user
        self.filters["county"].queryset = County.objects.filter(pk__in=visible.values("county_id"))
        self.filters["category"].method = self.filter_category
        if policy.sees_hub_work(user):
            self.filters["organization"].queryset = Organization.objects.filter(
                routings__need__referral__in=visible
            ).distinct()
            self.filters["assigned_to"].queryset = policy.assignee_choices(user)
        else:
            # Partners do not see who works on cases at the hub, which other organizations were involved, or the
            # hub's follow-up schedule.
            del self.filters["assigned_to"]
            del self.filters["organization"]
            del self.filters["overdue"]

    def filter_category(self, queryset, name, value):
        """A partner filters by the needs sent to it only: a need that was not is none of its business."""
        if value is None:
            return queryset
        return policy.referrals_with_need(self._user, queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(next_follow_up__lt=timezone.localdate(), status=ReferralStatus.OPEN)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
