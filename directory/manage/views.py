"""Directory management in the app: admins keep the whole directory and the accounts; partner staff keep their
own organization's listing and services current. Who may do what is decided in directory/access.py."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directory import access
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
from directory.manage.common import GET_OR_POST, filtered_page, initial_organization, posted, save_form
from directory.models import Organization, Phone, Service


def _confirm_listing(organization: Organization) -> None:
    """Saving a listing or one of its services confirms it is current: 'listing last confirmed'."""
    organization.assured_date = timezone.localdate()
    organization.save(update_fields=["assured_date"])


# Overview


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if access.is_directory_admin(request.user):
        return redirect("manage:organization_list")
    if access.is_listing_editor(request.user):
        return redirect(request.user.organization)
    raise PermissionDenied


# Organizations


@require_GET
def organization_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.organizations_editable_by(request.user)
        .annotate(service_count=Count("services", distinct=True))
        .order_by("name")
    )
    filterset, page = filtered_page(request, OrganizationFilter, queryset)
    stale_count = access.organizations_editable_by(request.user).unconfirmed().count()
    return render(
        request,
        "directory/manage/organization_list.html",
        {"filter": filterset, "page": page, "stale_count": stale_count},
    )


@GET_OR_POST
def organization_create(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = OrganizationForm(posted(request))
    if form.is_valid():
        with transaction.atomic():
            organization = save_form(form, assured_date=timezone.localdate())
        messages.success(request, _("Organization added."))
        return redirect(organization)
    context = {"form": form, "cancel_url": reverse("manage:organization_list")}
    return render(request, "directory/manage/organization_form.html", context)


@require_GET
def organization_detail(request: HttpRequest, slug: str) -> HttpResponse:
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
    }
    return render(request, "directory/manage/organization_detail.html", context)


@GET_OR_POST
def organization_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    # Taken before the form copies the posted (maybe invalid) name and short name onto the instance.
    context = {"organization_name": organization.name, "cancel_url": organization.get_absolute_url()}
    form_class = OrganizationForm if access.is_directory_admin(request.user) else ListingForm
    form = form_class(posted(request), instance=organization)
    if form.is_valid():
        with transaction.atomic():
            organization = save_form(form, assured_date=timezone.localdate())
        messages.success(request, _("Listing saved and marked as current."))
        return redirect(organization)
    return render(request, "directory/manage/organization_form.html", {**context, "form": form})


@require_POST
def organization_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    organization = access.get_organization_for_user(request.user, slug)
    _confirm_listing(organization)
    messages.success(request, _("Thank you. The listing is marked as current today."))
    return redirect(organization)


# Services


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.services_editable_by(request.user)
        .select_related("organization", "category")
        .prefetch_related("languages")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by(*Service._meta.ordering)
    )
    filterset, page = filtered_page(request, ServiceFilter, queryset)
    return render(request, "directory/manage/service_list.html", {"filter": filterset, "page": page})


def _service_form_class(user) -> type[ServiceForm]:
    return AdminServiceForm if access.is_directory_admin(user) else ServiceForm


@GET_OR_POST
def service_create(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Partner staff add services to their own organization; admins to any (chosen in the form)."""
    if slug is None:
        access.require_directory_admin(request.user)
        service = Service()
    else:
        service = Service(organization=access.get_organization_for_user(request.user, slug))
    form = _service_form_class(request.user)(posted(request), instance=service, user=request.user)
    if form.is_valid():
        with transaction.atomic():
            service = save_form(form)
            _confirm_listing(service.organization)
        messages.success(request, _("Service added."))
        return redirect(service.organization)
    context = {"form": form, "organization": service.organization if slug else None}
    return render(request, "directory/manage/service_form.html", context)


@GET_OR_POST
def service_edit(request: HttpRequest, pk) -> HttpResponse:
    service = access.get_service_for_user(request.user, pk)
    form = _service_form_class(request.user)(posted(request), instance=service, user=request.user)
    if form.is_valid():
        with transaction.atomic():
            service = save_form(form)
            _confirm_listing(service.organization)
        messages.success(request, _("Service saved. The listing is marked as current."))
        return redirect(service.organization)
    context = {"form": form, "service": service, "organization": service.organization}
    return render(request, "directory/manage/service_form.html", context)


# Hotlines and office lines, text alerts, resources: the admins' alone.


def _edit_record(
    request: HttpRequest, form: ModelForm, template: str, done: str, list_url: str
) -> HttpResponse:
    if form.is_valid():
        with transaction.atomic():
            record = save_form(form)
        messages.success(request, done)
        return redirect(record.organization if record.organization_id else list_url)
    return render(
        request, template, {"form": form, "record": form.instance, "is_new": form.instance._state.adding}
    )


@require_GET
def phone_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.phones_editable_by(request.user)
        .select_related("organization", "service")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by(*Phone._meta.ordering)
    )
    filterset, page = filtered_page(request, PhoneFilter, queryset)
    return render(request, "directory/manage/phone_list.html", {"filter": filterset, "page": page})


@GET_OR_POST
def phone_create(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = PhoneForm(posted(request), initial=initial_organization(request), user=request.user)
    return _edit_record(
        request, form, "directory/manage/phone_form.html", _("Phone number added."), "manage:phone_list"
    )


@GET_OR_POST
def phone_edit(request: HttpRequest, pk) -> HttpResponse:
    phone = access.get_phone_for_user(request.user, pk)
    form = PhoneForm(posted(request), instance=phone, user=request.user)
    return _edit_record(
        request, form, "directory/manage/phone_form.html", _("Phone number saved."), "manage:phone_list"
    )


@require_POST
def phone_delete(request: HttpRequest, pk) -> HttpResponse:
    phone = access.get_phone_for_user(request.user, pk)
    phone.delete()
    messages.success(request, _("Phone number removed."))
    return redirect("manage:phone_list")


@require_GET
def text_alert_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.text_alerts_editable_by(request.user)
        .select_related("organization")
        .annotate(county_count=Count("counties", distinct=True))
        .order_by("organization__name", "keyword")
    )
    filterset, page = filtered_page(request, TextAlertFilter, queryset)
    return render(request, "directory/manage/textalert_list.html", {"filter": filterset, "page": page})


@GET_OR_POST
def text_alert_create(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = TextAlertForm(posted(request), initial=initial_organization(request), user=request.user)
    return _edit_record(
        request,
        form,
        "directory/manage/textalert_form.html",
        _("Text alert added."),
        "manage:text_alert_list",
    )


@GET_OR_POST
def text_alert_edit(request: HttpRequest, pk) -> HttpResponse:
    text_alert = access.get_text_alert_for_user(request.user, pk)
    form = TextAlertForm(posted(request), instance=text_alert, user=request.user)
    return _edit_record(
        request,
        form,
        "directory/manage/textalert_form.html",
        _("Text alert saved."),
        "manage:text_alert_list",
    )


@require_POST
def text_alert_delete(request: HttpRequest, pk) -> HttpResponse:
    access.get_text_alert_for_user(request.user, pk).delete()
    messages.success(request, _("Text alert removed."))
    return redirect("manage:text_alert_list")


@require_GET
def resource_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    queryset = (
        access.resources_editable_by(request.user)
        .select_related("organization")
        .prefetch_related("languages")
    )
    filterset, page = filtered_page(request, ResourceFilter, queryset)
    return render(request, "directory/manage/resource_list.html", {"filter": filterset, "page": page})


@GET_OR_POST
def resource_create(request: HttpRequest) -> HttpResponse:
    access.require_directory_admin(request.user)
    form = ResourceForm(posted(request), initial=initial_organization(request), user=request.user)
    return _edit_record(
        request, form, "directory/manage/resource_form.html", _("Resource added."), "manage:resource_list"
    )


@GET_OR_POST
def resource_edit(request: HttpRequest, pk) -> HttpResponse:
    resource = access.get_resource_for_user(request.user, pk)
    form = ResourceForm(posted(request), instance=resource, user=request.user)
    return _edit_record(
        request, form, "directory/manage/resource_form.html", _("Resource saved."), "manage:resource_list"
    )


@require_POST
def resource_delete(request: HttpRequest, pk) -> HttpResponse:
    access.get_resource_for_user(request.user, pk).delete()
    messages.success(request, _("Resource removed."))
    return redirect("manage:resource_list")
