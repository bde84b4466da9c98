"""Resolve citation points into numbered endnotes (CTP conventions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from weekly.apstyle import roman
from weekly.body.parse import CitationPoint
from weekly.errors import Problems
from weekly.inputs.sources import Source, print_source


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
        known = []
        for key in point.keys:
            source = sources.get(key)
            if source is None:
                problems.error("E101", path, point.line, f"unknown source '{key}'", point.column)
                continue
            if source.date and source.date > cutoff:
                problems.error(
                    "E102",
                    path,
                    point.line,
                    f"source '{key}' is dated {source.date.isoformat()}, after the data cutoff "
                    f"{cutoff.isoformat()}",
                    point.column,
                )
            known.append(source)
        printed = []
        for position, source in enumerate(known):
            printed.append(print_source(source, source.id not in seen, position == len(known) - 1))
            seen.add(source.id)
        html = Markup("; ").join(p.html for p in printed)
        text = "; ".join(p.text for p in printed)
        notes.append(Note(number, point.label, point.line, tuple(point.keys), html, text))
    return notes
