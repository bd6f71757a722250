"""Keeps User.has_authenticator in step with allauth's authenticators, whichever way one is added or removed
(setting one up, recovery codes, the Django admin, a deleted account)."""

from allauth.mfa.models import Authenticator
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from directory.models import User


def sync_has_authenticator(user_id) -> None:
    """Set the flag from the table itself, so that a second authenticator removed leaves it on while one remains."""
    User.objects.filter(pk=user_id).update(
        has_authenticator=Authenticator.objects.filter(user_id=user_id).exists()
    )


@receiver(post_save, sender=Authenticator, dispatch_uid="accounts.authenticator_saved")
def authenticator_saved(sender, instance: Authenticator, created: bool, **kwargs) -> None:
    if created:
        User.objects.filter(pk=instance.user_id).update(has_authenticator=True)


@receiver(post_delete, sender=Authenticator, dispatch_uid="accounts.authenticator_deleted")
def authenticator_deleted(sender, instance: Authenticator, **kwargs) -> None:
    sync_has_authenticator(instance.user_id)
