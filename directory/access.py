"""Who may manage which part of the directory, decided here and nowhere else.

Admins manage the whole directory and every account. Partner staff edit their own organization's listing and
services. Everyone else has no business in /manage/. Section pages (lists, "add" pages) answer 403 to people who
cannot use them; a single record someone may not see is a 404, so its existence is not confirmed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from directory.models import (
    Organization,
    OrganizationQuerySet,
    Phone,
    Resource,
    Role,
    Service,
    TextAlert,
    User,
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
