"""The pages people see when a request fails (400, 403 for an expired form, 413, 500, 503).

Each is one standalone template in both languages, the reader's first (from the language the request was in, when
known): they must draw when the session, the signed-in user, the database or the translations are what failed, so
they use no base.html, no context processors, no static files and no catalogue. The handlers are set in
config/urls.py (handler400, handler500) and CSRF_FAILURE_VIEW; a database failure met anywhere in a request becomes
the 503 (`core.outage`) instead of a 400 or a 500 with a traceback in the log.
"""

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from core import outage


def error_page(request: HttpRequest, template: str, *, status: int) -> HttpResponse:
    """`template` in both languages, the reader's first: the one LocaleMiddleware chose, or before it ran (a 413),
    the one the language cookie or the browser asks for."""
    if hasattr(request, "LANGUAGE_CODE"):
        language = translation.get_language() or settings.LANGUAGE_CODE
    else:
        language = translation.get_language_from_request(request)
    first = "es" if language.startswith("es") else "en"
    # No request: a RequestContext would run the context processors (the user, the session: the database).
    response = HttpResponse(loader.render_to_string(template, {"first": first}), status=status)
    add_never_cache_headers(response)
    return response


def unavailable(request: HttpRequest, failure: BaseException) -> HttpResponse:
    """The 503 for a request that met a database failure, logged as one line (rate-limited), not a traceback."""
    outage.report(failure)
    response = error_page(request, "503.html", status=503)
    response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    # Django logs an error response with its traceback unless it was logged already: it was, as one line.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400. A session that could not be saved because the database failed is an outage, not a bad request."""
    if (failure := outage.database_failure(exception)) is not None:
        return unavailable(request, failure)
    return error_page(request, "400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, called while the exception is being handled (Django passes none: it is in sys.exc_info())."""
    if (failure := outage.database_failure(sys.exc_info()[1])) is not None:
        return unavailable(request, failure)
    return error_page(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: most often a form left open too long, or opened before signing in again elsewhere."""
    return error_page(request, "403_csrf.html", status=403)
