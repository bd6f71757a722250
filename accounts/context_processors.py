from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from directory.models import Role


def navigation(request: HttpRequest) -> dict:
    """The links in the top bar: only what the signed-in person's role may use."""
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        items.append((reverse("home"), _("My work")))
        if user.does_intake:
            items.append((reverse("referrals:create"), _("New case")))
        if user.role in (Role.VOLUNTEER, Role.COORDINATOR, Role.PARTNER):
            items.append((reverse("referrals:list"), _("Cases")))
        if user.role == Role.PARTNER:
            items.append((reverse("referrals:queue"), _("Queue")))
            if user.organization_id:
                items.append((user.organization.get_absolute_url(), _("Our listing")))
        if user.role == Role.COORDINATOR:
            items.append((reverse("referrals:escalations"), _("Escalations")))
        if user.role == Role.ADMIN:
            items.append((reverse("manage:organization_list"), _("Directory")))
            items.append((reverse("accounts:user_list"), _("Users")))
        if user.role in (Role.COORDINATOR, Role.ADMIN):
            items.append((reverse("referrals:access_log"), _("Access log")))
        if user.role == Role.ADMIN and user.is_staff:
            items.append((reverse("admin:index"), _("Site administration")))
    return {"nav_items": items}
