"""The public pages under a surge: one link shared in a group chat brings thousands of visitors in the same hour.

An anonymous visitor's copy of a page holds nothing about them (no CSRF token: the language switch is a link), so it
is kept in the configured cache (shared by every app server), per page and language, under the directory's version:
a directory change is on the next request. It carries an ETag and Last-Modified, and a short public Cache-Control,
so a browser revalidates with a 304 and a reverse proxy or CDN may serve it (the Vary on Accept-Language and Cookie
keeps languages and signed-in people apart).

Never cached: a signed-in person's page (their name is in the menu), a search (any text: the cache would fill with
them), a page with a message waiting for the visitor, and anything but a 200.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language

from directory.freshness import directory_version

# How long a browser, proxy or CDN may show a page without asking again: short, so a corrected number reaches
# visitors within a minute even through a proxy.
SHARED_MAX_AGE = 60
# How long the server keeps a page it has drawn, in case a change was missed (a restart of the cache, say).
SERVER_SECONDS = 600


def page_cache_enabled() -> bool:
    return getattr(settings, "PUBLIC_PAGE_CACHE", True)


def cacheable(request: HttpRequest) -> bool:
    return not request.user.is_authenticated and not request.GET and not len(get_messages(request))


def _sets_cookies(request: HttpRequest, response: HttpResponse) -> bool:
    # The CSRF and session middleware set their cookies after the view: what they will do is in the request.
    return bool(
        response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or getattr(request.session, "modified", False)
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not cacheable(request):
            response = view(request, *args, **kwargs)
            # Only the visitor's own browser keeps it, and asks again before showing it.
            patch_cache_control(response, private=True, no_cache=True)
            return response

        version = directory_version()
        key = f"public-page:{version}:{get_language()}:{request.get_host()}{request.path}"
        etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
        request.public_page_cacheable = True  # type: ignore[attr-defined]  # read by base.html through the view
        conditional = get_conditional_response(request, etag=etag, last_modified=version)
        if conditional is not None:
            response = conditional
        else:
            content = cache.get(key) if page_cache_enabled() else None
            if content is not None:
                response = HttpResponse(content)
            else:
                response = view(request, *args, **kwargs)
                # A page that set a cookie (a CSRF token, a session) is this visitor's own.
                if response.status_code != 200 or _sets_cookies(request, response):
                    patch_cache_control(response, private=True, no_cache=True)
                    return response
                if page_cache_enabled():
                    cache.set(key, response.content, SERVER_SECONDS)
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(version)
        patch_cache_control(response, public=True, max_age=SHARED_MAX_AGE)
        return response

    return wrapper
