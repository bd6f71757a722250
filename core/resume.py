"""Nothing typed is lost when a session ends in the middle of a form.

A form in settings.KEPT_FORMS posted after the session ended (30 idle minutes, or the 12-hour limit) arrives signed
out. Instead of the usual trip to the sign-in page that drops it, its fields are kept on the server, encrypted with
the field keys (core.models.KeptForm), for the person who was signed in on this browser: each signed-in response
names them in a signed, httpOnly cookie. The browser gets a random token in another httpOnly cookie and goes to sign
in, then to the page of the form. There the view asks `take_kept_form` and shows the form filled in, to be checked
and saved again. Another account signing in on the browser gets nothing, and the kept form is deleted; so is one an
hour old, and one whose owner signs out. Nothing goes to the browser's storage.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import KEPT_FOR, KeptForm

OWNER_COOKIE = "resume_owner"
TOKEN_COOKIE = "kept_form"
OWNER_SALT = "core.resume.owner"
# A form is a few kilobytes at most; anything far bigger is not a form a person typed.
MAX_KEPT_CHARACTERS = 64 * 1024


def cookie_name(base: str) -> str:
    """Like the session cookie: __Host- over HTTPS, so that no subdomain can set it."""
    return f"__Host-{base}" if settings.SESSION_COOKIE_SECURE else base


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def kept_pages() -> set[str]:
    """The URL names of the pages that show a kept form again."""
    return {page for page, _arguments in settings.KEPT_FORMS.values()}


@dataclass(frozen=True)
class Kept:
    view_name: str
    kwargs: dict[str, Any]
    data: QueryDict


def take_kept_form(request: HttpRequest) -> Kept | None:
    """The form the signed-in person posted on this browser after their session ended, if this page is where it
    comes back; it is deleted as it is handed over (refilled once, then it lives only in the page)."""
    token = request.COOKIES.get(cookie_name(TOKEN_COOKIE))
    if not token or not request.user.is_authenticated:
        return None
    KeptForm.objects.expired().delete()
    kept = KeptForm.objects.filter(token_digest=_digest(token)).first()
    if kept is None:
        request._forget_kept_form = True  # type: ignore[attr-defined]
        return None
    if kept.owner_id != request.user.pk:
        kept.delete()
        request._forget_kept_form = True  # type: ignore[attr-defined]
        return None
    if kept.page != request.path:
        return None  # they went somewhere else first; it waits for its page (for the rest of the hour)
    content = json.loads(kept.content)
    kept.delete()
    request._forget_kept_form = True  # type: ignore[attr-defined]
    data = QueryDict(mutable=True)
    for name, values in content["data"].items():
        data.setlist(name, values)
    data._mutable = False
    return Kept(view_name=kept.view_name, kwargs=content["kwargs"], data=data)


def say_restored(request: HttpRequest) -> None:
    """What the page says above a form it filled in again."""
    messages.info(request, _("You were signed out; your form was kept. Check it and save again."))


def drop_for_other_account(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in: a form kept on this browser for someone else is deleted, never shown."""
    token = request.COOKIES.get(cookie_name(TOKEN_COOKIE)) if request is not None else None
    if token and KeptForm.objects.filter(token_digest=_digest(token)).exclude(owner=user).delete()[0]:
        request._forget_kept_form = True


def drop_on_sign_out(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_out: signing out on purpose leaves nothing kept behind."""
    if user is not None:
        KeptForm.objects.filter(owner=user).delete()


def _last_signed_in(request: HttpRequest) -> int | None:
    """Who was signed in on this browser last, as the signed cookie says."""
    signed = request.get_signed_cookie(
        cookie_name(OWNER_COOKIE), default=None, salt=OWNER_SALT, max_age=settings.SESSION_ABSOLUTE_SECONDS
    )
    return int(signed) if signed is not None and signed.isdigit() else None


def _owner_id(request: HttpRequest) -> int | None:
    """Who was signed in on this browser last, if that account is still active."""
    owner_id = _last_signed_in(request)
    if owner_id is None or not get_user_model()._default_manager.filter(pk=owner_id, is_active=True).exists():
        return None
    return owner_id


class KeptFormMiddleware:
    """Keeps a form posted after the session ended (see the module's docstring), and the two cookies that allow it.

    It stands before LoginRequiredMiddleware, which would otherwise send the post to the sign-in page and drop it,
    and after CsrfViewMiddleware: only a post with a valid CSRF token from our own page is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        secure = settings.SESSION_COOKIE_SECURE
        token = getattr(request, "_kept_form_token", None)
        if token:
            response.set_cookie(
                cookie_name(TOKEN_COOKIE),
                token,
                max_age=int(KEPT_FOR.total_seconds()),
                httponly=True,
                samesite="Lax",
                secure=secure,
            )
        elif getattr(request, "_forget_kept_form", False):
            response.delete_cookie(cookie_name(TOKEN_COOKIE), samesite="Lax")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.set_signed_cookie(
                cookie_name(OWNER_COOKIE),
                str(user.pk),
                salt=OWNER_SALT,
                max_age=settings.SESSION_ABSOLUTE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=secure,
            )
        elif request.method == "POST" and request.path == reverse("account_logout"):
            response.delete_cookie(cookie_name(OWNER_COOKIE), samesite="Lax")
            response.delete_cookie(cookie_name(TOKEN_COOKIE), samesite="Lax")
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        if request.method == "POST" and (kept := self._keep(request)) is not None:
            return kept
        if request.headers.get("HX-Request") and _last_signed_in(request) is not None:
            # A part of a signed-in page asked for after the session ended (the phone hint as it is typed, an
            # action's button): the sign-in page swapped into it helps nobody, and going there would lose what the
            # page holds. Nothing changes, and the page says the session ended (static/js/app.js). Anyone else is
            # sent to sign in, as by LoginRequiredMiddleware.
            return HttpResponse(status=204, headers={"HX-Trigger": "session-ended"})
        return None

    def _keep(self, request: HttpRequest) -> HttpResponse | None:
        """Keep a form of settings.KEPT_FORMS for the person last signed in here; then, to sign in."""
        match = request.resolver_match
        target = settings.KEPT_FORMS.get(match.view_name) if match is not None else None
        if match is None or target is None:
            return None
        owner_id = _owner_id(request)
        if owner_id is None:
            return None  # nobody to keep it for: the sign-in page, as for any other page
        page_name, arguments = target
        page = reverse(page_name, kwargs={name: match.kwargs[name] for name in arguments})
        content = json.dumps(
            {
                "data": {
                    name: request.POST.getlist(name) for name in request.POST if name != "csrfmiddlewaretoken"
                },
                "kwargs": match.kwargs,
            },
            default=str,
        )
        if len(content) > MAX_KEPT_CHARACTERS:
            return None
        token = secrets.token_urlsafe(32)
        try:
            KeptForm.objects.update_or_create(
                owner_id=owner_id,
                defaults={
                    "token_digest": _digest(token),
                    "view_name": match.view_name,
                    "page": page,
                    "content": content,
                    "created_at": timezone.now(),
                },
            )
        except IntegrityError:
            return None  # the same person's other browser won a race; this one signs in as usual
        request._kept_form_token = token  # type: ignore[attr-defined]
        messages.info(
            request,
            _(
                "You were signed out. Sign in again: what you were saving is kept for an hour and comes back after."
            ),
        )
        login = redirect_to_login(page, resolve_url(settings.LOGIN_URL))
        if request.headers.get("HX-Request"):
            # An htmx post would swap the sign-in page into the form: the whole page goes there instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login["Location"]
            return response
        return login
