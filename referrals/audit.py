"""The access log: who looked at a family's contact details or notes, exported or deleted data, or was given
access to cases. Rows name the person, their role and the case reference, never the values they saw."""

from uuid import UUID

from directory.models import User
from referrals import notifications, policy
from referrals.models import AccessAction, AccessLog


def log_access(*, user: User, action: str, reference: str = "", subject: str = "") -> None:
    AccessLog.objects.create(
        user=user,
        role=user.role,
        organization_id=user.organization_id,
        action=action,
        reference=reference,
        subject=subject,
    )


def log_search(*, user: User, references: list[str]) -> None:
    """A search by name or phone: one row per case it showed (one INSERT whatever their number), or one row with no
    reference when it found nothing; never what was typed."""
    AccessLog.objects.bulk_create(
        AccessLog(
            user=user,
            role=user.role,
            organization_id=user.organization_id,
            action=AccessAction.SEARCH,
            reference=reference,
        )
        for reference in references or [""]
    )


def case_access_granted(*, by: User, account: User) -> None:
    """An administrator gave an account a hub role (volunteer or coordinator), which opens cases to it.

    Administrators see no case details themselves; so that one cannot quietly give themselves access through a
    second account, the grant is logged (the hub's coordinators read it in their access log) and told to the hub's
    other coordinators, or to the other administrators when the hub has none (notifications.case_access_granted)."""
    if not policy.opens_cases(account):
        return
    log_access(user=by, action="grant_case_access", subject=account.email)
    notifications.on_commit(notifications.case_access_granted, account.pk, by.pk)


def coordinator_removed(*, by: User, account: User, hub_id: UUID) -> None:
    """An administrator deactivated, demoted or moved away one of a hub's coordinators.

    Emptying a hub of coordinators is the first step of a quiet grant (deactivate the coordinator, then give an
    alias the role: nobody would be left to tell). So the removal is told to the hub's remaining coordinators, or
    to the other administrators when none remain. The account's own AccountEvent records it."""
    notifications.on_commit(notifications.coordinator_removed, account.pk, by.pk, str(hub_id))
