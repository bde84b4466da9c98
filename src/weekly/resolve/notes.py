"""Resolve citation points into numbered endnotes (CTP conventions).

Each source cited prints as the bibliography printer has it, then its locator and its
suffix, comma-separated; a prefix goes before it (capitalized when it opens the note).
Sources in one note are joined by ``; ``. See docs/guide/citations.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from weekly.apstyle import roman
from weekly.body.cites import Cite
from weekly.body.parse import CitationPoint
from weekly.errors import Problems, did_you_mean
from weekly.inputs.bibliography.entry import Source
from weekly.inputs.bibliography.printer import Part, Printed, print_parts, source_parts


@dataclass(frozen=True)
class Note:
    """One endnote: the sources of one citation point, printed and joined by ``; ``."""

    number: int
    label: str
    line: int
    keys: tuple[str, ...]
    html: Markup
    text: str


def label_for(number: int, style: str) -> str:
    """Return the visible label of note ``number`` in the series' style."""
    return roman(number) if style == "roman" else str(number)


def _capitalized(words: str) -> str:
    """Return ``words`` with its first letter in capitals (``*see*`` -> ``*See*``)."""
    match = re.search(r"[^\W\d_]", words)
    if match is None:
        return words
    return words[: match.start()] + match[0].upper() + words[match.end() :]


@cache
def _words_parser() -> MarkdownIt:
    """Return the parser of prefixes and suffixes: emphasis, code and escapes only."""
    return MarkdownIt("zero").enable(["emphasis", "backticks", "escape", "entity"])


def print_words(words: str) -> Printed:
    """Print a prefix or suffix: inline emphasis rendered, everything else escaped."""
    parser = _words_parser()
    tokens = parser.parseInline(words)
    children = tokens[0].children or [] if tokens else []
    text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
    return Printed(Markup(parser.renderer.render(tokens, parser.options, {})), text)


def print_cite(source: Source, cite: Cite, first: bool, last: bool, opens: bool) -> Printed:
    """Print one cited source with what the citation adds: prefix, locator, suffix.

    ``opens``: the source opens its note, so a prefix takes a capital (``See …``).
    """
    parts = source_parts(source, first, cite.suppress_author)
    if cite.locator:
        parts.append(Part(escape(cite.locator_text()), cite.locator_text()))
    if cite.suffix:
        suffix = print_words(cite.suffix)
        parts.append(Part(suffix.html, suffix.text))
    printed = print_parts(source, parts, first, last)
    if not cite.prefix:
        return printed
    prefix = print_words(_capitalized(cite.prefix) if opens else cite.prefix)
    return Printed(prefix.html + Markup(" ") + printed.html, f"{prefix.text} {printed.text}")


def check_date(
    source: Source, cutoff: dt.date, point: CitationPoint, path: Path, problems: Problems
) -> None:
    """Record a cited source dated after the cutoff (E102), or perhaps after it (W703).

    A partial date (a month, a season, a year, a range) counts from its first day: it is
    an error only when all of it is after the cutoff, a warning when the cutoff falls
    inside it.
    """
    dated = source.dated
    if dated is None:
        return
    first, last = dated.first_day(), dated.last_day()
    if first is None or last is None:
        return
    if first > cutoff:
        problems.error(
            "E102",
            path,
            point.line,
            f"source '{source.id}' is dated {dated.iso()}, after the data cutoff "
            f"{cutoff.isoformat()}",
            point.column,
        )
    elif last > cutoff:
        problems.warning(
            "W703",
            path,
            point.line,
            f"source '{source.id}' is dated {dated.iso()}, which may be after the data "
            f"cutoff {cutoff.isoformat()}; give its day to be sure",
            point.column,
        )


def _check_point(point: CitationPoint, path: Path, problems: Problems) -> None:
    for piece in point.stray:
        problems.error(
            "E702",
            path,
            point.line,
            f"'{piece}' in a citation names no source; write '@key' in each piece "
            "between semicolons",
            point.column,
        )
    if point.empty:
        problems.warning(
            "W702",
            path,
            point.line,
            f"empty piece in citation '{point.cites[0].key if point.cites else ''}' "
            "(a stray ';'); remove it",
            point.column,
        )


def resolve_notes(
    points: list[CitationPoint],
    sources: dict[str, Source],
    cutoff: dt.date,
    style: str,
    path: Path,
    problems: Problems,
) -> list[Note]:
    """Number ``points`` in order and print their notes.

    A source prints in full the first time it is cited and in its short form after.
    Unknown keys and sources dated after the cutoff are recorded as errors.
    """
    seen: set[str] = set()
    notes = []
    for number, point in enumerate(points, start=1):
        point.number = number
        point.label = label_for(number, style)
        _check_point(point, path, problems)
        cites = point.cites or [Cite(key) for key in point.keys]
        known: list[tuple[Source, Cite]] = []
        for cite in cites:
            source = sources.get(cite.key)
            if source is None:
                hint = did_you_mean(cite.key, sources)
                problems.error(
                    "E101", path, point.line, f"unknown source '{cite.key}'{hint}", point.column
                )
                continue
            check_date(source, cutoff, point, path, problems)
            known.append((source, cite))
        if point.in_text and known:
            source = known[0][0]
            point.name = source.names_in_text()
            if not point.name:
                problems.error(
                    "E705",
                    path,
                    point.line,
                    f"source '{source.id}' has no author or publisher to name in the text; "
                    f"cite it as [@{source.id}]",
                    point.column,
                )
        printed = []
        for position, (source, cite) in enumerate(known):
            first = source.id not in seen
            last = position == len(known) - 1
            printed.append(print_cite(source, cite, first, last, opens=position == 0))
            seen.add(source.id)
        html = Markup("; ").join(p.html for p in printed)
        text = "; ".join(p.text for p in printed)
        notes.append(Note(number, point.label, point.line, tuple(point.keys), html, text))
    return notes
