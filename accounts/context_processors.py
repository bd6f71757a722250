from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory import access
from referrals import policy, selectors


class NavItem(tuple):
    """A top-bar link. Unpacks as (url, label); `waiting` is the count on its badge (None: the link has none)."""

    waiting: int | None
    badge: int | str | None

    def __new__(cls, url: str, label: str | Promise, waiting: int | None = None) -> "NavItem":
        item = super().__new__(cls, (url, label))
        item.waiting = waiting
        # What the badge shows: the number, or "99+" past BADGE_LIMIT.
        item.badge = f"{BADGE_LIMIT}+" if waiting is not None and waiting > BADGE_LIMIT else waiting
        return item

    @property
    def url(self) -> str:
        return self[0]

    @property
    def label(self) -> str | Promise:
        return self[1]


def _new_in_queue(user) -> int:
    """The partner's pending routings still in time to answer: one COUNT, scoped to their organization."""
    return selectors.waiting_in_queue(user).count()


# A badge says "99+" past this: counting a hub's every escalation on each page would read all its open needs.
BADGE_LIMIT = 99


def _waiting_escalations(user) -> int:
    """The coordinator's escalations, counted as the escalations page lists them, up to BADGE_LIMIT + 1: one COUNT
    that stops there."""
    return selectors.escalations(user).order_by()[: BADGE_LIMIT + 1].count()


def navigation(request: HttpRequest) -> dict:
    """The links in the top bar: only what the signed-in person may use, as the two policies decide (cases:
    referrals.policy; the directory and accounts: directory.access). Escalations (coordinators) and the queue
    (partners) carry a count of what waits for them, read only for the role that sees the link."""
    user = getattr(request, "user", None)
    items: list[NavItem] = []
    if user is not None and user.is_authenticated:
        items.append(NavItem(reverse("home"), _("My work")))
        if policy.may_create_referral(user):
            items.append(NavItem(reverse("referrals:create"), _("New case")))
        if policy.may_list_cases(user):
            items.append(NavItem(reverse("referrals:list"), _("Cases")))
        if policy.may_see_incidents(user):
            items.append(NavItem(reverse("referrals:incident_list"), _("Incidents")))
        if policy.may_use_queue(user):
            items.append(NavItem(reverse("referrals:queue"), _("Queue"), _new_in_queue(user)))
        if access.is_listing_editor(user):
            items.append(NavItem(user.organization.get_absolute_url(), _("Our listing")))
        if policy.may_see_escalations(user):
            items.append(
                NavItem(reverse("referrals:escalations"), _("Escalations"), _waiting_escalations(user))
            )
        if access.is_directory_admin(user):
            items.append(NavItem(reverse("manage:organization_list"), _("Directory")))
            items.append(NavItem(reverse("accounts:user_list"), _("Users")))
        if policy.may_see_reports(user):
            items.append(NavItem(reverse("reports:index"), _("Reports")))
        if policy.may_see_access_log(user):
            items.append(NavItem(reverse("referrals:access_log"), _("Access log")))
        if access.is_directory_admin(user) and user.is_staff:
            items.append(NavItem(reverse("admin:index"), _("Site administration")))
    return {"nav_items": items}
