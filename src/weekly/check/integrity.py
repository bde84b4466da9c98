"""Check analytic integrity: typed numbers against the events, dates against the cutoff,
sources against the events they report, stale text, and judgments whose level changed.

The rules read the body as written in ``update.md`` (citations, template tags and urls
blanked, so a number printed by ``{{ events.count(...) }}`` is never mistaken for a typed
one), and the previous edition of the series through :mod:`weekly.check.history`, read once.
Each rule says nothing when it is not sure: a sentence it cannot fully resolve is skipped.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from weekly.apstyle import long_date
from weekly.check.history import (
    LEVEL_NAMES,
    RawBlock,
    Written,
    changes_of,
    match_judgments,
    normalized,
    previous_edition,
    raw_blocks,
    read_written,
)
from weekly.check.prose import _HIDDEN
from weekly.errors import Problems, display_path
from weekly.resolve.update import Update

_MONTHS = {name.casefold(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({"jan": 1, "feb": 2, "aug": 8, "sept": 9, "sep": 9, "oct": 10, "nov": 11,
                "dec": 12})  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_DAY_FIRST = rf"(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH})\s+(?P<y1>\d{{4}})"
_MONTH_FIRST = rf"(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<y2>\d{{4}}))?"
_ISO = r"(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})"
DATE = re.compile(rf"(?<![\w-])(?:{_DAY_FIRST}|{_MONTH_FIRST}|{_ISO})(?![\w-]|:\d)")

#: Words that make a date after the cutoff legitimate: the sentence looks ahead.
_AHEAD = re.compile(
    r"\b(?:will|would|shall|could|may|might|scheduled|schedule|due|expect\w*|plan\w*|set to"
    r"|set for|until|by|before|next|upcoming|deadline|ahead|intends?|aims?|return\w*|planned"
    r"|slated|likely to|to be held|vote|elections?|reopen\w*)\b",
    re.IGNORECASE,
)
_WEEKDAYS = [name for name in calendar.day_name]
#: How far after the cutoff a date is read as an event that came in late (E411).
_LATE = dt.timedelta(days=14)
_WEEKDAY = re.compile(rf"\b(?P<how>[Oo]n|[Ll]ast)\s+(?P<day>{'|'.join(_WEEKDAYS)})\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)*_]*\s+(?=[A-Z“\"(*_])")
_CITE_GROUP = re.compile(r"\[\s*(-?@[^\]]*)\]")
_CITE_KEY = re.compile(r"-?@([\w][\w:.#$%&+?<>~/-]*)")
_ON_DATE = re.compile(rf"\b[Oo]n\s+(?:{_MONTH_FIRST}|{_DAY_FIRST})")

_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
)
_NUMBER_WORDS = {word: i for i, word in enumerate(_WORDS.split())}
_TYPED = re.compile(
    r"(?<![\w.,-])(?:(?P<qual>at\s+least|more\s+than|over|about|roughly|around|nearly|almost"
    r"|approximately|some|fewer\s+than|less\s+than|at\s+most)\s+)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})*|{'|'.join(_NUMBER_WORDS)})"
    r"\s+(?P<noun>attacks|events|incidents|times|fatalities|deaths)\b"
    r"(?!\s+(?:a|an|per|each|every)\s+(?:day|week|month|year)\b)",
    re.IGNORECASE,
)
#: A number that ends a range ("four to six attacks") is not a count of its own.
_RANGE_END = re.compile(r"(?:\bto|\bor|\band|[-–—])\s*$", re.IGNORECASE)
_PLACE_COLUMNS = ("country", "admin1", "admin2", "location")
#: A capitalized word that is not a month or a weekday: what an actor's name starts with.
_NAME = re.compile(rf"(?<![\w.-])(?!{_MONTH}|(?:{'|'.join(calendar.day_name)})\b)[A-Z][\w-]*")


@dataclass
class Sentence:
    """One sentence of a block: its span in the block's masked text and the keys it cites."""

    start: int
    end: int
    text: str
    keys: list[str]


def _masked(block: RawBlock) -> str:
    """Return the block's text with urls, citations, code and template tags blanked."""
    return _HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), block.text)


def _sentences(block: RawBlock) -> Iterator[Sentence]:
    masked = _masked(block)
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(masked)]
    ends = starts[1:] + [len(masked)]
    for start, end in zip(starts, ends, strict=True):
        keys = [
            key
            for group in _CITE_GROUP.finditer(block.text, start, end)
            for key in _CITE_KEY.findall(group[1])
        ]
        yield Sentence(start, end, masked[start:end], keys)


def _place(block: RawBlock, offset: int) -> tuple[int, int]:
    """Return the line and 1-based column of ``offset`` in the block's text."""
    line = block.line + block.text.count("\n", 0, offset)
    before = block.text.rfind("\n", 0, offset)
    column = offset - (before + 1) + 1 + (block.indent if before < 0 else 0)
    return line, column


def resolve_date(match: re.Match[str], cutoff: dt.date) -> dt.date | None:
    """Return the day a :data:`DATE` match names; a date without a year is taken to be in
    the cutoff's year, or the year before when that would put it over a month ahead."""
    groups = {k: v for k, v in match.groupdict().items() if v}
    try:
        if "y3" in groups:
            return dt.date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
        month_name = groups.get("m1") or groups.get("m2") or ""
        month = _MONTHS[month_name.rstrip(".").casefold()]
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


def _edition_name(written: Written) -> str:
    return f"the {long_date(written.date)} edition" if written.date else "the previous edition"


class Integrity:
    """The integrity rules for one assembled edition."""

    def __init__(self, update: Update, problems: Problems) -> None:
        self.update = update
        self.problems = problems
        self.edition = update.edition
        self.path = update.edition.path
        self.cutoff = update.edition.cutoff.date()
        self.blocks = raw_blocks(update.edition.body, update.edition.body_line)
        self._previous: Written | None | bool = False

    @property
    def previous(self) -> Written | None:
        """The previous edition of the series, read once."""
        if self._previous is False:
            edition = self.edition
            self._previous = previous_edition(edition.inputs, edition.series.key, edition.date)
        assert self._previous is not True
        return self._previous or None

    def run(self) -> None:
        self.check_dates()
        self.check_stale_text()
        self.check_numbers()
        self.check_source_dates()
        self.check_judgments()

    # --- rule 2: dates in the prose ----------------------------------------------------

    def check_dates(self) -> None:
        """An explicit date after the cutoff is E411; an ambiguous weekday is W412."""
        cutoff = self.cutoff
        for block in self.blocks:
            for sentence in _sentences(block):
                ahead = _AHEAD.search(sentence.text)
                for match in DATE.finditer(sentence.text):
                    day = resolve_date(match, cutoff)
                    if day is None or not cutoff < day <= cutoff + _LATE or ahead:
                        continue  # months ahead is a date to come, not a late event
                    line, column = _place(block, sentence.start + match.start())
                    self.problems.error(
                        "E411",
                        self.path,
                        line,
                        f"'{' '.join(match[0].split())}' ({day.isoformat()}) is after the data "
                        f"cutoff {cutoff.isoformat()}: an event of that day cannot be in this "
                        "edition; correct the date or leave the event for the next edition",
                        column,
                    )
                for match in _WEEKDAY.finditer(sentence.text):
                    if match["day"] != _WEEKDAYS[cutoff.weekday()] or DATE.search(sentence.text):
                        continue
                    week_before = cutoff - dt.timedelta(days=7)
                    line, column = _place(block, sentence.start + match.start())
                    self.problems.warning(
                        "W412",
                        self.path,
                        line,
                        f"'{match[0]}' may be the cutoff day, {long_date(cutoff)}, or "
                        f"{long_date(week_before)}: write the date",
                        column,
                    )

    # --- rule 4: stale text ------------------------------------------------------------

    def check_stale_text(self) -> None:
        """A paragraph, bullet or key takeaway unchanged since the previous edition is W414."""
        previous = self.previous
        if previous is None:
            return
        before: dict[str, int] = {}
        for block in previous.blocks:
            before.setdefault(normalized(block.text), block.line)
        for region, text in previous.takeaways.items():
            before.setdefault(normalized(text), previous.takeaway_lines.get(region, 1))
        name = _edition_name(previous)
        where = display_path(previous.path)
        for block in self.blocks:
            text = normalized(block.text)
            if block.standing or "{{" in block.text or "{%" in block.text:
                continue  # standing text, or text whose printed values change each week
            if len(text.split()) < 8 or text not in before:
                continue
            what = "bullet" if block.kind == "bullet" else "paragraph"
            self.problems.warning(
                "W414",
                self.path,
                block.line,
                f"{what} unchanged since {name} ({where}:{before[text]}): update it, or mark it "
                "{# standing #} on the line above if it is meant to stay",
            )
        for region, text in self.edition.takeaways.items():
            key = normalized(text)
            if key in before and len(key.split()) >= 8:
                keys: tuple[str, ...] = ("key_takeaways", region) if region else ("key_takeaway",)
                self.problems.warning(
                    "W414",
                    self.path,
                    self.edition.line(*keys),
                    f"key takeaway unchanged since {name} ({where}:{before[key]}): "
                    "write this week's",
                )

    # --- rule 1: typed numbers against the events ------------------------------------

    def check_numbers(self) -> None:
        """A typed count or number of fatalities the events table contradicts is W410."""
        vocabulary: _Vocabulary | None = None
        for block in self.blocks:
            for sentence in _sentences(block):
                typed = list(_TYPED.finditer(sentence.text))
                if len(typed) != 1 or _RANGE_END.search(sentence.text[: typed[0].start()]):
                    continue  # several numbers in one sentence: which filters go with which?
                window = _window(sentence.text, self.cutoff)
                if window is None or not _NAME.search(sentence.text.lstrip()[1:]):
                    continue  # no window, or no name an actor could be: the table stays closed
                if vocabulary is None:
                    vocabulary = _Vocabulary.of(self.update)
                    if vocabulary is None:
                        return
                filters = vocabulary.filters(sentence.text)
                if filters is None:
                    continue
                self._compare(block, sentence, typed[0], filters, window)

    def _compare(
        self,
        block: RawBlock,
        sentence: Sentence,
        typed: re.Match[str],
        filters: dict[str, str],
        window: tuple[str, str | None, str],
    ) -> None:
        from weekly.body.template import BodyError
        from weekly.events.helpers import EventHelpers

        since, until, words = window
        helpers = EventHelpers(self.edition, Problems())
        fatal = typed["noun"].lower() in ("fatalities", "deaths")
        helper = "fatalities" if fatal else "count"
        try:
            actual = int(getattr(helpers, helper)(since=since, until=until, **filters))
        except (BodyError, ValueError):
            return
        raw = typed["num"].lower().replace(",", "")
        number = _NUMBER_WORDS[raw] if raw in _NUMBER_WORDS else int(raw)
        qualifier = " ".join((typed["qual"] or "").lower().split())
        if _agrees(qualifier, number, actual):
            return
        args = [
            f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in filters.items()
        ]
        args.append(f'since="{since}"')
        if until:
            args.append(f'until="{until}"')
        expression = f"{{{{ events.{helper}({', '.join(args)}) }}}}"
        what = ", ".join([*filters.values(), words])
        line, column = _place(block, sentence.start + typed.start())
        self.problems.warning(
            "W410",
            self.path,
            line,
            f"'{' '.join(typed[0].split())}' disagrees with the events table, which gives "
            f"{actual} ({what}); write {expression} in its place",
            column,
        )

    # --- rule 3: sources older than the events they report ----------------------------

    def check_source_dates(self) -> None:
        """A dated event cited only to sources dated before it is W413."""
        sources = self.edition.sources
        for block in self.blocks:
            for sentence in _sentences(block):
                if not sentence.keys:
                    continue
                days = [
                    day
                    for m in _ON_DATE.finditer(sentence.text)
                    if (day := resolve_date(m, self.cutoff)) is not None and day <= self.cutoff
                ]
                if not days:
                    continue
                event = min(days)
                cited = [sources.get(key) for key in dict.fromkeys(sentence.keys)]
                dates = [s.date if s is not None else None for s in cited]
                if any(d is None for d in dates) or not all(d < event for d in dates if d):
                    continue  # an undated or unknown source, or one dated on or after the event
                named = " and ".join(
                    f"'{s.id}' (dated {s.date.isoformat()})" for s in cited if s and s.date
                )
                match = _ON_DATE.search(sentence.text)
                assert match is not None
                line, column = _place(block, sentence.start + match.start())
                self.problems.warning(
                    "W413",
                    self.path,
                    line,
                    f"the event of {long_date(event)} is cited only to {named}, published before "
                    "it: cite the report of that event",
                    column,
                )

    # --- rule 5: judgments over time ---------------------------------------------------

    def check_judgments(self) -> None:
        """A judgment whose ICD 203 level changed since last week with no reason is W415."""
        edition = self.edition
        changes = changes_of(edition.front.data)
        if changes is None:
            self.problems.error(
                "E416",
                self.path,
                edition.line("changes"),
                "changes must map the first words of a judgment to the reason its "
                "estimative level changed",
            )
            return
        previous = self.previous
        now = read_written(self.path)
        if previous is None or now is None:
            return
        judgments = now.judgments()
        before = previous.judgments()
        name = _edition_name(previous)
        for index, earlier in match_judgments(judgments, before).items():
            judgment = judgments[index]
            level, was = judgment.level, earlier.level
            if level is None or was is None or level[0] == was[0] or now.reason_for(judgment):
                continue
            what = "key takeaway" if judgment.kind == "takeaway" else "judgment"
            line = judgment.line
            if judgment.kind == "takeaway":
                keys = ("key_takeaways", judgment.section) if judgment.section else ()
                line = edition.line(*keys) if keys else edition.line("key_takeaway")
            opening = " ".join(judgment.text.split()[:6])
            self.problems.warning(
                "W415",
                self.path,
                line,
                f"{what} moved from '{was[1]}' ({LEVEL_NAMES[was[0]]}, {name}, "
                f"{display_path(previous.path)}:{earlier.line}) to '{level[1]}' "
                f"({LEVEL_NAMES[level[0]]}) with no reason recorded: say why under changes: "
                f'in the front matter ("{opening}": why)',
            )


_RELATIVE = re.compile(
    rf"\b(?:(?:[Oo]n|[Ll]ast)\s+(?P<day>{'|'.join(_WEEKDAYS)})"
    r"|(?P<word>[Yy]esterday|[Ll]ast\s+week|[Tt]his\s+week))\b"
)


def resolve_relative(match: re.Match[str], cutoff: dt.date) -> str:
    """Return the day or days a :data:`_RELATIVE` phrase means, read from the cutoff."""
    day = dt.timedelta(days=1)
    if match["day"]:
        back = (cutoff.weekday() - _WEEKDAYS.index(match["day"])) % 7
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
        for m in _RELATIVE.finditer(_masked(block))
    ]


def _agrees(qualifier: str, typed: int, actual: int) -> bool:
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


def _window(text: str, cutoff: dt.date) -> tuple[str, str | None, str] | None:
    """Return the one window a sentence names (since, until, in words), or None when it
    names none, several, or other times besides (a year, a month) the number may refer to."""
    found: list[tuple[str, str | None, str]] = []
    spans: list[tuple[int, int]] = []
    for m in re.finditer(rf"\b[Ss]ince\s+(?:{_MONTH_FIRST}|{_DAY_FIRST}|{_ISO})", text):
        day = resolve_date(m, cutoff)
        if day is not None:
            found.append((day.isoformat(), None, f"since {long_date(day)}"))
            spans.append(m.span())
    month_in = rf"\b[Ii]n\s+(?P<m>{_MONTH})(?:\s+(?P<y>\d{{4}}))?(?!\s*\d)"
    for m in re.finditer(month_in, text):
        spans.append(m.span())
        month = _MONTHS[m["m"].rstrip(".").casefold()]
        year = int(m["y"]) if m["y"] else cutoff.year
        if not m["y"] and dt.date(year, month, 1) > cutoff:
            year -= 1
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        found.append((dt.date(year, month, 1).isoformat(), last.isoformat() if last < cutoff
                      else None, f"in {calendar.month_name[month]} {year}"))  # fmt: skip
    if re.search(r"\bthis\s+year\b", text, re.IGNORECASE):
        found.append((dt.date(cutoff.year, 1, 1).isoformat(), None, f"in {cutoff.year}"))
    rest = text
    for start, end in spans:
        rest = rest[:start] + " " * (end - start) + rest[end:]
    if re.search(rf"{_MONTH}|\b(?:1[89]|20)\d\d\b|\b(?:last|past|previous)\b", rest):
        return None  # another time in the sentence: the number may be about that one
    return found[0] if len(found) == 1 else None


@dataclass
class _Vocabulary:
    """The actors and places the events table can resolve, as a sentence may name them."""

    actors: dict[str, str]
    places: dict[str, list[tuple[str, str]]]

    @classmethod
    def of(cls, update: Update) -> _Vocabulary | None:
        from weekly.events.table import table_for

        table = table_for(update.edition.inputs, update.edition.cutoff.date())
        if table is None or not table.ok or "actor1" not in table.names:
            return None
        actors: dict[str, str] = {}
        for value in _values(table, "actor1"):
            actors.setdefault(" ".join(value.split()), value)
            short = " ".join(value.split(":", 1)[0].split())
            if short and short != value:
                actors.setdefault(short, value)
        known = set(actors.values())
        for alias, actor in update.edition.series.actor_aliases:
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


def check_integrity(update: Update, problems: Problems) -> None:
    """Run the integrity rules (E411, E416, W410, W412–W415) on ``update``."""
    Integrity(update, problems).run()
