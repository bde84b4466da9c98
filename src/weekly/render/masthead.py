"""Rendering: the masthead's words in the series' style: bylines, date line, cutoff line.

Each series chooses its forms in ``series.yaml`` (``date_format``, ``date_line``,
``clock_format``, ``cutoff_style``); the page, the draft aids and the mail print the same.
"""

from __future__ import annotations

import datetime as dt

from weekly.apstyle import DAYS, MONTHS, clock_time, join_names, long_date, weekday_date
from weekly.inputs.series import Series


def credit(label: str, names: list[str]) -> str:
    """Return ``Label: A`` / ``Labels: A and B``, or empty for no names."""
    if not names:
        return ""
    return f"{label if len(names) == 1 else label + 's'}: {join_names(names)}"


def byline(names: list[str]) -> str:
    """Return ``Author: A`` / ``Authors: A and B``, or empty for no names."""
    return credit("Author", names)


def series_date(series: Series, day: dt.date) -> str:
    """Return ``August 3, 2023``, or ``August 03, 2023`` with ``date_format: padded``."""
    if series.date_format == "padded":
        return f"{MONTHS[day.month - 1]} {day.day:02d}, {day.year}"
    return long_date(day)


def date_line(series: Series, day: dt.date) -> str:
    """Return the date line above the title in the series' ``date_line`` form."""
    if series.date_line == "weekday" and series.date_format == "plain":
        return weekday_date(day)
    if series.date_line == "weekday":
        return f"{DAYS[day.weekday()]}, {series_date(series, day)}"
    return series_date(series, day) if series.date_line == "date" else ""


def clock_text(series: Series, moment: dt.time) -> str:
    """Return the cutoff's time of day in the series' ``clock_format``.

    ``ap``: ``10 a.m.``, ``2:30 p.m.`` (AP style); ``dotted``: ``2:00 p.m.``;
    ``compact``: ``2:00pm``; ``spaced``: ``2:00 pm``. ``auto`` is ``ap`` in the ``date``
    cutoff style and ``dotted`` in the ``clock`` style.
    """
    form = series.clock_format
    if form == "auto":
        form = "dotted" if series.cutoff_style == "clock" else "ap"
    if form == "ap":
        return clock_time(moment)
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d}"
    if form == "compact":
        return clock + ("am" if moment.hour < 12 else "pm")
    if form == "spaced":
        return clock + (" am" if moment.hour < 12 else " pm")
    return clock + (" a.m." if moment.hour < 12 else " p.m.")


def cutoff_line(series: Series, cutoff: dt.datetime) -> str:
    """Return the cutoff line in the series' style.

    ``date``: ``Data Cutoff: December 13, 2023, at 10 a.m.`` (AP style);
    ``clock``: ``Information Cutoff: 2:00 p.m. ET`` (the Iran Update's form).
    ``clock_format`` sets the form of the clock; the date is always AP style.
    """
    clock = clock_text(series, cutoff.time())
    if series.cutoff_style == "clock":
        zone = f" {series.zone_label}" if series.zone_label else ""
        return f"{series.cutoff_label}: {clock}{zone}"
    return f"{series.cutoff_label}: {long_date(cutoff.date())}, at {clock}"
