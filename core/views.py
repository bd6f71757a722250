from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from core import health
from core.security import touch_session


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and uptime checks: 200 when the database answers and no registered check (see
    `core.health`) reports a problem; 503 otherwise, with the reasons in the body."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    try:
        problems = health.problems()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if problems:
        return JsonResponse({"status": "unavailable", "database": "ok", "problems": problems}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# A language chosen before signing in, for the sign-in to make the account's (accounts/adapters.py). The language
# cookie alone cannot say so: signing in sets it too, and another person may have used this browser.
LANGUAGE_SWITCHED_SESSION_KEY = "language_switched"


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, which also remembers the choice as the signed-in person's, on their account; or, before
    signing in, until they sign in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        request.user.preferred_language = language
        request.user.language_chosen = True
        request.user.save(update_fields=["preferred_language", "language_chosen"])
    else:
        request.session[LANGUAGE_SWITCHED_SESSION_KEY] = language
    return response


@login_not_required
@never_cache
@require_GET
def switch_language_link(request: HttpRequest, language: str) -> HttpResponse:
    """The language switch of the public pages: a link rather than a form, so that a page shared by everyone holds
    no one's CSRF token. Setting the language cookie is all it does (a signed-in person's account keeps its language:
    their pages have the form), so being sent here by another site does no harm."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("public:index")
    response = redirect(next_url)
    if language not in dict(settings.LANGUAGES) or request.user.is_authenticated:
        return response
    # Only the cookie: no session for a visitor who just reads, and another site linking here cannot choose the
    # language an account gets at its next sign-in (the form on the sign-in page does that).
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # a setting: "Lax" by default
    )
    return response


@never_cache
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button of the warning before the idle timeout: writes the session now, which restarts
    its idle timeout (other requests do it at most once a minute). Signed out, it is sent to sign in like any page;
    the 12-hour limit still applies (core/security.py)."""
    touch_session(request)
    return HttpResponse(status=204)
