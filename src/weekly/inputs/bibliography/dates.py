"""Bibliography stage: dates as reference managers give them, whole or partial, and their print."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from weekly.apstyle import MONTHS

#: CSL season numbers (also CSL months 13–16) and the month each season starts in.
SEASONS = {1: "Spring", 2: "Summer", 3: "Autumn", 4: "Winter"}
SEASON_START = {1: 3, 2: 6, 3: 9, 4: 12}
SEASON_NAMES = {
    "spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4,
}  # fmt: skip
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_SEASONAL = re.compile(r"(spring|summer|autumn|fall|winter)\s+(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class When:
    """One point in time known to the year, the month or the day (or a season of a year)."""

    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None

    def first_day(self) -> dt.date:
        """Return the earliest day this point can mean."""
        if self.month is not None:
            return dt.date(self.year, self.month, self.day or 1)
        if self.season is not None:
            return dt.date(self.year, SEASON_START[self.season], 1)
        return dt.date(self.year, 1, 1)

    def last_day(self) -> dt.date:
        """Return the latest day this point can mean."""
        if self.month is not None:
            return dt.date(
                self.year, self.month, self.day or calendar.monthrange(self.year, self.month)[1]
            )
        if self.season is not None:
            start = SEASON_START[self.season]
            year, month = (
                (self.year + 1, start + 2 - 12) if start + 2 > 12 else (self.year, start + 2)
            )
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        return dt.date(self.year, 12, 31)

    def iso(self) -> str:
        """Return ``2023``, ``2023-11`` or ``2023-11-14`` (a season as its name)."""
        if self.month is None:
            return f"{SEASONS[self.season]} {self.year}" if self.season else f"{self.year:04d}"
        text = f"{self.year:04d}-{self.month:02d}"
        return f"{text}-{self.day:02d}" if self.day else text


@dataclass(frozen=True)
class SourceDate:
    """A source's date: a point, a range of two points, or words to print as they are."""

    start: When | None = None
    end: When | None = None
    #: A date given only as words (CSL ``literal``, or a ``raw`` string not understood).
    literal: str = ""

    @property
    def exact(self) -> bool:
        """Return whether the date is one known day."""
        return self.start is not None and self.end is None and self.start.day is not None

    def first_day(self) -> dt.date | None:
        """Return the earliest day the date can mean (None for words alone)."""
        return self.start.first_day() if self.start else None

    def last_day(self) -> dt.date | None:
        """Return the latest day the date can mean (None for words alone)."""
        point = self.end or self.start
        return point.last_day() if point else None

    def iso(self) -> str:
        """Return the date as written in a finding: ``2023-11``, ``2023-11-14/2023-11-16``."""
        if self.start is None:
            return self.literal
        return self.start.iso() + (f"/{self.end.iso()}" if self.end else "")

    def printed(self) -> str:
        """Return the date as a note prints it: ``November 14, 2023``, ``November 2023`` …"""
        if self.start is None:
            return self.literal
        if self.end is None:
            return _print_point(self.start)
        return _print_range(self.start, self.end)


def _print_point(when: When, with_year: bool = True) -> str:
    year = f" {when.year}" if with_year else ""
    if when.month is None:
        if when.season is not None:
            return f"{SEASONS[when.season]}{year}".strip()
        return str(when.year)
    if when.day is None:
        return f"{MONTHS[when.month - 1]}{year}".strip()
    return f"{MONTHS[when.month - 1]} {when.day}" + (f",{year}" if with_year else "")


def _print_range(start: When, end: When) -> str:
    if start.year != end.year or start.month is None or end.month is None:
        return f"{_print_point(start)}–{_print_point(end)}"
    if start.day is None or end.day is None:
        return f"{MONTHS[start.month - 1]}–{MONTHS[end.month - 1]} {start.year}"
    if start.month == end.month:
        return f"{MONTHS[start.month - 1]} {start.day}–{end.day}, {start.year}"
    return f"{_print_point(start, False)}–{_print_point(end, False)}, {start.year}"


def make_point(
    year: int, month: int | None = None, day: int | None = None, seasons: bool = True
) -> When:
    """Return a checked :class:`When`; CSL months 13–16 are seasons (when ``seasons``).

    Raises ValueError for a month or day that no calendar has.
    """
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    if seasons and month is not None and 13 <= month <= 16 and day is None:
        return When(year, season=month - 12)
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"month {month} is out of range")
    if day is not None:
        if month is None:
            raise ValueError("a day needs a month")
        dt.date(year, month, day)  # raises ValueError for November 31
    return When(year, month, day)


def parse_point(text: str) -> When:
    """Return the point in ``2023``, ``2023-11``, ``2023-11-14`` or ``Fall 2023``.

    Raises ValueError for anything else.
    """
    text = text.strip()
    seasonal = _SEASONAL.fullmatch(text)
    if seasonal:
        return When(int(seasonal[2]), season=SEASON_NAMES[seasonal[1].lower()])
    match = _ISO.fullmatch(text)
    if not match:
        raise ValueError(f"'{text}' is not a date")
    parts = [int(p) if p else None for p in match.groups()]
    return make_point(parts[0] or 0, parts[1], parts[2], seasons=False)


def parse_date_text(text: str) -> SourceDate:
    """Return the date in ``2023-11-14``, ``2023-11``, ``2023``, ``Fall 2023`` or a range
    ``2023-11-14/2023-11-16`` (EDTF's slash).

    Raises ValueError for anything else.
    """
    text = text.strip()
    if "/" in text:
        first, _, second = text.partition("/")
        start, end = parse_point(first), parse_point(second)
        if end.first_day() < start.first_day():
            raise ValueError(f"range '{text}' ends before it starts")
        return SourceDate(start, end)
    return SourceDate(parse_point(text))


def from_day(day: dt.date) -> SourceDate:
    """Return a whole day as a :class:`SourceDate`."""
    return SourceDate(When(day.year, day.month, day.day))
