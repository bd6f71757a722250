"""Keyset pagination for long lists: a page is "the rows after (or before) this row" in the list's order, read
straight off an index, so the thousandth page costs what the first does. OFFSET would read and drop every row
before the page; a COUNT of the whole list would read all of it. The count here stops at COUNT_LIMIT.

A list's order is a few non-null fields ending with the primary key (unique, so no row is skipped or repeated).
The cursor in the address holds those values of the last (or first) row shown, encrypted: it says where a page
starts, nothing more, and the rows are read through the same scoped query as the first page, so a cursor made up by hand can only
move within what the person may see. A cursor that cannot be read is a clear 404, as for a page number that does
not exist.
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from cryptography.fernet import InvalidToken
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404, HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.crypto import decrypt, encrypt

# A list says "more than 1,000" rather than counting a hub's whole history on every page.
COUNT_LIMIT = 1000


@dataclass
class KeysetPage:
    object_list: list
    # The address parameters of the neighbouring pages (None: there is none).
    next_cursor: str | None
    previous_cursor: str | None
    # How many rows the whole list has, up to COUNT_LIMIT; count_capped: there are more.
    count: int
    count_capped: bool
    is_first: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _value(row: Any, field: str) -> Any:
    for part in field.split("__"):
        row = getattr(row, "pk" if part == "pk" else part)
    return row


def _encode(values: list) -> str:
    """The cursor: the row's sort values, encrypted (core/crypto.py), so the address shows neither ids (counted across
    the network, they would tell how busy other hubs are) nor when a case was logged."""
    plain = [value.isoformat() if isinstance(value, (date, datetime)) else value for value in values]
    return encrypt(json.dumps(plain, separators=(",", ":")))


def _decode(cursor: str, fields: list[str], datetimes: set[str]) -> list:
    try:
        values = json.loads(decrypt(cursor))
    except (InvalidToken, ValueError, UnicodeError):
        raise Http404(_("This page of the list does not exist.")) from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise Http404(_("This page of the list does not exist."))
    decoded = []
    for field, value in zip(fields, values, strict=True):
        if field in datetimes:
            value = _datetime(value)
        elif not isinstance(value, int) or isinstance(value, bool) or not -BIGINT <= value <= BIGINT:
            # The other fields of a keyset order are integers (ids, ranks), within the database's range.
            value = None
        if value is None:
            raise Http404(_("This page of the list does not exist."))
        decoded.append(value)
    return decoded


# The largest integer a database column holds (PostgreSQL's bigint; SQLite's integer).
BIGINT = 2**63 - 1


def _datetime(value: Any) -> datetime | None:
    """A cursor's date-time: written with its offset (_encode), and one the database can take (a date-time with a
    made-up offset or at the edge of the calendar cannot be compared in UTC)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None or parsed.tzinfo is None:
            return None
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed


def keyset_page(
    queryset: QuerySet,
    request: HttpRequest,
    *,
    order: list[str],
    per_page: int,
    datetimes: tuple[str, ...] = (),
    count: bool = True,
) -> KeysetPage:
    """The page of `queryset` in `order` (field names, all ascending or all descending, "-" for descending, the
    last one "pk") that the request's `after` or `before` parameter asks for; the first page without either.
    `datetimes`: which of the fields are date-times (to read them back from the cursor)."""
    descending = order[0].startswith("-")
    if any(field.startswith("-") != descending for field in order):
        raise ValueError("A keyset order runs one way: all fields ascending or all descending.")
    fields = [field.lstrip("-") for field in order]
    key = Tuple(*(F(field) for field in fields))
    after, before = request.GET.get("after"), request.GET.get("before")
    rows = queryset.order_by(*order)
    if after:
        values = _decode(after, fields, set(datetimes))
        rows = rows.filter((TupleLessThan if descending else TupleGreaterThan)(key, values))
    elif before:
        values = _decode(before, fields, set(datetimes))
        # The rows just before the cursor, read in the opposite order and turned back below.
        backwards = fields if descending else [f"-{field}" for field in fields]
        rows = queryset.filter((TupleGreaterThan if descending else TupleLessThan)(key, values)).order_by(
            *backwards
        )
    found = list(rows[: per_page + 1])
    more = len(found) > per_page
    found = found[:per_page]
    if before:
        found.reverse()
    # Going forward, "more" means a next page; going back, a previous one. A page reached by a cursor always has a
    # neighbour on the side it came from.
    has_next = more if not before else True
    has_previous = bool(after) or (more if before else False)
    next_cursor = _encode([_value(found[-1], f) for f in fields]) if has_next and found else None
    previous_cursor = _encode([_value(found[0], f) for f in fields]) if has_previous and found else None
    total, capped = 0, False
    if count:
        total = queryset.order_by()[: COUNT_LIMIT + 1].count()
        capped = total > COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
    return KeysetPage(
        object_list=found,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        count=total,
        count_capped=capped,
        is_first=not after and not before,
    )
