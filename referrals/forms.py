from typing import Any

from django import forms
from django.db.models import Case, IntegerField, Value, When
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.forbidden import no_forbidden_content
from core.phones import parse_family_phone
from directory.forms import BoundedInputMixin, model_choice_field
from directory.models import County, Language, ServiceCategory, User
from referrals import policy
from referrals.models import DeclineReason, Incident, ReferralOutcome, RoutingOutcome, Urgency
from referrals.services import INCIDENT_DESCRIPTION_LENGTH, MAX_LENGTH, PhoneAnswer


class IncidentChoiceField(forms.ModelChoiceField):
    """An incident shown by its description, county and date: "Workplace raid · Durham · Mar 3, 2027, 6:10 AM"."""

    def label_from_instance(self, obj: Incident) -> str:
        when = formats.date_format(obj.occurred_at, "SHORT_DATETIME_FORMAT")
        return f"{obj.description} · {obj.county.name} · {when}"


def incident_field_for(field: forms.Field, user, *, county_first=None) -> None:
    """Offer the person's hub's open incidents: those of `county_first` (the county the form starts from, the one
    of the volunteer's last case) first, each group newest first. The form cannot know the county picked on it
    without JavaScript, and on a raid night the volunteer's last county is the raid's."""
    assert isinstance(field, forms.ModelChoiceField)
    incidents = policy.incident_choices(user)
    if county_first:
        incidents = incidents.annotate(
            other_county=Case(
                When(county_id=county_first, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        ).order_by("other_county", "-occurred_at", "-pk")
    field.queryset = incidents


class IncidentChoicesMixin:
    """For a form with an `incident` field: the incidents it offers, read once (one query) for both the template's
    "any to offer?" and the drawing of the select (which would otherwise read them again)."""

    fields: dict[str, forms.Field]

    @cached_property
    def incident_choices(self) -> list[Incident]:
        field = self.fields["incident"]
        assert isinstance(field, IncidentChoiceField) and field.queryset is not None
        incidents = list(field.queryset)
        field.choices = [("", field.empty_label), *((i.pk, field.label_from_instance(i)) for i in incidents)]
        return incidents


class IntakeForm(IncidentChoicesMixin, BoundedInputMixin, forms.Form):
    """What a volunteer asks a family on the phone: the minimum needed to route their needs. Nothing else."""

    county = forms.ModelChoiceField(County.objects.all(), label=_("County"), empty_label=_("Choose a county"))
    language = forms.ModelChoiceField(
        Language.objects.all(), label=_("Language the family prefers"), empty_label=None
    )
    urgency = forms.ChoiceField(
        choices=Urgency.choices,
        initial=Urgency.URGENT,
        widget=forms.RadioSelect,
        label=_("How urgent is it?"),
        help_text=_(
            "Emergency: someone was just detained or children are alone. Partners must answer in 4 hours."
        ),
    )
    categories = forms.ModelMultipleChoiceField(
        ServiceCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("What does the family need?"),
        error_messages={"required": _("Choose at least one need.")},
    )
    contact_name = forms.CharField(
        label=_("Name or alias"),
        max_length=MAX_LENGTH["contact_name"],
        required=False,
        validators=[no_forbidden_content],
        help_text=_("An alias is fine. Never write immigration status, A-numbers, birth dates or addresses."),
    )
    contact_phone = forms.CharField(
        label=_("Phone"),
        max_length=MAX_LENGTH["contact_phone"],
        required=False,
        help_text=_("With its country code if it is not a US number, such as +52 55 1234 5678."),
        # A phone keyboard on a phone; the browser offers no saved numbers (another family's would be wrong).
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    safe_to_call = forms.BooleanField(label=_("Safe to call"), required=False, initial=True)
    safe_to_text = forms.BooleanField(label=_("Safe to text"), required=False)
    best_times = forms.CharField(
        label=_("Best times to reach them"),
        max_length=MAX_LENGTH["best_times"],
        required=False,
        validators=[no_forbidden_content],
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_LENGTH["notes"],
        required=False,
        validators=[no_forbidden_content],
        help_text=_("Only what partners need to help. Encrypted and deleted after the case closes."),
    )
    consent = forms.BooleanField(
        label=_(
            "The family agreed that we share their name and phone with the organizations we send their needs to."
        ),
        required=False,
    )
    consent_language = forms.ModelChoiceField(
        Language.objects.all(),
        label=_("Consent was explained in"),
        required=False,
        empty_label=_("Same as above"),
    )
    incident = IncidentChoiceField(
        Incident.objects.none(),
        label=_("Incident"),
        required=False,
        empty_label=_("None"),
        help_text=_("The raid or event that hit this family, if the hub recorded one."),
    )
    intake_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user=None, county_first=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            incident_field_for(self.fields["incident"], user, county_first=county_first)
        self.fields["language"].initial = (
            Language.objects.filter(code="es").values_list("pk", flat=True).first()
        )

    def clean_contact_phone(self) -> str:
        """Any country's number, kept in E.164 form; one without a country code is a US number."""
        phone = self.cleaned_data["contact_phone"].strip()
        return parse_family_phone(phone) if phone else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("consent") and not (cleaned.get("contact_name") or cleaned.get("contact_phone")):
            self.add_error(
                "contact_name", _("Consent covers contact details: add a name or a phone, or untick it.")
            )
        if (
            not cleaned.get("safe_to_call")
            and not cleaned.get("safe_to_text")
            and cleaned.get("contact_phone")
        ):
            self.add_error("safe_to_call", _("Say whether it is safe to call or to text this number."))
        return cleaned


class DeclineForm(BoundedInputMixin, forms.Form):
    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason.")), *DeclineReason.choices],
        label=_("Why can't you take it?"),
        error_messages={"required": _("Choose a reason.")},
    )
    note = forms.CharField(
        label=_("Details for the hub (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_LENGTH["decline_note"],
        required=False,
        validators=[no_forbidden_content],
    )


class CompleteForm(BoundedInputMixin, forms.Form):
    outcome = forms.ChoiceField(choices=RoutingOutcome.choices, widget=forms.RadioSelect, label=_("Outcome"))


class NoteForm(BoundedInputMixin, forms.Form):
    body = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=MAX_LENGTH["note"],
        validators=[no_forbidden_content],
    )


class CloseForm(BoundedInputMixin, forms.Form):
    outcome = forms.ChoiceField(choices=ReferralOutcome.choices, label=_("How did the case end?"))


class FollowUpForm(BoundedInputMixin, forms.Form):
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
    assigned_to = forms.ModelChoiceField(User.objects.none(), label=_("Who"))
    note = forms.CharField(
        label=_("What to check"),
        max_length=MAX_LENGTH["follow_up_note"],
        required=False,
        validators=[no_forbidden_content],
    )

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assigned_to").queryset = policy.hub_staff(hub.pk)


class AssignForm(BoundedInputMixin, forms.Form):
    assignee = forms.ModelChoiceField(User.objects.none(), label=_("Assign to"))

    def __init__(self, *args, hub, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = policy.hub_staff(hub.pk)


class RoutingReasonForm(BoundedInputMixin, forms.Form):
    """Why the hub sends a need to a full service or outside the suggestions, or closes it as unmet: about the
    service or the search, never about the family (it is kept on the timeline)."""

    reason = forms.CharField(
        label=_("Why? (about the service, not the family)"),
        max_length=MAX_LENGTH["routing_reason"],
        error_messages={"required": _("Say why.")},
    )


class PhoneAnswerForm(BoundedInputMixin, forms.Form):
    """What an organization said when the hub called it about a phone referral."""

    answer = forms.ChoiceField(
        choices=PhoneAnswer.choices, widget=forms.RadioSelect, label=_("What did they say?")
    )
    reason = forms.ChoiceField(
        choices=[("", _("Choose a reason.")), *DeclineReason.choices],
        label=_("If they declined: why?"),
        required=False,
    )
    note = forms.CharField(
        label=_("Details (optional)"), max_length=MAX_LENGTH["decline_note"], required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("answer") == PhoneAnswer.DECLINED and not cleaned.get("reason"):
            self.add_error("reason", _("Choose a reason."))
        return cleaned


class ServiceSearchForm(BoundedInputMixin, forms.Form):
    """Any active service of any partner organization, for sending a need outside the suggestions."""

    q = forms.CharField(label=_("Name"), max_length=100, required=False)
    county = forms.ModelChoiceField(
        County.objects.all(), label=_("Serves county"), required=False, empty_label=_("Any county")
    )
    category = forms.ModelChoiceField(
        ServiceCategory.objects.all(), label=_("Kind of help"), required=False, empty_label=_("Any kind")
    )


class IncidentForm(BoundedInputMixin, forms.Form):
    """What a coordinator records of an event: where, when, and a few neutral words that name it."""

    county = forms.ModelChoiceField(County.objects.all(), label=_("County"), empty_label=_("Choose a county"))
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    description = forms.CharField(
        label=_("Short description"),
        max_length=INCIDENT_DESCRIPTION_LENGTH,
        validators=[no_forbidden_content],
        help_text=_(
            "Its name on every page, partners' too: what and where, such as “Workplace raid at a poultry plant”. "
            "Never a person's name or anything about a family."
        ),
    )


class LinkIncidentForm(IncidentChoicesMixin, BoundedInputMixin, forms.Form):
    """Link a case to one of the hub's open incidents, or to none."""

    incident = IncidentChoiceField(
        Incident.objects.none(), label=_("Incident"), required=False, empty_label=_("None")
    )

    def __init__(self, *args, user, county_first=None, **kwargs):
        super().__init__(*args, **kwargs)
        incident_field_for(self.fields["incident"], user, county_first=county_first)
