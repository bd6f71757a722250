"""Sending a need to an organization and the answers to it: route (in the app or by phone), re-send, send outside
the suggestions, close as unmet, withdraw, accept, decline, complete, and a phone referral's answer and outcome."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from directory.models import Service
from directory.types import AuthenticatedRequest
from referrals import policy, services
from referrals.forms import CompleteForm, DeclineForm, PhoneAnswerForm, RoutingReasonForm, ServiceSearchForm
from referrals.models import Need, Referral, Routing, RoutingStatus
from referrals.policy import get_referral_for_user, get_routing_for_partner
from referrals.services import MAX_LENGTH
from referrals.suggestions import OUTSIDE_RESULTS, Suggestion, any_service, suggestions_for
from referrals.views.cases import case_context
from referrals.views.common import acting, case_view


def _posted_reason(request: AuthenticatedRequest, *, missing: str) -> str:
    """The one-sentence reason posted with a send or a close, checked like any form field."""
    form = RoutingReasonForm(request.POST)
    if not form.is_valid():
        if not (form["reason"].value() or "").strip():
            raise ValidationError(missing)
        raise ValidationError(list(form.errors["reason"]))
    return form.cleaned_data["reason"]


def _sent_message(service: Service, need: Need, *, by_phone: bool) -> str:
    """What the person sees where they pressed: which need went where."""
    names = {"need": need.category, "organization": service.organization.name}
    if by_phone:
        return (
            _("%(need)s: referred to %(organization)s by phone. Record their answer here when they give it.")
            % names
        )
    return _("%(need)s sent to %(organization)s.") % names


def _expire_overdue(need: Need) -> None:
    """Overdue is read from the clock: the deadline job may not have expired the routing yet, so expiring it is
    the first step of sending again (a no-op when the job got there first; if it was answered meanwhile, the new
    routing is refused as a conflict)."""
    now = timezone.now()
    for routing in need.routings.filter(status=RoutingStatus.PENDING, deadline__lte=now):
        services.routing_expire(routing=routing, now=now)


def _chosen_suggestion(request: AuthenticatedRequest, need: Need) -> Suggestion:
    suggestion = {str(s.service.pk): s for s in suggestions_for(need)}.get(request.POST.get("service", ""))
    if suggestion is None:
        raise ValidationError(_("That organization cannot take this need. Choose one of the suggestions."))
    return suggestion


def _send_suggestion(request: AuthenticatedRequest, referral: Referral, need: Need) -> Service:
    """Send the need to the posted suggestion: in the app, or recorded as referred by phone when its
    organization has nobody in the app (the button said so; if that changed meanwhile, the service refuses)."""
    need.referral = referral
    if not policy.may_send(request.user, referral, need.routings.all()):
        raise PermissionDenied
    suggestion = _chosen_suggestion(request, need)
    reason = ""
    if suggestion.is_full:
        # Sending to a full service is allowed (the hub may have just phoned them), but only with a reason.
        reason = _posted_reason(
            request,
            missing=_("%(organization)s has no places free. Say why you are sending it there anyway.")
            % {"organization": suggestion.organization.name},
        )
    _expire_overdue(need)
    services.routing_create(
        user=request.user,
        need=need,
        service=suggestion.service,
        reason=reason,
        by_phone=request.POST.get("by_phone") == "1",
    )
    return suggestion.service


@acting
def route_need(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    service = _send_suggestion(request, referral, need)
    message = _sent_message(service, need, by_phone=request.POST.get("by_phone") == "1")
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


def _coordinated_need(request: AuthenticatedRequest, reference: str, need_id: int) -> tuple[Referral, Need]:
    """A need of a case the person coordinates (404 for a case they may not see, 403 for one they only work on):
    re-sending, sending outside the suggestions and closing as unmet are the hub coordinators'."""
    referral = get_referral_for_user(request.user, reference, write=True)
    if not policy.may_reroute(request.user, referral):
        raise PermissionDenied
    return referral, get_object_or_404(Need.objects.select_related("category"), pk=need_id, referral=referral)


@acting
def reroute_need(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    """From the escalations list: send the need to the suggestion the row named, without re-intake."""
    referral, need = _coordinated_need(request, reference, need_id)
    service = _send_suggestion(request, referral, need)
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


@case_view
def send_elsewhere(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    """A coordinator looks for any active service of any partner organization (a neighbouring county's, a
    statewide fund), beyond the suggestions, to send the need to with a reason."""
    referral, need = _coordinated_need(request, reference, need_id)
    if not need.is_open or not referral.is_open:
        raise Http404
    search = ServiceSearchForm(request.GET or {"category": need.category_id})
    found = any_service(**search.cleaned_data) if search.is_valid() else Service.objects.none()
    results = list(found[: OUTSIDE_RESULTS + 1])
    return render(
        request,
        "referrals/send_elsewhere.html",
        {
            "referral": referral,
            "need": need,
            "search": search,
            "results": results[:OUTSIDE_RESULTS],
            "more": len(results) > OUTSIDE_RESULTS,
            "reason_max": MAX_LENGTH["routing_reason"],
        },
    )


@acting
def send_outside(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    referral, need = _coordinated_need(request, reference, need_id)
    try:
        service = any_service().filter(pk=uuid.UUID(request.POST.get("service", ""))).first()
    except ValueError:
        service = None
    if service is None:
        raise ValidationError(_("That service is not in the directory any more. Search again."))
    reason = _posted_reason(request, missing=_("Say why you are sending it outside the suggestions."))
    by_phone = request.POST.get("by_phone") == "1"
    _expire_overdue(need)
    services.routing_create(
        user=request.user,
        need=need,
        service=service,
        reason=reason,
        by_phone=by_phone,
        outside_suggestions=True,
    )
    messages.success(request, _sent_message(service, need, by_phone=by_phone))
    return redirect(f"{referral.get_absolute_url()}#need-{need.pk}")


@acting
def close_unmet(request: AuthenticatedRequest, reference: str, need_id: int) -> HttpResponse:
    """No organization can take it: a coordinator closes the need as unmet, with why (counted in the reports)."""
    referral, need = _coordinated_need(request, reference, need_id)
    reason = _posted_reason(request, missing=_("Say why the need could not be met."))
    services.need_close_unmet(user=request.user, need=need, reason=reason)
    messages.success(
        request,
        _("%(reference)s: %(category)s closed as unmet.")
        % {"reference": referral.reference, "category": need.category},
    )
    if request.POST.get("next") == "escalations":
        return redirect("referrals:escalations")
    return redirect(referral)


def _hub_routing(request: AuthenticatedRequest, reference: str, routing_id: int) -> tuple[Referral, Routing]:
    referral = get_referral_for_user(request.user, reference, write=True)
    routing = get_object_or_404(
        Routing.objects.select_related("organization", "need__category"),
        pk=routing_id,
        need__referral=referral,
    )
    return referral, routing


@sensitive_post_parameters()
@acting
def phone_answer(request: AuthenticatedRequest, reference: str, routing_id: int) -> HttpResponse:
    """The hub records what the organization it called said: accepted, declined (why) or no answer."""
    referral, routing = _hub_routing(request, reference, routing_id)
    form = PhoneAnswerForm(request.POST)
    if not form.is_valid():
        raise ValidationError([message for errors in form.errors.values() for message in errors])
    services.routing_record_phone_answer(user=request.user, routing=routing, **form.cleaned_data)
    answer = form.cleaned_data["answer"]
    if answer == services.PhoneAnswer.ACCEPTED:
        message = _("Recorded: %(organization)s accepted by phone.")
    elif answer == services.PhoneAnswer.DECLINED:
        message = _("Recorded: %(organization)s declined. The need is back in the escalations.")
    else:
        message = _("Recorded: no answer from %(organization)s. The need is back in the escalations.")
    messages.success(request, message % {"organization": routing.organization.name})
    return redirect(f"{referral.get_absolute_url()}#need-{routing.need_id}")


@acting
def phone_outcome(request: AuthenticatedRequest, reference: str, routing_id: int) -> HttpResponse:
    """How a phone referral the organization accepted ended, recorded by the hub."""
    referral, routing = _hub_routing(request, reference, routing_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Say whether the family was helped."))
    services.routing_record_phone_outcome(
        user=request.user, routing=routing, outcome=form.cleaned_data["outcome"]
    )
    messages.success(request, _("Outcome recorded."))
    return redirect(f"{referral.get_absolute_url()}#need-{routing.need_id}")


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


@sensitive_post_parameters()
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
