"""The reports' charts and the county map, drawn on the server as SVG: no script, nothing fetched from elsewhere.

Each chart is followed on the page by the table it draws, which is what screen readers read (the SVG is one image
with a title) and what prints when the chart would not. Geometry is computed here; the templates only place it.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.contrib.staticfiles import finders
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from directory.models import County
from reports.selectors import SHADE_LIMITS, NeedCounts, shade_class

BAR_COLOUR = "#0b5ed7"
# Unmet needs per county, from none to many: light to dark, told apart by lightness as well as hue.
SHADES = ["#eceff1", "#fdd49e", "#ef6548", "#990000"]


@dataclass(frozen=True)
class ColumnBar:
    week: date
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    label: date
    x: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    left: int  # where the scale's numbers end and the columns begin
    baseline: float
    bars: list[ColumnBar]
    ticks: list[Tick]
    top: int  # the value at the top of the scale
    top_y: float


def week_chart(weeks: list[tuple[date, int]]) -> ColumnChart:
    """Columns, one per week, on a scale from 0 to the busiest week; a date under the first, last and a few
    weeks between (every week's is in the table)."""
    width, height, left, bottom, top_margin = 480, 200, 36, 28, 12
    baseline = height - bottom
    top = max([value for _, value in weeks] + [1])
    slot = (width - left) / max(len(weeks), 1)
    bars = [
        ColumnBar(
            week=week,
            value=value,
            x=round(left + index * slot + slot * 0.15, 1),
            y=round(baseline - value / top * (baseline - top_margin), 1),
            width=round(slot * 0.7, 1),
            height=round(value / top * (baseline - top_margin), 1),
        )
        for index, (week, value) in enumerate(weeks)
    ]
    every = max(1, -(-len(weeks) // 4))
    ticks = [
        Tick(label=bar.week, x=round(bar.x + bar.width / 2, 1))
        for index, bar in enumerate(bars)
        if index % every == 0 or index == len(bars) - 1
    ]
    if len(ticks) > 1 and ticks[-1].x - ticks[-2].x < slot * every * 0.6:
        del ticks[-2]
    return ColumnChart(
        width=width,
        height=height,
        left=left,
        baseline=baseline,
        bars=bars,
        ticks=ticks,
        top=top,
        top_y=top_margin,
    )


@dataclass(frozen=True)
class BarRow:
    label: Any
    text: str
    percent: float  # the bar's length, of the widest
    marker: float | None = None  # a second value drawn as a tick (the 90th percentile beside the median)


def bar_rows(
    items: list[tuple[Any, float, str]], *, markers: list[float | None] | None = None
) -> list[BarRow]:
    """Horizontal bars, longest = 100: (label, value, the value as text)."""
    marks = markers or [None] * len(items)
    top = max([value for _, value, _ in items] + [mark or 0 for mark in marks] + [1e-9])
    return [
        BarRow(
            label=label,
            text=text,
            percent=round(value / top * 100, 2),
            # The mark is 0.8 wide: kept inside the drawing at the far end.
            marker=None if mark is None else min(round(mark / top * 100, 2), 99.2),
        )
        for (label, value, text), mark in zip(items, marks, strict=True)
    ]


@dataclass(frozen=True)
class CountyShape:
    fips: str
    name: str
    d: str
    shade: int
    colour: str
    count: int
    selected: bool


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str | Promise


@dataclass(frozen=True)
class CountyMap:
    width: int
    height: int
    shapes: list[CountyShape]
    legend: list[LegendEntry]


@cache
def county_shapes() -> dict:
    """static/maps/nc-counties.json, made once by scripts/nc_county_map.py from the us-atlas package."""
    path = finders.find("maps/nc-counties.json")
    if not path:
        raise FileNotFoundError("static/maps/nc-counties.json")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def legend() -> list[LegendEntry]:
    low, middle, high = SHADE_LIMITS
    return [
        LegendEntry(SHADES[0], _("none")),
        LegendEntry(SHADES[1], f"{low}–{middle - 1}"),
        LegendEntry(SHADES[2], f"{middle}–{high - 1}"),
        LegendEntry(SHADES[3], _("%(count)s or more") % {"count": high}),
    ]


def county_map(counties: list[tuple[County, NeedCounts]], *, selected: County | None = None) -> CountyMap:
    """Every county shaded by its unmet or unserved needs (classes of reports.selectors.shade_class)."""
    drawing = county_shapes()
    counts = {county.pk: (county, needs.unmet_or_unserved) for county, needs in counties}
    shapes = []
    for fips, shape in drawing["counties"].items():
        county, count = counts.get(fips, (None, 0))
        shade = shade_class(count)
        shapes.append(
            CountyShape(
                fips=fips,
                name=county.name if county else shape["name"],
                d=shape["d"],
                shade=shade,
                colour=SHADES[shade],
                count=count,
                selected=selected is not None and selected.pk == fips,
            )
        )
    # The selected county last, so its outline is drawn over its neighbours'.
    shapes.sort(key=lambda shape: shape.selected)
    return CountyMap(width=drawing["width"], height=drawing["height"], shapes=shapes, legend=legend())
