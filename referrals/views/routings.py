"""Sending a need to an organization and the answers to it: route, re-send, withdraw, accept, decline, complete."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Service
from directory.types import AuthenticatedRequest
from referrals import policy, services
from referrals.forms import CompleteForm, DeclineForm
from referrals.models import Need, Referral, Routing, RoutingStatus
from referrals.policy import get_referral_for_user, get_routing_for_partner
from referrals.suggestions import suggestions_for
from referrals.views.cases import case_context
from referrals.views.common import acting

# The longest reason for sending to a full service: a sentence, not a case note.
FULL_REASON_MAX = 300


@acting
def route_need(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    by_id = {str(s.service.pk): s for s in suggestions_for(need)}
    suggestion = by_id.get(request.POST.get("service", ""))
    if suggestion is None:
        raise ValidationError(_("That organization cannot take this need. Choose one of the suggestions."))
    full_reason = ""
    if suggestion.is_full:
        # Sending to a full service is allowed (the hub may have just phoned them), but only with a reason.
        full_reason = request.POST.get("full_reason", "").strip()
        if not full_reason:
            raise ValidationError(
                _("%(organization)s has no places free. Say why you are sending it there anyway.")
                % {"organization": suggestion.organization.name}
            )
        if len(full_reason) > FULL_REASON_MAX:
            raise ValidationError(_("Keep the reason to %(limit)s characters.") % {"limit": FULL_REASON_MAX})
    service = Service.objects.select_related("organization").get(pk=suggestion.service.pk)
    services.routing_create(user=request.user, need=need, service=service, full_reason=full_reason)
    message = _("Sent to %(organization)s.") % {"organization": service.organization.name}
    if request.htmx:
        # Only this need's card changes: htmx swaps it in place, with the message in it.
        context = case_context(referral, user=request.user, log_view=False)
        card = next(n for n in context["needs"] if n.pk == need.pk)
        return render(
            request,
            "referrals/referral_detail.html#need-card",
            {**context, "need": card, "need_flash": message},
        )
    messages.success(request, message)
    # Back to this need on the case page, not to its top.
    return redirect(f"{referral.get_absolute_url()}#need-{need.pk}")


@acting
def reroute_need(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    """From the escalations list: send the need to the best remaining suggestion, without re-intake."""
    referral = get_referral_for_user(request.user, reference, write=True)
    if not policy.may_reroute(request.user, referral):
        raise PermissionDenied
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    suggestions = suggestions_for(need, limit=1)
    if not suggestions:
        raise ValidationError(
            _(
                "No other organization offers this help in this county. Call the hotlines, or withdraw the need."
            )
        )
    service = suggestions[0].service
    # Overdue is read from the clock: the deadline job may not have expired the routing yet, so expiring it is the
    # first step of re-sending (a no-op when the job got there first, a Conflict below if it was answered meanwhile).
    now = timezone.now()
    for routing in need.routings.filter(status=RoutingStatus.PENDING, deadline__lte=now):
        services.routing_expire(routing=routing, now=now)
    services.routing_create(user=request.user, need=need, service=service)
    messages.success(
        request,
        _("%(reference)s: %(category)s re-sent to %(organization)s.")
        % {
            "reference": referral.reference,
            "category": need.category,
            "organization": service.organization.name,
        },
    )
    if request.POST.get("next") == "escalations":
        return redirect("referrals:escalations")
    return redirect(referral)


@acting
def withdraw_need(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    services.need_withdraw(user=request.user, need=need)
    messages.success(request, _("Need withdrawn."))
    return redirect(referral)


@acting
def withdraw_routing(request: AuthenticatedRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    routing = get_object_or_404(Routing, pk=routing_id, need__referral=referral)
    services.routing_withdraw(user=request.user, routing=routing)
    messages.success(request, _("Routing withdrawn. The need can be sent elsewhere."))
    return redirect(referral)


@acting
def accept_routing(request: AuthenticatedRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference)
    routing = get_routing_for_partner(request.user, referral, routing_id)
    services.routing_accept(user=request.user, routing=routing)
    message = _("Accepted. The hub has been told.")
    if request.htmx:
        return _answer_fragment(request, referral, routing, message)
    messages.success(request, message)
    return redirect(referral)


@acting
def decline_routing(request: AuthenticatedRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference)
    routing = get_routing_for_partner(request.user, referral, routing_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    services.routing_decline(user=request.user, routing=routing, **form.cleaned_data)
    messages.success(request, _("Declined. The hub will send the need elsewhere."))
    return redirect("referrals:queue")


@acting
def complete_routing(request: AuthenticatedRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference)
    routing = get_routing_for_partner(request.user, referral, routing_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Say whether the family was helped."))
    services.routing_complete(user=request.user, routing=routing, outcome=form.cleaned_data["outcome"])
    messages.success(request, _("Marked as completed. Thank you."))
    return redirect("referrals:queue")


def _answer_fragment(
    request: AuthenticatedRequest, referral: Referral, routing: Routing, message: str
) -> HttpResponse:
    """For htmx: the partner's answer section with its message, and out of band the contact details and the need's
    card, which change with the answer (accepting can open the family's contact details to the partner)."""
    context = case_context(referral, user=request.user)
    answered = next(r for r in context["own_routings"] if r.pk == routing.pk)
    need = next(n for n in context["needs"] if n.pk == answered.need_id)
    return render(
        request,
        "referrals/referral_detail.html#answer",
        {**context, "routing": answered, "need": need, "answer_flash": message, "out_of_band": True},
    )
