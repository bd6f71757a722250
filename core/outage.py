"""While the database is down: every page answers 503 with Retry-After and the bilingual "try again in a minute"
page, and the log gets one line per kind of failure every LOG_EVERY_SECONDS, not a traceback per request.

The error handlers (`core.error_pages`) ask `database_failure(exception)` first. An outage shows up as Django's
OperationalError or InterfaceError, raised anywhere: connecting, reading the session, a query in a view, the
database cache, or saving the session on the way out, which Django's SessionMiddleware turns into SessionInterrupted
(a 400) with the OperationalError as its cause; that is why the whole chain of causes is searched.

Coming back needs nothing from here: Django opens a new connection on the next request once a failed one is gone
(`close_old_connections` closes a connection that had errors and is unusable at the end of each request, and
CONN_HEALTH_CHECKS checks a kept one before its first use)."""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError

from core.errors import scrub_text

logger = logging.getLogger(__name__)

# What a browser or a crawler is told to wait before trying again.
RETRY_AFTER_SECONDS = 30
# How often the log gets a line for the same kind of failure (per app server process).
LOG_EVERY_SECONDS = 60


def database_failure(exception: BaseException | None) -> BaseException | None:
    """The OperationalError or InterfaceError behind `exception` (itself, or a cause or context of it), if any."""
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return exception
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return None


def describe(failure: BaseException) -> str:
    """'<the driver's exception class>: <first line of its message>', e.g. `psycopg.OperationalError: connection
    failed: ... Connection refused`; no values from the request (the message is the driver's, about the server)."""
    original = failure.__cause__ or failure
    kind = type(original)
    lines = str(original).strip().splitlines()
    first_line = scrub_text(lines[0].strip() if lines else "")
    return f"{kind.__module__}.{kind.__qualname__}: {first_line}"


def report(failure: BaseException) -> None:
    """Log a database failure met by a request: one line per kind, at most every LOG_EVERY_SECONDS."""
    log_once_in_a_while(logger, logging.ERROR, f"database unavailable: {describe(failure)}")


class RateLimitedLog:
    """One log line per kind every `every` seconds; the next line says how many were left out meanwhile."""

    def __init__(self, every: float) -> None:
        self.every = every
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}
        self._skipped: dict[str, int] = {}

    def clear(self) -> None:
        with self._lock:
            self._last.clear()
            self._skipped.clear()

    def __call__(self, log: logging.Logger, level: int, message: str) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._last.get(message)
            if last is not None and now - last < self.every:
                self._skipped[message] = self._skipped.get(message, 0) + 1
                return
            if len(self._last) > 100:  # a flood of different messages must not grow this without end
                self._last.clear()
                self._skipped.clear()
            self._last[message] = now
            skipped = self._skipped.pop(message, 0)
        if skipped:
            log.log(level, "%s (and %d more in the last %d s)", message, skipped, self.every)
        else:
            log.log(level, "%s", message)


log_once_in_a_while = RateLimitedLog(LOG_EVERY_SECONDS)
