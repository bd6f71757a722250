"""Request bodies the app never needs are refused before they are read: 413 with the bilingual page.

- Over MAX_REQUEST_BODY bytes by its Content-Length (the longest intake typed by hand is a few kilobytes): refused
  before a byte of it is read. Django reads no more than the Content-Length says, so without one nothing is read.
- A file in a multipart form: no view takes files, and DATA_UPLOAD_MAX_NUMBER_FILES = 0 makes Django's parser stop
  at the first file part's headers, before its content. The parsing is done here, before the session, the CSRF
  check or any view, so that the refusal is a 413 for everyone (not a 400 per view) and costs no database query.

The proxies in deploy/ refuse larger bodies already; this is the same rule for a request that reaches the app
another way. A refusal is logged as one warning line per kind a minute (core/outage.py's RateLimitedLog), not
emailed: anyone can send one.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse

from core.error_pages import error_page
from core.outage import RateLimitedLog

logger = logging.getLogger(__name__)
log_once_in_a_while = RateLimitedLog(60)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # what Django reads then: nothing


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > settings.MAX_REQUEST_BODY:
            return self.refuse(request, "a body over MAX_REQUEST_BODY")
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018  # parse now: stops at the first file part
            except TooManyFilesSent:
                return self.refuse(request, "a file part")
            except RequestDataTooBig:
                return self.refuse(request, "form fields over MAX_REQUEST_BODY")
        return self.get_response(request)

    def refuse(self, request: HttpRequest, what: str) -> HttpResponse:
        log_once_in_a_while(logger, logging.WARNING, f"request refused (413): {what}")
        response = error_page(request, "413.html", status=413)
        # Logged above, once in a while, instead of Django's line per response. The body stays unread: gunicorn
        # drains at most 64 KB of it before closing a kept-alive connection.
        response._has_been_logged = True  # type: ignore[attr-defined]
        return response
