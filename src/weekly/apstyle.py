"""Print dates, times, numbers and lists the way the series' copy desk does (AP style)."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
#: AP's abbreviations, for a month beside a day or on a chart's axis: ``Sept. 8``.
SHORT_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
                "Nov.", "Dec.")  # fmt: skip
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def long_date(day: dt.date) -> str:
    """Return ``November 8, 2023``."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def weekday_date(day: dt.date) -> str:
    """Return ``Thursday, November 9, 2023``."""
    return f"{DAYS[day.weekday()]}, {long_date(day)}"


def clock_time(moment: dt.time) -> str:
    """Return ``10 a.m.``, ``3:30 p.m.``, ``noon`` or ``midnight``."""
    if moment.hour == 12 and moment.minute == 0:
        return "noon"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "a.m." if moment.hour < 12 else "p.m."
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes} {suffix}"


def number(value: float) -> str:
    """Return a count in AP style: ``five``, ``16``, ``1,204``, ``4.5``."""
    _finite(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    whole = int(value)
    if 0 <= whole < 10:
        return SMALL[whole]
    return f"{whole:,}"


def _finite(value: float) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise ValueError(f"expected a finite number, not {value!r}")


def percent(fraction: float) -> str:
    """Return a fraction (0.69) as ``69 percent``, rounded half up."""
    _finite(fraction)
    value = int(fraction * 100 + 0.5) if fraction >= 0 else -int(-fraction * 100 + 0.5)
    return f"{value} percent"


def join_names(names: list[str]) -> str:
    """Return ``A``, ``A and B`` or ``A, B, and C`` (serial comma)."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def roman(value: int) -> str:
    """Return a positive integer in lowercase roman numerals."""
    table = [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ]  # fmt: skip
    out = []
    for size, letters in table:
        count, value = divmod(value, size)
        out.append(letters * count)
    return "".join(out)


def slugify(text: str) -> str:
    """Return a lowercase, hyphenated ASCII slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: Characters after which a straight quote opens rather than closes.
_OPENS_AFTER = frozenset(" \t\n\u00a0([{<“‘—–-/")


def curly_quotes(text: str, before: str = "") -> str:
    """Return ``text`` with straight quotes and apostrophes made curly, as CTP prints them.

    A quote opens at the start or after a space, an opening bracket, a dash or another
    opening quote, and closes elsewhere; an apostrophe inside a word (``CTP's``) or before
    a digit (``'90s``) is ``’``. ``before`` is the character printed just before ``text``
    (the end of the previous run of text), so a quote split from its word by markup
    still turns the right way. Text without straight quotes comes back unchanged.
    """
    if '"' not in text and "'" not in text:
        return text
    out: list[str] = []
    prev = before[-1:] if before else ""
    for index, char in enumerate(text):
        opens = not prev or prev in _OPENS_AFTER
        if char == '"':
            char = "“" if opens else "”"
        elif char == "'":
            following = text[index + 1 : index + 2]
            char = "‘" if opens and not following.isdigit() else "’"
        out.append(char)
        prev = char
    return "".join(out)
