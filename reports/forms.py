from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import County, Organization, ServiceCategory
from referrals.models import Urgency
from reports.selectors import Filters, default_period

# A longer period would make the weekly chart unreadable and the queries long; a year answers the funders.
LONGEST_PERIOD = timedelta(days=366)
# Dates a report can be about (the first day of year 1 or the last of 9999 would overflow the period's end).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class ReportFilterForm(forms.Form):
    """The report's filters, from the page address (GET). Every choice list is directory data (counties, kinds of
    help, partner organizations), never read from the cases. Without dates: the last twelve weeks."""

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    county = forms.ModelChoiceField(
        County.objects.all(), label=_("County"), required=False, empty_label=_("Any county")
    )
    category = forms.ModelChoiceField(
        ServiceCategory.objects.all(),
        label=_("Kind of help"),
        required=False,
        to_field_name="code",
        empty_label=_("Any kind of help"),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any urgency")), *Urgency.choices]
    )
    organization = forms.ModelChoiceField(
        Organization.objects.filter(is_partner=True),
        label=_("Organization"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any organization"),
    )

    def __init__(self, query, *, with_organization: bool = True):
        start, end = default_period()
        data = query.copy()
        data.setdefault("start", start.isoformat())
        data.setdefault("end", end.isoformat())
        super().__init__(data)
        if not with_organization:
            del self.fields["organization"]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
                raise forms.ValidationError(_("Choose dates between 2000 and 2099."))
            if start > end:
                raise forms.ValidationError(_("The start of the period comes after its end."))
            if end - start > LONGEST_PERIOD:
                raise forms.ValidationError(_("Choose a period of at most a year."))
        return cleaned

    def filters(self) -> Filters:
        """What to count: the valid filters, or the last twelve weeks with no other filter when they are not."""
        if not self.is_valid():
            start, end = default_period()
            return Filters(start=start, end=end)
        data = self.cleaned_data
        return Filters(
            start=data["start"],
            end=data["end"],
            county=data.get("county"),
            category=data.get("category"),
            urgency=data.get("urgency") or "",
            organization=data.get("organization"),
        )
