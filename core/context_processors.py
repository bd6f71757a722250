import time

from django.conf import settings
from django.http import HttpRequest

from core.resume import kept_pages
from core.security import SESSION_STARTED_KEY, idle_seconds_left

# How long before the idle timeout a signed-in page warns, with a "Stay signed in" button (static/js/app.js).
WARN_BEFORE_SECONDS = 120


def session_timeout(request: HttpRequest) -> dict:
    """When this signed-in page's session ends, for the warning before it does: SESSION_COOKIE_AGE after its last
    write (renewed by use, at most once a minute, and by "Stay signed in"), and in any case SESSION_ABSOLUTE_SECONDS
    after sign-in (not renewable)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    idle = settings.SESSION_COOKIE_AGE
    idle_left = idle_seconds_left(request)
    started = request.session.get(SESSION_STARTED_KEY, time.time())
    absolute_left = max(0, int(started + settings.SESSION_ABSOLUTE_SECONDS - time.time()))
    # Never before half the idle time has gone: a short timeout still gives time to work.
    warn = min(WARN_BEFORE_SECONDS, idle // 2)
    match = request.resolver_match
    return {
        "session_timeout": {
            "idle_seconds": idle,
            # Less than idle_seconds when the session was last written up to a minute ago (core/security.py).
            "idle_left": idle_left,
            "absolute_left": absolute_left,
            "warn_seconds": warn,
            "warn_minutes": max(1, round(warn / 60)),
            # Whether a form posted here after the session ended is kept (core/resume.py): the warning says so.
            "keeps_forms": match is not None and match.view_name in kept_pages(),
        }
    }
