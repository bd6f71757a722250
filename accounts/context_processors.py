from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory import access
from referrals import policy


def navigation(request: HttpRequest) -> dict:
    """The links in the top bar: only what the signed-in person may use, as the two policies decide (cases:
    referrals.policy; the directory and accounts: directory.access)."""
    user = getattr(request, "user", None)
    items: list[tuple[str, str | Promise]] = []
    if user is not None and user.is_authenticated:
        items.append((reverse("home"), _("My work")))
        if policy.may_create_referral(user):
            items.append((reverse("referrals:create"), _("New case")))
        if policy.may_list_cases(user):
            items.append((reverse("referrals:list"), _("Cases")))
        if policy.may_use_queue(user):
            items.append((reverse("referrals:queue"), _("Queue")))
        if access.is_listing_editor(user):
            items.append((user.organization.get_absolute_url(), _("Our listing")))
        if policy.may_see_escalations(user):
            items.append((reverse("referrals:escalations"), _("Escalations")))
        if access.is_directory_admin(user):
            items.append((reverse("manage:organization_list"), _("Directory")))
            items.append((reverse("accounts:user_list"), _("Users")))
        if policy.may_see_access_log(user):
            items.append((reverse("referrals:access_log"), _("Access log")))
        if access.is_directory_admin(user) and user.is_staff:
            items.append((reverse("admin:index"), _("Site administration")))
    return {"nav_items": items}
