"""Forms for managing the directory. Each role gets its own field list; choice lists come from access.py."""

from typing import Any

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connections
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.access import organizations_editable_by, services_editable_by
from directory.models import Organization, Phone, Resource, Role, Service, TextAlert, normalize_phone

# "new" is a path of its own under /manage/organizations/.
RESERVED_SLUGS = {"new"}


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The field a ModelForm made from a foreign key, whose choices a role narrows. `form.fields` is typed as
    plain fields; this says (and checks) which kind it is."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a ModelChoiceField")
    return field


def _out_of_range_id(field: forms.ModelChoiceField, values) -> object | None:
    """The first submitted value that is a whole number outside what the key column can hold, if any.

    Django's own lookups answer "no such row" for such a number in an exact match, but the multi-select's
    `id IN (...)` sends it to the database: PostgreSQL fails with "integer out of range" and SQLite's driver with
    an OverflowError, both a 500. No row can have such an id, so it is simply an invalid choice."""
    queryset = field.queryset
    if queryset is None:
        return None
    model = queryset.model
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    try:
        low, high = connections[queryset.db].ops.integer_field_range(key.get_internal_type())
    except KeyError:  # not an integer column (a UUID, a slug): nothing to overflow
        return None
    for value in values:
        try:
            number = int(str(value).strip())
        except ValueError:
            continue  # not a number at all: Django's own check refuses it
        if (low is not None and number < low) or (high is not None and number > high):
            return value
    return None


class IdsInRangeMixin:
    """For a ModelMultipleChoiceField: an id beyond the database's integer range is an invalid choice, not a 500."""

    def _check_values(self, value):
        if isinstance(value, list | tuple) and (bad := _out_of_range_id(self, value)) is not None:  # type: ignore[arg-type]
            raise ValidationError(
                self.error_messages["invalid_choice"],  # type: ignore[attr-defined]
                code="invalid_choice",
                params={"value": bad},
            )
        return super()._check_values(value)  # type: ignore[misc]


_IN_RANGE_CLASSES: dict[type, type] = {}


# The longest text a form takes in a text box whose model field sets no limit (a description, who is eligible).
TEXT_AREA_LIMIT = 2000
# Text fields this long or longer say their limit under the box; shorter ones (a name, an email) only stop typing.
SHOWN_LIMIT_FROM = 200


class BoundedInputMixin:
    """Every form of the project mixes this in (through CrispyFormMixin, or directly), for input nobody types:

    - the multi-selects a ModelForm makes from many-to-many fields (languages, counties) refuse out-of-range ids
      like any other invalid choice (single selects need nothing: Django answers "no such row" for an
      out-of-range exact match);
    - every free-text field has a length limit: the browser stops typing at it (`maxlength`), longer text boxes
      say it ("Up to 2000 characters."), and the form refuses more with Django's "at most N characters"."""

    fields: dict[str, forms.Field]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            cls = type(field)
            if isinstance(field, forms.ModelMultipleChoiceField) and not isinstance(field, IdsInRangeMixin):
                if cls not in _IN_RANGE_CLASSES:
                    _IN_RANGE_CLASSES[cls] = type(cls.__name__, (IdsInRangeMixin, cls), {})
                # The same field, with the range check in front of its own: ModelForm builds these fields from
                # the model, so this is the one place that reaches all of them.
                field.__class__ = _IN_RANGE_CLASSES[cls]
            elif isinstance(field, forms.CharField) and not isinstance(field.widget, forms.HiddenInput):
                limit_text(field)


def limit_text(field: forms.CharField) -> None:
    """Give a text field a limit if its model set none, and show it (in the language of the request)."""
    if field.max_length is None:
        field.max_length = TEXT_AREA_LIMIT
        field.validators.append(MaxLengthValidator(TEXT_AREA_LIMIT))
    field.widget.attrs["maxlength"] = str(field.max_length)
    # A plain text field, not a URL or an email address, whose limit matters to what people write.
    long_text = type(field) is forms.CharField and field.max_length >= SHOWN_LIMIT_FROM
    if long_text or isinstance(field.widget, forms.Textarea):
        limit = gettext("Up to %(count)d characters.") % {"count": field.max_length}
        field.help_text = f"{field.help_text} {limit}" if field.help_text else limit


class CrispyFormMixin(BoundedInputMixin):
    """Renders with crispy-bootstrap5 inside the template's own <form>. Checkbox lists flow in rows and text
    boxes start small, so a form with 100 counties stays usable on a phone."""

    fields: dict[str, forms.Field]  # from the form it is mixed into

    def build_helper(self) -> None:
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(
                InlineCheckboxes(name) if isinstance(field.widget, forms.CheckboxSelectMultiple) else name
                for name, field in self.fields.items()
            )
        )


def check_role_fits_organization(role: str, organization: Organization) -> None:
    """Volunteers and coordinators do intake, so they belong to a hub; partner staff to a partner."""
    if role in (Role.VOLUNTEER, Role.COORDINATOR) and not organization.is_hub:
        raise ValidationError(
            _(
                "Volunteers and coordinators work for a hub (an organization that does intake). "
                "%(organization)s does not do intake."
            ),
            params={"organization": organization.name},
            code="role_needs_hub",
        )
    if role == Role.PARTNER and not organization.is_partner:
        raise ValidationError(
            _(
                "Partner staff work for an organization that takes referrals. "
                "%(organization)s does not take referrals."
            ),
            params={"organization": organization.name},
            code="role_needs_partner",
        )


class ListingForm(CrispyFormMixin, forms.ModelForm):
    """What partner staff keep current about their own organization."""

    class Meta:
        model = Organization
        fields = ["description", "description_es", "website", "email", "languages"]
        widgets = {"languages": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.build_helper()


class OrganizationForm(CrispyFormMixin, forms.ModelForm):
    """The whole listing, for admins: also the name, the hub and partner flags and the intake email."""

    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "is_hub",
            "is_partner",
            "description",
            "description_es",
            "website",
            "email",
            "intake_email",
            "languages",
        ]
        widgets = {"languages": forms.CheckboxSelectMultiple}
        help_texts = {"slug": _("Used in web addresses. Leave it empty to make one from the name.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.build_helper()

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("name", ""))
        if not slug:
            raise ValidationError(_("Enter a short name made of letters, numbers and hyphens."))
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This short name is reserved. Choose another one."))
        return slug

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk is None:
            return cleaned
        # Un-flagging would leave staff in a role their organization no longer has.
        roles = set(self.instance.staff.filter(is_active=True).values_list("role", flat=True))
        if not cleaned.get("is_hub") and roles & {Role.VOLUNTEER, Role.COORDINATOR}:
            self.add_error(
                "is_hub",
                _("Volunteers or coordinators still work here. Change their roles before removing intake."),
            )
        if not cleaned.get("is_partner") and Role.PARTNER in roles:
            self.add_error(
                "is_partner",
                _("Partner staff still work here. Change their roles before it stops taking referrals."),
            )
        return cleaned


SERVICE_FIELDS = [
    "name",
    "name_es",
    "category",
    "description",
    "description_es",
    "eligibility_description",
    "eligibility_description_es",
    "languages",
    "is_statewide",
    "counties",
    "status",
    "accepting_referrals",
    "capacity_available",
    "capacity_maximum",
    "response_hours",
    "email",
    "url",
]


class ServiceForm(CrispyFormMixin, forms.ModelForm):
    """A service, as partner staff edit it: the organization is theirs and is not a field at all."""

    class Meta:
        model = Service
        fields = SERVICE_FIELDS
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "counties": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.build_helper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("is_statewide") and not cleaned.get("counties") and "counties" not in self.errors:
            self.add_error("counties", _("Choose the counties served, or mark the service as statewide."))
        available, maximum = cleaned.get("capacity_available"), cleaned.get("capacity_maximum")
        if available is not None and maximum is not None and available > maximum:
            self.add_error(
                "capacity_available",
                ValidationError(
                    _("Places available (%(available)s) cannot be more than total places (%(maximum)s)."),
                    params={"available": available, "maximum": maximum},
                ),
            )
        self.check_capacity_limit(self.capacity_limit())
        return cleaned

    def capacity_limit(self) -> int | None:
        """The most places this form may declare: the limit the network's admins set for the service."""
        return self.instance.capacity_limit

    def check_capacity_limit(self, limit: int | None) -> None:
        """Partner staff declare places within the admins' limit: routing trusts no more than that."""
        if limit is None:
            return
        for name in ("capacity_available", "capacity_maximum"):
            value = self.cleaned_data.get(name)
            if value is not None and value > limit:
                self.add_error(
                    name,
                    ValidationError(
                        _(
                            "The network allows at most %(limit)s places for this service. "
                            "Ask a network administrator if you can take more."
                        ),
                        params={"limit": limit},
                        code="above_capacity_limit",
                    ),
                )


class AdminServiceForm(ServiceForm):
    """Admins also choose which organization offers the service, and the most places its staff may declare."""

    class Meta(ServiceForm.Meta):
        fields = ["organization", *SERVICE_FIELDS, "capacity_limit"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        model_choice_field(self, "organization").queryset = organizations_editable_by(user)
        self.fields["capacity_limit"].required = False

    def clean_capacity_limit(self) -> int:
        """Left empty: the limit stays as it was."""
        value = self.cleaned_data.get("capacity_limit")
        return self.instance.capacity_limit if value is None else value

    def capacity_limit(self) -> int | None:
        return self.cleaned_data.get("capacity_limit")


class PhoneForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Phone
        fields = [
            "organization",
            "service",
            "type",
            "number",
            "extension",
            "description",
            "description_es",
            "hours",
            "hours_es",
            "languages",
            "is_statewide",
            "counties",
        ]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "counties": forms.CheckboxSelectMultiple,
        }
        help_texts = {"number": _("As people write it, for example 919-555-0123.")}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = organizations_editable_by(user)
        model_choice_field(self, "service").queryset = services_editable_by(user).select_related(
            "organization"
        )
        self.build_helper()

    def clean_number(self) -> str:
        return normalize_phone(self.cleaned_data["number"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        service, organization = cleaned.get("service"), cleaned.get("organization")
        if service and organization and service.organization_id != organization.pk:
            self.add_error("service", _("This service belongs to another organization."))
        return cleaned


class TextAlertForm(CrispyFormMixin, forms.ModelForm):
    """A keyword people text to a short code; or, where the organization publishes none, the phone number or web
    page where people ask to join its alerts. Which of the two the database checks too (see TextAlert.Meta)."""

    class Meta:
        model = TextAlert
        fields = [
            "organization",
            "keyword",
            "short_code",
            "signup_phone",
            "signup_url",
            "description",
            "description_es",
            "is_statewide",
            "counties",
        ]
        widgets = {"counties": forms.CheckboxSelectMultiple}
        help_texts = {
            "keyword": _(
                "What people text, for example @siembra4. Leave it empty if the organization gives none."
            ),
            "short_code": _("The number they text it to, for example 81010."),
            "signup_phone": _(
                "Without a keyword: the number people call to ask to join the alerts, for example 800-559-8714."
            ),
            "signup_url": _("Without a keyword: the page where people sign up for the alerts."),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = organizations_editable_by(user)
        self.build_helper()

    def clean_keyword(self) -> str:
        return self.cleaned_data["keyword"].strip()

    def clean_short_code(self) -> str:
        code = "".join(self.cleaned_data["short_code"].split())
        if code and (not code.isdigit() or len(code) not in (5, 6)):
            raise ValidationError(_("A short code has 5 or 6 digits."))
        return code

    def clean_signup_phone(self) -> str:
        number = self.cleaned_data["signup_phone"]
        return normalize_phone(number) if number.strip() else ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        keyword, short_code = cleaned.get("keyword"), cleaned.get("short_code")
        # Said on the field left empty; a short code refused above already has its message.
        if keyword and short_code == "":
            self.add_error("short_code", _("Give the short code people text the keyword to."))
        elif short_code and keyword == "":
            self.add_error("keyword", _("Give the keyword people text to the short code."))
        return cleaned


class ResourceForm(CrispyFormMixin, forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "kind",
            "title",
            "title_es",
            "organization",
            "description",
            "description_es",
            "publisher",
            "url",
            "url_es",
            "languages",
            "counties",
        ]
        widgets = {"languages": forms.CheckboxSelectMultiple, "counties": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = organizations_editable_by(user)
        self.build_helper()
