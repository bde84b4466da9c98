"""Check analytic integrity: typed numbers against the events, dates against the cutoff,
sources against the events they report, stale text, and judgments whose level changed.

The rules read the body as written in ``update.md`` (citations, template tags and urls
blanked, so a number printed by ``{{ events.count(...) }}`` is never mistaken for a typed
one), and the previous edition of the series through :mod:`weekly.check.history`, read once.
Each rule says nothing when it is not sure: a sentence it cannot fully resolve is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from weekly.apstyle import long_date
from weekly.caches import Caches
from weekly.check.dates import AHEAD, DATE, LATE, ON_DATE, WEEKDAY, WEEKDAYS, resolve_date
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
from weekly.check.numbers import NAME, NUMBER_WORDS, RANGE_END, TYPED, Vocabulary, agrees
from weekly.check.numbers import window as window_of
from weekly.check.sentences import Sentence, place, sentences
from weekly.errors import Problems, display_path, one_line
from weekly.inputs.edition import Edition
from weekly.resolve.update import Update


def _edition_name(written: Written) -> str:
    return f"the {long_date(written.date)} edition" if written.date else "the previous edition"


@dataclass(frozen=True)
class Suggestion:
    """A typed number the events table agrees with: an expression would keep it current."""

    path: str
    line: int
    column: int
    typed: str
    expression: str

    @property
    def message(self) -> str:
        """Return what the suggestion says, on one line (the typed text comes from the body)."""
        return one_line(
            f"'{self.typed}' agrees with the events table; {self.expression} would keep it current"
        )

    def location(self) -> str:
        """Return ``path:line``, as a finding's."""
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location()}: suggestion: {self.message}"


class Integrity:
    """The integrity rules for one edition (the rules read its inputs, not its rendering)."""

    def __init__(self, edition: Edition, problems: Problems, caches: Caches | None = None) -> None:
        self.caches = caches or Caches()
        self.problems = problems
        self.edition = edition
        self.path = edition.path
        self.cutoff = edition.cutoff.date()
        self.blocks = raw_blocks(edition.body, edition.body_line)
        self._previous: Written | None | bool = False
        #: Typed numbers that agree with the table (``weekly check --suggest``).
        self.agreeing: list[Suggestion] = []

    @property
    def previous(self) -> Written | None:
        """The previous edition of the series, read once."""
        if self._previous is False:
            edition = self.edition
            self._previous = previous_edition(
                edition.inputs, edition.series.key, edition.date, self.caches
            )
        assert self._previous is not True
        return self._previous or None

    def run(self) -> None:
        self.check_dates()
        self.check_stale_text()
        self.check_numbers()
        self.check_source_dates()
        self.check_judgments()

    def takeaway_blocks(self) -> list[RawBlock]:
        """Return the key takeaways as blocks, each at the line of its key."""
        edition = self.edition
        return [
            RawBlock("paragraph", edition.line(*keys), text, region)
            for region, text in edition.takeaways.items()
            for keys in [("key_takeaways", region) if region else ("key_takeaway",)]
        ]

    # --- rule 2: dates in the prose ----------------------------------------------------

    def check_dates(self) -> None:
        """An explicit date after the cutoff is E411; an ambiguous weekday is W412."""
        cutoff = self.cutoff
        takeaways = self.takeaway_blocks()
        front = len(takeaways)  # a takeaway's finding is given at its key's line
        for index, block in enumerate([*takeaways, *self.blocks]):
            for sentence in sentences(block):
                ahead = AHEAD.search(sentence.text)
                for match in DATE.finditer(sentence.text):
                    day = resolve_date(match, cutoff)
                    if day is None or not cutoff < day <= cutoff + LATE or ahead:
                        continue  # months ahead is a date to come, not a late event
                    offset = sentence.start + match.start()
                    line, column = (block.line, 0) if index < front else place(block, offset)
                    self.problems.error(
                        "E411",
                        self.path,
                        line,
                        f"'{' '.join(match[0].split())}' ({day.isoformat()}) is after the data "
                        f"cutoff {cutoff.isoformat()}: an event of that day cannot be in this "
                        "edition; correct the date or leave the event for the next edition",
                        column,
                    )
                for match in WEEKDAY.finditer(sentence.text):
                    if match["day"] != WEEKDAYS[cutoff.weekday()] or DATE.search(sentence.text):
                        continue
                    week_before = cutoff - dt.timedelta(days=7)
                    offset = sentence.start + match.start()
                    line, column = (block.line, 0) if index < front else place(block, offset)
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
        vocabulary: Vocabulary | None = None
        for block in self.blocks:
            for sentence in sentences(block):
                typed = list(TYPED.finditer(sentence.text))
                if len(typed) != 1 or RANGE_END.search(sentence.text[: typed[0].start()]):
                    continue  # several numbers in one sentence: which filters go with which?
                window = window_of(sentence.text, self.cutoff)
                if window is None or not NAME.search(sentence.text.lstrip()[1:]):
                    continue  # no window, or no name an actor could be: the table stays closed
                if vocabulary is None:
                    vocabulary = Vocabulary.of(self.edition, self.caches)
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
        from weekly.errors import BodyError
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
        number = NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)
        qualifier = " ".join((typed["qual"] or "").lower().split())
        args = [
            f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in filters.items()
        ]
        args.append(f'since="{since}"')
        if until:
            args.append(f'until="{until}"')
        expression = f"{{{{ events.{helper}({', '.join(args)}) }}}}"
        what = ", ".join([*filters.values(), words])
        line, column = place(block, sentence.start + typed.start())
        if agrees(qualifier, number, actual):
            shown = display_path(self.path)
            self.agreeing.append(
                Suggestion(shown, line, column, " ".join(typed[0].split()), expression)
            )
            return
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
        """A dated event cited only to sources dated before it is W413 (body and takeaways)."""
        sources = self.edition.sources
        takeaways = self.takeaway_blocks()
        for index, block in enumerate([*takeaways, *self.blocks]):
            for sentence in sentences(block):
                if not sentence.keys:
                    continue
                days = [
                    day
                    for m in ON_DATE.finditer(sentence.text)
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
                match = ON_DATE.search(sentence.text)
                assert match is not None
                offset = sentence.start + match.start()
                line, column = (block.line, 0) if index < len(takeaways) else place(block, offset)
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
        now = read_written(self.path, self.caches)
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


def check_integrity(update: Update, problems: Problems, caches: Caches | None = None) -> None:
    """Run the integrity rules (E411, E416, W410, W412–W415) on ``update``."""
    Integrity(update.edition, problems, caches).run()


def suggestions(inputs: Path, name: str) -> list[Suggestion]:
    """Return the typed numbers of edition ``name`` that the events table agrees with: each
    could be the expression that counts it (``weekly check --suggest``)."""
    from weekly.inputs.edition import load_edition

    rules = Integrity(load_edition(inputs, name, Problems()), Problems())
    rules.check_numbers()
    return rules.agreeing
