import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.crypto import EncryptedTextField
from core.phones import format_family_phone
from directory.models import County, Language, Organization, Service, ServiceCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from referrals.forms import CompleteForm, DeclineForm, PhoneAnswerForm
    from referrals.suggestions import Suggestion

# Reference codes avoid letters and digits that are easy to confuse when read over the phone (0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReferralOutcome(models.TextChoices):
    HELPED = "helped", _("Family helped")
    PARTLY_HELPED = "partly_helped", _("Family partly helped")
    NOT_HELPED = "not_helped", _("Could not help")
    FAMILY_WITHDREW = "family_withdrew", _("Family withdrew")
    UNREACHABLE = "unreachable", _("Could not reach the family")


class IncidentStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("incident status", "Open")
    CLOSED = "closed", pgettext_lazy("incident status", "Closed")


class Incident(models.Model):
    """One event (a workplace raid, a checkpoint, a wave of arrests) recorded by a hub's coordinator; the families
    it hit are linked to it (Referral.incident) and its page is the coordinators' live view of their needs.

    Its description is its name on every page, partners' included: short, neutral, never about a person (the same
    rule as notes, core.forbidden)."""

    hub = models.ForeignKey(
        Organization,
        verbose_name=_("hub"),
        on_delete=models.PROTECT,
        related_name="incidents",
        # incident_hub_status_idx starts with this column: a second index on it alone would only cost writes.
        db_index=False,
    )
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.CharField(_("short description"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            # The incident list and the intake choices: a hub's (open) incidents, newest first.
            models.Index(fields=["hub", "status", "-occurred_at"], name="incident_hub_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=IncidentStatus.values), name="incident_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=IncidentStatus.OPEN, closed_at__isnull=True)
                | Q(status=IncidentStatus.CLOSED, closed_at__isnull=False),
                name="incident_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("referrals:incident_detail", kwargs={"incident_id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == IncidentStatus.OPEN


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReferralQuerySet":
        """The referrals a person may open; decided by referrals.policy (imported here: it imports these models)."""
        from referrals.policy import visible_referrals

        return visible_referrals(user, self)


class Referral(models.Model):
    """One family's case, owned by the hub organization that took the call."""

    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    hub = models.ForeignKey(
        Organization,
        verbose_name=_("hub"),
        on_delete=models.PROTECT,
        related_name="referrals",
        # referral_hub_created_idx starts with this column: a second index on it alone would only cost writes.
        db_index=False,
    )
    county = models.ForeignKey(County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+")
    language = models.ForeignKey(
        Language, verbose_name=_("preferred language"), on_delete=models.PROTECT, related_name="+"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.URGENT)
    contact_name = EncryptedTextField(_("name or alias"), blank=True)
    contact_phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    safe_to_call = models.BooleanField(_("safe to call"), default=True)
    safe_to_text = models.BooleanField(_("safe to text"), default=False)
    best_times = EncryptedTextField(_("best times to reach them"), blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("logged by")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        verbose_name=_("assigned volunteer"),
    )
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    intake_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # The event that hit the family (a raid...), if any: linked at intake or later by hub staff on the case.
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    # Set by the incident page (referrals.selectors.incident_board); not stored.
    decide_now: bool
    need_rows: "list[Need]"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            # The case list: a hub's cases, newest first, and its keyset pages (created_at, id) < (…, …).
            models.Index(fields=["hub", "-created_at", "-id"], name="referral_hub_created_idx"),
            # My work's open cases and the escalations' join: a hub's open cases, newest first.
            models.Index(fields=["hub", "status", "-created_at"], name="referral_hub_status_idx"),
            # The retention purge: closed cases past the retention period whose data is still there.
            models.Index(fields=["status", "closed_at", "purged_at"], name="referral_purge_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="referral_urgency_valid"),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.OPEN, outcome="", closed_at__isnull=True)
                | Q(status=ReferralStatus.CLOSED, closed_at__isnull=False) & ~Q(outcome=""),
                name="referral_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", kwargs={"reference": self.reference})

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN

    @property
    def display_phone(self) -> str:
        """919-555-0143 for a US number, +52 55 1234 5678 for any other (the tel: link uses the stored E.164)."""
        return format_family_phone(self.contact_phone)


class NeedStatus(models.TextChoices):
    # "need" is feminine in Spanish ("necesidad"): its statuses get their own translations.
    OPEN = "open", pgettext_lazy("need status", "Open")
    HELPED = "helped", pgettext_lazy("need status", "Helped")
    NOT_HELPED = "not_helped", pgettext_lazy("need status", "Could not be helped")
    WITHDRAWN = "withdrawn", pgettext_lazy("need status", "Withdrawn")


class Need(models.Model):
    """One kind of help a family needs; routed to one organization at a time."""

    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        related_name="needs",
        # need_referral_status_idx starts with this column: a second index on it alone would only cost writes.
        db_index=False,
    )
    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    # Set by the case page (referrals.views.cases.case_context) for its template; not stored.
    visible_routings: "list[Routing]"
    live_routing: "Routing | None"
    suggestions: "list[Suggestion]"
    phone_suggestions: "list[Suggestion]"
    awaits_coordinator: bool
    # Set by the escalations (referrals.views.lists.escalation_rows); not stored.
    dropped: "Routing | None"
    waiting_since: "datetime"
    next_suggestion: "Suggestion | None"
    # Set by the incident page (referrals.selectors.incident_board); not stored.
    state: str
    state_label: "StrOrPromise"

    class Meta:
        ordering = ["category__position"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            # Escalations: the open needs of a hub's open cases.
            models.Index(fields=["referral", "status"], name="need_referral_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["referral", "category"], name="need_unique_category"),
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.referral.reference} · {self.category.code}"

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.OPEN

    @property
    def latest_routing(self) -> "Routing | None":
        """The most recent routing, from prefetched rows when the list view prefetched them."""
        routings = list(self.routings.all())
        return max(routings, key=lambda routing: routing.created_at) if routings else None


class RoutingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    COMPLETED = "completed", _("Completed")


LIVE_ROUTING = [RoutingStatus.PENDING, RoutingStatus.ACCEPTED]


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity right now")
    OUT_OF_AREA = "out_of_area", _("Outside our service area")
    NOT_ELIGIBLE = "not_eligible", _("Family is not eligible")
    NOT_OUR_SERVICE = "not_our_service", _("We do not offer this service")
    LANGUAGE = "language", _("We cannot serve in the family's language")
    OTHER = "other", _("Other reason")


class RoutingOutcome(models.TextChoices):
    HELPED = "helped", _("Helped")
    NOT_HELPED = "not_helped", _("Could not help")


class Routing(models.Model):
    """A need sent to one organization: pending until it accepts, declines or the deadline passes."""

    # Set by the case page for the partner's answer forms (one per routing, each with its own element ids); not stored.
    decline_form: "DeclineForm"
    complete_form: "CompleteForm"
    phone_answer_form: "PhoneAnswerForm"

    # Keeps its own index: on PostgreSQL, turning db_index off drops every b-tree index on the column that is not in
    # Meta.indexes, routing_one_live_per_need's unique index included.
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="routings")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="routings",
        # routing_queue_idx starts with this column: a second index on it alone would only cost writes.
        db_index=False,
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="routings",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoutingStatus.choices, default=RoutingStatus.PENDING
    )
    deadline = models.DateTimeField(_("answer needed by"))
    decline_reason = models.CharField(_("reason"), max_length=20, choices=DeclineReason.choices, blank=True)
    decline_note = EncryptedTextField(_("details"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=RoutingOutcome.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Referred by phone: the organization has no active staff account to answer in the app, so the hub called it
    # and records its answer (accepted / declined / no answer). Same deadlines and escalation as any routing.
    by_phone = models.BooleanField(_("referred by phone"), default=False)
    # The partner queue's order: waiting for an answer (0), accepted (1), then the rest (2). Stored by the database
    # from the status, so that routing_queue_idx reads a queue page in order, whatever its length.
    queue_rank = models.GeneratedField(
        expression=models.Case(
            models.When(status=RoutingStatus.PENDING, then=models.Value(0)),
            models.When(status=RoutingStatus.ACCEPTED, then=models.Value(1)),
            default=models.Value(2),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        indexes = [
            # The partner queue: an organization's routings, waiting then accepted then the rest, soonest deadline
            # first (and its keyset pages); its badge: pending ones still in time.
            models.Index(fields=["organization", "queue_rank", "deadline", "id"], name="routing_queue_idx"),
            # Escalations: does a need have a live, declined or expired routing?
            models.Index(fields=["need", "status"], name="routing_need_status_idx"),
            # The deadline job: pending routings past their deadline.
            models.Index(fields=["status", "deadline"], name="routing_status_deadline_idx"),
            # The suggestions' spare places: each service's live (pending or accepted) routings.
            models.Index(
                fields=["service"], condition=Q(status__in=LIVE_ROUTING), name="routing_live_service_idx"
            ),
            # The suggestions' response times: an organization's answered routings of the last months.
            models.Index(
                fields=["organization", "created_at"],
                condition=Q(responded_at__isnull=False),
                include=["responded_at"],
                name="routing_answered_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["need"], condition=Q(status__in=LIVE_ROUTING), name="routing_one_live_per_need"
            ),
            models.CheckConstraint(condition=Q(status__in=RoutingStatus.values), name="routing_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=RoutingStatus.DECLINED) | ~Q(decline_reason=""),
                name="routing_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=RoutingStatus.COMPLETED) | ~Q(outcome=""),
                name="routing_completion_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.organization}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_ROUTING

    @property
    def is_overdue(self) -> bool:
        return self.status == RoutingStatus.PENDING and self.deadline <= timezone.now()


class Consent(models.Model):
    """The family's agreement to share contact details with the organizations their needs are routed to."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    categories = models.ManyToManyField(ServiceCategory, verbose_name=_("needs it covers"), related_name="+")
    explained_in = models.ForeignKey(
        Language, verbose_name=_("explained in"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(revoked_at__isnull=True),
                name="consent_one_active_per_referral",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral.reference} consent"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class EventKind(models.TextChoices):
    CREATED = "created", _("Case logged")
    CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ROUTED = "routed", _("Need sent to an organization")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    WITHDRAWN = "withdrawn", _("Routing withdrawn")
    COMPLETED = "completed", _("Completed")
    NOTE = "note", _("Note added")
    FOLLOW_UP = "follow_up", _("Follow-up scheduled")
    FOLLOW_UP_DONE = "follow_up_done", _("Follow-up done")
    ASSIGNED = "assigned", _("Assigned")
    NEED_WITHDRAWN = "need_withdrawn", _("Need withdrawn")
    NEED_UNMET = "need_unmet", _("Need closed as unmet")
    CLOSED = "closed", _("Case closed")
    INCIDENT_LINKED = "incident_linked", _("Linked to an incident")
    INCIDENT_UNLINKED = "incident_unlinked", _("No longer linked to an incident")
    PURGED = "purged", _("Personal data deleted")


class ReferralEvent(models.Model):
    """The append-only timeline of a referral: who did what, when, from which state to which."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    routing = models.ForeignKey(
        Routing, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    need = models.ForeignKey(Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    # Why the hub sent a need to a full service or outside the suggestions, or closed it as unmet. Free text typed by
    # hub staff, so encrypted like a note, and shown on the timeline to hub staff only.
    detail = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    # Set by the case page (referrals.views.cases.case_context) for its template; not stored.
    shown_actor: str  # policy.person_shown: a name, or the actor's organization

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.referral.reference} {self.kind}"


class Note(models.Model):
    """A free-text note on a case, encrypted. Partners' notes are tied to their routing."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="case_notes")
    routing = models.ForeignKey(
        Routing, on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    # Set by the case page (referrals.views.cases.case_context) for its template; not stored.
    shown_author: str  # policy.person_shown: a name, or the author's organization

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral.reference} note"


class FollowUp(models.Model):
    """A reminder to check on the family by a date."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    due_date = models.DateField(_("due"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("who"),
        # follow_up_due_idx starts with this column: a second index on it alone would only cost writes.
        db_index=False,
    )
    note = EncryptedTextField(_("what to check"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            # My work and the reminder job: a person's follow-ups not yet done, by due date.
            models.Index(fields=["assigned_to", "done_at", "due_date"], name="follow_up_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.referral.reference} follow-up {self.due_date}"


class AccessAction(models.TextChoices):
    VIEW_CONTACT = "view_contact", _("Saw contact details")
    PURGE = "purge", _("Deleted personal data")
    EXPORT = "export", _("Exported data")
    GRANT_CASE_ACCESS = "grant_case_access", _("Gave an account access to cases")
    SEARCH = "search", _("Searched cases by name or phone")


class AccessLog(models.Model):
    """Who saw a case's contact details or exported data, and when. Never holds the values themselves."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=40, choices=AccessAction.choices)
    reference = models.CharField(max_length=12, blank=True)
    # For account changes: the account concerned (staff, never a family).
    subject = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.reference}"


class JobRun(models.Model):
    """When a scheduled job last finished: /healthz reads it to tell that the scheduler has stopped."""

    name = models.CharField(max_length=50, unique=True)
    last_success = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.last_success}"


class NoticeKind(models.TextChoices):
    """Which email a notice waiting for a digest stands for (referrals/notifications.py)."""

    ROUTED = "routed", _("New referral for your organization")
    ANSWERED = "answered", _("Answered by the organization")
    DROPPED = "dropped", _("Declined or not answered in time")


class PendingNotice(models.Model):
    """A case event for a person who chose to hear of routine and urgent events in a digest
    (User.notice_digest_minutes) rather than one email each. The deadline job (referrals/jobs.py) sends each person
    one email listing theirs once the oldest has waited their interval, and marks them sent. It holds which routing
    and what happened to it (its status when told), never anything about the family."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        # notice_waiting_idx starts with this column: a second index on it alone would only cost writes.
        db_index=False,
    )
    routing = models.ForeignKey(Routing, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    status = models.CharField(max_length=10, choices=RoutingStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Which digest claimed it: the email lists exactly the notices its run marked sent, even with two runs at once.
    digest = models.UUIDField(null=True, blank=True, editable=False)

    # Set by notifications.notice_digest for its template; not stored.
    link: str

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # The digest job: each person's notices not sent yet, oldest first.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(sent_at__isnull=True),
                name="notice_waiting_idx",
            ),
            models.Index(fields=["digest"], name="notice_digest_idx"),
        ]
        constraints = [
            # One notice per person per event, even if the task that queues it runs twice.
            models.UniqueConstraint(
                fields=["recipient", "routing", "kind", "status"], name="notice_once_per_event"
            ),
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="notice_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=RoutingStatus.values), name="notice_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.routing_id}"
