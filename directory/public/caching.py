"""The public pages under a surge: one link shared in a group chat brings thousands of visitors in the same hour.

An anonymous visitor's copy of a page holds nothing about them (no CSRF token: the language switch is a link), so it
is kept in the public pages' cache (shared by every app server), per page and language, under the directory's
version: a directory change is on the next request. It carries an ETag and Last-Modified, and a short public
Cache-Control, so a browser revalidates with a 304 and a reverse proxy or CDN may serve it (the Vary on
Accept-Language and Cookie keeps languages and signed-in people apart; `core.security.PublicCacheGuardMiddleware`
makes any response that sets a cookie private).

Never kept: a signed-in person's page (their name is in the menu; it is not even stored by their browser), a search
(any text: the cache would fill with them), a page with a message waiting for the visitor, and anything but a 200.
Addresses in the page (the QR code, the share link) are built from SITE_URL, not from the request's Host, so the key
needs only the path and the language.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from directory.freshness import directory_version, page_cache

# How long a browser, proxy or CDN may show a page without asking again: short, so a corrected number reaches
# visitors within a minute even through a proxy.
SHARED_MAX_AGE = 60
# How long the server keeps a page it has drawn, in case a change was missed.
SERVER_SECONDS = 600


def page_cache_enabled() -> bool:
    return getattr(settings, "PUBLIC_PAGE_CACHE", True)


def _sets_cookies(request: HttpRequest, response: HttpResponse) -> bool:
    # The CSRF and session middleware set their cookies after the view: what they will do is in the request.
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request.session, "modified", False)
    )


def public_page(
    *, varies_on: tuple[str, ...] = ()
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """`varies_on`: the query parameters the view reads (a search); a request with any of them is drawn for itself.
    Other parameters are ignored, so `?utm_source=…` on a shared link still gets the kept copy."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                response = view(request, *args, **kwargs)
                add_never_cache_headers(response)
                return response
            if any(name in request.GET for name in varies_on) or len(get_messages(request)):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response

            version = directory_version()
            key = f"public-page:{version.token}:{get_language()}:{request.path}"
            etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
            request.public_page_cacheable = True  # type: ignore[attr-defined]  # read by base.html
            conditional = get_conditional_response(request, etag=etag, last_modified=version.changed_at)
            if conditional is not None:
                response = conditional
            else:
                content = page_cache().get(key) if page_cache_enabled() else None
                if content is not None:
                    response = HttpResponse(content)
                else:
                    response = view(request, *args, **kwargs)
                    # A page that set a cookie (a CSRF token, a session) is this visitor's own.
                    if response.status_code != 200 or _sets_cookies(request, response):
                        patch_cache_control(response, private=True, no_cache=True)
                        return response
                    if page_cache_enabled():
                        page_cache().set(key, response.content, SERVER_SECONDS)
            response.headers["ETag"] = etag
            response.headers["Last-Modified"] = http_date(version.changed_at)
            patch_cache_control(response, public=True, max_age=SHARED_MAX_AGE)
            return response

        return wrapper

    return decorator
