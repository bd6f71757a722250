"""The audit trail of account changes. Accounts themselves are directory.User (who works where, in which role)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Organization, Role


class AccountAction(models.TextChoices):
    INVITED = "invited", _("Invited")
    CHANGED = "changed", _("Organization or role changed")
    DEACTIVATED = "deactivated", _("Deactivated")
    REACTIVATED = "reactivated", _("Reactivated")
    EMAIL_CHANGED = "email_changed", _("Email address changed")


class AccountEvent(models.Model):
    """One change to who an account is and what it may reach: written by the service that made the change, in the
    same transaction, so the trail cannot miss a change nor record one that was rolled back. Append-only; it holds
    no password, token or link. Rows are protected from deletion through their foreign keys: an account or
    organization with history cannot be deleted out from under its trail."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="account_events",
    )
    action = models.CharField(_("action"), max_length=20, choices=AccountAction.choices)
    old_role = models.CharField(_("role before"), max_length=20, choices=Role.choices, blank=True)
    new_role = models.CharField(_("role after"), max_length=20, choices=Role.choices, blank=True)
    old_organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization before"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization after"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    old_is_active = models.BooleanField(_("active before"), null=True, blank=True)
    new_is_active = models.BooleanField(_("active after"), null=True, blank=True)
    # Only for an email change: the sign-in address before and after (where password resets go).
    old_email = models.EmailField(_("email before"), blank=True)
    new_email = models.EmailField(_("email after"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        ordering = ["-created_at", "-pk"]
        # The account page reads one account's newest events.
        indexes = [models.Index(fields=["account", "-created_at"], name="accountevent_account_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AccountAction.values), name="accountevent_action_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.action} {self.created_at:%Y-%m-%d %H:%M}"
