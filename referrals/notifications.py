"""Emails about referrals, sent through Django's tasks framework.

Emails never contain a name, phone or note: only the reference code, the category, the urgency and a link. Each goes
out in its recipient's language.

Case events (a new referral, an answer, a decline or no answer) go to each person as they chose in their account
(User.notice_digest_minutes): one email per event, or, for routine and urgent cases, a notice queued for the digest
the deadline job sends every N minutes (`notice_digest`). Emergencies always go at once; so does everything sent to
an address rather than a person (an organization's intake address).
"""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.tasks import enqueue_on_commit
from directory.models import User
from referrals import policy
from referrals.models import NoticeKind, PendingNotice, Referral, RoutingStatus, Urgency


def on_commit(task_function, *args) -> None:
    """Queue the email with the change that causes it: a rolled-back change sends nothing, and a committed one cannot
    lose its email (core.tasks.enqueue_on_commit). The worker sends it, retrying while the mail server is down."""
    enqueue_on_commit(task_function, *args)


def _send(*, template: str, recipients: list[tuple[str, str]], context: dict) -> int:
    sent = 0
    for address, language in recipients:
        with translation.override(language):
            subject = render_to_string(f"referrals/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"referrals/email/{template}_body.txt", context)
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return sent


def _addresses(users) -> list[tuple[str, str]]:
    return [(user.email, user.preferred_language) for user in users]


def _tell(*, users, routing, kind: NoticeKind, template: str, context: dict) -> int:
    """Email each person of a case event now, or queue it for their digest if they chose one and the case is not an
    emergency. One notice per person per event: a task run twice queues nothing more. Returns the emails sent now."""
    emergency = routing.need.referral.urgency == Urgency.EMERGENCY
    now: list[User] = []
    later: list[User] = []
    for user in users:
        (later if user.notice_digest_minutes and not emergency else now).append(user)
    PendingNotice.objects.bulk_create(
        [PendingNotice(recipient=user, routing=routing, kind=kind, status=routing.status) for user in later],
        ignore_conflicts=True,
    )
    return _send(template=template, recipients=_addresses(now), context=context)


def _routing_context(routing) -> dict:
    referral = routing.need.referral
    return {
        "reference": referral.reference,
        "category": routing.need.category,
        "urgency": referral.get_urgency_display,
        "routing": routing,
        "organization": routing.organization.name,
        "link": settings.SITE_URL + reverse("referrals:detail", kwargs={"reference": referral.reference}),
    }


def _routing(routing_id: int):
    from referrals.models import Routing

    return Routing.objects.select_related("need__referral", "need__category", "organization").get(
        pk=routing_id
    )


@task
def routing_created(routing_id: int) -> int:
    """A new referral for a partner: its staff and its intake address hear of it."""
    routing = _routing(routing_id)
    context = _routing_context(routing)
    sent = _tell(
        users=policy.partner_staff(routing.organization_id),
        routing=routing,
        kind=NoticeKind.ROUTED,
        template="routing_created",
        context=context,
    )
    if routing.organization.intake_email:
        # An address, not a person: nobody chose a digest for it, so it hears of each referral at once.
        recipients = [(routing.organization.intake_email, settings.LANGUAGE_CODE)]
        sent += _send(template="routing_created", recipients=recipients, context=context)
    return sent


@task
def routing_answered(routing_id: int) -> int:
    """A partner accepted, declined or completed: the volunteer on the case hears of it (its coordinators if none)."""
    routing = _routing(routing_id)
    referral = routing.need.referral
    volunteer = referral.assigned_to or referral.created_by
    # Still on the case (active, and not moved to another organization or role since): else the coordinators.
    users = [volunteer] if policy.manages(volunteer, referral) else policy.coordinators_of(referral.hub_id)
    return _tell(
        users=users,
        routing=routing,
        kind=NoticeKind.ANSWERED,
        template="routing_answered",
        context=_routing_context(routing),
    )


@task
def routing_dropped(routing_id: int) -> int:
    """A partner declined, or did not answer in time (or, for a phone referral, did not pick up): the need is back in
    the hub's escalations, so each of its active coordinators hears of it once, except one who recorded a phone
    referral's answer themselves. On a decline the volunteer on the case also gets the usual answer notice, unless
    they are one of those coordinators or recorded it (one email per person)."""
    routing = _routing(routing_id)
    referral = routing.need.referral
    coordinators = list(policy.coordinators_of(referral.hub_id).exclude(pk=routing.responded_by_id))
    context = _routing_context(routing) | {
        "declined": routing.status == RoutingStatus.DECLINED,
        # A phone referral the hub recorded as not answered (rather than one whose deadline passed).
        "no_answer_by_phone": routing.by_phone
        and routing.status == RoutingStatus.EXPIRED
        and routing.responded_by_id is not None,
        # The reason's label only: the partner's free-text detail may name the family.
        "reason": routing.get_decline_reason_display,
        "link": settings.SITE_URL + reverse("referrals:escalations"),
    }
    sent = _tell(
        users=coordinators,
        routing=routing,
        kind=NoticeKind.DROPPED,
        template="routing_dropped",
        context=context,
    )
    volunteer = referral.assigned_to or referral.created_by
    if (
        routing.status == RoutingStatus.DECLINED
        and policy.manages(volunteer, referral)
        and volunteer not in coordinators
        # Who recorded a phone referral's decline knows of it already.
        and routing.responded_by_id != volunteer.pk
    ):
        sent += _tell(
            users=[volunteer],
            routing=routing,
            kind=NoticeKind.ANSWERED,
            template="routing_answered",
            context=_routing_context(routing),
        )
    return sent


@task
def notice_digest(user_id: int, digest: str) -> int:
    """One email listing the case events the deadline job claimed for a person's digest (referrals/jobs.py), in
    their language, oldest first. Only events of cases they may still open (a person moved to another organization
    or role since hears nothing of the old one's cases), and nothing to a deactivated account."""
    user = User.objects.get(pk=user_id)
    if not user.is_active:
        return 0
    notices = list(
        PendingNotice.objects.filter(recipient=user, digest=digest).select_related(
            "routing__need__referral", "routing__need__category", "routing__organization"
        )
    )
    visible = set(
        Referral.objects.visible_to(user)
        .filter(pk__in={notice.routing.need.referral_id for notice in notices})
        .values_list("pk", flat=True)
    )
    # A partner hears only of its own organization's routings (not of the case's other needs and organizations).
    notices = [
        notice
        for notice in notices
        if notice.routing.need.referral_id in visible
        and (not policy.is_partner_staff(user) or policy.answers_for(user, notice.routing))
    ]
    if not notices:
        return 0
    for notice in notices:
        if notice.kind == NoticeKind.DROPPED:
            notice.link = settings.SITE_URL + reverse("referrals:escalations")
        else:
            reference = notice.routing.need.referral.reference
            notice.link = settings.SITE_URL + reverse("referrals:detail", kwargs={"reference": reference})
    context = {"notices": notices, "link": settings.SITE_URL + reverse("account_notifications")}
    return _send(
        template="notice_digest", recipients=[(user.email, user.preferred_language)], context=context
    )


@task
def follow_ups_due(user_id: int, references: list[str]) -> int:
    """Morning reminder of the follow-ups due today or overdue."""
    user = User.objects.get(pk=user_id)
    context = {
        "references": references,
        "link": settings.SITE_URL + reverse("home"),
    }
    return _send(
        template="follow_ups_due", recipients=[(user.email, user.preferred_language)], context=context
    )


def _watchers_of_hub(hub_id, *, by: User, account: User) -> tuple[list[tuple[str, str]], bool]:
    """Who is told of a change to who can open a hub's cases: the hub's active coordinators other than the account
    concerned; when there are none, the network's other active administrators (neither the one who made the change
    nor the account). Never the account alone. Returns the recipients and whether they are the administrators."""
    coordinators = policy.coordinators_of(hub_id).exclude(pk=account.pk)
    if coordinators.exists():
        return _addresses(coordinators), False
    admins = policy.network_admins().exclude(pk__in=[by.pk, account.pk])
    return _addresses(admins), True


@task
def case_access_granted(account_id: int, granted_by_id: int) -> int:
    """Tell a hub's coordinators (or, if it has none besides the account, the other administrators) that an account
    was given access to the hub's cases."""
    account = User.objects.select_related("organization").get(pk=account_id)
    granted_by = User.objects.get(pk=granted_by_id)
    recipients, to_admins = _watchers_of_hub(account.organization_id, by=granted_by, account=account)
    context = {
        "account": account.email,
        "role": account.get_role_display,
        "hub": account.organization.name if account.organization else "",
        "granted_by": granted_by.email,
        "to_admins": to_admins,
        "link": settings.SITE_URL + reverse("referrals:access_log"),
    }
    return _send(template="case_access_granted", recipients=recipients, context=context)


@task
def coordinator_removed(account_id: int, removed_by_id: int, hub_id: str) -> int:
    """Tell a hub's remaining coordinators (or, if none remain, the other administrators) that one of its
    coordinators was deactivated, demoted or moved away."""
    from directory.models import Organization

    account = User.objects.get(pk=account_id)
    removed_by = User.objects.get(pk=removed_by_id)
    hub = Organization.objects.get(pk=hub_id)
    recipients, to_admins = _watchers_of_hub(hub.pk, by=removed_by, account=account)
    context = {
        "account": account.email,
        "hub": hub.name,
        "removed_by": removed_by.email,
        "to_admins": to_admins,
        "link": settings.SITE_URL + reverse("referrals:access_log"),
    }
    return _send(template="coordinator_removed", recipients=recipients, context=context)
