"""Optional error reports to Sentry (or a self-hosted GlitchTip, which speaks the same protocol), when SENTRY_DSN is
set, without personal data: the same rule as the error emails (core/errors.py). Imported by config/settings.py, so
this module imports nothing from Django at the top."""

from typing import Any
from urllib.parse import parse_qsl

# Request headers an event may keep: they say what kind of request it was, not who sent it.
SAFE_HEADERS = frozenset({"host", "user-agent", "accept", "accept-language", "content-type", "hx-request"})


def init_sentry(dsn: str, *, environment: str = "", **options: Any) -> None:
    """Start reporting: no request bodies, cookies, users or local variables are collected, and `scrub_sentry_event`
    sees every event before it leaves. `options`: more of sentry_sdk.init's (the tests give a transport)."""
    import sentry_sdk

    sentry_sdk.init(
        **{
            "dsn": dsn,
            "environment": environment or None,
            # What the SDK collects by itself (its successor to send_default_pii=False, which it now deprecates).
            "data_collection": {
                "user_info": False,
                "cookies": {"mode": "off"},
                "http_headers": {"request": {"mode": "allowlist", "terms": sorted(SAFE_HEADERS)}},
                "http_bodies": [],
                "url_query_params": {"mode": "off"},
                "graphql": {"document": False, "variables": False},
                "gen_ai": {"inputs": False, "outputs": False},
                "database_query_data": False,
                "queues": False,
                "stack_frame_variables": False,
            },
            "max_request_body_size": "never",
            "before_send": scrub_sentry_event,
            "before_send_transaction": scrub_sentry_event,
            **options,
        }
    )


def scrub_sentry_event(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """Sentry's `before_send`: the event without request data, query string, cookies, headers but a few, the user,
    local variables or breadcrumb data, and with values quoted in messages replaced. A database outage is dropped:
    `core.outage` reports it as one log line per kind, which reaches Sentry as a message instead of one event per
    request."""
    from core.errors import scrub_text
    from core.outage import database_failure

    exc_info = (hint or {}).get("exc_info")
    if exc_info and database_failure(exc_info[1]) is not None:
        return None

    request = event.get("request") or {}
    known = _event_request_values(request) + _request_values_in_traceback(exc_info)
    if request:
        url = str(request.get("url", "")).split("?", 1)[0]
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": url,
            "headers": {key: value for key, value in headers.items() if key.lower() in SAFE_HEADERS},
        }
    event.pop("user", None)
    event.pop("extra", None)

    for exception in (event.get("exception") or {}).get("values") or []:
        if exception.get("value"):
            exception["value"] = scrub_text(str(exception["value"]), known)
        _drop_frame_vars(exception.get("stacktrace"))
    for thread in (event.get("threads") or {}).get("values") or []:
        _drop_frame_vars(thread.get("stacktrace"))

    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"], known)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = scrub_text(logentry[key], known)
        logentry.pop("params", None)

    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in crumbs or []:
        crumb.pop("data", None)
        if isinstance(crumb.get("message"), str):
            crumb["message"] = scrub_text(crumb["message"], known)
    for span in event.get("spans") or []:
        span.pop("data", None)
    return event


def _event_request_values(request: dict[str, Any]) -> list[str]:
    values: list[str] = []
    data = request.get("data")
    if isinstance(data, dict):
        for value in data.values():
            values += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    elif isinstance(data, str):
        values.append(data)
    query = request.get("query_string")
    if isinstance(query, str):
        values += [value for _, value in parse_qsl(query)]
    return values


def _request_values_in_traceback(exc_info) -> list[str]:
    """The values the failing request carried, from the traceback's view frames: Sentry collects no body, so the
    event does not have them, but an exception message may quote them."""
    from django.http import HttpRequest

    from core.errors import request_values

    traceback = exc_info[2] if exc_info else None
    while traceback is not None:
        candidate = traceback.tb_frame.f_locals.get("request")
        if isinstance(candidate, HttpRequest):
            return request_values(candidate)
        traceback = traceback.tb_next
    return []


def _drop_frame_vars(stacktrace: dict[str, Any] | None) -> None:
    for frame in (stacktrace or {}).get("frames") or []:
        frame.pop("vars", None)
