"""The reports as tables: what the page shows under each chart (for everyone, and for screen readers in place of the
chart) and what the CSV export writes, with small counts suppressed.

Suppression (the CSV only): a count from 1 to 4 is written "<5". Zero is written as 0: it describes nobody. Where a
total would let a suppressed count be worked out (a row or a column with exactly one count hidden, its total
shown), the smallest other count of that row or column is hidden too, and so on until no row or column has a single
hidden count: complementary suppression. A median, a 90th percentile or a share computed from a hidden count is
left out.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from referrals.models import DeclineReason
from reports.charts import LegendEntry, legend
from reports.selectors import (
    ACCEPTED_STATES,
    CaseFigures,
    NeedCounts,
    PartnerFigures,
    shade_class,
)
from reports.stats import Spread

THRESHOLD = 5
SUPPRESSED = "<5"

COUNT, HOURS, DAYS, PERCENT, NUMBER = "count", "hours", "days", "percent", "number"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = (
        COUNT  # COUNT cells are suppressed; NUMBER cells (a service's places) are not counts of people
    )
    # For a count: the counts of the same row it is the total of.
    sum_of: tuple[str, ...] = ()
    # For a time or a share: the counts it is computed from (left out when one of them is hidden).
    depends_on: tuple[str, ...] = ()


@dataclass
class Row:
    label: Any  # shown as is (a category, a county, a date); in the CSV as text
    values: dict[str, Any]


@dataclass(frozen=True)
class DisplayRow:
    label: Any
    cells: list[str]
    is_total: bool
    shade: LegendEntry | None  # the map's colour and its meaning, on the map's table


@dataclass
class Table:
    key: str  # stable, for the CSV
    title: str | Promise
    row_heading: str | Promise
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None  # the column totals, when the rows add up
    note: str | Promise = ""
    # Set for the map's table: the shading class of each row (not exported: it would narrow a hidden count).
    shades: list[int] = field(default_factory=list)

    @property
    def all_rows(self) -> list[Row]:
        return self.rows + ([self.total] if self.total else [])

    def hidden_cells(self) -> set[tuple[int, str]]:
        """The cells the CSV writes as "<5": (row index, column key), the total row last."""
        rows = self.all_rows
        counts = {
            (index, column.key): row.values[column.key]
            for index, row in enumerate(rows)
            for column in self.columns
            if column.kind == COUNT and row.values.get(column.key) is not None
        }
        hidden = {cell for cell, value in counts.items() if 0 < value < THRESHOLD}
        lines = [
            [(index, key) for key in (*column.sum_of, column.key)]
            for index in range(len(rows))
            for column in self.columns
            if column.sum_of
        ]
        if self.total:
            lines += [
                [(index, column.key) for index in range(len(rows))]
                for column in self.columns
                if column.kind == COUNT
            ]
        changed = True
        while changed:
            changed = False
            for line in lines:
                cells = [cell for cell in line if cell in counts]
                if sum(1 for cell in cells if cell in hidden) != 1:
                    continue
                others = sorted(
                    (counts[cell], cell) for cell in cells if cell not in hidden and counts[cell] > 0
                )
                if others:
                    hidden.add(others[0][1])
                    changed = True
        return hidden

    def display_rows(self) -> Iterator["DisplayRow"]:
        """The rows as the page shows them (exact figures: the page is for people who may see them)."""
        shades = legend()
        for index, row in enumerate(self.all_rows):
            yield DisplayRow(
                label=row.label,
                cells=[display(column, row.values.get(column.key)) for column in self.columns],
                is_total=row is self.total,
                shade=shades[self.shades[index]] if index < len(self.shades) else None,
            )

    def csv_rows(self) -> Iterator[list[Any]]:
        """[table, row, column, value] for every cell, with small counts suppressed."""
        hidden = self.hidden_cells()
        for index, row in enumerate(self.all_rows):
            label = csv_label(row.label)
            for column in self.columns:
                value = row.values.get(column.key)
                if (index, column.key) in hidden:
                    value = SUPPRESSED
                elif any((index, key) in hidden for key in column.depends_on):
                    value = ""
                else:
                    value = csv_value(column, value)
                yield [self.key, label, str(column.label), value]


def csv_label(label: Any) -> str:
    if isinstance(label, date):
        return label.isoformat()
    return str(label)


def _hours(value: timedelta) -> float:
    return round(value.total_seconds() / 3600, 1)


def _days(value: timedelta) -> float:
    return round(value.total_seconds() / 86400, 1)


def csv_value(column: Column, value: Any) -> Any:
    if value is None:
        return ""
    if column.kind == HOURS:
        return _hours(value)
    if column.kind == DAYS:
        return _days(value)
    if column.kind == PERCENT:
        return round(value * 100)
    return value


def display(column: Column | str, value: Any) -> str:
    """A cell as the page shows it; `column` is a table's column, or the kind of value (HOURS, DAYS...)."""
    kind = column if isinstance(column, str) else column.kind
    if value is None:
        return "–"
    if kind == HOURS:
        return gettext("%(hours)s h") % {"hours": _format_decimal(_hours(value))}
    if kind == DAYS:
        return gettext("%(days)s days") % {"days": _format_decimal(_days(value))}
    if kind == PERCENT:
        return f"{round(value * 100)}%"
    return str(value)


def _format_decimal(value: float) -> str:
    return number_format(value, decimal_pos=1)


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# The case reports (hub and network).

ROUTING_STATES: dict[str, str | Promise] = {
    "pending": _("Waiting for an answer, in time"),
    "overdue": _("Waiting for an answer, overdue"),
    "accepted": _("Accepted, being worked on"),
    "helped": _("Completed: helped"),
    "not_helped": _("Completed: could not help"),
    "declined": _("Declined"),
    "expired": _("No answer in time"),
    "phone_no_answer": _("No answer by phone"),
    "withdrawn_after_accepting": _("Withdrawn after being accepted"),
    "withdrawn": _("Withdrawn before an answer"),
}


def _need_columns() -> list[Column]:
    return [
        Column("total", _("Needs"), sum_of=("helped", "not_helped", "open", "withdrawn")),
        Column("helped", _("Helped")),
        Column("not_helped", _("Could not be helped")),
        Column("unmet", _("of which closed as unmet")),
        Column("open", _("Open")),
        Column("withdrawn", _("No longer needed")),
        Column("share", _("Share helped"), kind=PERCENT, depends_on=("helped", "not_helped")),
    ]


def _need_values(counts: NeedCounts) -> dict[str, Any]:
    return {
        "total": counts.total,
        "helped": counts.helped,
        "not_helped": counts.not_helped,
        "unmet": counts.unmet,
        "open": counts.open,
        "withdrawn": counts.withdrawn,
        "share": share(counts.helped, counts.decided),
    }


def _counts_table(
    key: str, title, row_heading, rows: Sequence[tuple[Any, int]], *, column=None, note: str | Promise = ""
) -> Table:
    column = column or Column("count", _("Count"))
    return Table(
        key=key,
        title=title,
        row_heading=row_heading,
        columns=[column],
        rows=[Row(label, {column.key: value}) for label, value in rows],
        total=Row(_("Total"), {column.key: sum(value for _, value in rows)}),
        note=note,
    )


def _spread_values(spread: Spread | None) -> dict[str, Any]:
    return {
        "answers": spread.count if spread else 0,
        "median": spread.median if spread else None,
        "p90": spread.p90 if spread else None,
    }


def case_tables(figures: CaseFigures) -> dict[str, Table]:
    """Every table of a hub or network report, by key, in the order the page and the CSV give them."""
    tables: dict[str, Table] = {}
    tables["families"] = Table(
        key="families",
        title=_("Families"),
        row_heading=_("Cases"),
        columns=[Column("count", _("Count"))],
        rows=[
            Row(_("Opened (logged in the period)"), {"count": figures.opened}),
            Row(_("Closed (in the period)"), {"count": figures.closed}),
        ],
    )
    tables["weeks"] = _counts_table(
        "families_per_week",
        _("Families opened per week"),
        _("Week of"),
        figures.weeks,
        column=Column("count", _("Opened")),
    )
    tables["needs_by_category"] = Table(
        key="needs_by_category",
        title=_("Needs by kind of help"),
        row_heading=_("Kind of help"),
        columns=_need_columns(),
        rows=[Row(category, _need_values(counts)) for category, counts in figures.needs_by_category],
        total=Row(_("Total"), _need_values(figures.needs)),
        note=_(
            "Share helped: of the needs helped or not, those helped (open and no longer needed ones left out)."
        ),
    )
    tables["needs_by_county"] = Table(
        key="needs_by_county",
        title=_("Needs by county"),
        row_heading=_("County"),
        columns=_need_columns(),
        rows=[Row(county, _need_values(counts)) for county, counts in figures.needs_by_county],
        total=Row(_("Total"), _need_values(figures.needs)),
    )
    tables["routings"] = _counts_table(
        "routings_by_outcome",
        _("Referrals to organizations, by where they stand"),
        _("Where it stands"),
        [(ROUTING_STATES[state], count) for state, count in figures.routings.items()],
        column=Column("count", _("Referrals")),
    )
    tables["declines"] = _declines_table(figures)
    tables["organizations"] = organizations_table(figures)
    tables["close_time"] = _spread_table(
        "time_to_closure",
        _("Time from intake to closure"),
        _("Cases"),
        Column("answers", _("Cases closed")),
        Row(_("Closed in the period"), _spread_values(figures.close_time)),
        kind=DAYS,
    )
    tables["unmet_by_county"] = unmet_table(figures)
    tables["unmet_pairs"] = Table(
        key="unmet_by_county_and_category",
        title=_("Unmet needs by county and kind of help"),
        row_heading=_("County and kind of help"),
        columns=_unmet_columns(),
        rows=[
            Row(f"{county.name} · {category}", _unmet_values(counts))
            for county, category, counts in figures.unmet_pairs
        ],
        total=Row(_("Total"), _unmet_values(_sum(counts for _, _, counts in figures.unmet_pairs))),
    )
    return tables


def organizations_table(figures: CaseFigures) -> Table:
    overall = _spread_values(figures.answer_time)
    return Table(
        key="organizations",
        title=_("Answers and expiries by organization"),
        row_heading=_("Organization"),
        columns=[
            Column("answers", _("Answers")),
            Column("median", _("Median time to answer"), kind=HOURS, depends_on=("answers",)),
            Column("p90", _("90th percentile"), kind=HOURS, depends_on=("answers",)),
            Column("expired", _("No answer in time")),
            Column("phone_no_answer", _("No answer by phone")),
            Column("dropped", _("Not answered, in all"), sum_of=("expired", "phone_no_answer")),
        ],
        rows=[
            Row(
                row.organization,
                {
                    **_spread_values(row.answer_time),
                    "expired": row.expired,
                    "phone_no_answer": row.phone_no_answer,
                    "dropped": row.expired + row.phone_no_answer,
                },
            )
            for row in figures.organizations
        ],
        total=Row(
            _("All organizations"),
            {
                **overall,
                "expired": sum(row.expired for row in figures.organizations),
                "phone_no_answer": sum(row.phone_no_answer for row in figures.organizations),
                "dropped": sum(row.expired + row.phone_no_answer for row in figures.organizations),
            },
        ),
        note=_(
            "Time to answer: from the referral to the organization's answer (accepted or declined), for the "
            "referrals that have one."
        ),
    )


def _unmet_columns() -> list[Column]:
    return [
        Column("unmet", _("Closed as unmet")),
        Column("unserved", _("Open, no service takes them")),
        Column("total", _("Unmet or unserved"), sum_of=("unmet", "unserved")),
    ]


def _unmet_values(counts: NeedCounts) -> dict[str, int]:
    return {"unmet": counts.unmet, "unserved": counts.unserved, "total": counts.unmet_or_unserved}


def _sum(counts) -> NeedCounts:
    total = NeedCounts()
    for each in counts:
        total.add(each)
    return total


def unmet_table(figures: CaseFigures) -> Table:
    """The map's table: each county with unmet or unserved needs, and its shading class."""
    shown = [(county, counts) for county, counts in figures.needs_by_county if counts.unmet_or_unserved]
    return Table(
        key="unmet_by_county",
        title=_("Unmet needs by county"),
        row_heading=_("County"),
        columns=_unmet_columns(),
        rows=[Row(county, _unmet_values(counts)) for county, counts in shown],
        total=Row(_("Total"), _unmet_values(_sum(counts for _, counts in shown))),
        shades=[shade_class(counts.unmet_or_unserved) for _, counts in shown],
        note=_(
            "Closed as unmet: a coordinator found no organization to take the need. Open, no service takes them: "
            "no service of that kind that takes referrals covers the county (or the whole state) today."
        ),
    )


# The partner report.


def partner_tables(figures: PartnerFigures) -> dict[str, Table]:
    tables: dict[str, Table] = {}
    tables["weeks"] = _counts_table(
        "received_per_week",
        _("Referrals received per week"),
        _("Week of"),
        figures.weeks,
        column=Column("count", _("Received")),
    )
    tables["states"] = _counts_table(
        "referrals_by_outcome",
        _("Referrals received, by where they stand"),
        _("Where it stands"),
        [(ROUTING_STATES[state], count) for state, count in figures.states.items()],
        column=Column("count", _("Referrals")),
    )
    tables["declines"] = _declines_table(figures)

    def partition(states: dict[str, int]) -> dict[str, int]:
        accepted = sum(states[state] for state in ACCEPTED_STATES)
        values = {
            "accepted": accepted,
            "declined": states["declined"],
            "not_answered": states["expired"] + states["phone_no_answer"],
            "waiting": states["pending"] + states["overdue"],
            "withdrawn": states["withdrawn"],
        }
        return {"received": sum(values.values()), **values}

    tables["by_category"] = Table(
        key="received_by_category",
        title=_("Referrals received by kind of help"),
        row_heading=_("Kind of help"),
        columns=[
            Column(
                "received",
                _("Received"),
                sum_of=("accepted", "declined", "not_answered", "waiting", "withdrawn"),
            ),
            Column("accepted", _("Accepted")),
            Column("declined", _("Declined")),
            Column("not_answered", _("Not answered")),
            Column("waiting", _("Waiting")),
            Column("withdrawn", _("Withdrawn before an answer")),
        ],
        rows=[Row(category, partition(states)) for category, states in figures.by_category],
        total=Row(_("Total"), partition(figures.states)),
    )
    tables["answer_time"] = _spread_table(
        "time_to_answer",
        _("Time to answer"),
        _("Referrals"),
        Column("answers", _("Answers")),
        Row(_("Accepted or declined"), _spread_values(figures.answer_time)),
        kind=HOURS,
    )
    tables["capacity"] = Table(
        key="capacity_changes",
        title=_("Places available over time"),
        row_heading=_("When and which service"),
        columns=[
            Column("before", _("Before"), kind=NUMBER),
            Column("after", _("After"), kind=NUMBER),
        ],
        rows=[
            Row(
                f"{date_format(timezone.localtime(change.created_at), 'SHORT_DATE_FORMAT')} · "
                f"{change.service.localized_name}",
                {
                    "before": change.changes["capacity_available"][0],
                    "after": change.changes["capacity_available"][1],
                },
            )
            for change in figures.capacity
        ],
    )
    return tables


def csv_rows(tables: dict[str, Table]) -> Iterator[list[Any]]:
    """The CSV export of a report: one line per cell, small counts suppressed table by table."""
    yield ["table", "row", "column", "value"]
    for table in tables.values():
        yield from table.csv_rows()


def _declines_table(figures) -> "Table":
    """Declines by reason, every reason listed (the hub's, the network's and a partner's reports alike)."""
    return _counts_table(
        "declines_by_reason",
        _("Declines by reason"),
        _("Reason"),
        [(label, figures.declines.get(value, 0)) for value, label in DeclineReason.choices],
        column=Column("count", _("Declines")),
    )


def _spread_table(key: str, title, row_heading, count: "Column", row: "Row", *, kind) -> "Table":
    """One row of a duration: how many, then its median and 90th percentile (hidden with the count when it is)."""
    return Table(
        key=key,
        title=title,
        row_heading=row_heading,
        columns=[
            count,
            Column("median", _("Median"), kind=kind, depends_on=("answers",)),
            Column("p90", _("90th percentile"), kind=kind, depends_on=("answers",)),
        ],
        rows=[row],
    )
