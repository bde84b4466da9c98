"""Read the dates of the prose against the cutoff: explicit dates and relative ones."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from weekly.apstyle import long_date
from weekly.check.history import raw_blocks
from weekly.check.sentences import masked
from weekly.resolve.update import Update

MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({"jan": 1, "feb": 2, "aug": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11,
                "dec": 12})  # fmt: skip
MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
DAY_FIRST = rf"(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH})\s+(?P<y1>\d{{4}})"
MONTH_FIRST = rf"(?P<m2>{MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y2>\d{{4}}))?"
ISO = r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
DATE = re.compile(rf"(?<![\w-])(?:{DAY_FIRST}|{MONTH_FIRST}|{ISO})(?![\w-]|:\d)")

#: Words that make a date after the cutoff legitimate: the sentence looks ahead.
AHEAD = re.compile(
    r"\b(?:will|would|shall|could|may|might|scheduled|schedule|due|expect\w*|plan\w*|set to"
    r"|set for|until|by|before|next|upcoming|deadline|ahead|intends?|aims?|return\w*|planned"
    r"|slated|likely to|to be held|vote|elections?|reopen\w*)\b",
    re.IGNORECASE,
)
WEEKDAYS = [name for name in calendar.day_name]
#: How far after the cutoff a date is read as an event that came in late (E411).
LATE = dt.timedelta(days=14)
WEEKDAY = re.compile(rf"\b(?P<how>[Oo]n|[Ll]ast)\s+(?P<day>{'|'.join(WEEKDAYS)})\b")
ON_DATE = re.compile(rf"\b[Oo]n\s+(?:{MONTH_FIRST}|{DAY_FIRST})")


def resolve_date(match: re.Match[str], cutoff: dt.date) -> dt.date | None:
    """Return the day a :data:`DATE` match names; a date without a year is taken to be in
    the cutoff's year, or the year before when that would put it over a month ahead."""
    groups = {k: v for k, v in match.groupdict().items() if v}
    try:
        if "y3" in groups:
            return dt.date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
        month_name = groups.get("m1") or groups.get("m2") or ""
        month = MONTHS[month_name.rstrip(".").casefold()]
        day = int(groups.get("d1") or groups.get("d2") or 0)
        year = groups.get("y1") or groups.get("y2")
        if year:
            return dt.date(int(year), month, day)
        found = dt.date(cutoff.year, month, day)
        if found > cutoff + dt.timedelta(days=31):
            found = dt.date(cutoff.year - 1, month, day)
        return found
    except (ValueError, KeyError):
        return None


_RELATIVE = re.compile(
    rf"\b(?:(?:[Oo]n|[Ll]ast)\s+(?P<day>{'|'.join(WEEKDAYS)})"
    r"|(?P<word>[Yy]esterday|[Ll]ast\s+week|[Tt]his\s+week))\b"
)


def resolve_relative(match: re.Match[str], cutoff: dt.date) -> str:
    """Return the day or days a :data:`_RELATIVE` phrase means, read from the cutoff."""
    day = dt.timedelta(days=1)
    if match["day"]:
        back = (cutoff.weekday() - WEEKDAYS.index(match["day"])) % 7
        if back == 0:
            return f"{long_date(cutoff)} or {long_date(cutoff - 7 * day)}"
        return long_date(cutoff - back * day)
    word = " ".join(match["word"].lower().split())
    monday = cutoff - cutoff.weekday() * day
    if word == "yesterday":
        return long_date(cutoff - day)
    if word == "this week":
        return f"{long_date(monday)} to {long_date(cutoff)}"
    return f"{long_date(monday - 7 * day)} to {long_date(monday - day)}"


@dataclass(frozen=True)
class RelativeDate:
    """A relative date of the body and what it means at the cutoff, for the draft's hover."""

    #: The first line of its paragraph or bullet (the draft's ``id="L…"``).
    block_line: int
    phrase: str
    means: str


def relative_dates(update: Update) -> list[RelativeDate]:
    """Return every relative date of the body ("on Sunday", "yesterday", "last week")."""
    edition = update.edition
    cutoff = edition.cutoff.date()
    return [
        RelativeDate(block.line, " ".join(m[0].split()), resolve_relative(m, cutoff))
        for block in raw_blocks(edition.body, edition.body_line)
        for m in _RELATIVE.finditer(masked(block))
    ]
