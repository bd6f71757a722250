from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.crypto import EncryptedTextField

# How long a form posted after its session ended waits for the same person to sign in again (core/resume.py).
KEPT_FOR = timedelta(hours=1)


class KeptFormQuerySet(models.QuerySet):
    def expired(self, *, now: datetime | None = None) -> "KeptFormQuerySet":
        return self.filter(created_at__lte=(now or timezone.now()) - KEPT_FOR)

    def fresh(self, *, now: datetime | None = None) -> "KeptFormQuerySet":
        return self.filter(created_at__gt=(now or timezone.now()) - KEPT_FOR)


class KeptForm(models.Model):
    """A form posted after its session had ended, kept until its owner signs in again on the same browser, for at
    most KEPT_FOR. What was typed is encrypted with the field keys; the browser holds only a random token."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # SHA-256 of the token in the browser's cookie: the table alone does not lead to a row.
    token_digest = models.CharField(max_length=64, unique=True)
    # The URL name the form was posted to (settings.KEPT_FORMS), and the page that shows it again.
    view_name = models.CharField(max_length=100)
    page = models.CharField(max_length=300)
    # JSON: the posted fields (without the CSRF token) and the URL's arguments.
    content = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = KeptFormQuerySet.as_manager()

    class Meta:
        constraints = [
            # A person has at most one kept form: a newer one replaces it, so the table stays as small as the staff.
            models.UniqueConstraint(fields=["owner"], name="core_keptform_one_per_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.view_name} kept at {self.created_at:%Y-%m-%d %H:%M}"
