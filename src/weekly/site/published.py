"""Compare an edition as the archive published it with what its inputs give now (W081).

``weekly check`` reads the published page (``output/DATE/<slug>.html``, listed in the
archive's manifest) and the page the inputs give now, takes the visible text of each block
of both (headings, paragraphs, bullets, figure captions, endnotes), pairs them in order
with :mod:`difflib`, and reports each block added, removed or changed at its line in
``update.md``: what a correction has to cover. The correction notices, the navigation and
the note markers (``[3]``, renumbered when a citation comes or goes) are left out; they are
not the edition's text.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from weekly.errors import Problem, display_path

if TYPE_CHECKING:
    from weekly.resolve.update import Update

#: A note marker as the draft's blocks print it: ``[3]``.
_MARKER = re.compile(r"\[[^\]\s]{1,8}\]")
_BLOCKS = {"h1", "h2", "p", "li", "figcaption"}
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TextReader(HTMLParser):
    """Collect the visible text of the innermost blocks of a page's article."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # tag, left out (with what is inside)
        self.open: list[tuple[int, list[str], list[bool]]] = []  # depth, text, has inner
        self.found: list[str] = []
        self.article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        skipped = (self.stack and self.stack[-1][1]) or (
            tag == "nav" or {"corrections", "backref", "ref"} & set(classes)
        )
        self.stack.append((tag, bool(skipped)))
        if tag == "article":
            self.article += 1
        if self.article and not skipped and tag in _BLOCKS:
            for _, _, inner in self.open:
                inner[0] = True
            self.open.append((len(self.stack), [], [False]))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in (t for t, _ in self.stack):
            return
        while self.stack:
            depth = len(self.stack)
            if self.open and self.open[-1][0] == depth:
                _, parts, inner = self.open.pop()
                text = " ".join("".join(parts).split())
                if text and not inner[0]:
                    self.found.append(text)
            name, _ = self.stack.pop()
            if name == "article":
                self.article -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1]:
            return
        for _, parts, _ in self.open:
            parts.append(data)


def page_blocks(html: str) -> list[str]:
    """Return the visible text of each block of a page's article, in reading order."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return reader.found


def published_page(update: Update, output: Path) -> Path | None:
    """Return the page the archive in ``output`` published for ``update``, or None."""
    from weekly.site.manifest import load_manifest

    entry = load_manifest(output).get(update.edition.key)
    if entry is None or f"{entry.slug}.html" not in entry.files:
        return None
    page = output / entry.html
    return page if page.is_file() else None


def site_findings(update: Update | None, output: Path) -> list[Problem]:
    """Return what the site in ``output`` says of an edition ``weekly check`` checked.

    Files under ``output`` that the site does not own are warned about (W050): they would be
    published, and ``archive`` refuses them. An edition the archive there published is
    compared with ``update`` (its inputs now; None when they did not assemble, or had
    errors), each block changed since a W081.
    """
    from weekly.site.owned import stray_problems, unowned

    found = published_changes(update, output) if update is not None else []
    return found + stray_problems(unowned(output), "warning", "W050")


def published_changes(update: Update, output: Path) -> list[Problem]:
    """Return a W081 warning per block changed since the archive in ``output`` published it."""

    from weekly.render.html import render_html
    from weekly.review.blocks import review_blocks

    page = published_page(update, output)
    if page is None:
        return []
    then = page_blocks(page.read_text(encoding="utf-8", errors="replace"))
    now = page_blocks(render_html(update))
    lines: dict[str, int] = {}
    for block in review_blocks(update):  # their text keeps the note markers
        lines.setdefault(" ".join(_MARKER.sub("", block.text).split()), block.line)
    fallback = update.edition.body_line

    def line_of(index: int) -> int:
        for text in now[index:] + now[:index][::-1]:
            if lines.get(text):
                return lines[text]
        return fallback

    found = []
    path = display_path(update.edition.path)
    for message, index in _differences(then, now):
        found.append(Problem(path, line_of(index), 0, "warning", "W081", message))
    return found


def _differences(then: list[str], now: list[str]) -> Iterator[tuple[str, int]]:
    """Yield (message, index of the nearest block now) per block added, removed or changed."""
    matcher = difflib.SequenceMatcher(a=then, b=now, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            yield from _paired(then[i1:i2], now[j1:j2], j1, len(now))


def _paired(old: list[str], new: list[str], start: int, total: int) -> Iterator[tuple[str, int]]:
    """Pair the blocks of one changed stretch by likeness, in order; the rest are added or
    removed."""
    used = 0
    for offset, after in enumerate(new):
        scores = [
            (difflib.SequenceMatcher(a=before, b=after).ratio(), index)
            for index, before in enumerate(old[used:], used)
        ]
        score, index = max(scores, default=(0.0, -1), key=lambda pair: (pair[0], -pair[1]))
        if score < 0.5:
            yield f"added since the version published: {_quoted(after)}", start + offset
            continue
        for before in old[used:index]:
            yield f"removed since the version published: {_quoted(before)}", start + offset
        used = index + 1
        yield (
            f"changed since the version published: {_quoted(after)} (was: {_quoted(old[index])})",
            start + offset,
        )
    for before in old[used:]:
        yield (
            f"removed since the version published: {_quoted(before)}",
            min(start + len(new), total - 1),
        )


def _quoted(text: str) -> str:
    return '"' + textwrap.shorten(text, 100, placeholder="…") + '"'
