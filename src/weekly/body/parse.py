"""Parse the evaluated body into the document model: sections, assessment blocks,
citation points and placed figures, each with its line in ``update.md``.

The renderer and the checker both read this model, so a finding always points at
what the reader will see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

from weekly.apstyle import slugify
from weekly.body.cites import Cite, at_rule, citation_rule
from weekly.body.template import FIGURE_MARK
from weekly.errors import Problems

FIGURE = re.compile(re.escape(FIGURE_MARK).replace(r"\{\}", "(.*?)"))

BlockKind = Literal["lead", "paragraph", "bullets", "figure", "heading", "other"]


@dataclass
class CitationPoint:
    """One ``[@a; @b]`` (or ``@a says``) in the text: one endnote."""

    keys: list[str]
    line: int
    column: int
    #: 1-based position in reading order; the endnote number.
    number: int = 0
    #: The printed label, ``1`` or ``i``.
    label: str = ""
    #: Each source cited, with its prefix, locator and suffix.
    cites: list[Cite] = field(default_factory=list)
    #: ``@a says``: the author's name is printed in the text before the note mark.
    in_text: bool = False
    #: For an in-text citation, the name printed (set when the notes are resolved).
    name: str = ""
    #: Pieces of ``[…]`` that named no source, and empty pieces (``[@a;]``).
    stray: list[str] = field(default_factory=list)
    empty: int = 0


@dataclass
class Handle:
    """An ``@word`` in the text that names no source: printed as written."""

    word: str
    line: int
    column: int
    #: Inside a quotation (“…” or "…") in its paragraph.
    quoted: bool
    #: The word is a source's key where no citation can be made (inside a link's text).
    source: bool = False


@dataclass
class Item:
    """One evidence bullet."""

    line: int
    text: str
    citations: list[CitationPoint]


@dataclass
class Block:
    """A top-level piece of the body: a paragraph, a bullet list, a figure …"""

    kind: BlockKind
    line: int
    end_line: int
    tokens: list[Token]
    text: str = ""
    citations: list[CitationPoint] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    #: For figure blocks: the id placed.
    figure_id: str = ""

    def lead_parts(self) -> tuple[str, str]:
        """Return the bold lead judgment opening this paragraph and the text after it.

        Both are plain text, citations left out and whitespace collapsed to single
        spaces. A block that is not a paragraph opening with bold gives ``("", "")``.
        """
        if len(self.tokens) < 2 or self.tokens[0].type != "paragraph_open":
            return "", ""
        parts = split_lead(self.tokens[1].children or [])
        if parts is None:
            return "", ""
        lead, rest = (" ".join(inline_text(tokens).split()) for tokens in parts)
        return lead, rest


@dataclass
class Assessment:
    """A bold lead judgment and the paragraphs, bullets and figures that support it.

    Material before the first lead of a section has ``lead = None``.
    """

    lead: Block | None
    blocks: list[Block] = field(default_factory=list)

    @property
    def all_blocks(self) -> list[Block]:
        """Return the lead (if any) and the supporting blocks, in order."""
        return ([self.lead] if self.lead else []) + self.blocks


@dataclass
class Section:
    """A ``## Region`` section, or the untitled body of a single-theatre edition."""

    title: str
    id: str
    line: int
    assessments: list[Assessment] = field(default_factory=list)


@dataclass
class Body:
    """The parsed body."""

    sections: list[Section]
    citations: list[CitationPoint]
    #: Figure ids in order of placement, with the line of each.
    placements: list[tuple[str, int]]
    #: ``@words`` naming no source, in reading order (headings included).
    handles: list[Handle] = field(default_factory=list)

    def blocks(self) -> list[Block]:
        """Return every block in reading order."""
        return [b for s in self.sections for a in s.assessments for b in a.all_blocks]


#: Ids the page templates use themselves; a heading never takes one of them.
RESERVED_IDS = ("endnotes", "edition-title", "main", "content")


def _unique_id(slug: str, used: dict[str, int]) -> str:
    """Return ``slug``, or ``slug-2``, ``slug-3`` … when a heading already has it.

    ``used`` maps each id to the last number given for it, so ten thousand identical headings
    cost ten thousand look-ups, not fifty million.
    """
    if slug not in used:
        used[slug] = 1
        return slug
    number = used[slug]
    while True:
        number += 1
        candidate = f"{slug}-{number}"
        if candidate not in used:
            used[slug] = number
            used[candidate] = 1
            return candidate


@cache
def markdown() -> MarkdownIt:
    """Return the Markdown parser: CommonMark and tables, raw HTML off, citations on."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.disable("image")
    md.inline.ruler.before("link", "citation", citation_rule)
    md.inline.ruler.before("link", "at_sign", at_rule)
    md.validateLink = _safe_link  # type: ignore[method-assign]
    return md


#: Schemes a link may never have. markdown-it lets ``data:image/…`` through; the docs promise
#: no ``data:`` link at all (a data URL can carry a whole page).
_UNSAFE_SCHEME = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)


def _safe_link(url: str) -> bool:
    """Return True for a link markdown-it may make (checked on the unescaped address)."""
    return not _UNSAFE_SCHEME.match(url)


def inline_text(children: list[Token]) -> str:
    """Return the plain text of inline tokens: note marks left out, in-text names kept."""
    out = []
    for child in children:
        if child.type in ("text", "code_inline", "handle"):
            out.append(child.content)
        elif child.type == "citation" and child.meta.get("in_text") and "point" in child.meta:
            out.append(child.meta["point"].name)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def split_lead(children: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """Split a paragraph's inline tokens into its opening bold and what follows.

    Return (the tokens inside the first ``**…**``, the tokens after it), or None when the
    paragraph does not open with bold. markdown-it starts a paragraph that opens with
    ``**`` with an empty text token; leading blank text tokens are skipped.
    """
    start = 0
    while (
        start < len(children)
        and children[start].type == "text"
        and not children[start].content.strip()
    ):
        start += 1
    if start == len(children) or children[start].type != "strong_open":
        return None
    depth = 0
    for end in range(start, len(children)):
        kind = children[end].type
        depth += 1 if kind == "strong_open" else -1 if kind == "strong_close" else 0
        if depth == 0:
            return children[start + 1 : end], children[end + 1 :]
    return children[start + 1 :], []


def _line_and_column(
    token: Token, child: Token, first_line: int, source_lines: list[str]
) -> tuple[int, int]:
    offset = child.meta["offset"]
    line = first_line + token.content.count("\n", 0, offset)
    text = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
    return line, max(text.find(child.content) + 1, 1)


def _citations(token: Token, first_line: int, source_lines: list[str]) -> list[CitationPoint]:
    found = []
    for child in token.children or []:
        if child.type != "citation":
            continue
        line, column = _line_and_column(token, child, first_line, source_lines)
        bracket = child.meta["bracket"]
        cites = bracket.cites
        if child.meta.get("in_text"):
            for cite in cites:
                cite.in_text = True
        point = CitationPoint(
            [c.key for c in cites],
            line,
            column,
            cites=list(cites),
            in_text=bool(child.meta.get("in_text")),
            stray=list(bracket.stray),
            empty=bracket.empty,
        )
        child.meta["point"] = point
        found.append(point)
    return found


def handles_in(
    tokens: list[Token], first_line: int, source_lines: list[str], mapped: bool = True
) -> list[Handle]:
    """Return the ``@words`` naming no source among inline ``tokens``.

    ``first_line`` is the line of ``update.md`` where the text starts; a body token's map
    counts from it (``mapped``), a front matter paragraph's does not.
    """
    found = []
    for token in tokens:
        if token.type != "inline":
            continue
        start = first_line + (token.map[0] if mapped and token.map else 0)
        for child in token.children or []:
            if child.type == "handle":
                line, column = _line_and_column(token, child, start, source_lines)
                meta = child.meta
                found.append(Handle(child.content, line, column, meta["quoted"], meta["source"]))
    return found


def parse_inline(
    text: str,
    line: int,
    source_lines: list[str] | None = None,
    source_keys: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[Token], list[CitationPoint]]:
    """Parse a front matter paragraph (notice, takeaway) as inline Markdown."""
    tokens = markdown().parseInline(text, {"source_keys": source_keys})
    cites = []
    for token in tokens:
        token.map = [0, 1]
        cites += _citations(token, line, source_lines or [])
    return tokens, cites


def parse_body(
    text: str,
    path: Path,
    first_line: int,
    problems: Problems,
    source_lines: list[str],
    source_keys: frozenset[str] | set[str] = frozenset(),
) -> Body:
    """Parse the evaluated body text that starts at ``first_line`` of ``path``.

    ``@key`` is an in-text citation when ``source_keys`` holds ``key``, else a handle.
    """
    tokens = markdown().parse(text, {"source_keys": source_keys})
    sections: list[Section] = [Section("", "", first_line)]
    citations: list[CitationPoint] = []
    placements: list[tuple[str, int]] = []
    used_ids: dict[str, int] = dict.fromkeys(RESERVED_IDS, 1)

    def line_of(token: Token) -> int:
        return first_line + (token.map[0] if token.map else 0)

    index = 0
    while index < len(tokens):
        start = tokens[index]
        end = index
        if start.nesting == 1:
            depth = 0
            while True:
                depth += tokens[end].nesting
                if depth == 0:
                    break
                end += 1
        chunk = tokens[index : end + 1]
        index = end + 1
        line = line_of(start)
        end_line = first_line + (start.map[1] - 1 if start.map else 0)
        block = Block("other", line, end_line, chunk)
        section = sections[-1]

        if start.type == "heading_open" and start.tag == "h2":
            for point in _citations(chunk[1], line, source_lines):
                problems.error(
                    "E703",
                    path,
                    point.line,
                    "a citation in a '## ' section heading would not be printed "
                    "(headings become bookmarks); cite in the paragraph below",
                    point.column,
                )
            title = inline_text(chunk[1].children or [])
            slug = _unique_id(slugify(title) or f"section-{len(sections)}", used_ids)
            sections.append(Section(title, slug, line))
            continue
        inlines = [t for t in chunk if t.type == "inline"]
        if start.type != "bullet_list_open":
            for tok in inlines:
                block.citations += _citations(tok, line_of(tok) if tok.map else line, source_lines)
        block.text = "\n".join(inline_text(t.children or []) for t in inlines)

        if start.type == "paragraph_open":
            content = chunk[1].content.strip()
            figure = FIGURE.fullmatch(content)
            if figure:
                block.kind = "figure"
                block.figure_id = figure[1]
                placements.append((figure[1], line))
            else:
                opens_bold = split_lead(chunk[1].children or []) is not None
                block.kind = "lead" if opens_bold else "paragraph"
        elif start.type == "bullet_list_open":
            block.kind = "bullets"
            depth = 0
            for pos, tok in enumerate(chunk):
                if tok.type == "list_item_open":
                    depth += 1
                    if depth == 1:
                        item_inlines = []
                        inner = 0
                        for sub in chunk[pos:]:
                            inner += sub.nesting if sub.type.startswith("list_item") else 0
                            if sub.type == "inline":
                                item_inlines.append(sub)
                            if inner == 0:
                                break
                        cites = []
                        for sub in item_inlines:
                            cites += _citations(sub, line_of(sub), source_lines)
                        text_ = "\n".join(inline_text(s.children or []) for s in item_inlines)
                        block.items.append(Item(line_of(tok), text_, cites))
                        block.citations += cites
                elif tok.type == "list_item_close":
                    depth -= 1
        elif start.type == "heading_open":
            block.kind = "heading"

        if block.kind != "figure" and any(FIGURE.search(t.content) for t in inlines):
            problems.error("E201", path, line, "a figure must stand alone in its own paragraph")
        citations += block.citations
        if block.kind == "lead" or not section.assessments:
            section.assessments.append(Assessment(block if block.kind == "lead" else None))
            if block.kind == "lead":
                continue
        section.assessments[-1].blocks.append(block)

    if not sections[0].assessments and len(sections) > 1:
        sections.pop(0)
    handles = handles_in(tokens, first_line, source_lines)
    return Body(sections, citations, placements, handles)


def printed_before(tokens: Sequence[Token], index: int) -> str:
    """Return the last character shown before inline token ``index`` (empty at the start).

    Curly quotes turn on it (an opening or a closing quote), so the page and the review
    blocks that quote it call this one function.
    """
    for token in reversed(tokens[:index]):
        if token.type in ("text", "code_inline") and token.content:
            return token.content[-1]
        if token.type in ("softbreak", "hardbreak"):
            return "\n"
        if token.type == "citation":
            return "]"
    return ""
