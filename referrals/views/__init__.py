import csv
import uuid
from functools import wraps

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from directory.models import Role, Service
from referrals import services
from referrals.filters import ReferralFilter
from referrals.forms import (
    AssignForm,
    CloseForm,
    CompleteForm,
    DeclineForm,
    FollowUpForm,
    IntakeForm,
    NoteForm,
)
from referrals.models import (
    LIVE_ROUTING,
    AccessLog,
    FollowUp,
    Need,
    NeedStatus,
    Note,
    Referral,
    ReferralEvent,
    Routing,
    RoutingStatus,
)
from referrals.policy import (
    active_consent,
    can_see_contact,
    get_referral_for_user,
    get_routing_for_partner,
    needs_visible_to,
    prefetch_needs_for,
    routings_visible_to,
)
from referrals.suggestions import suggestions_for

PAGE_SIZE = 25


def case_view(view):
    """Case pages are never cached by the browser or a proxy: a shared or seized device keeps no copy."""
    return never_cache(view)


def acting(view):
    """Turn the services' refusals into what the person sees: a message on the case page, or a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str, *args, **kwargs):
        try:
            return view(request, reference, *args, **kwargs)
        except services.Conflict:
            messages.error(request, services.Conflict.message)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("referrals:detail", reference=reference)

    return require_POST(wrapper)


def _require_intake(request: HttpRequest) -> None:
    if not request.user.does_intake:
        raise PermissionDenied


@case_view
def my_work(request: HttpRequest) -> HttpResponse:
    """The start page: what needs doing now, for this person's role."""
    user = request.user
    context: dict = {}
    today = timezone.localdate()
    if user.role in (Role.VOLUNTEER, Role.COORDINATOR):
        visible = Referral.objects.visible_to(user)
        context["open_referrals"] = _with_list_data(visible.filter(status="open"), user)[:PAGE_SIZE]
        due = FollowUp.objects.filter(referral__in=visible, done_at__isnull=True, due_date__lte=today)
        if user.role == Role.VOLUNTEER:
            due = due.filter(assigned_to=user)
        context["due_follow_ups"] = due.select_related("referral", "assigned_to").order_by("due_date")[
            :PAGE_SIZE
        ]
        if user.role == Role.COORDINATOR:
            context["escalations"] = _escalations(user)[:PAGE_SIZE]
    elif user.role == Role.PARTNER:
        context["queue"] = _partner_queue(user)[:PAGE_SIZE]
    return render(request, "referrals/my_work.html", {**context, "today": today})


def _with_list_data(referrals, user):
    return referrals.select_related("county", "assigned_to").prefetch_related(prefetch_needs_for(user))


def _partner_queue(user):
    """Routings to the partner's organization: pending first by deadline, then accepted, then the rest."""
    return (
        Routing.objects.filter(organization_id=user.organization_id)
        .select_related("need__category", "need__referral__county", "need__referral__language")
        .order_by(
            # pending (0), accepted (1), ended (2)
            _status_rank(),
            "deadline",
        )
    )


def _status_rank():
    return Case(
        When(status=RoutingStatus.PENDING, then=Value(0)),
        When(status=RoutingStatus.ACCEPTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _escalations(user):
    """Open needs of the hub whose last routing was declined or expired, and that have no live routing now."""
    live = Routing.objects.filter(need=OuterRef("pk"), status__in=LIVE_ROUTING)
    ended = Routing.objects.filter(
        need=OuterRef("pk"), status__in=[RoutingStatus.DECLINED, RoutingStatus.EXPIRED]
    )
    return (
        Need.objects.filter(
            referral__hub_id=user.organization_id, referral__status="open", status=NeedStatus.OPEN
        )
        .filter(Exists(ended))
        .exclude(Exists(live))
        .select_related("category", "referral__county", "referral__language")
        .prefetch_related(Prefetch("routings", queryset=Routing.objects.select_related("organization")))
        .order_by("referral__created_at")
    )


@case_view
def referral_list(request: HttpRequest) -> HttpResponse:
    if request.user.role not in (Role.VOLUNTEER, Role.COORDINATOR, Role.PARTNER):
        raise PermissionDenied
    visible = Referral.objects.visible_to(request.user)
    filterset = ReferralFilter(request.GET, queryset=visible, request=request)
    referrals = _with_list_data(filterset.qs.distinct(), request.user).order_by("-created_at")
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/referral_list.html", {"filter": filterset, "page": page})


@case_view
def partner_queue(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.PARTNER:
        raise PermissionDenied
    page = Paginator(_partner_queue(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/queue.html", {"page": page, "now": timezone.now()})


@case_view
def escalations(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.COORDINATOR:
        raise PermissionDenied
    page = Paginator(_escalations(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "referrals/escalations.html", {"page": page})


@case_view
def referral_create(request: HttpRequest) -> HttpResponse:
    _require_intake(request)
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_create(
                    user=request.user,
                    county=data["county"],
                    language=data["language"],
                    urgency=data["urgency"],
                    categories=data["categories"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    safe_to_call=data["safe_to_call"],
                    safe_to_text=data["safe_to_text"],
                    best_times=data["best_times"],
                    notes=data["notes"],
                    consent=data["consent"],
                    consent_categories=data["categories"],
                    consent_language=data["consent_language"],
                    intake_token=data["intake_token"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Case %(reference)s logged. Send each need to an organization below.")
                    % {"reference": referral.reference},
                )
                return redirect(referral)
    else:
        form = IntakeForm(initial={"intake_token": uuid.uuid4()})
    return render(request, "referrals/referral_form.html", {"form": form})


@case_view
def referral_detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, reference)
    manages = services.manages(user, referral)
    consent = active_consent(referral)
    show_contact = can_see_contact(user, referral, consent=consent)

    routings = list(routings_visible_to(user, referral))
    needs = list(needs_visible_to(user, referral))
    for need in needs:
        need.visible_routings = [r for r in routings if r.need_id == need.pk]
        need.live_routing = next((r for r in need.visible_routings if r.is_live), None)
        need.suggestions = (
            suggestions_for(need, limit=5)
            if manages and need.is_open and need.live_routing is None and referral.is_open
            else []
        )
    own_routings = (
        [r for r in routings if r.organization_id == user.organization_id]
        if user.role == Role.PARTNER
        else []
    )
    for routing in own_routings:
        # One form per routing, each with its own element ids, so every label belongs to its own field.
        routing.decline_form = DeclineForm(auto_id=f"id_routing{routing.pk}_%s")
        routing.complete_form = CompleteForm(auto_id=f"id_routing{routing.pk}_%s")

    notes = Note.objects.filter(referral=referral).select_related("author", "routing__organization")
    if not manages:
        notes = _notes_for_partner(notes, own_routings, show_contact)
    notes = list(notes)
    if (show_contact and (referral.contact_name or referral.contact_phone or referral.notes)) or notes:
        # Notes are free text about the family: reading them is logged like reading the contact details.
        services.log_access(user=user, action="view_contact", reference=referral.reference)
    events = ReferralEvent.objects.filter(referral=referral).select_related(
        "actor__organization", "routing__organization", "need__category"
    )
    if not manages:
        events = events.filter(routing__in=own_routings)

    context = {
        "referral": referral,
        "manages": manages,
        "is_coordinator": manages and user.role == Role.COORDINATOR,
        "consent": consent,
        "show_contact": show_contact,
        "needs": needs,
        "own_routings": own_routings,
        "notes": notes,
        "events": events,
        "note_form": NoteForm(),
        "close_form": CloseForm(),
        "has_open_needs": any(need.is_open for need in needs),
    }
    if manages:
        context["same_phone"] = _open_cases_with_same_phone(user, referral)
        context["follow_ups"] = referral.follow_ups.select_related("assigned_to")
        context["follow_up_form"] = FollowUpForm(hub=referral.hub, initial={"assigned_to": user})
        context["assign_form"] = AssignForm(hub=referral.hub, initial={"assignee": referral.assigned_to})
    return render(request, "referrals/referral_detail.html", context)


def _open_cases_with_same_phone(user, referral: Referral) -> dict:
    """Other open cases of the hub for the same phone number (found by its keyed hash, never by the number)."""
    if not referral.phone_digest or not referral.is_open:
        return {}
    others = Referral.objects.filter(
        hub_id=referral.hub_id, phone_digest=referral.phone_digest, status="open"
    ).exclude(pk=referral.pk)
    visible = list(
        others.filter(pk__in=Referral.objects.visible_to(user).values("pk")).values_list(
            "reference", flat=True
        )
    )
    # Only coordinators hear of matches they cannot open: otherwise any volunteer could test whether a phone number
    # belongs to a family with a case.
    hidden = others.count() - len(visible) if user.role == Role.COORDINATOR else 0
    return {"visible": visible, "hidden": hidden}


def _notes_for_partner(notes, own_routings, show_contact):
    """A partner sees its own routing's notes up to the routing's end, and the hub's notes only with the contact."""
    allowed = Q(pk__in=[])
    for routing in own_routings:
        condition = Q(routing=routing)
        if routing.ended_at:
            condition &= Q(created_at__lte=routing.ended_at)
        allowed |= condition
    if show_contact:
        allowed |= Q(routing__isnull=True)
    return notes.filter(allowed)


@acting
def route_need(request: HttpRequest, reference: str, need_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    suggestion_ids = {str(s.service.pk) for s in suggestions_for(need)}
    service_id = request.POST.get("service", "")
    if service_id not in suggestion_ids:
        raise ValidationError(_("That organization cannot take this need. Choose one of the suggestions."))
    service = Service.objects.select_related("organization").get(pk=service_id)
    services.routing_create(user=request.user, need=need, service=service)
    messages.success(request, _("Sent to %(organization)s.") % {"organization": service.organization.name})
    return redirect(referral)


@acting
def reroute_need(request: HttpRequest, reference: str, need_id: int) -> HttpResponse:
    """From the escalations list: send the need to the best remaining suggestion, without re-intake."""
    if request.user.role != Role.COORDINATOR:
        raise PermissionDenied
    referral = get_referral_for_user(request.user, reference, write=True)
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    suggestions = suggestions_for(need, limit=1)
    if not suggestions:
        raise ValidationError(
            _(
                "No other organization offers this help in this county. Call the hotlines, or withdraw the need."
            )
        )
    service = suggestions[0].service
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
def withdraw_need(request: HttpRequest, reference: str, need_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    need = get_object_or_404(Need, pk=need_id, referral=referral)
    services.need_withdraw(user=request.user, need=need)
    messages.success(request, _("Need withdrawn."))
    return redirect(referral)


@acting
def withdraw_routing(request: HttpRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    routing = get_object_or_404(Routing, pk=routing_id, need__referral=referral)
    services.routing_withdraw(user=request.user, routing=routing)
    messages.success(request, _("Routing withdrawn. The need can be sent elsewhere."))
    return redirect(referral)


@acting
def accept_routing(request: HttpRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference)
    routing = get_routing_for_partner(request.user, referral, routing_id)
    services.routing_accept(user=request.user, routing=routing)
    messages.success(request, _("Accepted. The hub has been told."))
    return redirect(referral)


@acting
def decline_routing(request: HttpRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference)
    routing = get_routing_for_partner(request.user, referral, routing_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose a reason."))
    services.routing_decline(user=request.user, routing=routing, **form.cleaned_data)
    messages.success(request, _("Declined. The hub will send the need elsewhere."))
    return redirect("referrals:queue")


@acting
def complete_routing(request: HttpRequest, reference: str, routing_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference)
    routing = get_routing_for_partner(request.user, referral, routing_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Say whether the family was helped."))
    services.routing_complete(user=request.user, routing=routing, outcome=form.cleaned_data["outcome"])
    messages.success(request, _("Marked as completed. Thank you."))
    return redirect("referrals:queue")


@acting
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Write the note first."))
    routing = None
    if not services.manages(user, referral):
        routing = get_routing_for_partner(user, referral, _int(request.POST.get("routing")))
    services.note_add(user=user, referral=referral, body=form.cleaned_data["body"], routing=routing)
    messages.success(request, _("Note added."))
    return redirect(referral)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


@acting
def add_follow_up(request: HttpRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    form = FollowUpForm(request.POST, hub=referral.hub)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    services.follow_up_add(user=request.user, referral=referral, **form.cleaned_data)
    messages.success(request, _("Follow-up scheduled."))
    return redirect(referral)


@acting
def follow_up_done(request: HttpRequest, reference: str, follow_up_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_id, referral=referral)
    services.follow_up_done(user=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up marked as done."))
    return redirect(referral)


@acting
def withdraw_consent(request: HttpRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    services.consent_withdraw(user=request.user, referral=referral)
    messages.success(request, _("Consent withdrawn. No partner sees the family's contact details any more."))
    return redirect(referral)


@acting
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    if request.user.role != Role.COORDINATOR:
        raise PermissionDenied
    form = AssignForm(request.POST, hub=referral.hub)
    if not form.is_valid():
        raise ValidationError(_("Choose a volunteer or coordinator of the hub."))
    services.referral_assign(user=request.user, referral=referral, assignee=form.cleaned_data["assignee"])
    messages.success(request, _("Case assigned."))
    return redirect(referral)


@acting
def close(request: HttpRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    if request.user.role != Role.COORDINATOR:
        raise PermissionDenied
    form = CloseForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose how the case ended."))
    services.referral_close(user=request.user, referral=referral, outcome=form.cleaned_data["outcome"])
    messages.success(request, _("Case closed."))
    return redirect(referral)


@acting
def purge(request: HttpRequest, reference: str) -> HttpResponse:
    """At the family's request, a coordinator deletes the case's personal data at once."""
    referral = get_referral_for_user(request.user, reference, write=True)
    if request.user.role != Role.COORDINATOR:
        raise PermissionDenied
    if request.POST.get("confirm") != referral.reference:
        raise ValidationError(_("Type the case reference to confirm."))
    services.referral_purge(user=request.user, referral=referral)
    messages.success(request, _("The family's personal data was deleted. Only de-identified figures remain."))
    return redirect(referral)


@case_view
def access_log(request: HttpRequest) -> HttpResponse:
    """Who saw contact details or deleted data. Coordinators: their hub's cases. Admins: everyone, no case data."""
    user = request.user
    rows = AccessLog.objects.select_related("user", "organization")
    if user.role == Role.COORDINATOR:
        hub_references = Referral.objects.filter(hub_id=user.organization_id).values("reference")
        rows = rows.filter(reference__in=hub_references)
    elif user.role != Role.ADMIN:
        raise PermissionDenied
    page = Paginator(rows.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "referrals/access_log.html", {"page": page})


@case_view
@reauthentication_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """The hub's cases as CSV for the coordinator's own records: no names, phones or notes. Asks for the password
    again first, and is written to the access log."""
    user = request.user
    if user.role != Role.COORDINATOR:
        raise PermissionDenied
    referrals = (
        Referral.objects.visible_to(user)
        .select_related("county", "language")
        .prefetch_related(
            Prefetch(
                "needs",
                queryset=Need.objects.select_related("category").prefetch_related(
                    Prefetch("routings", queryset=Routing.objects.select_related("organization"))
                ),
            )
        )
        .order_by("created_at")
    )
    services.log_access(user=user, action="export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "reference",
            "county",
            "language",
            "urgency",
            "status",
            "outcome",
            "logged",
            "closed",
            "need",
            "need_status",
            "organizations",
        ]
    )
    for referral in referrals:
        for need in referral.needs.all():
            organizations = "; ".join(f"{r.organization.name} ({r.status})" for r in need.routings.all())
            writer.writerow(
                [
                    referral.reference,
                    referral.county.name,
                    referral.language.code,
                    referral.urgency,
                    referral.status,
                    referral.outcome,
                    referral.created_at.date().isoformat(),
                    referral.closed_at.date().isoformat() if referral.closed_at else "",
                    need.category.code,
                    need.status,
                    organizations,
                ]
            )
    return response
