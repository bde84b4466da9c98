"""Read a typed number of events in a sentence: its filters, window and the table's answer.

The actors and places are those the events table holds (and the series' ``actor_aliases``);
a sentence is resolved only when it names one actor, at most one place and one window.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from weekly.apstyle import long_date
from weekly.caches import Caches
from weekly.check.dates import DATE, DAY_FIRST, ISO, MONTH, MONTH_FIRST, MONTHS, resolve_date
from weekly.inputs.edition import Edition

_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
NUMBER_WORDS = {word: i for i, word in enumerate(_WORDS.split())}
TYPED = re.compile(
    r"(?<![\w.,-])(?:(?P<qual>at\s+least|more\s+than|over|about|roughly|around|nearly|almost"
    r"|approximately|some|fewer\s+than|less\s+than|at\s+most)\s+)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})*|{'|'.join(NUMBER_WORDS)})"
    r"\s+(?P<noun>attacks|events|incidents|times|fatalities|deaths)\b"
    r"(?!\s+(?:a|an|per|each|every)\s+(?:day|week|month|year)\b)",
    re.IGNORECASE,
)
#: A number that ends a range ("four to six attacks") is not a count of its own.
RANGE_END = re.compile(r"(?:\bto|\bor|\band|[-–—])\s*$", re.IGNORECASE)
_PLACE_COLUMNS = ("country", "admin1", "admin2", "location")
#: A capitalized word that is not a month or a weekday: what an actor's name starts with.
NAME = re.compile(rf"(?<![\w.-])(?!{MONTH}|(?:{'|'.join(calendar.day_name)})\b)[A-Z][\w-]*")


def agrees(qualifier: str, typed: int, actual: int) -> bool:
    if qualifier in ("at least",):
        return actual >= typed
    if qualifier in ("more than", "over"):
        return actual > typed
    if qualifier in ("fewer than", "less than"):
        return actual < typed
    if qualifier == "at most":
        return actual <= typed
    if qualifier:
        return abs(actual - typed) <= max(1, round(typed * 0.1))
    return actual == typed


def window(text: str, cutoff: dt.date) -> tuple[str, str | None, str] | None:
    """Return the one window a sentence names (since, until, in words), or None when it
    names none, several, or other times besides (a year, a month) the number may refer to."""
    found: list[tuple[str, str | None, str]] = []
    spans: list[tuple[int, int]] = []
    for m in re.finditer(rf"\b[Ss]ince\s+(?:{MONTH_FIRST}|{DAY_FIRST}|{ISO})", text):
        day = resolve_date(m, cutoff)
        if day is not None:
            found.append((day.isoformat(), None, f"since {long_date(day)}"))
            spans.append(m.span())
    month_in = rf"\b[Ii]n\s+(?P<m>{MONTH})(?:\s+(?P<y>\d{{4}}))?(?!\s*\d)"
    for m in re.finditer(month_in, text):
        spans.append(m.span())
        month = MONTHS[m["m"].rstrip(".").casefold()]
        year = int(m["y"]) if m["y"] else cutoff.year
        if not m["y"] and dt.date(year, month, 1) > cutoff:
            year -= 1
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        found.append((dt.date(year, month, 1).isoformat(), last.isoformat() if last < cutoff
                      else None, f"in {calendar.month_name[month]} {year}"))  # fmt: skip
    if re.search(r"\bthis\s+year\b", text, re.IGNORECASE):
        found.append((dt.date(cutoff.year, 1, 1).isoformat(), None, f"in {cutoff.year}"))
    for m in re.finditer(r"\b[Bb]etween\s+", text):
        first = DATE.match(text, m.end())
        joined = re.compile(r"\s+and\s+").match(text, first.end()) if first else None
        second = DATE.match(text, joined.end()) if joined else None
        if first is None or second is None:
            continue
        since, until = resolve_date(first, cutoff), resolve_date(second, cutoff)
        if since is not None and until is not None and since <= until <= cutoff:
            words = f"between {long_date(since)} and {long_date(until)}"
            found.append((since.isoformat(), until.isoformat() if until < cutoff else None, words))
            spans.append((m.start(), second.end()))
    for m in re.finditer(r"\b[Ll]ast\s+week\b", text):
        monday = cutoff - dt.timedelta(days=cutoff.weekday())
        since, until = monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
        words = f"last week ({long_date(since)} to {long_date(until)})"
        found.append((since.isoformat(), until.isoformat(), words))
        spans.append(m.span())
    rest = text
    for start, end in spans:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if re.search(rf"{MONTH}|\b(?:1[89]|20)\d\d\b|\b(?:last|past|previous)\b", rest):
        return None  # another time in the sentence: the number may be about that one
    return found[0] if len(found) == 1 else None


@dataclass
class Vocabulary:
    """The actors and places the events table can resolve, as a sentence may name them."""

    actors: dict[str, str]
    places: dict[str, list[tuple[str, str]]]

    @classmethod
    def of(cls, edition: Edition, caches: Caches | None = None) -> Vocabulary | None:
        from weekly.events.table import table_for

        table = table_for(edition.inputs, edition.cutoff.date(), caches)
        if table is None or not table.ok or "actor1" not in table.names:
            return None
        actors: dict[str, str] = {}
        for value in _values(table, "actor1"):
            actors.setdefault(" ".join(value.split()), value)
            short = " ".join(value.split(":", 1)[0].split())
            if short and short != value:
                actors.setdefault(short, value)
        known = set(actors.values())
        for alias, actor in edition.series.actor_aliases:
            if actor in known:  # an alias of an actor the table does not have says nothing
                actors[" ".join(alias.split())] = actor
        places: dict[str, list[tuple[str, str]]] = {}
        for column in _PLACE_COLUMNS:
            if column in table.names:
                for value in _values(table, column):
                    places.setdefault(" ".join(value.split()), []).append((column, value))
        return cls(actors, places)

    def filters(self, text: str) -> dict[str, str] | None:
        """Return the one actor and at most one place ``text`` names, as filters; None when
        it names no actor, several, or a place the table holds in several columns."""
        named = _phrases(text)
        found = {name: full for name, full in self.actors.items() if name in named}
        actors = set(found.values())
        if len(actors) != 1:
            return None
        filters = {"actor1": actors.pop()}
        rest = " ".join(text.split())
        for name in sorted(found, key=len, reverse=True):  # "Macina" in an actor's name is no place
            rest = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", rest)
        places = [name for name in _phrases(rest) if name in self.places]
        if len(places) > 1:
            return None
        if places:
            name = places[0]
            columns = self.places[name]
            if re.search(rf"\b{re.escape(name)}\s+(?:region|province)\b", " ".join(text.split())):
                columns = [(c, v) for c, v in columns if c == "admin1"]
            if len(columns) != 1:
                return None
            filters[columns[0][0]] = columns[0][1]
        return filters


#: The longest name, in words, looked up in the table's actors and places.
_LONGEST_NAME = 6


def _phrases(text: str) -> set[str]:
    """Return every run of up to :data:`_LONGEST_NAME` words of ``text`` (a name is looked up
    in a dict, so a table of 10,000 places costs no more than one of ten)."""
    words = re.findall(r"[\w’'.-]*\w", text)
    return {
        " ".join(words[i : i + n])
        for i in range(len(words))
        for n in range(1, _LONGEST_NAME + 1)
        if i + n <= len(words)
    }


def _values(table: Any, column: str) -> list[str]:
    series = table.column(column)
    values = series.cat.categories if hasattr(series, "cat") else series.dropna().unique()
    return [str(v) for v in values if str(v).strip()]
