"""The authentication backends, as Django's and allauth's, but loading the signed-in account with its organization:
every signed-in page reads both (roles, the top bar), in one query instead of two."""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends

from directory.models import User


class OrganizationLoadedMixin:
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(OrganizationLoadedMixin, backends.ModelBackend):
    """Django's: the Django admin's sign-in."""


class AuthenticationBackend(OrganizationLoadedMixin, AllauthBackend):
    """allauth's: sign-in by email on the app's own pages."""
