"""Checks /healthz runs besides the database. Apps register theirs (in `AppConfig.ready()`), so core stays
ignorant of them: a check returns None when all is well, or a short reason, in English, for the operator."""

from collections.abc import Callable

Check = Callable[[], str | None]

_checks: list[Check] = []


def register(check: Check) -> Check:
    """Add a check (once, however many times it is registered). Usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def problems() -> list[str]:
    """The reasons given by the checks that report something, in the order they were registered."""
    return [reason for check in _checks if (reason := check())]
