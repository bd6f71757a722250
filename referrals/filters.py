import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import QuickSelect
from directory.models import County, Organization, ServiceCategory, User
from referrals import policy
from referrals.models import Referral, ReferralStatus, Routing, Urgency


class ReferralFilter(django_filters.FilterSet):
    """Filters for the case list. The choice lists are the directory's (public) counties, kinds of help and partner
    organizations, and the person's own hub's staff: none is read from the cases, which would mean reading every
    case of the hub to draw the form. A filter across needs or routings is an EXISTS, so a case never repeats and
    the list needs no DISTINCT."""

    status = django_filters.ChoiceFilter(
        widget=QuickSelect, choices=ReferralStatus.choices, label=_("Status"), empty_label=_("Any status")
    )
    county = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=County.objects.all(), label=_("County"), empty_label=_("Any county")
    )
    category = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        field_name="needs__category",
        queryset=ServiceCategory.objects.all(),
        label=_("Need"),
        empty_label=_("Any need"),
    )
    urgency = django_filters.ChoiceFilter(
        widget=QuickSelect, choices=Urgency.choices, label=_("Urgency"), empty_label=_("Any urgency")
    )
    organization = django_filters.ModelChoiceFilter(
        widget=QuickSelect,
        queryset=Organization.objects.filter(is_partner=True).order_by("name"),
        method="filter_sent_to",
        label=_("Sent to"),
        empty_label=_("Any organization"),
    )
    assigned_to = django_filters.ModelChoiceFilter(
        widget=QuickSelect, queryset=User.objects.none(), label=_("Assigned to"), empty_label=_("Anyone")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Follow-up overdue"))

    class Meta:
        model = Referral
        fields = ["status", "county", "category", "urgency", "organization", "assigned_to", "overdue"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        user = request.user
        self._user = user
        self.filters["category"].method = self.filter_category
        if policy.sees_hub_work(user):
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

    def filter_sent_to(self, queryset, name, value):
        """Cases with a need ever sent to the organization (hub staff only: partners do not have this filter)."""
        if value is None:
            return queryset
        return queryset.filter(
            Exists(Routing.objects.filter(need__referral=OuterRef("pk"), organization=value))
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(next_follow_up__lt=timezone.localdate(), status=ReferralStatus.OPEN)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
