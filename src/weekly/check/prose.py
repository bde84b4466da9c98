"""Find the prose an editor's check reads, and place a phrase found in it in ``update.md``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from weekly.body.parse import Block
from weekly.resolve.update import Update

#: Spans of raw text whose words the reader never sees as prose: urls, citations,
#: link destinations, code and template tags.
_HIDDEN = re.compile(
    r"https?://\S+|www\.\S+|\[\s*-?@[^\]]*\]|\]\([^)]*\)|<[^>\s]+>|`[^`]*`"
    r"|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",
    re.DOTALL,
)
URL_IN_TEXT = re.compile(r"https?://\S+|www\.\S+")


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Return a case-insensitive pattern for ``phrase`` as whole words, any spacing."""
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", re.IGNORECASE)


def alternation(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """Return one pattern matching any of ``phrases`` as whole words, longest first."""
    phrases = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def mask(text: str, pattern: re.Pattern[str]) -> str:
    """Return ``text`` with every match of ``pattern`` blanked, newlines kept."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


@dataclass
class Prose:
    """Visible text from the model and the span of ``update.md`` lines it was written on."""

    text: str
    first: int
    last: int


@dataclass
class Word:
    """A phrase found in the model's text, placed in ``update.md``."""

    text: str
    line: int
    column: int


class Placer:
    """Give a phrase found in a piece of :class:`Prose` its line and column in the file.

    The n-th occurrence of the phrase in the visible text is the n-th occurrence in the
    raw lines once urls, citations, code and template tags are blanked out.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def place(self, prose: Prose, match: re.Match[str]) -> Word:
        """Return the phrase ``match`` (found in ``prose.text``) with its position."""
        pattern = phrase_pattern(match[0])
        nth = len(pattern.findall(mask(prose.text, URL_IN_TEXT), 0, match.start()))
        first, last = max(prose.first, 1), min(prose.last, len(self.lines))
        raw = mask("\n".join(self.lines[first - 1 : last]), _HIDDEN)
        found = list(pattern.finditer(raw))
        if nth < len(found):
            offset = found[nth].start()
            line = first + raw.count("\n", 0, offset)
            column = offset - (raw.rfind("\n", 0, offset) + 1) + 1
            return Word(" ".join(match[0].split()), line, column)
        return Word(" ".join(match[0].split()), prose.first, 0)


def _visible(children: list[Token]) -> str:
    """Return the prose of inline tokens: text and line breaks, not urls or code."""
    out = []
    in_autolink = False
    for child in children:
        if child.type == "link_open" and child.markup == "autolink":
            in_autolink = True
        elif child.type == "link_close" and child.markup == "autolink":
            in_autolink = False
        elif child.type == "text" and not in_autolink:
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif child.type in ("citation", "code_inline"):
            out.append(" ")
    return "".join(out)


def inlines(block: Block) -> Iterator[Token]:
    """Yield the inline tokens of ``block``."""
    for token in block.tokens:
        if token.type == "inline":
            yield token


def body_prose(update: Update) -> Iterator[Prose]:
    """Yield the prose of the body, block by block (figures have none)."""
    first = update.edition.body_line
    for block in update.body.blocks():
        if block.kind == "figure":
            continue
        for token in inlines(block):
            start, end = token.map or (block.line - first, block.end_line - first + 1)
            yield Prose(_visible(token.children or []), first + start, first + end - 1)


def _front_span(update: Update, *keys: str | int) -> tuple[int, int]:
    """Return the first and last line of a front matter value."""
    edition = update.edition
    start = edition.line(*keys)
    later = [line for line in edition.front.lines.values() if line > start]
    end = min(later) - 1 if later else edition.body_line - 2
    return start, max(start, end)


def front_prose(update: Update) -> Iterator[Prose]:
    """Yield the prose of the edition's own notices and its key takeaways."""
    edition = update.edition
    inherited = len(edition.series.notices)  # the series' boilerplate comes first
    for index, tokens in enumerate(update.notice_tokens[inherited:]):
        keys: tuple[str | int, ...] = ("notices", index)
        for token in tokens:
            yield Prose(_visible(token.children or []), *_front_span(update, *keys))
    for region, tokens in update.takeaway_tokens:
        keys = ("key_takeaways", region) if region else ("key_takeaway",)
        for token in tokens:
            yield Prose(_visible(token.children or []), *_front_span(update, *keys))
