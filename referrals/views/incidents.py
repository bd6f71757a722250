"""Incidents: the list, recording one, its page (the coordinators' live view, refreshed in place by htmx polling, and
printable for the morning briefing), closing and reopening it, and linking a case to it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.types import AuthenticatedRequest
from referrals import policy, selectors, services
from referrals.forms import IncidentForm, LinkIncidentForm
from referrals.models import Incident, Referral
from referrals.views.common import PAGE_SIZE, acting, case_view

# How often the incident page refreshes its live part, in seconds (the issue asks for 20 to 30).
REFRESH_SECONDS = 20


@case_view
def incident_list(request: AuthenticatedRequest) -> HttpResponse:
    if not policy.may_see_incidents(request.user):
        raise PermissionDenied
    page = Paginator(selectors.incident_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/incident_list.html",
        {"page": page, "may_record": policy.may_record_incident(request.user)},
    )


@case_view
def incident_create(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not policy.may_record_incident(user):
        raise PermissionDenied
    if request.method == "POST":
        form = IncidentForm(request.POST)
        if form.is_valid():
            try:
                incident = services.incident_create(user=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Incident recorded. Link the families' cases to it at intake."))
                return redirect(incident)
    else:
        # The county of the hub's last case: a raid is reported while its families call.
        last = (
            Referral.objects.filter(hub_id=user.organization_id)
            .order_by("-created_at")
            .values("county")
            .first()
        )
        form = IncidentForm(
            initial={
                "county": last["county"] if last else None,
                "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
            }
        )
    return render(request, "referrals/incident_form.html", {"form": form})


def _incident_context(request: AuthenticatedRequest, incident: Incident) -> dict:
    """Everything the incident page shows this person; the live fragment renders part of the same context."""
    user = request.user
    context: dict = {"incident": incident, "now": timezone.now(), "refresh_seconds": REFRESH_SECONDS}
    if policy.is_partner_staff(user):
        routings = list(selectors.incident_partner_routings(user, incident))
        if not routings:
            raise Http404  # the policy lets a partner see an incident only through its own routed needs
        context.update(partner_view=True, routings=routings)
    else:
        context.update(
            partner_view=False,
            board=selectors.incident_board(user, incident),
            may_close=policy.may_close_incident(user, incident),
            may_create=policy.may_create_referral(user) and incident.is_open,
            sees_escalations=policy.may_see_escalations(user),
        )
    return context


@case_view
def incident_detail(request: AuthenticatedRequest, incident_id: int) -> HttpResponse:
    """The war room. `?print` gives the same page laid out for paper, without the refresh."""
    incident = policy.get_incident_for_user(request.user, incident_id)
    context = _incident_context(request, incident)
    context["printing"] = "print" in request.GET
    return render(request, "referrals/incident_detail.html", context)


@case_view
def incident_live(request: AuthenticatedRequest, incident_id: int) -> HttpResponse:
    """The live part of the incident page alone, for its refresh every REFRESH_SECONDS: the same queries whatever
    the number of families."""
    incident = policy.get_incident_for_user(request.user, incident_id)
    return render(request, "referrals/incident_detail.html#live", _incident_context(request, incident))


def _set_open(request: AuthenticatedRequest, incident_id: int, *, is_open: bool) -> HttpResponse:
    incident = policy.get_incident_for_user(request.user, incident_id)
    if not policy.may_close_incident(request.user, incident):
        raise PermissionDenied
    try:
        services.incident_set_open(user=request.user, incident=incident, is_open=is_open)
    except services.Conflict:
        messages.error(request, services.Conflict.message)
    else:
        messages.success(
            request,
            _("Incident reopened: cases can be linked to it again.")
            if is_open
            else _("Incident closed: no more cases can be linked to it."),
        )
    return redirect(incident)


@require_POST
def incident_close(request: AuthenticatedRequest, incident_id: int) -> HttpResponse:
    return _set_open(request, incident_id, is_open=False)


@require_POST
def incident_reopen(request: AuthenticatedRequest, incident_id: int) -> HttpResponse:
    return _set_open(request, incident_id, is_open=True)


@acting
def link_incident(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """Link a case to one of the hub's open incidents (or to none), from the case page."""
    referral = policy.get_referral_for_user(request.user, reference, write=True)
    form = LinkIncidentForm(request.POST, user=request.user)
    if not form.is_valid():
        raise ValidationError(_("Choose one of the hub's open incidents."))
    incident = form.cleaned_data["incident"]
    services.referral_link_incident(user=request.user, referral=referral, incident=incident)
    messages.success(
        request,
        _("Case linked to the incident.") if incident else _("The case is no longer linked to an incident."),
    )
    return redirect(referral)
