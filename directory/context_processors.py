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
        if user.role == Role.ADMIN and user.is_staff:
            items.append((reverse("admin:index"), _("Site administration")))
    return {"nav_items": items}
