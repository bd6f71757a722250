"""Medians and 90th percentiles of durations, computed in the database the same way on SQLite and PostgreSQL.

PostgreSQL has percentile_cont; SQLite has no percentile function. Both have window functions, so each duration is
numbered in order within its group (ROW_NUMBER) beside the size of its group (COUNT), and the query keeps only the
rows at the ranks a percentile needs: at most four rows per group, whatever the number of durations. Python then
interpolates between the two rows around each percentile exactly as percentile_cont does (the value at position
p × (n − 1), counted from 0, linearly between its neighbours), in whole microseconds with integer arithmetic, so
both databases give the same figure to the microsecond.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

PERCENTS = (50, 90)


@dataclass(frozen=True)
class Spread:
    """How long something took: over `count` cases, the median and the 90th percentile."""

    count: int
    median: timedelta
    p90: timedelta


def _microseconds(value: timedelta) -> int:
    return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds


def interpolate(count: int, ranked: dict[int, timedelta], percent: int) -> timedelta:
    """percentile_cont from the rows at the ranks `ranks_needed` named (1-based), in whole microseconds."""
    position = (count - 1) * percent  # in hundredths
    low, remainder = divmod(position, 100)
    low_value = _microseconds(ranked[low + 1])
    if not remainder:
        return timedelta(microseconds=low_value)
    high_value = _microseconds(ranked[low + 2])
    # Rounded half up, the same on every database: the interpolation happens here, not in SQL.
    return timedelta(microseconds=low_value + ((high_value - low_value) * remainder * 2 + 100) // 200)


def spreads(queryset: QuerySet, duration: Expression, *, group: str | None = None) -> dict:
    """Median and 90th percentile of `duration` over the rows of `queryset`, for each value of the field `group`
    (or for all rows, under the key None). One query, returning at most four rows per group."""
    partition = [F(group)] if group else None
    ranked = (
        queryset.order_by()
        .annotate(_duration=ExpressionWrapper(duration, output_field=DurationField()))
        .annotate(
            _count=Window(Count("pk"), partition_by=partition),
            _rank=Window(RowNumber(), partition_by=partition, order_by=[F("_duration").asc(), F("pk").asc()]),
        )
    )
    wanted = Q()
    for percent in PERCENTS:
        # The 1-based ranks around position p × (n − 1): integer division in SQL on both databases.
        low = (F("_count") - 1) * percent / 100 + 1
        wanted |= Q(_rank=low) | Q(_rank=low + 1)
    fields = ["_count", "_rank", "_duration"] + ([group] if group else [])
    rows = ranked.filter(wanted).values_list(*fields)
    found: dict = {}
    for row in rows:
        count, rank, value = row[0], row[1], row[2]
        key = row[3] if group else None
        found.setdefault(key, (count, {}))[1][rank] = value
    return {
        key: Spread(count, interpolate(count, ranked_values, 50), interpolate(count, ranked_values, 90))
        for key, (count, ranked_values) in found.items()
    }
