"""Request types for the views' signatures: what the middleware guarantees, said once so mypy knows it too."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from directory.models import User


class AuthenticatedRequest(HttpRequest):
    """The request a signed-in view receives.

    LoginRequiredMiddleware sends anyone not signed in to the sign-in page before any view not marked
    `login_not_required` runs, so such a view always sees a `User`, never an `AnonymousUser`. Public views
    (`@login_not_required`) keep plain `HttpRequest`. HtmxMiddleware sets `htmx` on every request.

    Only a type: Django builds the request; views annotate their parameter with this class.
    """

    user: User
    htmx: HtmxDetails
