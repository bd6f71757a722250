"""Directory management in the app: admins keep the whole directory and the accounts; partner staff keep their
own organization's listing and services current. Who may do what is decided in directory/access.py."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet
from django.forms import ModelForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_filters import FilterSet

from directory import access

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from directory.filters import (
    OrganizationFilter,
    PhoneFilter,
    ResourceFilter,
    ServiceFilter,
    TextAlertFilter,
)
from directory.forms import (
    AdminServiceForm,
    ListingForm,
    OrganizationForm,
    PhoneForm,
    ResourceForm,
    ServiceForm,
    TextAlertForm,
)
from directory.manage import coverage, review
from directory.manage.common import (
    GET_OR_POST,
    Column,
    RecordTable,
    initial_organization,
    posted,
    render_record_list,
    save_form,
)
from directory.models import CoverageState, Organization, Phone, Resource, Service
from directory.types import AuthenticatedRequest


def _confirm_listing(organization: Organization) -> None:
    """Saving a listing or one of its services confirms it is current: 'listing last confirmed'."""
    organization.assured_date = timezone.localdate()
    organization.save(update_fields=["assured_date"])


# Overview


@require_GET
def index(request: AuthenticatedRequest) -> HttpResponse:
    if access.is_directory_admin(request.user):
        return redirect("manage:organization_list")
    if access.is_listing_editor(request.user) and request.user.organization is not None:
        return redirect(request.user.organization)
    raise PermissionDenied


# Organizations

ORGANIZATION_TABLE = RecordTable(
    columns=(
        gettext_lazy("Name"),
        gettext_lazy("Kind"),
        Column(gettext_lazy("Services"), css_class="text-end"),
        gettext_lazy("Listing last confirmed"),
    ),
    count=ngettext_lazy("%(counter)s organization", "%(counter)s organizations", "counter"),
    empty=gettext_lazy("No organization matches these filters."),
    row_template="directory/manage/record_rows.html#organization_row",
    before_template="directory/manage/record_rows.html#stale_alert",
)


@require_GET
def organization_list(request: AuthenticatedRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.organizations_editable_by(request.user)
        .annotate(service_count=Count("services", distinct=True))
        .with_app_reach()
        .order_by("name")
    )
    context = {
        "title": _("Organizations"),
        "heading": _("Directory"),
        "section": "organizations",
        "add_url": reverse("manage:organization_create"),
        "add_label": _("Add an organization"),
        "stale_count": access.organizations_editable_by(request.user).unconfirmed().count(),
        # Partners nobody can answer for in the app: the hubs call them instead (a phone referral).
        "unreachable_count": access.organizations_editable_by(request.user).unreachable_in_app().count(),
    }
    return render_record_list(request, OrganizationFilter, queryset, ORGANIZATION_TABLE, context)


@GET_OR_POST
def organization_create(request: AuthenticatedRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = OrganizationForm(posted(request))
    if form.is_valid():
        with transaction.atomic():
            organization = save_form(form, assured_date=timezone.localdate())
        messages.success(request, _("Organization added."))
        return redirect(organization)
    context = {
        "form": form,
        "title": _("Add an organization"),
        "cancel_url": reverse("manage:organization_list"),
    }
    return render(request, "directory/manage/record_form.html", context)


@require_GET
def organization_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    is_admin = access.is_directory_admin(request.user)
    context = {
        "organization": organization,
        "is_admin": is_admin,
        "languages": organization.languages.all(),
        "services": organization.services.select_related("category")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by("category__position", "name"),
        "phones": organization.phones.all(),
        "text_alerts": organization.text_alerts.all(),
        "resources": organization.resources.all(),
        "staff": organization.staff.order_by("-is_active", "email") if is_admin else None,
        "unreachable_reason": (
            Organization.objects.with_app_reach().get(pk=organization.pk).unreachable_reason
            if is_admin
            else ""
        ),
    }
    return render(request, "directory/manage/organization_detail.html", context)


@GET_OR_POST
def organization_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    # Taken before the form copies the posted (maybe invalid) name and short name onto the instance.
    context = {
        "title": _("Edit listing"),
        "subtitle": organization.name,
        "note": _("Saving marks the listing as confirmed today."),
        "cancel_url": organization.get_absolute_url(),
    }
    form_class = OrganizationForm if access.is_directory_admin(request.user) else ListingForm
    form = form_class(posted(request), instance=organization)
    if form.is_valid():
        with transaction.atomic():
            organization = save_form(form, assured_date=timezone.localdate())
        messages.success(request, _("Listing saved and marked as current."))
        return redirect(organization)
    return render(request, "directory/manage/record_form.html", {**context, "form": form})


@require_POST
def organization_confirm(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    _confirm_listing(organization)
    messages.success(request, _("Thank you. The listing is marked as current today."))
    return redirect(organization)


# Services

SERVICE_TABLE = RecordTable(
    columns=(
        gettext_lazy("Service"),
        gettext_lazy("Organization"),
        gettext_lazy("Area"),
        gettext_lazy("Languages"),
        gettext_lazy("Places available"),
        gettext_lazy("Referrals"),
    ),
    count=ngettext_lazy("%(counter)s service", "%(counter)s services", "counter"),
    empty=gettext_lazy("No service matches these filters."),
    row_template="directory/manage/record_rows.html#service_row",
)


@require_GET
def service_list(request: AuthenticatedRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.services_editable_by(request.user)
        .select_related("organization", "category")
        .prefetch_related("languages")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by(*(Service._meta.ordering or ()))
    )
    context = {
        "title": _("Services"),
        "section": "services",
        "add_url": reverse("manage:service_create"),
        "add_label": _("Add a service"),
    }
    return render_record_list(request, ServiceFilter, queryset, SERVICE_TABLE, context)


def _service_form_class(user) -> type[ServiceForm]:
    return AdminServiceForm if access.is_directory_admin(user) else ServiceForm


@GET_OR_POST
def service_create(request: AuthenticatedRequest, slug: str | None = None) -> HttpResponse:
    """Partner staff add services to their own organization; admins to any (chosen in the form)."""
    if slug is None:
        access.require_directory_admin(request.user)
        service = Service()
    else:
        service = Service(organization=access.get_organization_for_user(request.user, slug))
    form = _service_form_class(request.user)(posted(request), instance=service, user=request.user)
    if form.is_valid():
        with transaction.atomic():
            service = coverage.service_save(form=form, user=request.user)
            _confirm_listing(service.organization)
        messages.success(request, _("Service added."))
        _say_if_waiting(request, service)
        return redirect(service.organization)
    organization = service.organization if slug else None
    return _render_service_form(request, form, _("Add a service"), organization)


@GET_OR_POST
def service_edit(request: AuthenticatedRequest, pk) -> HttpResponse:
    service = access.get_service_for_user(request.user, pk)
    form = _service_form_class(request.user)(posted(request), instance=service, user=request.user)
    if form.is_valid():
        with transaction.atomic():
            service = coverage.service_save(form=form, user=request.user)
            _confirm_listing(service.organization)
        messages.success(request, _("Service saved. The listing is marked as current."))
        _say_if_waiting(request, service)
        return redirect(service.organization)
    return _render_service_form(request, form, _("Edit service"), service.organization, service=service)


@require_POST
def service_accepting(request: AuthenticatedRequest, pk) -> HttpResponse:
    """The partner queue's one-tap switch: full tonight, or taking referrals again. Changes nothing else, and does
    not mark the listing as confirmed (a capacity change says nothing about the rest of the listing)."""
    service = access.get_service_for_user(request.user, pk)
    accepting = request.POST.get("accepting") == "1"
    coverage.service_set_accepting(service=service, user=request.user, accepting=accepting)
    if accepting:
        messages.success(
            request, _("%(service)s is taking referrals again.") % {"service": service.localized_name}
        )
    else:
        messages.success(
            request,
            _("%(service)s is marked full: the hub will not be offered it.")
            % {"service": service.localized_name},
        )
    # Back to the page the switch was on (the partner queue); this app does not name the referrals' URLs.
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(service.organization)


def _say_if_waiting(request: AuthenticatedRequest, service: Service) -> None:
    if service.coverage_state == CoverageState.PENDING and not access.is_directory_admin(request.user):
        messages.info(
            request,
            _(
                "Where or what this service serves grew. It shows on the public pages now; referrals are "
                "suggested for the new part once a network administrator approves it."
            ),
        )


def _render_service_form(
    request: AuthenticatedRequest,
    form: ServiceForm,
    title: str,
    organization: Organization | None,
    *,
    service: Service | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "subtitle": organization.name if organization else "",
        "note": _("Saving marks the organization's listing as confirmed today."),
        "cancel_url": organization.get_absolute_url() if organization else reverse("manage:service_list"),
    }
    if service is not None:
        context |= _service_history_context(request, service)
    return render(request, "directory/manage/record_form.html", context)


def _service_history_context(request: AuthenticatedRequest, service: Service) -> dict[str, Any]:
    """The service's review state and history (newest first), for the admins and the owning partner's staff:
    only they can open the edit page. Partners see their own colleagues by name and anyone else by role."""
    is_admin = access.is_directory_admin(request.user)
    entries = service.history.select_related("actor")
    return {
        "coverage_state": service.coverage_state,
        "coverage_pending": service.coverage_state == CoverageState.PENDING,
        "coverage_rejected": service.coverage_state == CoverageState.REJECTED,
        "review_url": reverse("manage:review_detail", kwargs={"pk": service.pk}) if is_admin else "",
        "history": [
            review.history_entry(entry, viewer=request.user, names=is_admin, labels=review.value_labels())
            for entry in entries
        ],
    }


# Review of partners' widenings: admins only.


@require_GET
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    pending = (
        access.reviews_for(request.user)
        .select_related("organization", "category", "approved_category")
        .prefetch_related("counties", "approved_counties")
    )
    labels = review.value_labels()
    items = [review.review_item(service, labels=labels) for service in pending]
    return render(
        request,
        "directory/manage/review_list.html",
        {"section": "reviews", "items": items, "title": _("Coverage changes to review")},
    )


@require_GET
def review_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    service = access.get_review_for_user(request.user, pk)
    return render(
        request,
        "directory/manage/review_detail.html",
        {
            "section": "reviews",
            "item": review.review_item(service, labels=review.value_labels()),
            "stamp": coverage.review_stamp(service),
            "title": _("Coverage change to review"),
        },
    )


@require_POST
def review_decide(request: AuthenticatedRequest, pk, approve: bool) -> HttpResponse:
    service = access.get_review_for_user(request.user, pk)
    try:
        coverage.coverage_decide(
            service=service, user=request.user, approve=approve, stamp=request.POST.get("stamp", "")
        )
    except coverage.ReviewOutdated:
        messages.error(
            request,
            _(
                "This service changed after you opened the review, or someone decided already. Review it again."
            ),
        )
        if service.coverage_state == CoverageState.PENDING:
            return redirect("manage:review_detail", pk=service.pk)
        return redirect("manage:review_list")
    if approve:
        message = _("Approved: %(service)s is suggested for what it now declares.")
    else:
        message = _("Not approved: %(service)s stays suggested only for what was approved before.")
    messages.success(request, message % {"service": service.localized_name})
    return redirect("manage:review_list")


# Hotlines and office lines, text alerts, resources: the admins' alone, and alike: one set of views serves all
# three, told apart by a RecordKind (which form, which access functions, which words).


@dataclass(frozen=True)
class RecordKind:
    """What the generic list, add, edit and remove views need to know about one kind of record."""

    url_name: (
        str  # "manage:phone" → manage:phone_list, manage:phone_create, manage:phone_edit, manage:phone_delete
    )
    section: str  # the tab
    form_class: Callable[..., ModelForm]  # a form that takes the user, for its choice lists
    filterset_class: type[FilterSet]
    editable_by: Callable[..., QuerySet]  # from access.py
    get_for_user: Callable[..., Any]  # from access.py: a 404 for a record the user may not see
    list_queryset: Callable[[QuerySet], QuerySet]
    table: RecordTable  # the list's headings, count line, empty message and row
    title: "StrOrPromise"
    add_title: "StrOrPromise"
    edit_title: "StrOrPromise"
    remove_label: "StrOrPromise"
    remove_question: "StrOrPromise"
    added: "StrOrPromise"
    saved: "StrOrPromise"
    removed: "StrOrPromise"


PHONES = RecordKind(
    url_name="manage:phone",
    section="phones",
    form_class=PhoneForm,
    filterset_class=PhoneFilter,
    editable_by=access.phones_editable_by,
    get_for_user=access.get_phone_for_user,
    list_queryset=lambda queryset: (
        queryset.select_related("organization", "service")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by(*(Phone._meta.ordering or ()))
    ),
    table=RecordTable(
        columns=(
            gettext_lazy("Number"),
            gettext_lazy("Organization"),
            gettext_lazy("Type"),
            gettext_lazy("Area"),
        ),
        count=ngettext_lazy("%(counter)s phone number", "%(counter)s phone numbers", "counter"),
        empty=gettext_lazy("No phone number matches these filters."),
        row_template="directory/manage/record_rows.html#phone_row",
    ),
    title=gettext_lazy("Phone numbers"),
    add_title=gettext_lazy("Add a phone number"),
    edit_title=gettext_lazy("Edit phone number"),
    remove_label=gettext_lazy("Remove this phone number"),
    remove_question=gettext_lazy("Remove this phone number from the directory?"),
    added=gettext_lazy("Phone number added."),
    saved=gettext_lazy("Phone number saved."),
    removed=gettext_lazy("Phone number removed."),
)
TEXT_ALERTS = RecordKind(
    url_name="manage:text_alert",
    section="text_alerts",
    form_class=TextAlertForm,
    filterset_class=TextAlertFilter,
    editable_by=access.text_alerts_editable_by,
    get_for_user=access.get_text_alert_for_user,
    list_queryset=lambda queryset: (
        queryset.select_related("organization")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by("organization__name", "keyword")
    ),
    table=RecordTable(
        columns=(gettext_lazy("Alert"), gettext_lazy("Organization"), gettext_lazy("Counties")),
        count=ngettext_lazy("%(counter)s text alert", "%(counter)s text alerts", "counter"),
        empty=gettext_lazy("No text alert matches these filters."),
        row_template="directory/manage/record_rows.html#text_alert_row",
    ),
    title=gettext_lazy("Text alerts"),
    add_title=gettext_lazy("Add a text alert"),
    edit_title=gettext_lazy("Edit text alert"),
    remove_label=gettext_lazy("Remove this text alert"),
    remove_question=gettext_lazy("Remove this text alert from the directory?"),
    added=gettext_lazy("Text alert added."),
    saved=gettext_lazy("Text alert saved."),
    removed=gettext_lazy("Text alert removed."),
)
RESOURCES = RecordKind(
    url_name="manage:resource",
    section="resources",
    form_class=ResourceForm,
    filterset_class=ResourceFilter,
    editable_by=access.resources_editable_by,
    get_for_user=access.get_resource_for_user,
    list_queryset=lambda queryset: (
        queryset.select_related("organization")
        .prefetch_related("languages")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by(*(Resource._meta.ordering or ()))
    ),
    table=RecordTable(
        columns=(
            gettext_lazy("Title"),
            gettext_lazy("Kind"),
            gettext_lazy("Organization"),
            gettext_lazy("Area"),
            gettext_lazy("Languages"),
        ),
        count=ngettext_lazy("%(counter)s resource", "%(counter)s resources", "counter"),
        empty=gettext_lazy("No resource matches these filters."),
        row_template="directory/manage/record_rows.html#resource_row",
    ),
    title=gettext_lazy("Resources"),
    add_title=gettext_lazy("Add a resource"),
    edit_title=gettext_lazy("Edit resource"),
    remove_label=gettext_lazy("Remove this resource"),
    remove_question=gettext_lazy("Remove this resource from the directory?"),
    added=gettext_lazy("Resource added."),
    saved=gettext_lazy("Resource saved."),
    removed=gettext_lazy("Resource removed."),
)


@require_GET
def record_list(request: AuthenticatedRequest, kind: RecordKind) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = kind.list_queryset(kind.editable_by(request.user))
    context = {
        "title": kind.title,
        "section": kind.section,
        "add_url": reverse(f"{kind.url_name}_create"),
        "add_label": kind.add_title,
    }
    return render_record_list(request, kind.filterset_class, queryset, kind.table, context)


@GET_OR_POST
def record_create(request: AuthenticatedRequest, kind: RecordKind) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = kind.form_class(posted(request), initial=initial_organization(request), user=request.user)
    return _edit_record(request, kind, form)


@GET_OR_POST
def record_edit(request: AuthenticatedRequest, pk, kind: RecordKind) -> HttpResponse:
    record = kind.get_for_user(request.user, pk)
    form = kind.form_class(posted(request), instance=record, user=request.user)
    return _edit_record(request, kind, form)


@require_POST
def record_delete(request: AuthenticatedRequest, pk, kind: RecordKind) -> HttpResponse:
    kind.get_for_user(request.user, pk).delete()
    messages.success(request, kind.removed)
    return redirect(f"{kind.url_name}_list")


def _edit_record(request: AuthenticatedRequest, kind: RecordKind, form: ModelForm) -> HttpResponse:
    is_new = form.instance._state.adding
    if form.is_valid():
        with transaction.atomic():
            record = save_form(form)
        messages.success(request, kind.added if is_new else kind.saved)
        return redirect(record.organization if record.organization_id else f"{kind.url_name}_list")
    context = {
        "form": form,
        "title": kind.add_title if is_new else kind.edit_title,
        "cancel_url": reverse(f"{kind.url_name}_list"),
    }
    if not is_new:
        context |= {
            "delete_url": reverse(f"{kind.url_name}_delete", kwargs={"pk": form.instance.pk}),
            "delete_label": kind.remove_label,
            "delete_question": kind.remove_question,
        }
    return render(request, "directory/manage/record_form.html", context)
