"""Checks /healthz runs besides the database. Apps register theirs (in `AppConfig.ready()`), so core stays
ignorant of them: a check returns None (or an empty list) when all is well, or a short reason, in English, for the
operator (or a list of them: the scheduled jobs' check gives one per stale job, naming it)."""

from collections.abc import Callable

Check = Callable[[], str | list[str] | None]

_checks: list[Check] = []


def register(check: Check) -> Check:
    """Add a check (once, however many times it is registered). Usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def problems() -> list[str]:
    """The reasons given by the checks that report something, in the order they were registered."""
    reasons: list[str] = []
    for check in _checks:
        found = check()
        if isinstance(found, str):
            reasons.append(found)
        elif found:
            reasons.extend(found)
    return reasons
