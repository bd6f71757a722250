"""Error reports without personal data: the emails to ADMINS, the optional Sentry events, and the log.

A report says what failed and where (the exception's class, the traceback's files, lines and source, the URL's
path, the request's method, the names of the fields posted), never whom it concerned. Hidden by default, for every
view, not only the ones marked with Django's `sensitive_post_parameters` / `sensitive_variables` (which the case
views and services also carry, to say so where it matters):

- every value posted or in the query string (a name, a phone, a note, a search), and the names of files;
- every local variable of every frame of the traceback (our code's and the libraries': a form's `data`, a service's
  `contact_phone`), shown as its type only;
- cookies and every request header but a few harmless ones (method, host, user agent, content type, language);
- the signed-in person (a report names the account by its number);
- in exception messages (which may quote a value, e.g. `invalid literal for int(): 'María'`): any value the request
  carried, any email address and any run of 7 or more digits (a phone number), replaced by a marker.

`PersonalDataFilter` is DEFAULT_EXCEPTION_REPORTER_FILTER and `PersonalDataExceptionReporter` the
DEFAULT_EXCEPTION_REPORTER (config/settings.py), so Django's AdminEmailHandler and its debug page use them;
`core.sentry.scrub_sentry_event` does the same to the events sent to Sentry. tests/core/test_errors_pii.py raises inside a real intake and reads both.
"""

import logging
import re
from collections.abc import Iterable

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

HIDDEN = "[hidden]"

# Request headers (WSGI names) a report may show: they say what kind of request it was, not who sent it.
SAFE_META = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HX_REQUEST",
        "HTTP_X_FORWARDED_PROTO",
        "wsgi.url_scheme",
    }
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number however it was typed: 7 or more digits with spaces, dots, dashes or brackets between them.
_DIGITS = re.compile(r"\+?\d(?:[\s().\-]*\d){6,}")


def scrub_text(text: str, known: Iterable[str] = ()) -> str:
    """`text` without the values in `known` (those of 3 characters or more, in any case), email addresses and
    phone-like runs of digits."""
    for value in sorted({v.strip() for v in known if len(v.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(value), HIDDEN, text, flags=re.IGNORECASE)
    text = _EMAIL.sub("[email]", text)
    return _DIGITS.sub("[number]", text)


def request_values(request: HttpRequest | None) -> list[str]:
    """Every value the request carried in its query string or its form (not read from the body if it was not)."""
    if request is None:
        return []
    values: list[str] = []
    for data in (getattr(request, "GET", None), getattr(request, "_post", None)):
        if isinstance(data, MultiValueDict):
            values += [value for _, items in data.lists() for value in items if isinstance(value, str)]
    return values


class PersonalDataFilter(SafeExceptionReporterFilter):
    """Hides every posted value, every local variable, the cookies and all but a few request headers, whatever the
    view (see the module's docstring). Active when DEBUG is off, as Django's is."""

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DSN|DATABASE_URL", re.I
    )

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        if not self.is_active(request):
            return multivaluedict
        cleansed = multivaluedict.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return self.get_cleansed_multivaluedict(request, request.POST)

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if not self.is_active(request):
            return meta
        return {key: value if key in SAFE_META else self.cleansed_substitute for key, value in meta.items()}

    def get_safe_cookies(self, request):
        cookies = super().get_safe_cookies(request)
        if not self.is_active(request):
            return cookies
        return dict.fromkeys(cookies, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        if not self.is_active(request):
            return super().get_traceback_frame_variables(request, tb_frame)
        return [(name, f"<{type(value).__name__}: hidden>") for name, value in tb_frame.f_locals.items()]


class PersonalDataExceptionReporter(ExceptionReporter):
    """Django's report with the rest of what PersonalDataFilter cannot reach: the query string (in the URL and
    GET), file names, the signed-in person, and values quoted in exception messages."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if not self.filter.is_active(self.request):
            return data
        known = request_values(self.request)
        substitute = self.filter.cleansed_substitute
        if self.request is not None:
            request = self.request
            data["request_GET_items"] = [(key, substitute) for key in request.GET]
            data["request_FILES_items"] = [
                (key, substitute) for key in getattr(request, "_files", None) or {}
            ]
            data["request_insecure_uri"] = (
                f"{request.scheme}://{request.META.get('HTTP_HOST') or request.META.get('SERVER_NAME', '')}{request.path}"
            )
            data["user_str"] = _account(request)
        if "exception_value" in data:
            data["exception_value"] = scrub_text(str(data["exception_value"]), known)
        if "exception_notes" in data:
            data["exception_notes"] = scrub_text(data["exception_notes"], known)
        data["unicode_hint"] = substitute if data.get("unicode_hint") else ""
        if data.get("template_info"):
            data["template_info"] = {
                **data["template_info"],
                "message": scrub_text(str(data["template_info"]["message"]), known),
            }
        for frame in data["frames"]:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = scrub_text(str(frame["exc_cause"]), known)
        return data


def _account(request: HttpRequest) -> str:
    try:
        user = request.user
        return f"account #{user.pk}" if user.is_authenticated else "anonymous"
    except Exception:  # the database may be what failed
        return "[unknown]"


class ScrubbingFormatter(logging.Formatter):
    """The log's formatter: a traceback in the log shows each exception's message, so the same values are replaced
    there (those of the request a record is about, emails and phone-like numbers)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub_text(super().format(record), request_values(getattr(record, "request", None)))
