"""Authoring: read a Word draft: its text, footnotes and comments, recognised in reading order.

What comes out is a :class:`Reading`: the edition's parts (:mod:`weekly.authoring.draft`),
a bibliography of its footnotes (:mod:`weekly.authoring.notes`) and the reviewers'
comments, before anything is composed into files (:mod:`weekly.authoring.edition`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from weekly.authoring.draft import Draft, TitleForm, recognise
from weekly.authoring.footnotes import attach_links
from weekly.authoring.notes import Bibliography
from weekly.authoring.package import Package, Unreadable
from weekly.authoring.wordml import (
    Changes,
    Comment,
    NoteRef,
    Walker,
    read_comments,
    read_notes,
    read_paragraphs,
    style_names,
)
from weekly.body.cites import MAX_BRACKET
from weekly.inputs.series import Series
from weekly.inputs.sources import Source

LINKABLE = re.compile(r"(?:https?://|mailto:)", re.I)


@dataclass
class Reading:
    """The draft as read, before it is composed into files."""

    draft: Draft
    bibliography: Bibliography
    notes: int
    changes: Changes
    comments: dict[str, Comment]
    anchors: dict[str, int]


def web_links(package: Package, part: str) -> dict[str, str]:
    """Return relationship id -> address of ``part``'s hyperlinks to http(s) and mailto."""
    return {
        key: rel.target
        for key, rel in package.relationships(part).items()
        if rel.type == "hyperlink" and rel.external and LINKABLE.match(rel.target)
        and not re.search(r"[\s<>]", rel.target)
    }  # fmt: skip


def title_forms(known: dict[str, Series]) -> tuple[TitleForm, ...]:
    """Return every title form the ``known`` series print: their own and their layouts'."""
    forms = []
    for series in known.values():
        templates = [series.title]
        templates += [
            str(layout.values["title"]) for layout in series.layouts if "title" in layout.values
        ]
        for template in dict.fromkeys(templates):
            forms.append(TitleForm.of(series.key, series.name, template))
    return tuple(forms)


def read_draft(
    package: Package, shared: dict[str, Source], titles: tuple[TitleForm, ...] = ()
) -> Reading:
    """Read the draft's text, footnotes and comments; cite every footnote in reading order."""
    changes = Changes()
    walker = Walker(changes, web_links(package, package.main))
    main = package.xml(package.main)
    if main is None:
        raise package.fail("not a Word document (its main part is missing)")
    paragraphs = read_paragraphs(main, walker, style_names(package))
    marks = [p for paragraph in paragraphs for p in paragraph.pieces if isinstance(p, NoteRef)]
    notes: dict[str, str] = {}
    for kind, part in (("f", "footnotes"), ("e", "endnotes")):
        name = package.part_of(package.main, part)
        root = package.xml(name) if name else None
        if root is None and any(mark.key.startswith(kind) for mark in marks):
            raise package.fail(
                f"the text has {part[:-1]} marks but the file has no {part} part; "
                "save it again from Word"
            )
        # A note's hyperlinks are relationships of the notes part (Word and Google Docs).
        note_walker = Walker(changes, web_links(package, name) if name else {})
        found = read_notes(root, kind, note_walker)
        notes.update({key: attach_links(text) for key, text in found.items()})
    name = package.part_of(package.main, "comments")
    comments = read_comments(package.xml(name) if name else None)
    bibliography = Bibliography(shared)
    count = 0

    draft_notes: list[str] = []

    def cite(ref: NoteRef) -> str:
        nonlocal count
        text = notes.get(ref.key, "")
        if not text:
            kind = "footnote" if ref.key.startswith("f") else "endnote"
            number = ref.key[1:]
            draft_notes.append(
                f"{kind} {number} is empty: its mark is left out, the notes after it move up"
                if ref.key in notes
                else f"a {kind} mark refers to {kind} {number}, which the file does not have: "
                "left out"
            )
            return ""
        count += 1
        keys = bibliography.cite(count, text)
        points = citation_points(keys)
        if len(points) > 1:
            draft_notes.append(
                f"note {count} cites {len(keys)} sources: split into "
                f"{len(points)} notes, as one citation holds at most {MAX_BRACKET:,} characters"
            )
        return "".join(points)

    try:
        draft = recognise(paragraphs, cite, titles)
    except Unreadable as exc:
        raise package.fail(str(exc)) from None
    draft.skipped.extend(draft_notes)
    draft.skipped.extend(
        f"note {r.note}: put in the project's note form: {r.now} (the draft has: {r.part})"
        for r in bibliography.rewritten
    )
    if package.strict:
        draft.skipped.append("read as Strict Open XML (its namespaces mapped to Word's usual ones)")
    if changes.repaired:
        draft.skipped.append(
            f"repaired {_count(changes.repaired, 'C1 control character')} "
            "(Windows-1252 text read as Latin-1)"
        )
    if changes.removed:
        draft.skipped.append(
            f"removed {_count(changes.removed, 'control character')} no edition can hold"
        )
    anchors = {key: p.number for p in paragraphs for key in p.comments}
    return Reading(draft, bibliography, count, changes, comments, anchors)


def citation_points(keys: list[str]) -> list[str]:
    """Return ``[@a; @b]`` for ``keys``: several points when one would pass the bracket limit."""
    points: list[str] = []
    current: list[str] = []
    for key in keys:
        if current and len("; ".join([*current, f"@{key}"])) + 2 > MAX_BRACKET - 1:
            points.append("[" + "; ".join(current) + "]")
            current = []
        current.append(f"@{key}")
    if current:
        points.append("[" + "; ".join(current) + "]")
    return points


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
