"""Describe a figure drawn from events in words: the alternative text of charts and maps.

A reader who cannot see a chart is told what it shows, with its numbers: the kind of
chart, what is counted, where and when, the range, the peak and its period, and the
latest full period. A map names its area, the number of events and the towns with the
most. The front matter's ``alt:`` replaces all of this when an analyst writes one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from weekly.apstyle import MONTHS, join_names, long_date

#: Columns that say where events happened, in the order they are named.
PLACE_COLUMNS = ("location", "admin2", "admin1", "country")
#: Columns that say who acted.
ACTOR_COLUMNS = ("actor1",)
#: Columns that say what kind of event it was.
KIND_COLUMNS = ("sub_event_type", "event_type")
#: Towns named in a map's description.
MAP_TOWNS = 3
#: A reader's word for a column a chart is split by (as the chart's own legend says it).
READER_NAMES = {
    "actor1": "actor", "actor2": "target", "admin1": "region", "admin2": "district",
    "event_type": "event type", "sub_event_type": "event subtype", "location": "town",
    "civilian_targeting": "civilian targeting", "disorder_type": "disorder",
}  # fmt: skip


def reader_name(column: str) -> str:
    """Return a column's name as a reader says it: ``region`` for ``admin1``."""
    return READER_NAMES.get(column, column.replace("_", " "))


def _values(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _either(values: list[str]) -> str:
    if len(values) <= 2:
        return " or ".join(values)
    return ", ".join(values[:-1]) + ", or " + values[-1]


def counted(where: Mapping[str, Any]) -> str:
    """Return what a chart counts, from its filter: ``JNIM events``, ``battles``."""
    actors = [v for name in ACTOR_COLUMNS if name in where for v in _values(where[name])]
    kinds = [v for name in KIND_COLUMNS if name in where for v in _values(where[name])]
    noun = _either([k.lower() for k in kinds]) + " events" if kinds else "events"
    if actors:
        return f"{_either(actors)} {noun}"
    return noun


def place(where: Mapping[str, Any]) -> str:
    """Return `` in Mopti and Segou`` for a chart filtered by place, else empty."""
    for name in PLACE_COLUMNS:
        if name in where:
            return f" in {join_names(_values(where[name]))}"
    return ""


def others(where: Mapping[str, Any]) -> str:
    """Return the filters neither :func:`counted` nor :func:`place` names, in words."""
    named = {*ACTOR_COLUMNS, *KIND_COLUMNS}
    named |= {next((n for n in PLACE_COLUMNS if n in where), "")}
    rest = [f"{reader_name(name)}: {_either(_values(v))}" for name, v in where.items()
            if name not in named]  # fmt: skip
    return f" ({'; '.join(rest)})" if rest else ""


def span(first: dt.date, last: dt.date) -> str:
    """Return `` from September 1, 2022, to December 13, 2023``."""
    return f" from {long_date(first)}, to {long_date(last)}"


def _period_name(start: dt.date, period: str) -> str:
    if period == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    return f"the week of {long_date(start)}"


def periods(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Return the first day of each week (Mondays) or month a bar chart shows."""
    if period == "month":
        starts, day = [], first.replace(day=1)
        while day <= last:
            starts.append(day)
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return starts
    monday = first - dt.timedelta(days=first.weekday())
    return [monday + dt.timedelta(weeks=i) for i in range((last - monday).days // 7 + 1)]


def _period_end(start: dt.date, period: str) -> dt.date:
    if period == "month":
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start + dt.timedelta(days=6)


def period_totals(dates: Any, starts: list[dt.date]) -> np.ndarray:
    """Return the number of ``dates`` in each period beginning at ``starts``."""
    days = np.asarray(dates, dtype="datetime64[D]")
    slots = np.searchsorted(np.array(starts, dtype="datetime64[D]"), days, side="right") - 1
    slots = slots[(slots >= 0) & (slots < len(starts))]
    return np.bincount(slots, minlength=len(starts))


def describe_bars(
    period: str,
    where: Mapping[str, Any],
    first: dt.date,
    last: dt.date,
    starts: list[dt.date],
    totals: Sequence[int],
    groups: Sequence[tuple[str, int]] = (),
    by: str = "",
) -> str:
    """Return the description of a bar chart of events per ``period`` (week or month).

    ``totals`` counts the events of each period starting at ``starts``; ``groups`` are the
    stacked series with their totals (largest first) when the chart is split ``by`` a column.
    """
    kind = "Stacked bar chart" if groups else "Bar chart"
    text = f"{kind} of {counted(where)} per {period}{place(where)}{others(where)}"
    text += span(first, last)
    if groups:
        parts = [f"{name} {count:,}" for name, count in groups]
        text += f", by {reader_name(by)} ({', '.join(parts)})"
    values = [int(v) for v in totals]
    if not values:
        return text + "."
    high = max(values)
    peak = values.index(high)
    text += f": between {min(values):,} and {high:,} a {period}, "
    text += f"highest in {_period_name(starts[peak], period)}"
    full = len(values) - (1 if _period_end(starts[-1], period) > last else 0)
    if full > 0:
        latest = "last full week" if period == "week" else "last full month"
        text += f"; {values[full - 1]:,} in the {latest}"
        text += f" ({_period_name(starts[full - 1], period)})"
    return f"{text}; {sum(values):,} events in all."


def describe_share(
    where: Mapping[str, Any],
    by: str,
    first: dt.date,
    last: dt.date,
    shares: Sequence[tuple[str, int]],
) -> str:
    """Return the description of a share chart: each value of ``by`` with its events."""
    total = sum(count for _, count in shares)
    parts = [f"{name} {round(count * 100 / total)} percent ({count:,})" for name, count in shares]
    return (
        f"Bar chart of the share of {total:,} {counted(where)}{place(where)}{others(where)} "
        f"by {reader_name(by)}{span(first, last)}: {', '.join(parts)}."
    )


def describe_map(
    area: Sequence[str],
    events: int,
    towns: Sequence[tuple[str, int]],
    what: str = "events",
    first: dt.date | None = None,
    last: dt.date | None = None,
    sized_by: str = "events",
    coloured_by: str = "",
) -> str:
    """Return the description of a map of ``events`` points over ``area`` (countries or
    regions), naming the ``towns`` with the most events (name, count), most first.

    Circles are ``sized_by`` events or fatalities, and ``coloured_by`` a column when given.
    """
    where = f" in {join_names(list(area))}" if area else ""
    when = span(first, last) if first and last else ""
    text = f"Map of {events:,} {what}{where}{when}, one circle per town sized by its {sized_by}"
    if coloured_by:
        text += f" and coloured by {reader_name(coloured_by)}"
    if towns:
        named = join_names([f"{name} ({count:,})" for name, count in towns])
        text += f"; the most events in {named}"
    return text + "."


def chart_alt(
    kind: str,
    frame: Any,
    where: Mapping[str, Any],
    first: dt.date,
    last: dt.date,
    by: str | None = None,
    top: int = 6,
    size: str = "count",
    color: str = "",
) -> str:
    """Return the description of the chart ``kind`` drawn from the rows of ``frame``
    (for a map, ``size`` and ``color`` are its options of the same names)."""
    if kind == "map":
        countries = frame["country"].astype("string").dropna() if "country" in frame else None
        column = countries if countries is not None and len(countries) else frame["admin1"]
        area = sorted(column.astype("string").dropna().unique().tolist())
        busiest = frame["location"].astype("string").value_counts(sort=False)
        ranked = sorted(busiest.items(), key=lambda item: (-int(item[1]), str(item[0])))
        towns = [(str(name), int(count)) for name, count in ranked[:MAP_TOWNS]]
        sized_by = "fatalities" if size == "fatalities" else "events"
        return describe_map(area, len(frame), towns, counted(where), first, last, sized_by, color)
    if kind == "share":
        column = by or "admin1"
        counts = frame[column].astype("string").fillna("(blank)").value_counts(sort=False)
        ranked = sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))
        shares = [(str(name), int(count)) for name, count in ranked]
        if len(shares) > top + 1:
            shares = shares[:top] + [("Other", sum(count for _, count in shares[top:]))]
        return describe_share(where, column, first, last, shares)
    period = "month" if kind == "monthly" else "week"
    starts = periods(first, last, period)
    totals = period_totals(frame["event_date"].to_numpy(dtype="datetime64[D]"), starts)
    groups: list[tuple[str, int]] = []
    if by:
        counts = frame[by].astype("string").fillna("(blank)").value_counts(sort=False)
        ranked = sorted(counts.items(), key=lambda item: (-int(item[1]), str(item[0])))
        groups = [(str(name), int(count)) for name, count in ranked]
        if len(groups) > top + 1:
            groups = groups[:top] + [("Other", sum(count for _, count in groups[top:]))]
    return describe_bars(period, where, first, last, starts, totals.tolist(), groups, by or "")
