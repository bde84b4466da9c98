"""Review: the blocks of an edition a reviewer can comment on, read from the parsed body.

Each block has the anchor the draft page gives it (``L14``, ``figure-1``, ``note-3``,
``takeaway-1``), its ``update.md`` line and its visible text. The text is taken from the
resolved :class:`~weekly.resolve.update.Update` (the body's tokens, the takeaways, the
figures and the endnotes), never from rendered HTML, and is written as the page shows it:
note marks as ``[3]``, quotes curled when the series curls them, whitespace collapsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it.token import Token
from markupsafe import Markup

from weekly.apstyle import curly_quotes
from weekly.body.parse import printed_before

if TYPE_CHECKING:
    from weekly.body.parse import Block as BodyBlock
    from weekly.resolve.figures import Figure
    from weekly.resolve.update import Update

#: Characters of a block's text kept as its quote.
QUOTE_LENGTH = 240


@dataclass(frozen=True)
class Block:
    """A block of the draft a comment can be about."""

    #: Element id in the draft page: ``L14``, ``figure-1``, ``note-3``, ``takeaway-1``.
    anchor: str
    kind: str
    line: int
    #: Visible text, whitespace collapsed.
    text: str

    @property
    def quote(self) -> str:
        """Return the quote a comment on this block keeps."""
        return quote_of(self.text)


def quote_of(text: str) -> str:
    """Return the start of ``text`` as a comment's quote (whitespace collapsed)."""
    return " ".join(text.split())[:QUOTE_LENGTH]


def inline_words(children: Sequence[Token], quotes: bool) -> str:
    """Return the visible text of inline tokens: note marks as ``[label]``, in-text names
    kept, straight quotes curled when ``quotes``."""
    out: list[str] = []
    for index, child in enumerate(children):
        if child.type == "text":
            before = children[index - 1] if index else None
            address = before is not None and before.type == "link_open"
            address = address and before is not None and before.markup in ("autolink", "linkify")
            content = child.content
            if quotes and not address:
                content = curly_quotes(content, printed_before(children, index))
            out.append(content)
        elif child.type in ("code_inline", "handle"):
            out.append(child.content)
        elif child.type == "citation":
            point = child.meta.get("point")
            if point is None:
                out.append(child.content)
            else:
                out.append((point.name if point.in_text else "") + f"[{point.label}]")
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def tokens_text(tokens: Sequence[Token], quotes: bool) -> str:
    """Return the visible text of block tokens, whitespace collapsed."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append(inline_words(token.children or [], quotes))
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        parts.append(" ")  # every block element is set apart from the next
    return " ".join("".join(parts).split())


def _items(block: BodyBlock, quotes: bool) -> list[Block]:
    """Return the top-level bullets of a list block, each with its own text."""
    found: list[Block] = []
    items = iter(block.items)
    depth = 0
    current: list[Token] = []
    line = 0
    for token in block.tokens:
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                item = next(items, None)
                line = item.line if item is not None else 0
                current = []
                continue
        elif token.type == "list_item_close":
            depth -= 1
            if depth == 0:
                if line:
                    found.append(Block(f"L{line}", "bullet", line, tokens_text(current, quotes)))
                continue
        if depth >= 1:
            current.append(token)
    return found


def _markdown_words(text: str, quotes: bool) -> str:
    """Return the visible text of a one-paragraph Markdown string (a figure's note or source)."""
    from weekly.body.parse import markdown

    return tokens_text(markdown().parseInline(text), quotes)


def _figure(figure: Figure, quotes: bool) -> Block:
    """Return a figure's block: its numbered title, note and source."""
    spec = figure.spec
    title = curly_quotes(spec.title) if quotes else spec.title
    parts = [f"Figure {figure.number}. {title}"]
    if spec.note:
        parts.append("Note: " + _markdown_words(spec.note, quotes))
    if spec.source:
        parts.append("Source: " + _markdown_words(spec.source, quotes))
    return Block(
        f"figure-{figure.number}", "figure", figure.line, " ".join(" ".join(parts).split())
    )


def _takeaways(update: Update, quotes: bool) -> list[Block]:
    """Return the key takeaways, each with its region name or label as the page shows it."""
    edition = update.edition
    series = edition.series
    style = series.key_takeaways_style
    shown = edition.takeaways_named or style == "paragraphs"
    lines = [
        edition.line(*(("key_takeaways", region) if region else ("key_takeaway",)))
        for region in edition.takeaways
    ]
    count = len(update.takeaway_tokens)
    blocks = []
    for index, (region, tokens) in enumerate(update.takeaway_tokens):
        name = (curly_quotes(region) if quotes else region) if shown else ""
        text = tokens_text(tokens, quotes)
        if style in ("numbered", "bullets"):
            text = f"{name}{series.region_mark} {text}" if name else text
        elif count == 1 and not name:
            text = f"Key Takeaway: {text}"
        else:
            text = f"{name}{series.region_mark} {text}"
        line = lines[min(index, len(lines) - 1)] if lines else 0
        blocks.append(Block(f"takeaway-{index + 1}", "takeaway", line, " ".join(text.split())))
    return blocks


def review_blocks(update: Update) -> list[Block]:
    """Return the blocks of ``update`` a comment can be about, in the draft page's order.

    Takeaways take the line of their front matter key; paragraphs, bullets and figures
    their line in ``update.md``; a note the line of its citation.
    """
    quotes = update.edition.series.smart_quotes
    blocks = _takeaways(update, quotes)
    figures = {fid: fig for fid, fig in update.figures.items()}
    for block in update.body.blocks():
        if block.kind == "figure":
            if block.figure_id in figures:
                blocks.append(_figure(figures[block.figure_id], quotes))
        elif block.items:
            blocks += _items(block, quotes)
        else:
            kind = "paragraph"
            blocks.append(
                Block(f"L{block.line}", kind, block.line, tokens_text(block.tokens, quotes))
            )
    for note in update.notes:
        text = Markup(note.html).striptags()
        blocks.append(Block(f"note-{note.number}", "note", note.line, text))
    return blocks
