"""Request-level protections that Django and allauth do not provide as settings."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "_session_started_at"
# When the session was last written: the idle timeout counts from there (SessionTouchMiddleware).
SESSION_TOUCHED_KEY = "_session_touched_at"
# A signed-in session is written at most this often just to keep it alive, not on every request.
SESSION_TOUCH_SECONDS = 60

# Pages a signed-in person without a second factor may still reach: setting one up, and leaving.
MFA_SETUP_URL_NAMES = [
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "switch_language",
    "healthz",
]


def record_session_start(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in: the 12-hour clock starts at sign-in."""
    request.session[SESSION_STARTED_KEY] = time.time()


def touch_session(request, now: float | None = None) -> None:
    """Write the session at the end of this request, which restarts its idle timeout (SESSION_COOKIE_AGE)."""
    request.session[SESSION_TOUCHED_KEY] = time.time() if now is None else now


def idle_seconds_left(request) -> int:
    """How long this session has before the idle timeout: SESSION_COOKIE_AGE from its last write."""
    touched = request.session.get(SESSION_TOUCHED_KEY)
    idle = settings.SESSION_COOKIE_AGE
    if touched is None or request.session.modified:
        return idle
    return max(0, int(touched + idle - time.time()))


class SessionTouchMiddleware:
    """Keeps a signed-in session alive while it is used, writing it at most once a minute.

    Django's SESSION_SAVE_EVERY_REQUEST would rewrite the session row (or cache entry) on every request, the largest
    fixed cost of a signed-in page. Instead the session is written when something in it changed, or when its last
    write is SESSION_TOUCH_SECONDS old: the idle timeout then runs from the last write, so it ends between
    SESSION_COOKIE_AGE minus a minute and SESSION_COOKIE_AGE after the last request, and pages count down from the
    last write (core/context_processors.py). Sessions of anonymous visitors are never created here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key is not None and SESSION_KEY in session:
            now = time.time()
            if now - session.get(SESSION_TOUCHED_KEY, 0) >= SESSION_TOUCH_SECONDS:
                touch_session(request, now)
        response = self.get_response(request)
        session = request.session
        if session.modified and SESSION_KEY in session:
            # Written anyway (a message, a sign-in, a form kept...): the idle clock restarts now.
            touch_session(request)
        return response


class SessionLifetimeMiddleware:
    """Ends a session 12 hours (SESSION_ABSOLUTE_SECONDS) after sign-in, however active it was.

    The idle timeout is Django's own (SESSION_COOKIE_AGE, renewed by SessionTouchMiddleware); pages warn before it
    (core/context_processors.py, static/js/app.js) and `keepalive` renews it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session ended after 12 hours. Please sign in again."))
                if request.method != "POST":
                    return redirect(f"{reverse('account_login')}?next={request.path}")
                # A form posted as the session ends goes on signed out: core/resume.py keeps it for after sign-in
                # (or LoginRequiredMiddleware sends it to sign in, as before).
        return self.get_response(request)


class RequireMFAMiddleware:
    """Sends anyone without a second factor to set one up before anything else (allauth has no setting for it)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: set[str] | None = None

    def allowed_paths(self) -> set[str]:
        if self._allowed is None:
            self._allowed = {reverse(name) for name in MFA_SETUP_URL_NAMES}
        return self._allowed

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if (
            settings.MFA_REQUIRED
            and user.is_authenticated
            # Public pages (login_not_required) stay public.
            and getattr(view_func, "login_required", True)
            and request.path not in self.allowed_paths()
            # Kept in step with allauth's authenticators (accounts/signals.py): no query on each request.
            and not user.has_authenticator
        ):
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication to continue: it keeps families' data safe if your password leaks."
                ),
            )
            return redirect("mfa_activate_totp")
        return None


class SecurityHeadersMiddleware:
    """Headers Django does not set: Permissions-Policy everywhere, Clear-Site-Data when signing out."""

    PERMISSIONS_POLICY = (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        "payment=(), usb=(), interest-cohort=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            # Pages seen signed in (staff lists, listings with intake emails...) stay off a shared or seized disk.
            add_never_cache_headers(response)
        if (
            request.method == "POST"
            and request.path == reverse("account_logout")
            and response.status_code in (200, 302)
        ):
            # A shared or seized device keeps nothing of the session: cookies, storage and cached pages go.
            response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


class PublicCacheGuardMiddleware:
    """A response that sets a cookie is that visitor's own: never `public`, whatever the view said. Outermost but for
    Django's SecurityMiddleware, so it sees the cookies the session and CSRF middleware add on the way out (an
    anonymous visitor's session is saved on every request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.cookies and "public" in response.get("Cache-Control", ""):
            del response.headers["Cache-Control"]
            patch_cache_control(response, private=True, no_cache=True)
        return response
