"""Who may manage which part of the directory, decided here and nowhere else.

Admins manage the whole directory and every account. Partner staff edit their own organization's listing and
services. Coordinators see their team's accounts and record its training. Everyone else has no business in
/manage/. Section pages (lists, "add" pages) answer 403 to people who
cannot use them; a single record someone may not see is a 404, so its existence is not confirmed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from directory.models import (
    HUB_ROLES,
    Organization,
    OrganizationQuerySet,
    Phone,
    Resource,
    Role,
    Service,
    TextAlert,
    User,
    UserQuerySet,
)


def is_directory_admin(user) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def is_listing_editor(user) -> bool:
    """Partner staff keep their own organization's listing current."""
    return user.is_authenticated and user.role == Role.PARTNER and user.organization_id is not None


def require_directory_admin(user) -> None:
    if not is_directory_admin(user):
        raise PermissionDenied


def require_directory_access(user) -> None:
    if not (is_directory_admin(user) or is_listing_editor(user)):
        raise PermissionDenied


def organizations_editable_by(user) -> OrganizationQuerySet:
    if is_directory_admin(user):
        return Organization.objects.all()
    if is_listing_editor(user):
        return Organization.objects.filter(pk=user.organization_id)
    return Organization.objects.none()


def get_organization_for_user(user, slug: str) -> Organization:
    return get_object_or_404(organizations_editable_by(user), slug=slug)


def services_editable_by(user) -> QuerySet[Service]:
    if is_directory_admin(user):
        return Service.objects.all()
    if is_listing_editor(user):
        return Service.objects.filter(organization_id=user.organization_id)
    return Service.objects.none()


def get_service_for_user(user, pk) -> Service:
    return get_object_or_404(services_editable_by(user).select_related("organization"), pk=pk)


# Hotlines, text alerts, resources and accounts are the admins' alone.


def phones_editable_by(user) -> QuerySet[Phone]:
    return Phone.objects.all() if is_directory_admin(user) else Phone.objects.none()


def get_phone_for_user(user, pk) -> Phone:
    return get_object_or_404(phones_editable_by(user).select_related("organization"), pk=pk)


def text_alerts_editable_by(user) -> QuerySet[TextAlert]:
    return TextAlert.objects.all() if is_directory_admin(user) else TextAlert.objects.none()


def get_text_alert_for_user(user, pk) -> TextAlert:
    return get_object_or_404(text_alerts_editable_by(user).select_related("organization"), pk=pk)


def resources_editable_by(user) -> QuerySet[Resource]:
    return Resource.objects.all() if is_directory_admin(user) else Resource.objects.none()


def get_resource_for_user(user, pk) -> Resource:
    return get_object_or_404(resources_editable_by(user).select_related("organization"), pk=pk)


def accounts_manageable_by(user) -> QuerySet[User]:
    return User.objects.all() if is_directory_admin(user) else User.objects.none()


def get_account_for_user(user, pk: int) -> User:
    return get_object_or_404(accounts_manageable_by(user).select_related("organization"), pk=pk)


# Training (who may log intake is referrals.policy's; who records the training that allows it is decided here).
# An administrator records anyone's, a coordinator their own organization's volunteers' and coordinators'; each sees
# those people's training status on their list of accounts (the coordinator's is their team). Another hub's person
# is a 404 to a coordinator; the team list is a 403 to everyone else.


def is_team_coordinator(user) -> bool:
    """A coordinator (active, of an organization): sees their team and records its training."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.COORDINATOR
        and user.organization_id is not None
    )


def require_account_list(user) -> None:
    """The list of accounts: every account for administrators, their team for coordinators."""
    if not (is_directory_admin(user) or is_team_coordinator(user)):
        raise PermissionDenied


def accounts_listed_for(user) -> UserQuerySet:
    if is_directory_admin(user):
        return User.objects.all()
    if is_team_coordinator(user):
        return User.objects.hub_staff(user.organization_id, include_inactive=True)
    return User.objects.none()


def trainees_of(user) -> UserQuerySet:
    """The people whose training `user` records: volunteers and coordinators (the roles that log intake)."""
    if is_directory_admin(user):
        return User.objects.filter(role__in=HUB_ROLES)
    if is_team_coordinator(user):
        return User.objects.hub_staff(user.organization_id, include_inactive=True)
    return User.objects.none()


def get_trainee_for_user(user, pk: int) -> User:
    """A 404 for anyone outside the person's scope (another hub's volunteer, a partner's account)."""
    return get_object_or_404(trainees_of(user).select_related("organization"), pk=pk)


# Review of partners' widenings of their services (directory/manage/coverage.py): the admins' alone.


def reviews_for(user) -> QuerySet[Service]:
    """The services whose widened coverage waits for an admin."""
    if not is_directory_admin(user):
        return Service.objects.none()
    return Service.objects.waiting_for_review()


def get_review_for_user(user, pk) -> Service:
    """One service's review: a 404 for a service the user cannot see at all, a 403 for its own partner's staff
    (they see their service, but do not review their own changes)."""
    service = get_object_or_404(services_editable_by(user).select_related("organization", "category"), pk=pk)
    require_directory_admin(user)
    return service
