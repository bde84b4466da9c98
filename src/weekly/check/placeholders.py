"""Check that an edition is finished: no placeholder text, no empty body or section, no markers.

``weekly new`` and ``weekly import`` leave text that stands in for what only an editor can
write: values beginning ``TODO:`` ("TODO: headline", "TODO: figure title"), ``# REVIEW:``
comments beside what was carried over, ``## Region`` headings with nothing under them. Each is
an error (E051, E052, E053) with its line: ``render`` refuses (``render --draft`` goes on, with
a banner), ``archive`` does not publish the edition and ``email`` does not send it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from weekly.errors import Problems
from weekly.resolve.update import Update

#: The prefix every placeholder starts with (what ``weekly new`` and ``weekly import`` write).
PREFIX = "TODO:"
#: The codes of an unfinished edition: what ``render --draft`` lets through.
PLACEHOLDER_CODES = frozenset({"E051", "E052", "E053"})
#: A ``# REVIEW:`` comment line of the front matter, as ``weekly new`` writes it.
_REVIEW = re.compile(r"^\s*#\s*REVIEW:")
#: Markdown that may come before a line's text: a heading's #s, a list's mark, a quote's >.
_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*(?:\*\*|__|\*|_)?")


def check_placeholders(update: Update, problems: Problems, body_read: bool = True) -> None:
    """Flag placeholder text (E051), an empty body or section (E052), review markers (E053).

    ``body_read`` is False when the body could not be evaluated: it is not called empty then.
    """
    edition = update.edition
    front = edition.front
    for keys, value in _strings(front.data):
        if value.strip().startswith(PREFIX):
            where = ".".join(str(k) for k in keys)
            problems.error(
                "E051",
                edition.path,
                front.line(*keys),
                f"{where} is still a placeholder: '{_clip(value)}'",
            )
    for number, text in enumerate(update.source_lines[: max(edition.body_line - 1, 0)], 1):
        if _REVIEW.match(text):
            problems.error(
                "E053",
                edition.path,
                number,
                "a '# REVIEW:' marker is still here: review the line below it, then delete "
                "the marker",
            )
    for line, text in _body_texts(update):
        if _LEAD.sub("", text, count=1).startswith(PREFIX):
            problems.error(
                "E051",
                edition.path,
                line,
                f"the body still has a placeholder: '{_clip(text)}'",
            )
    sections = update.body.sections
    if not body_read:
        return
    if not any(a.all_blocks for s in sections for a in s.assessments):
        problems.error(
            "E052", edition.path, edition.body_line, "the body is empty: write the edition"
        )
        return
    for section in sections:
        if section.title and not any(a.all_blocks for a in section.assessments):
            problems.error(
                "E052",
                edition.path,
                section.line,
                f"section '## {section.title}' is empty: write it or delete the heading",
            )


def _strings(value: Any, keys: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, str]]:
    """Yield (key path, text) for every string in a YAML tree."""
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*keys, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*keys, index))


def _body_texts(update: Update) -> Iterator[tuple[int, str]]:
    """Yield (line, text) of every heading, block and list item of the parsed body."""
    for section in update.body.sections:
        if section.title:
            yield section.line, section.title
    for block in update.body.blocks():
        if block.items:
            yield from ((item.line, item.text) for item in block.items)
        elif block.text:
            yield block.line, block.text


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
