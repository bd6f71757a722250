"""One case: intake, the case page, notes, follow-ups, consent, assignment, closing and purging."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from core.resume import take_kept_form
from directory.models import User
from directory.types import AuthenticatedRequest
from referrals import audit, policy, services
from referrals.case_page import case_rows, offer, read_consents, same_phone
from referrals.forms import (
    AssignForm,
    CloseForm,
    CompleteForm,
    DeclineForm,
    FollowUpForm,
    IntakeForm,
    LinkIncidentForm,
    NoteForm,
    PhoneAnswerForm,
)
from referrals.models import AccessAction, FollowUp, Note, Referral, ReferralEvent
from referrals.policy import (
    active_consent,
    can_see_contact,
    get_referral_for_user,
    get_routing_for_partner,
    needs_visible_to,
    routings_visible_to,
)
from referrals.suggestions import by_phone, in_app, suggestions_for_needs
from referrals.views.common import acting, case_view, int_or_404, require_intake
from referrals.views.kept import kept_intake_form, refill_case_forms

# How many organizations the case page suggests for a need, of each kind (in the app; by phone).
SUGGESTIONS_SHOWN = 5


@sensitive_post_parameters()  # the family's name, phone and notes
@case_view
def referral_create(request: AuthenticatedRequest) -> HttpResponse:
    require_intake(request)
    if request.method == "POST":
        form = IntakeForm(request.POST, user=request.user)
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
                    incident=data["incident"],
                )
            except services.IntakeTokenUsed as error:
                # Someone else's form (or another hub's): say so, and give this form a token of its own.
                data = request.POST.copy()
                data["intake_token"] = str(uuid.uuid4())
                form = IntakeForm(data, user=request.user)
                form.is_valid()
                form.add_error(None, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Case %(reference)s logged. Send each need to an organization below.")
                    % {"reference": referral.reference},
                )
                return redirect(referral)
    elif (kept := kept_intake_form(request, take_kept_form(request))) is not None:
        form = kept  # posted after the session ended: back as it was, to check and save again
    else:
        # The county of the volunteer's last case: on a raid night most families are in the same one.
        usual_county = (
            Referral.objects.filter(created_by=request.user).order_by("-created_at").values("county").first()
        )
        county = usual_county["county"] if usual_county else None
        form = IntakeForm(
            # "Log a case for this incident" on an incident's page names it; the choices still decide.
            initial={"intake_token": uuid.uuid4(), "county": county, "incident": request.GET.get("incident")},
            user=request.user,
            county_first=county,
        )
    return render(request, "referrals/referral_form.html", {"form": form})


@case_view
def referral_detail(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    kept = take_kept_form(request)  # taken first: on a case the person may no longer see, it is dropped
    referral = get_referral_for_user(request.user, reference, queryset=case_rows(request.user))
    context = case_context(referral, user=request.user)
    refill_case_forms(request, referral, context, kept)
    return render(request, "referrals/referral_detail.html", context)


def case_context(referral: Referral, *, user: User, log_view: bool = True) -> dict:
    """Everything the case page shows this person. The htmx answers render parts of the same page from it, so a
    fragment never shows more than the page would. `log_view=False` for a fragment that shows no contact or notes."""
    manages = policy.manages(user, referral)
    read_consents(referral)
    consent = active_consent(referral)
    routings = list(routings_visible_to(user, referral))
    show_contact = can_see_contact(user, referral, consent=consent, routings=routings)

    needs = list(needs_visible_to(user, referral))
    for need in needs:
        need.referral = referral  # the suggestions read its county and language: no query per need
        need.visible_routings = [r for r in routings if r.need_id == need.pk]
        need.live_routing = next((r for r in need.visible_routings if r.is_live), None)
    unsent = [n for n in needs if manages and n.is_open and n.live_routing is None and referral.is_open]
    to_send = [n for n in unsent if policy.may_send(user, referral, n.visible_routings)]
    for need in needs:
        # Declined or lapsed: a volunteer sees that a coordinator decides where it goes next.
        need.awaits_coordinator = need in unsent and need not in to_send
    # Hub staff (the only ones with needs to send) see every routing of the case.
    suggested = suggestions_for_needs(to_send, routings=routings)
    for need in needs:
        # Organizations that answer in the app, best first; apart, those to call (nobody answers in the app).
        need.suggestions = in_app(suggested.get(need.pk, []))[:SUGGESTIONS_SHOWN]
        need.phone_suggestions = by_phone(suggested.get(need.pk, []))[:SUGGESTIONS_SHOWN]
    own_routings = policy.own_routings(user, routings)
    for routing in routings:
        routing.need.referral = referral  # loaded above: no query per routing
        if routing.is_live and policy.records_phone_answer(user, routing):
            # The hub answers for an organization it referred by phone: its forms sit on the need's card.
            routing.phone_answer_form = PhoneAnswerForm(auto_id=f"id_phone{routing.pk}_%s")
            routing.complete_form = CompleteForm(auto_id=f"id_phone{routing.pk}_%s")
    for routing in own_routings:
        # One form per routing, each with its own element ids, so every label belongs to its own field.
        routing.decline_form = DeclineForm(auto_id=f"id_routing{routing.pk}_%s")
        routing.complete_form = CompleteForm(auto_id=f"id_routing{routing.pk}_%s")

    all_notes = Note.objects.filter(referral=referral).select_related(
        "author__organization", "routing__organization"
    )
    notes = list(
        policy.notes_visible_to(
            user, referral, all_notes, routings=routings, show_contact=show_contact, consent=consent
        )
    )
    for note in notes:
        note.shown_author = policy.person_shown(user, referral, note.author)
    if log_view and (
        (show_contact and (referral.contact_name or referral.contact_phone or referral.notes)) or notes
    ):
        # Notes are free text about the family: reading them is logged like reading the contact details.
        audit.log_access(user=user, action=AccessAction.VIEW_CONTACT, reference=referral.reference)
    all_events = ReferralEvent.objects.filter(referral=referral).select_related(
        "actor__organization", "routing__organization", "need__category"
    )
    events = list(policy.events_visible_to(user, referral, all_events, routings=routings))
    for event in events:
        event.shown_actor = policy.person_shown(user, referral, event.actor) if event.actor else ""
    # The live routings a partner may write a note on (none once the family withdrew consent).
    note_routings = [
        routing
        for routing in own_routings
        if routing.is_live and policy.may_add_note(user, referral, routing, consent=consent)
    ]

    context = {
        "referral": referral,
        "manages": manages,
        "is_coordinator": policy.coordinates(user, referral),
        "is_partner": policy.is_partner_staff(user),
        "consent": consent,
        "show_contact": show_contact,
        "needs": needs,
        "own_routings": own_routings,
        "notes": notes,
        "note_routings": note_routings,
        "may_write_note": (manages and referral.is_open) or (show_contact and bool(note_routings)),
        "events": events,
        "note_form": NoteForm(),
        "close_form": CloseForm(),
        "has_open_needs": any(need.is_open for need in needs),
    }
    if manages:
        context["same_phone"] = same_phone(user, referral)
        context["follow_ups"] = referral.follow_ups.select_related("assigned_to")
        context["follow_up_form"] = follow_up_form = FollowUpForm(
            hub=referral.hub, initial={"assigned_to": user}
        )
        context["assign_form"] = assign_form = AssignForm(
            hub=referral.hub, initial={"assignee": referral.assigned_to}
        )
        if referral.is_open:
            # Both forms offer the hub's staff (drawn only while the case is open): read once for the two.
            staff = list(policy.hub_staff(referral.hub_id))
            offer(follow_up_form.fields["assigned_to"], staff)
            offer(assign_form.fields["assignee"], staff)
        if (
            referral.is_open
            and (referral.incident is None or referral.incident.is_open)
            and getattr(referral, "open_incidents", True)  # none to offer: no form (case_page.case_rows)
        ):
            # Linking later: the hub's open incidents, the case's county first (one query, when drawn).
            context["incident_form"] = LinkIncidentForm(
                user=user, initial={"incident": referral.incident_id}, county_first=referral.county_id
            )
    return context


@sensitive_post_parameters()
@acting
def add_note(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    user = request.user
    referral = get_referral_for_user(user, reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        raise ValidationError(
            list(form.errors["body"]) if form["body"].value() else _("Write the note first.")
        )
    routing = None
    if not policy.manages(user, referral):
        routing = get_routing_for_partner(user, referral, int_or_404(request.POST.get("routing")))
    services.note_add(user=user, referral=referral, body=form.cleaned_data["body"], routing=routing)
    messages.success(request, _("Note added."))
    return redirect(referral)


@sensitive_post_parameters()
@acting
def add_follow_up(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    form = FollowUpForm(request.POST, hub=referral.hub)
    if not form.is_valid():
        raise ValidationError([e for errors in form.errors.values() for e in errors])
    services.follow_up_add(user=request.user, referral=referral, **form.cleaned_data)
    messages.success(request, _("Follow-up scheduled."))
    return redirect(referral)


@acting
def follow_up_done(request: AuthenticatedRequest, reference: str, follow_up_id: int) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_id, referral=referral)
    services.follow_up_done(user=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up marked as done."))
    return redirect(referral)


@acting
def withdraw_consent(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    services.consent_withdraw(user=request.user, referral=referral)
    messages.success(request, _("Consent withdrawn. No partner sees the family's contact details any more."))
    return redirect(referral)


@acting
def assign(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    if not policy.may_assign(request.user, referral):
        raise PermissionDenied
    form = AssignForm(request.POST, hub=referral.hub)
    if not form.is_valid():
        raise ValidationError(_("Choose a volunteer or coordinator of the hub."))
    services.referral_assign(user=request.user, referral=referral, assignee=form.cleaned_data["assignee"])
    messages.success(request, _("Case assigned."))
    return redirect(referral)


@acting
def close(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    referral = get_referral_for_user(request.user, reference, write=True)
    if not policy.may_close(request.user, referral):
        raise PermissionDenied
    form = CloseForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("Choose how the case ended."))
    services.referral_close(user=request.user, referral=referral, outcome=form.cleaned_data["outcome"])
    messages.success(request, _("Case closed."))
    return redirect(referral)


@acting
def purge(request: AuthenticatedRequest, reference: str) -> HttpResponse:
    """At the family's request, a coordinator deletes the case's personal data at once."""
    referral = get_referral_for_user(request.user, reference, write=True)
    if not policy.may_purge(request.user, referral):
        raise PermissionDenied
    if request.POST.get("confirm") != referral.reference:
        raise ValidationError(_("Type the case reference to confirm."))
    services.referral_purge(user=request.user, referral=referral)
    messages.success(request, _("The family's personal data was deleted. Only de-identified figures remain."))
    return redirect(referral)
