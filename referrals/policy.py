"""Who may see and do what on cases, decided here and nowhere else.

Views, forms, filters, selectors, services, the navigation and the emails ask these functions; none of them carries
a role check of its own. (The directory has its own policy in `directory/access.py`.) The rules, in the words of
the role table in DESIGN.md:

- A **volunteer** belongs to a hub organization (one that does intake). They create referrals, and see and update
  the referrals they created or are assigned to ("own").
- A **coordinator** belongs to a hub organization. They may do everything volunteers may, for all referrals of
  their hub ("hub"); route, re-route, reassign, close; see escalations and reports.
- **Partner staff** belong to a partner organization. They see referrals routed to their organization ("routed"),
  and the contact details only while the routing is pending or accepted ("live") and the family's consent covers
  it; they accept, decline, add notes and mark the outcome.
- An **administrator** manages the directory, users and invitations and sees de-identified figures: **no case
  details** (separation of duties).

| action                                        | volunteer | coordinator            | partner                     | admin |
|-----------------------------------------------|-----------|------------------------|-----------------------------|-------|
| create a referral (intake)                    | Y         | Y                      | N                           | N     |
| list / open a referral (no contact details)   | own       | hub                    | routed                      | N     |
| see contact details (name, phone, notes)      | own       | hub                    | routed + live + consent     | N     |
| route a need, withdraw a routing              | own       | hub                    | N                           | N     |
| re-route after decline / expiry (escalations) | N         | hub                    | N                           | N     |
| accept / decline / complete a routing         | N         | N                      | routed + live               | N     |
| record a phone referral's answer and outcome  | own       | hub                    | N                           | N     |
| send outside the suggestions, close as unmet  | N         | hub                    | N                           | N     |
| add a note or follow-up                       | own       | hub                    | routed + live (a note)      | N     |
| close a referral, purge on request            | N         | hub                    | N                           | N     |
| search cases (reference, phone, alias)        | own       | hub                    | N                           | N     |
| export CSV                                    | N         | hub, no contact fields | N                           | N (1) |
| read the access log (2)                       | N         | hub                    | N                           | all   |
| see a report, export its figures (3)          | N         | hub figures            | own org figures             | all   |

(1) DESIGN.md gives admins "network figures only": the reports, not this export of cases.
(2) Not a row of DESIGN.md's table: who read whose details is the hub's to check, and the admins' (who see names
of people and references, never case data).
(3) Counts, shares and times only, never a case (`reports/`). Each role has its own report: the hub report, the
partner report, the network report (administrators: every hub, de-identified). Another role's report is a 404, not
a 403, as the issue that asked for the reports says: a report is a view of records (the hub's cases, an
organization's routings), and the figures of records you may not see are answered like the records themselves.
The CSV of a report holds no count below 5.

Everything not in this table is denied. An inactive account may do nothing here, nor may one without an
organization (an administrator's superuser account, which may have none, still reads the access log). A partner
whose routing ends (declined, withdrawn, expired, completed) keeps seeing the routing's category, dates and outcome,
but no contact details and no notes written after it ended. Once the family withdraws consent, a partner reads no
notes at all (its own included) and writes none (see `may_add_note` for why none). A partner sees only the needs sent
to its organization, its own routings and their timeline, and the hub rather than the hub's staff: on notes and the
timeline a person of another organization is named by their organization (`person_shown`). The follow-up schedule is the hub's:
a partner's follow-up is a note on its routing.

**A record you may not see is a 404; a record you may see but not change is a 403.** A page for a whole section
(the case list, the queue, escalations, the access log, the export, intake) answers 403 to a role that has no use
for it. A change that a role may make but that the case's state no longer allows (a routing answered meanwhile in
another tab) is not an access question: the services answer it with `Conflict` ("reload and look again").
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from directory.models import HUB_ROLES, Role, TrainingStatus, User
from referrals.models import (
    AccessAction,
    Consent,
    Incident,
    IncidentStatus,
    Need,
    Note,
    Referral,
    ReferralEvent,
    Routing,
    RoutingStatus,
)

# Who someone is, as far as cases go.


def _is_active_member(user) -> bool:
    """Signed in, active, and working for an organization: nobody else sees anything of cases."""
    return bool(user.is_authenticated and user.is_active and user.organization_id)


def is_hub_staff(user) -> bool:
    """A volunteer or coordinator (of an organization, active): the people who work on a hub's cases."""
    return _is_active_member(user) and user.role in HUB_ROLES


def is_coordinator(user) -> bool:
    return _is_active_member(user) and user.role == Role.COORDINATOR


def is_partner_staff(user) -> bool:
    return _is_active_member(user) and user.role == Role.PARTNER


def is_network_admin(user) -> bool:
    """An administrator, of any organization (or none: the operator's superuser account). Sees no case details."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.ADMIN)


def hub_staff(organization_id, *, active_only: bool = True) -> QuerySet[User]:
    """The volunteers and coordinators of an organization: who may be given a case or a follow-up."""
    return User.objects.hub_staff(organization_id, include_inactive=not active_only)


def partner_staff(organization_id) -> QuerySet[User]:
    """The active partner staff of an organization: who hears of a new referral to it."""
    return User.objects.filter(organization_id=organization_id, role=Role.PARTNER, is_active=True)


def network_admins() -> QuerySet[User]:
    """The active administrators: who hears of a change to a hub's case access when the hub has no coordinator."""
    return User.objects.filter(role=Role.ADMIN, is_active=True)


def coordinators_of(organization_id) -> QuerySet[User]:
    """The active coordinators of a hub: who hears of what nobody else on a case can answer."""
    return User.objects.filter(organization_id=organization_id, role=Role.COORDINATOR, is_active=True)


def may_be_assigned(account: User, referral: Referral) -> bool:
    """A case or a follow-up goes to a volunteer or coordinator of the case's hub, and to nobody else."""
    return is_hub_staff(account) and account.organization_id == referral.hub_id


def assignee_on_intake(user: User) -> User | None:
    """A volunteer who logs a case keeps it; a coordinator who logs one leaves it for someone to be assigned."""
    return user if user.role == Role.VOLUNTEER else None


def opens_cases(account: User) -> bool:
    """An account whose role opens a hub's cases to it: giving one is logged and told to the hub's coordinators."""
    return is_hub_staff(account)


# Section pages: a role with no use for one gets a 403.


def may_create_referral(user) -> bool:
    """Intake: volunteers and coordinators of an organization that does intake. Volunteers also need current
    training (`intake_training_missing`), which the intake views ask next, so that they can say why."""
    return is_hub_staff(user) and user.organization.is_hub


def needs_training_for_intake(user) -> bool:
    """Only currently trained volunteers log intake (DESIGN.md). Coordinators are the ones who record training
    and answer for their hub's intake, so the rule is not theirs: a hub is never left with nobody able to log a
    family because a coordinator's certificate lapsed."""
    return is_hub_staff(user) and user.role == Role.VOLUNTEER


def intake_training_missing(user) -> TrainingStatus | None:
    """The volunteer's training status when it stops them logging intake (none recorded, or expired), None when
    nothing does. One query the first time it is asked in a request (User.training_status)."""
    if not needs_training_for_intake(user):
        return None
    status = user.training_status()
    return None if status.is_current else status


def who_records_training(user) -> tuple[list, list]:
    """Whom a volunteer asks to record their training: their hub's active coordinators, by name; or, if the hub has
    none, the network's administrators (the second list is then the one to show)."""
    order = ("display_name", "email")
    coordinators = list(
        User.objects.hub_staff(user.organization).filter(role=Role.COORDINATOR).order_by(*order)
    )
    if coordinators:
        return coordinators, []
    return [], list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by(*order))


def may_list_cases(user) -> bool:
    return is_hub_staff(user) or is_partner_staff(user)


def may_use_queue(user) -> bool:
    return is_partner_staff(user)


def may_see_escalations(user) -> bool:
    return is_coordinator(user)


def may_see_access_log(user) -> bool:
    return is_coordinator(user) or is_network_admin(user)


def may_export(user) -> bool:
    return is_coordinator(user)


def may_see_hub_report(user) -> bool:
    """The hub report: the figures of the coordinator's own hub."""
    return is_coordinator(user)


def may_see_network_report(user) -> bool:
    """The network report: every hub's figures, de-identified, for administrators (who see no case)."""
    return is_network_admin(user)


def may_see_partner_report(user) -> bool:
    """The partner report: the figures of the routings to the person's own organization, and nothing else."""
    return is_partner_staff(user)


def may_see_reports(user) -> bool:
    """Whether the person has a report at all (the top bar's link)."""
    return may_see_hub_report(user) or may_see_network_report(user) or may_see_partner_report(user)


def may_search_cases(user) -> bool:
    """Searching by reference, phone or alias (the search page, the duplicate-phone hint) is for hub staff only."""
    return is_hub_staff(user)


def has_follow_ups(user) -> bool:
    """Hub staff have follow-ups due on My work; partners have a queue instead."""
    return is_hub_staff(user)


def sees_hub_work(user) -> bool:
    """Who works on a hub's cases, the other organizations involved and the follow-up schedule: hub staff only."""
    return is_hub_staff(user)


# Which referrals: the list scope, and one record.


def visible_referrals[QS: QuerySet[Referral]](user, queryset: QS) -> QS:
    """The referrals a person may open ("own", "hub" or "routed"). Everything else is a 404 for them."""
    if is_coordinator(user):
        return queryset.filter(hub_id=user.organization_id)
    if is_hub_staff(user):
        return queryset.filter(hub_id=user.organization_id).filter(Q(created_by=user) | Q(assigned_to=user))
    if is_partner_staff(user):
        routed = Routing.objects.filter(need__referral=OuterRef("pk"), organization_id=user.organization_id)
        return queryset.filter(Exists(routed))
    return queryset.none()


def manages(user, referral: Referral) -> bool:
    """Volunteers manage the cases they logged or are assigned; coordinators every case of their hub."""
    if not is_hub_staff(user) or referral.hub_id != user.organization_id:
        return False
    return user.role == Role.COORDINATOR or user.pk in (referral.created_by_id, referral.assigned_to_id)


def coordinates(user, referral: Referral) -> bool:
    """A coordinator of the case's hub: reassigns, re-routes, closes and purges it."""
    return is_coordinator(user) and manages(user, referral)


def may_route(user, referral: Referral) -> bool:
    """Route a need, withdraw a routing or a need, withdraw consent, add a follow-up or mark one done."""
    return manages(user, referral)


def may_reroute(user, referral: Referral) -> bool:
    return coordinates(user, referral)


def may_send(user, referral: Referral, need_routings) -> bool:
    """Send one need: hub staff on the case, until an organization declined it, let it lapse or did not answer the
    hub's call; from then on where it goes next is the coordinators' to decide (the escalations)."""
    dropped = any(
        routing.status in (RoutingStatus.DECLINED, RoutingStatus.EXPIRED) or routing.is_overdue
        for routing in need_routings
    )
    return may_reroute(user, referral) if dropped else manages(user, referral)


def may_assign(user, referral: Referral) -> bool:
    return coordinates(user, referral)


def may_close(user, referral: Referral) -> bool:
    return coordinates(user, referral)


def may_purge(user, referral: Referral) -> bool:
    return coordinates(user, referral)


def get_referral_for_user(
    user, reference: str, *, write: bool = False, queryset: QuerySet[Referral] | None = None
) -> Referral:
    """The referral if the user may see it (404 otherwise); with write=True, 403 for those who may only look.
    `queryset`: referral rows with what a page reads annotated (the case page's), scoped here like any."""
    queryset = Referral.objects.all() if queryset is None else queryset
    referral = get_object_or_404(
        visible_referrals(user, queryset).select_related(
            "hub", "county", "language", "created_by", "assigned_to", "incident"
        ),
        reference=reference,
    )
    if write and not manages(user, referral):
        raise PermissionDenied
    return referral


# Routings: which a person sees, and who answers them.


def answers_for(user, routing: Routing) -> bool:
    """Partner staff of the organization a routing was sent to: the only people who answer it."""
    return is_partner_staff(user) and routing.organization_id == user.organization_id


def records_phone_answer(user, routing: Routing) -> bool:
    """A phone referral's answer (accepted / declined / no answer, then the outcome) is recorded by the hub staff
    who manage the case: the organization has nobody in the app to do it."""
    return routing.by_phone and manages(user, routing.need.referral)


def may_answer_routing(user, routing: Routing) -> bool:
    """Accept, decline, complete, or add a note: the routed partner, while the routing is live. (When it is no
    longer live because someone answered meanwhile, the services say "reload" rather than refuse.)"""
    return answers_for(user, routing) and routing.is_live


def get_routing_for_partner(user, referral: Referral, routing_id: int) -> Routing:
    """A routing of this referral the person may see (404 otherwise), if it is theirs to answer (403 otherwise)."""
    routing = get_object_or_404(
        Routing.objects.select_related("need__category", "need__referral").filter(
            pk__in=routings_visible_to(user, referral).values("pk")
        ),
        pk=routing_id,
    )
    if not answers_for(user, routing):
        raise PermissionDenied
    return routing


def _partner_scoped(user, routings: QuerySet[Routing]) -> QuerySet[Routing]:
    if is_partner_staff(user):
        return routings.filter(organization_id=user.organization_id)
    if is_hub_staff(user):
        return routings
    return routings.none()


def routings_visible_to(user, referral: Referral) -> QuerySet[Routing]:
    """Hub staff see every routing of the case; a partner only its own organization's."""
    routings = Routing.objects.select_related("organization", "service", "need__category").order_by(
        "created_at"
    )
    return _partner_scoped(user, routings).filter(need__referral=referral)


def own_routings(user, routings) -> list[Routing]:
    """Of the routings on a page, those this person answers for (a partner's own)."""
    return [routing for routing in routings if answers_for(user, routing)]


def prefetch_routings_for(user) -> Prefetch:
    queryset = Routing.objects.select_related("organization", "service").order_by("created_at")
    return Prefetch("routings", queryset=_partner_scoped(user, queryset))


def _needs_scoped(user, needs: QuerySet[Need]) -> QuerySet[Need]:
    if is_partner_staff(user):
        return needs.filter(routings__organization_id=user.organization_id).distinct()
    if is_hub_staff(user):
        return needs
    return needs.none()


def needs_visible_to(user, referral: Referral) -> QuerySet[Need]:
    """Hub staff see every need of the case; a partner only the needs sent to its organization (a food pantry must
    not learn that the family also needs a bond fund)."""
    return _needs_scoped(user, Need.objects.filter(referral=referral).select_related("category"))


def prefetch_needs_for(user) -> Prefetch:
    needs = Need.objects.select_related("category").prefetch_related(prefetch_routings_for(user))
    return Prefetch("needs", queryset=_needs_scoped(user, needs))


def referrals_with_need[QS: QuerySet[Referral]](user, queryset: QS, category) -> QS:
    """Filter cases by a need, counting for a partner only the needs sent to its organization. An EXISTS: each case
    once, without DISTINCT over the list."""
    needs = Need.objects.filter(referral=OuterRef("pk"), category=category)
    if is_partner_staff(user):
        needs = needs.filter(routings__organization_id=user.organization_id)
    return queryset.filter(Exists(needs))


# Contact details, notes and the timeline.


def active_consent(referral: Referral) -> Consent | None:
    """The consent in force, if any. Read from the case's consents: one query, none when the caller prefetched
    `consents` (the case page)."""
    return _in_force(referral.consents.all())


def _in_force(consents) -> Consent | None:
    now = timezone.now()
    return next((consent for consent in consents if consent.is_active(now)), None)


def can_see_contact(
    user, referral: Referral, *, consent: Consent | None = None, routings: list[Routing] | None = None
) -> bool:
    """Hub staff on the case always; a partner only while its routing is live and the family's consent covers it.
    `routings`: the case's routings this person sees (`routings_visible_to`), when the caller has loaded them."""
    if manages(user, referral):
        return True
    if not is_partner_staff(user) or not referral.is_open:
        return False
    consent = consent if consent is not None else active_consent(referral)
    if consent is None:
        return False
    covered = {category.pk for category in consent.categories.all()}
    routings = routings if routings is not None else list(routings_visible_to(user, referral))
    now = timezone.now()
    return any(
        routing.organization_id == user.organization_id
        and routing.need.referral_id == referral.pk
        and routing.need.category_id in covered
        # A pending routing past its deadline is over, even before process_deadlines marks it expired.
        and (
            routing.status == RoutingStatus.ACCEPTED
            or (routing.status == RoutingStatus.PENDING and routing.deadline > now)
        )
        for routing in routings
    )


def consent_withdrawn(referral: Referral, *, consent: Consent | None = None) -> bool:
    """The family took back its consent (and gave none since). `consent`: the active one, if the caller has it."""
    if consent is not None:
        return False
    consents = list(referral.consents.all())  # one read for both questions (none if prefetched)
    return _in_force(consents) is None and any(consent.revoked_at is not None for consent in consents)


def notes_visible_to(
    user,
    referral: Referral,
    notes: QuerySet[Note],
    *,
    routings: list[Routing],
    show_contact: bool,
    consent: Consent | None = None,
) -> QuerySet[Note]:
    """Hub staff on the case read every note. A partner reads its own routings' notes up to each routing's end, and
    the hub's notes only while it may see the contact details. `routings`: those of the case the person sees;
    `consent`: the case's active consent, if the caller has read it.

    Once the family withdraws consent a partner reads no notes about it, its own included: notes are free text, and
    a partner's own note may hold what consent covered (one held the family's new phone number)."""
    if manages(user, referral):
        return notes
    if consent_withdrawn(referral, consent=consent):
        return notes.none()
    allowed = Q(pk__in=[])
    for routing in own_routings(user, routings):
        condition = Q(routing=routing)
        if routing.ended_at:
            condition &= Q(created_at__lte=routing.ended_at)
        allowed |= condition
    if show_contact and is_partner_staff(user):
        allowed |= Q(routing__isnull=True)
    return notes.filter(allowed)


def events_visible_to(
    user, referral: Referral, events: QuerySet[ReferralEvent], *, routings: list[Routing]
) -> QuerySet[ReferralEvent]:
    """Hub staff on the case read the whole timeline; a partner only the events of its own routings."""
    if manages(user, referral):
        return events
    return events.filter(routing__in=own_routings(user, routings))


def may_add_note(
    user, referral: Referral, routing: Routing | None, *, consent: Consent | None = None
) -> bool:
    """Hub staff on the case write notes on the case; a partner only on its own live routing, and not once the family
    has withdrawn consent.

    Why none at all after the withdrawal, rather than "a note that says what it did, without contact details": no
    check can tell a note without contact details from one with them (a phone number spelled out, an address in
    words), and the partner could not read its note back anyway. The partner still accepts, declines and records the
    outcome, which is what the hub needs to know; anything else it tells the hub by phone.
    `consent`: the case's active consent, if the caller has read it."""
    if routing is None:
        return manages(user, referral)
    return may_answer_routing(user, routing) and not consent_withdrawn(referral, consent=consent)


def person_shown(user, referral: Referral, person: User) -> str:
    """How a person of the case (a note's author, who did something on the timeline) is named to this viewer: by
    name to hub staff who manage the case and to the person's own colleagues; to anyone else (a partner looking at
    the hub's work) by their organization. Partners learn which hub works on the case, not who at the hub does."""
    if manages(user, referral) or person.organization_id == user.organization_id:
        return str(person)
    return person.organization.name if person.organization is not None else ""


# Incidents: one event (a raid, a checkpoint) many families are linked to.
#
# | action                              | volunteer          | coordinator | partner                                |
# |-------------------------------------|--------------------|-------------|----------------------------------------|
# | record, close or reopen an incident | N                  | hub         | N                                      |
# | link a case to one of the hub's     | own cases          | hub         | N                                      |
# | see an incident's page              | hub's, own cases   | hub         | name and date, own routed needs only   |
#
# Another hub's incident is a 404, as is an incident a partner has no routed need of.


def may_see_incidents(user) -> bool:
    """The incident list and the war room: hub staff of an organization that does intake."""
    return is_hub_staff(user) and user.organization.is_hub


def may_record_incident(user) -> bool:
    """Record a new incident: coordinators of a hub."""
    return is_coordinator(user) and user.organization.is_hub


def may_close_incident(user, incident: Incident) -> bool:
    """Close or reopen an incident: the coordinators of its hub."""
    return is_coordinator(user) and incident.hub_id == user.organization_id


def incidents_visible_to[QS: QuerySet[Incident]](user, queryset: QS) -> QS:
    """Hub staff see their hub's incidents; a partner those with a need routed to its organization; nobody else any."""
    if is_hub_staff(user):
        return queryset.filter(hub_id=user.organization_id)
    if is_partner_staff(user):
        routed = Routing.objects.filter(
            need__referral__incident=OuterRef("pk"), organization_id=user.organization_id
        )
        return queryset.filter(Exists(routed))
    return queryset.none()


def get_incident_for_user(user, incident_id: int) -> Incident:
    """The incident if the person may see it, a 404 otherwise (another hub's, or a partner with no need of it)."""
    return get_object_or_404(
        incidents_visible_to(user, Incident.objects.select_related("hub", "county")), pk=incident_id
    )


def incident_choices(user) -> QuerySet[Incident]:
    """The incidents a case may be linked to by this person: their hub's open ones (none for anyone else)."""
    if not is_hub_staff(user):
        return Incident.objects.none()
    return Incident.objects.filter(hub_id=user.organization_id, status=IncidentStatus.OPEN).select_related(
        "county"
    )


def may_link_incident(user, referral: Referral, incident: Incident | None) -> bool:
    """Link a case to an incident (or unlink it): hub staff who manage the case, to an open incident of its hub."""
    if not manages(user, referral):
        return False
    return incident is None or (incident.hub_id == referral.hub_id and incident.is_open)


def incident_referrals[QS: QuerySet[Referral]](user, incident: Incident, queryset: QS) -> QS:
    """The linked families a person sees on an incident's page: those of the cases they may open (a coordinator
    all, a volunteer their own). Partners see needs, not families (`incident_routings`)."""
    if not is_hub_staff(user):
        return queryset.none()
    return visible_referrals(user, queryset).filter(incident=incident)


def incident_routings(user, incident: Incident, queryset: QuerySet[Routing]) -> QuerySet[Routing]:
    """What a partner sees of an incident: the routings to its own organization of the linked needs."""
    if not is_partner_staff(user):
        return queryset.none()
    return queryset.filter(need__referral__incident=incident, organization_id=user.organization_id)


# Search, the access log and the export.


def search_scope[QS: QuerySet[Referral]](user, queryset: QS) -> QS:
    """The cases a search may find: those the person may open ("own" or "hub"), if they may search at all."""
    return visible_referrals(user, queryset) if may_search_cases(user) else queryset.none()


def duplicate_hint_scope[QS: QuerySet[Referral]](user, queryset: QS) -> QS:
    """The other cases the duplicate-phone hint may name: those the person may open, if they may search at all."""
    return visible_referrals(user, queryset) if may_search_cases(user) else queryset.none()


def counts_hidden_duplicates(user) -> bool:
    """Only coordinators hear of matches they cannot open: otherwise any volunteer could test whether a phone number
    belongs to a family with a case."""
    return is_coordinator(user)


def access_log_scope(user, queryset):
    """Coordinators read their hub's cases' rows, the grants of case access to their hub's staff (the row's
    subject is the account's address: the grant an administrator cannot make quietly) and their staff's searches
    that found nothing; administrators every row (names of people, never case data)."""
    if is_network_admin(user):
        return queryset
    if is_coordinator(user):
        hub_cases = Q(reference__in=Referral.objects.filter(hub_id=user.organization_id).values("reference"))
        hub_grants = Q(
            action=AccessAction.GRANT_CASE_ACCESS,
            reference="",
            subject__in=User.objects.filter(organization_id=user.organization_id).values("email"),
        )
        # A search by name or phone that found nothing still shows who searched (the hub's own staff).
        hub_searches = Q(action=AccessAction.SEARCH, reference="", organization_id=user.organization_id)
        return queryset.filter(hub_cases | hub_grants | hub_searches)
    return queryset.none()


def export_scope[QS: QuerySet[Referral]](user, queryset: QS) -> QS:
    """The coordinator's own hub's cases (the export has no contact fields); nobody else's."""
    return visible_referrals(user, queryset) if may_export(user) else queryset.none()


def hub_report_scope[QS: QuerySet[Referral]](user, queryset: QS) -> QS:
    """The cases a hub report counts: every case of the coordinator's hub."""
    return queryset.filter(hub_id=user.organization_id) if may_see_hub_report(user) else queryset.none()


def network_report_scope[QS: QuerySet[Referral]](user, queryset: QS) -> QS:
    """The cases the network report counts: every hub's, for administrators (figures only, never a case)."""
    return queryset if may_see_network_report(user) else queryset.none()


def partner_report_scope[QS: QuerySet[Routing]](user, queryset: QS) -> QS:
    """The routings a partner report counts: those to the person's own organization, never another's."""
    return (
        queryset.filter(organization_id=user.organization_id)
        if may_see_partner_report(user)
        else queryset.none()
    )


def follow_ups_due_scope(user, queryset):
    """My work's follow-ups: a coordinator's are the hub's, a volunteer's those of their cases assigned to them."""
    if not has_follow_ups(user):
        return queryset.none()
    due = queryset.filter(referral__in=visible_referrals(user, Referral.objects.all()))
    return due if is_coordinator(user) else due.filter(assigned_to=user)


def assignee_choices(user) -> QuerySet[User]:
    """The case list's "assigned to" filter: the person's own hub's staff, for hub staff only."""
    return hub_staff(user.organization_id, active_only=False) if sees_hub_work(user) else User.objects.none()
