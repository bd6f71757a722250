"""Every change of a referral's state. Each function is atomic, locks the row it changes, checks that the
transition is allowed, and writes its ReferralEvent. Views and commands call these; nothing else sets a status."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from core.crypto import phone_digest
from core.forbidden import no_forbidden_content
from core.phones import parse_family_phone
from directory.models import County, Language, Service, ServiceCategory, ServiceStatus, User
from referrals import audit, notifications, policy
from referrals.models import (
    LIVE_ROUTING,
    AccessAction,
    Consent,
    DeclineReason,
    EventKind,
    FollowUp,
    Incident,
    IncidentStatus,
    Need,
    NeedStatus,
    Note,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    Routing,
    RoutingOutcome,
    RoutingStatus,
    Urgency,
)

DEFAULT_RESPONSE_HOURS = {Urgency.EMERGENCY: 4, Urgency.URGENT: 24, Urgency.ROUTINE: 72}


class Conflict(Exception):
    """Someone else changed this case first (another tab, another partner): reload and look again."""

    message = _("This referral changed while you were looking at it. Reload the page and try again.")


def _event(
    referral: Referral,
    kind: str,
    actor: User | None,
    *,
    routing: Routing | None = None,
    need: Need | None = None,
    from_status: str = "",
    to_status: str = "",
) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        actor=actor,
        routing=routing,
        need=need or (routing.need if routing else None),
        from_status=from_status,
        to_status=to_status,
    )


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


# The longest text each free-text field takes. The forms show and enforce the same limits; the services enforce them
# again, so that nothing that skips a form (a command, a future view) stores a novel in an encrypted field.
MAX_LENGTH = {
    "contact_name": 100,
    "contact_phone": 30,
    "best_times": 200,
    "notes": 2000,
    "note": 2000,
    "decline_note": 1000,
    "follow_up_note": 300,
    # Why a need goes to a full service or outside the suggestions, or is closed as unmet: a sentence.
    "routing_reason": 300,
}


def _check_length(**texts: str) -> None:
    """Refuse a text longer than its field's limit, with the forms' own message (Django's validator)."""
    for name, text in texts.items():
        MaxLengthValidator(MAX_LENGTH[name])(text)


def _check_content(**texts: str) -> None:
    """Refuse free text holding what the app must never keep (immigration status, A-numbers, SSNs, birth dates,
    country of origin, addresses), with the forms' own messages: the rule is core.forbidden's, not the forms'."""
    errors: dict[str | None, ValidationError] = {}  # one message per kind, however many texts have it
    for text in texts.values():
        try:
            no_forbidden_content(text)
        except ValidationError as error:
            for each in error.error_list:
                errors.setdefault(each.code, each)
    if errors:
        raise ValidationError(list(errors.values()))


def response_deadline(*, urgency: str, service: Service | None, now: datetime) -> datetime:
    """The urgency's deadline, or sooner when the service promises to answer sooner, but never sooner than the
    network's MIN_RESPONSE_HOURS: a 1-hour promise (an honest one, or one made to be ranked first) would otherwise
    expire routings before anyone could answer and bounce families between organizations. A shorter promise
    counts as the minimum, not as no promise: the family is still owed the quicker answer the partner offered."""
    hours = DEFAULT_RESPONSE_HOURS[Urgency(urgency)]
    if service is not None and service.response_hours:
        promised = max(service.response_hours, settings.MIN_RESPONSE_HOURS)
        hours = min(hours, promised)
    return now + timedelta(hours=hours)


@sensitive_variables("contact_name", "contact_phone", "best_times", "notes")
@transaction.atomic
def referral_create(
    *,
    user: User,
    county: County,
    language: Language,
    urgency: str,
    categories: Iterable[ServiceCategory],
    contact_name: str = "",
    contact_phone: str = "",
    safe_to_call: bool = True,
    safe_to_text: bool = False,
    best_times: str = "",
    notes: str = "",
    consent: bool = False,
    consent_categories: Iterable[ServiceCategory] = (),
    consent_language: Language | None = None,
    intake_token: uuid.UUID | None = None,
    incident: Incident | None = None,
) -> Referral:
    """Log a family's needs. The same intake token twice (a double tap, a resent form) gives the same referral.
    `incident`: the event that hit the family (an open incident of the person's hub), if any."""
    _require(policy.may_create_referral(user))
    hub_id = user.organization_id
    assert hub_id is not None  # may_create_referral refuses anyone without an organization
    if incident is not None and not (incident.hub_id == hub_id and incident.is_open):
        raise ValidationError(_("That incident is closed or not your hub's: choose another one."))
    _check_length(contact_name=contact_name, contact_phone=contact_phone, best_times=best_times, notes=notes)
    _check_content(contact_name=contact_name, best_times=best_times, notes=notes)
    if intake_token is not None:
        existing = _own_intake(user, intake_token)
        if existing is not None:
            return existing
    categories = list(categories)
    if not categories:
        raise ValidationError(_("Choose at least one need."))
    referral = Referral(
        hub_id=hub_id,
        county=county,
        language=language,
        urgency=urgency,
        contact_name=contact_name.strip(),
        contact_phone=parse_family_phone(contact_phone) if contact_phone.strip() else "",
        phone_digest=phone_digest(contact_phone),  # over E.164: the same number however it was written
        safe_to_call=safe_to_call,
        safe_to_text=safe_to_text,
        best_times=best_times.strip(),
        notes=notes.strip(),
        created_by=user,
        assigned_to=policy.assignee_on_intake(user),
        intake_token=intake_token,
        incident=incident,
    )
    referral.full_clean(exclude=["intake_token"])
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # Two submissions of the same form raced: the other one won, show its referral.
        existing = _own_intake(user, intake_token) if intake_token is not None else None
        if existing is None:
            raise
        return existing
    Need.objects.bulk_create([Need(referral=referral, category=category) for category in categories])
    _event(referral, EventKind.CREATED, user, to_status=ReferralStatus.OPEN)
    if incident is not None:
        _event(referral, EventKind.INCIDENT_LINKED, user)
    if consent:
        record = Consent.objects.create(
            referral=referral, explained_in=consent_language or language, recorded_by=user
        )
        record.categories.set(list(consent_categories) or categories)
        _event(referral, EventKind.CONSENT_RECORDED, user)
    return referral


class IntakeTokenUsed(ValidationError):
    """An intake form sent twice by someone other than the person who first sent it."""

    def __init__(self) -> None:
        super().__init__(
            _("This intake form was already sent. Enter the case again in the new form below."),
            code="intake_token_used",
        )


def _own_intake(user: User, intake_token: uuid.UUID) -> Referral | None:
    """The case this person already logged with this intake form (a double tap, a resent form), if any.

    The same token from anyone else (another volunteer of the hub, another hub, a copied form) is refused, without
    saying which case it belongs to: answering with that case would show one volunteer another's reference."""
    existing = Referral.objects.filter(intake_token=intake_token).first()
    if existing is None:
        return None
    if existing.hub_id == user.organization_id and existing.created_by_id == user.pk:
        return existing
    raise IntakeTokenUsed


def _lock_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _lock_routing(routing: Routing) -> Routing:
    # Only the routing's row: on PostgreSQL a plain FOR UPDATE with joins would also lock the need, the case and the
    # category (every answer in that category statewide would queue on it).
    return (
        Routing.objects.select_for_update(of=("self",))
        .select_related("need__referral", "need__category")
        .get(pk=routing.pk)
    )


@transaction.atomic
def routing_create(
    *,
    user: User,
    need: Need,
    service: Service,
    now: datetime | None = None,
    reason: str = "",
    by_phone: bool = False,
    outside_suggestions: bool = False,
) -> Routing:
    """Send a need to the organization offering `service`. A need has one live routing at a time.

    An organization receives routings in the app only while it has an active partner-staff account; one without is
    referred `by_phone`: the hub calls it and records its answer, with the same deadline and escalation.
    `reason` is why the hub sends it to a full service or outside the suggestions: kept on the timeline. Outside
    the suggestions (a coordinator's choice, with a reason) any active service of any partner will do, whatever
    its county or kind of help."""
    now = now or timezone.now()
    referral = _lock_referral(need.referral)
    _require(policy.manages(user, referral))
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not referral.is_open or not need.is_open or need.routings.filter(status__in=LIVE_ROUTING).exists():
        raise Conflict
    organization = service.organization
    # Once an organization declined or let it lapse, sending it again is the coordinators' (escalations).
    _require(policy.may_send(user, referral, list(need.routings.all())))
    if outside_suggestions:
        _require(policy.may_reroute(user, referral))
        if not reason.strip():
            raise ValidationError(_("Say why you are sending it outside the suggestions."))
    elif service.category_id != need.category_id:
        raise ValidationError(_("That service does not offer this kind of help."))
    if not organization.is_partner or service.status != ServiceStatus.ACTIVE:
        raise ValidationError(_("That service does not offer this kind of help."))
    _check_length(routing_reason=reason)
    answers_in_app = policy.partner_staff(organization.pk).exists()
    if not by_phone and not answers_in_app:
        raise ValidationError(
            _(
                "%(organization)s has nobody to answer in the app. Call them, then record it as a phone "
                "referral."
            )
            % {"organization": organization.name}
        )
    if by_phone and answers_in_app:
        raise ValidationError(
            _("%(organization)s answers in the app: send it there instead of calling.")
            % {"organization": organization.name}
        )
    routing = Routing.objects.create(
        need=need,
        organization=organization,
        service=service,
        deadline=response_deadline(urgency=referral.urgency, service=service, now=now),
        created_by=user,
        created_at=now,
        by_phone=by_phone,
    )
    event = _event(referral, EventKind.ROUTED, user, routing=routing, to_status=RoutingStatus.PENDING)
    if reason.strip():
        event.detail = reason.strip()
        event.save(update_fields=["detail"])
    if not by_phone:
        # A phone referral is the hub's own call: nobody at the organization reads the app.
        notifications.on_commit(notifications.routing_created, routing.pk)
    return routing


class PhoneAnswer(models.TextChoices):
    """What the organization said when the hub called it (or that nobody picked up)."""

    ACCEPTED = "accepted", _("Accepted by phone")
    DECLINED = "declined", _("Declined by phone")
    NO_ANSWER = "no_answer", _("No answer by phone")


@transaction.atomic
def routing_record_phone_answer(
    *, user: User, routing: Routing, answer: str, reason: str = "", note: str = ""
) -> Routing:
    """The hub records what an organization it referred by phone said. Declined and no answer go back to the
    hub's escalations and its coordinators are told, as when a partner declines or lets the deadline pass."""
    if answer not in PhoneAnswer.values:
        raise ValidationError(_("Say what the organization answered."))
    if answer == PhoneAnswer.DECLINED and reason not in DeclineReason.values:
        raise ValidationError(_("Choose a reason."))
    _check_length(decline_note=note)
    _check_content(decline_note=note)
    routing = _lock_routing(routing)
    _require(policy.records_phone_answer(user, routing))
    if routing.status != RoutingStatus.PENDING:
        raise Conflict
    if routing.is_overdue:
        raise ValidationError(
            _("The time for this answer has passed: the need is in the escalations, to be sent again.")
        )
    now = timezone.now()
    if answer == PhoneAnswer.ACCEPTED:
        _move_routing(
            routing, to=RoutingStatus.ACCEPTED, actor=user, now=now, responded_by=user, responded_at=now
        )
    elif answer == PhoneAnswer.DECLINED:
        _decline(routing, user=user, reason=reason, note=note)
    else:
        # Nobody picked up: as if the deadline had passed, now rather than hours from now.
        _move_routing(
            routing, to=RoutingStatus.EXPIRED, actor=user, now=now, responded_by=user, responded_at=now
        )
        notifications.on_commit(notifications.routing_dropped, routing.pk)
    return routing


@transaction.atomic
def routing_record_phone_outcome(*, user: User, routing: Routing, outcome: str) -> Routing:
    """The hub records how a phone referral the organization accepted ended (it has nobody in the app to do so)."""
    if outcome not in RoutingOutcome.values:
        raise ValidationError(_("Say whether the family was helped."))
    routing = _lock_routing(routing)
    _require(policy.records_phone_answer(user, routing))
    if routing.status != RoutingStatus.ACCEPTED:
        raise Conflict
    return _complete(routing, actor=user, outcome=outcome)


@transaction.atomic
def need_close_unmet(*, user: User, need: Need, reason: str) -> Need:
    """No organization can take this need (none in the county, none statewide, nobody by phone): a coordinator
    closes it as unmet, with why. It counts as unmet in the reports, unlike a need the family withdrew."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the need could not be met."))
    _check_length(routing_reason=reason)
    referral = _lock_referral(need.referral)
    _require(policy.may_reroute(user, referral))
    need = Need.objects.select_for_update().get(pk=need.pk)
    now = timezone.now()
    if not need.is_open or not referral.is_open:
        raise Conflict
    # Sent again (and accepted, or waiting in time) since the coordinator looked: not unmet after all.
    answering = need.routings.filter(status__in=LIVE_ROUTING).exclude(
        status=RoutingStatus.PENDING, deadline__lte=now
    )
    if answering.exists():
        raise Conflict
    _withdraw_live_routings(referral, need.routings.all(), actor=user, now=now)
    need.status = NeedStatus.NOT_HELPED
    need.save(update_fields=["status"])
    event = _event(
        referral,
        EventKind.NEED_UNMET,
        user,
        need=need,
        from_status=NeedStatus.OPEN,
        to_status=NeedStatus.NOT_HELPED,
    )
    event.detail = reason
    event.save(update_fields=["detail"])
    return need


def _partner_transition(user: User, routing: Routing, allowed_from: list[str]) -> Routing:
    routing = _lock_routing(routing)
    _require(policy.answers_for(user, routing))
    if routing.status not in allowed_from:
        raise Conflict
    if routing.is_overdue:
        # Past its deadline a pending routing is over, even before process_deadlines marks it expired.
        raise ValidationError(
            _("The time to answer this referral has passed. The hub will send the need elsewhere.")
        )
    return routing


# The timeline entry each routing status is written as.
_ROUTING_EVENT = {
    RoutingStatus.ACCEPTED: EventKind.ACCEPTED,
    RoutingStatus.DECLINED: EventKind.DECLINED,
    RoutingStatus.COMPLETED: EventKind.COMPLETED,
    RoutingStatus.WITHDRAWN: EventKind.WITHDRAWN,
    RoutingStatus.EXPIRED: EventKind.EXPIRED,
}


def _move_routing(
    routing: Routing,
    *,
    to: RoutingStatus,
    actor: User | None,
    now: datetime,
    referral: Referral | None = None,
    event_to: str = "",
    **fields,
) -> Routing:
    """The one place a routing changes status: set it (and `ended_at` when it leaves the live states) with the
    given fields, save only those columns, and write the timeline event from the old status to the new one.

    The caller has locked the routing and checked the move is allowed: who may move it, and from which states,
    differs between partners, the hub and the deadline job."""
    previous = routing.status
    routing.status = to
    changed = ["status"]
    if to not in LIVE_ROUTING:
        routing.ended_at = now
        changed.append("ended_at")
    for name, value in fields.items():
        setattr(routing, name, value)
        changed.append(name)
    routing.save(update_fields=changed)
    _event(
        referral or routing.need.referral,
        _ROUTING_EVENT[to],
        actor,
        routing=routing,
        from_status=previous,
        to_status=event_to or to,
    )
    return routing


@transaction.atomic
def routing_accept(*, user: User, routing: Routing) -> Routing:
    routing = _partner_transition(user, routing, [RoutingStatus.PENDING])
    now = timezone.now()
    _move_routing(
        routing, to=RoutingStatus.ACCEPTED, actor=user, now=now, responded_by=user, responded_at=now
    )
    notifications.on_commit(notifications.routing_answered, routing.pk)
    return routing


@sensitive_variables("note")
@transaction.atomic
def routing_decline(*, user: User, routing: Routing, reason: str, note: str = "") -> Routing:
    if reason not in DeclineReason.values:
        raise ValidationError(_("Choose a reason."))
    _check_length(decline_note=note)
    _check_content(decline_note=note)
    routing = _partner_transition(user, routing, [RoutingStatus.PENDING])
    return _decline(routing, user=user, reason=reason, note=note)


def _decline(routing: Routing, *, user: User, reason: str, note: str) -> Routing:
    """Record a locked, pending routing as declined (by its partner, or by phone as the hub heard it)."""
    now = timezone.now()
    _move_routing(
        routing,
        to=RoutingStatus.DECLINED,
        actor=user,
        now=now,
        decline_reason=reason,
        decline_note=note.strip(),
        responded_by=user,
        responded_at=now,
    )
    # Back to the hub's escalations: its coordinators are told (and the volunteer, as for any answer).
    notifications.on_commit(notifications.routing_dropped, routing.pk)
    return routing


@transaction.atomic
def routing_complete(*, user: User, routing: Routing, outcome: str) -> Routing:
    if outcome not in RoutingOutcome.values:
        raise ValidationError(_("Say whether the family was helped."))
    routing = _partner_transition(user, routing, [RoutingStatus.ACCEPTED])
    _complete(routing, actor=user, outcome=outcome)
    notifications.on_commit(notifications.routing_answered, routing.pk)
    return routing


def _complete(routing: Routing, *, actor: User, outcome: str) -> Routing:
    """End a locked, accepted routing with its outcome, and its need with it."""
    need = Need.objects.select_for_update().get(pk=routing.need_id)
    need.status = NeedStatus.HELPED if outcome == RoutingOutcome.HELPED else NeedStatus.NOT_HELPED
    need.save(update_fields=["status"])
    # The timeline says how it ended (helped / could not help), not only that it did.
    return _move_routing(
        routing,
        to=RoutingStatus.COMPLETED,
        actor=actor,
        now=timezone.now(),
        event_to=outcome,
        outcome=outcome,
    )


@transaction.atomic
def routing_withdraw(*, user: User, routing: Routing) -> Routing:
    """The hub takes a need back from an organization (the family found help elsewhere, or it was a mistake)."""
    routing = _lock_routing(routing)
    _require(policy.manages(user, routing.need.referral))
    if not routing.is_live:
        raise Conflict
    return _move_routing(routing, to=RoutingStatus.WITHDRAWN, actor=user, now=timezone.now())


@transaction.atomic
def routing_expire(*, routing: Routing, now: datetime) -> bool:
    """Mark a pending routing whose deadline passed as expired. False when it was answered meanwhile."""
    routing = _lock_routing(routing)
    if routing.status != RoutingStatus.PENDING or routing.deadline > now:
        return False
    _move_routing(routing, to=RoutingStatus.EXPIRED, actor=None, now=now)
    # Only the call that changed the row tells the coordinators: the job and a re-send racing send one notice.
    notifications.on_commit(notifications.routing_dropped, routing.pk)
    return True


def _withdraw_live_routings(referral: Referral, routings, *, actor: User, now: datetime) -> None:
    """End every live routing among `routings` (locking them first): the need is over, so is the partner's part."""
    for routing in routings.select_for_update().filter(status__in=LIVE_ROUTING):
        _move_routing(routing, to=RoutingStatus.WITHDRAWN, actor=actor, now=now, referral=referral)


@transaction.atomic
def need_withdraw(*, user: User, need: Need) -> Need:
    """The family no longer needs this help: end it, and any live routing with it."""
    referral = _lock_referral(need.referral)
    _require(policy.manages(user, referral))
    need = Need.objects.select_for_update().get(pk=need.pk)
    if not need.is_open:
        raise Conflict
    _withdraw_live_routings(referral, need.routings.all(), actor=user, now=timezone.now())
    need.status = NeedStatus.WITHDRAWN
    need.save(update_fields=["status"])
    _event(
        referral,
        EventKind.NEED_WITHDRAWN,
        user,
        need=need,
        from_status=NeedStatus.OPEN,
        to_status=NeedStatus.WITHDRAWN,
    )
    return need


@sensitive_variables("body")
@transaction.atomic
def note_add(*, user: User, referral: Referral, body: str, routing: Routing | None = None) -> Note:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the note first."))
    _check_length(note=body)
    _check_content(note=body)
    referral = _lock_referral(referral)
    if not referral.is_open:
        # A closed case, and above all a purged one, takes no new free text about the family.
        raise Conflict
    if routing is not None:
        routing = _lock_routing(routing)
        _require(policy.answers_for(user, routing) and routing.need.referral_id == referral.pk)
        if not routing.is_live:
            raise Conflict
    # Who may write at all (a partner: not once the family withdrew consent) is the policy's.
    _require(policy.may_add_note(user, referral, routing))
    note = Note.objects.create(referral=referral, routing=routing, author=user, body=body)
    _event(referral, EventKind.NOTE, user, routing=routing)
    return note


@transaction.atomic
def follow_up_add(
    *, user: User, referral: Referral, due_date: date, assigned_to: User, note: str = ""
) -> FollowUp:
    _check_length(follow_up_note=note)
    _check_content(follow_up_note=note)
    referral = _lock_referral(referral)
    _require(policy.manages(user, referral) and referral.is_open)
    if not policy.may_be_assigned(assigned_to, referral):
        raise ValidationError(_("Follow-ups go to a volunteer or coordinator of the hub."))
    follow_up = FollowUp.objects.create(
        referral=referral, due_date=due_date, assigned_to=assigned_to, note=note.strip(), created_by=user
    )
    _refresh_next_follow_up(referral)
    _event(referral, EventKind.FOLLOW_UP, user)
    return follow_up


@transaction.atomic
def follow_up_done(*, user: User, follow_up: FollowUp) -> FollowUp:
    referral = _lock_referral(follow_up.referral)
    _require(policy.manages(user, referral))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_at is not None:
        raise Conflict
    follow_up.done_at = timezone.now()
    follow_up.save(update_fields=["done_at"])
    _refresh_next_follow_up(referral)
    _event(referral, EventKind.FOLLOW_UP_DONE, user)
    return follow_up


def _refresh_next_follow_up(referral: Referral) -> None:
    first = referral.follow_ups.filter(done_at__isnull=True).order_by("due_date").first()
    referral.next_follow_up = first.due_date if first else None
    referral.save(update_fields=["next_follow_up", "updated_at"])


@transaction.atomic
def consent_withdraw(*, user: User, referral: Referral) -> None:
    """The family takes back their consent: every partner loses the contact details at once."""
    referral = _lock_referral(referral)
    _require(policy.manages(user, referral))
    updated = referral.consents.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=user
    )
    if not updated:
        raise Conflict
    _event(referral, EventKind.CONSENT_WITHDRAWN, user)


@transaction.atomic
def referral_assign(*, user: User, referral: Referral, assignee: User) -> Referral:
    referral = _lock_referral(referral)
    _require(policy.may_assign(user, referral))
    if not policy.may_be_assigned(assignee, referral):
        raise ValidationError(_("Assign the case to a volunteer or coordinator of the hub."))
    referral.assigned_to = assignee
    referral.save(update_fields=["assigned_to", "updated_at"])
    _event(referral, EventKind.ASSIGNED, user)
    return referral


@transaction.atomic
def referral_close(*, user: User, referral: Referral, outcome: str) -> Referral:
    """Close a case once none of its needs is still open."""
    if outcome not in ReferralOutcome.values:
        raise ValidationError(_("Choose how the case ended."))
    referral = _lock_referral(referral)
    _require(policy.may_close(user, referral))
    if not referral.is_open:
        raise Conflict
    if referral.needs.filter(status=NeedStatus.OPEN).exists():
        raise ValidationError(
            _("Some needs are still open: complete or withdraw them before closing the case.")
        )
    now = timezone.now()
    _close_referral(referral, outcome=outcome, actor=user, now=now)
    referral.consents.filter(revoked_at__isnull=True).update(expires_at=now)
    return referral


def _close_referral(referral: Referral, *, outcome: str, actor: User, now: datetime) -> None:
    """Close a locked, open referral with its outcome and write it to the timeline."""
    referral.status = ReferralStatus.CLOSED
    referral.outcome = outcome
    referral.closed_at = now
    referral.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
    _event(referral, EventKind.CLOSED, actor, from_status=ReferralStatus.OPEN, to_status=outcome)


def _erase_personal_data(referral: Referral) -> None:
    """Remove everything that could identify the family; keep county, needs, dates and outcomes for statistics."""
    referral.contact_name = ""
    referral.contact_phone = ""
    referral.phone_digest = ""
    referral.best_times = ""
    referral.notes = ""
    referral.purged_at = timezone.now()
    referral.save(
        update_fields=[
            "contact_name",
            "contact_phone",
            "phone_digest",
            "best_times",
            "notes",
            "purged_at",
            "updated_at",
        ]
    )
    Note.objects.filter(referral=referral).delete()
    FollowUp.objects.filter(referral=referral).update(note="")
    Routing.objects.filter(need__referral=referral).update(decline_note="")
    # Free text typed by hub staff (why a need went to a full service): meant to be about the service, but erased too.
    ReferralEvent.objects.filter(referral=referral).exclude(detail="").update(detail="")
    Consent.objects.filter(referral=referral).delete()


@transaction.atomic
def referral_purge(*, user: User, referral: Referral) -> Referral:
    """At the family's request: end every routing, close the case and delete its personal data at once."""
    referral = _lock_referral(referral)
    _require(policy.may_purge(user, referral))
    if referral.purged_at is not None:
        raise Conflict
    now = timezone.now()
    if referral.is_open:
        _withdraw_live_routings(
            referral, Routing.objects.filter(need__referral=referral), actor=user, now=now
        )
        referral.needs.filter(status=NeedStatus.OPEN).update(status=NeedStatus.WITHDRAWN)
        _close_referral(referral, outcome=ReferralOutcome.FAMILY_WITHDREW, actor=user, now=now)
    _erase_personal_data(referral)
    _event(referral, EventKind.PURGED, user)
    audit.log_access(user=user, action=AccessAction.PURGE, reference=referral.reference)
    return referral


@transaction.atomic
def referral_erase_expired(*, referral: Referral) -> bool:
    """Past the retention period: delete a closed case's personal data. False when it was already done."""
    referral = _lock_referral(referral)
    if referral.purged_at is not None:
        return False
    _erase_personal_data(referral)
    _event(referral, EventKind.PURGED, None)
    return True


# Incidents.

INCIDENT_DESCRIPTION_LENGTH = 120


@transaction.atomic
def incident_create(*, user: User, county: County, occurred_at: datetime, description: str) -> Incident:
    """Record an event (a raid, a checkpoint) for the coordinator's hub. The description is its name: short and
    neutral, refused if it holds what notes may not (core.forbidden)."""
    _require(policy.may_record_incident(user))
    assert user.organization_id is not None  # may_record_incident refuses anyone without an organization
    description = description.strip()
    if not description:
        raise ValidationError(_("Describe the incident in a few words."))
    MaxLengthValidator(INCIDENT_DESCRIPTION_LENGTH)(description)
    _check_content(description=description)
    incident = Incident(
        hub_id=user.organization_id,
        county=county,
        occurred_at=occurred_at,
        description=description,
        created_by=user,
    )
    incident.full_clean()
    incident.save()
    return incident


@transaction.atomic
def incident_set_open(*, user: User, incident: Incident, is_open: bool) -> Incident:
    """Close an incident (no more cases linked to it; its page stays) or reopen it."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require(policy.may_close_incident(user, incident))
    if incident.is_open == is_open:
        raise Conflict
    incident.status = IncidentStatus.OPEN if is_open else IncidentStatus.CLOSED
    incident.closed_at = None if is_open else timezone.now()
    incident.save(update_fields=["status", "closed_at"])
    return incident


@transaction.atomic
def referral_link_incident(*, user: User, referral: Referral, incident: Incident | None) -> Referral:
    """Link a case to an open incident of its hub, or (None) unlink it; written to the timeline."""
    referral = _lock_referral(referral)
    _require(policy.may_link_incident(user, referral, incident))
    if referral.incident_id == (incident.pk if incident else None):
        return referral
    referral.incident = incident
    referral.save(update_fields=["incident", "updated_at"])
    _event(referral, EventKind.INCIDENT_LINKED if incident else EventKind.INCIDENT_UNLINKED, user)
    return referral
