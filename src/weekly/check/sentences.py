"""Split the body as written into sentences, each with the sources it cites and its place.

The integrity rules (:mod:`weekly.check.integrity`) read sentences of the raw body
(:func:`weekly.check.history.raw_blocks`) with urls, citations, code and template tags blanked,
so offsets still point into ``update.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from weekly.check.history import RawBlock
from weekly.check.prose import _HIDDEN

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)*_]*\s+(?=[A-Z“\"(*_])")
_CITE_GROUP = re.compile(r"\[\s*(-?@[^\]]*)\]")
_CITE_KEY = re.compile(r"-?@([\w][\w:.#$%&+?<>~/-]*)")


@dataclass
class Sentence:
    """One sentence of a block: its span in the block's masked text and the keys it cites."""

    start: int
    end: int
    text: str
    keys: list[str]


def masked(block: RawBlock) -> str:
    """Return the block's text with urls, citations, code and template tags blanked."""
    return _HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), block.text)


def sentences(block: RawBlock) -> Iterator[Sentence]:
    """Yield the sentences of a block; a citation belongs to the sentence it closes or sits in."""
    text = masked(block)
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    ends = starts[1:] + [len(text)]
    for start, end in zip(starts, ends, strict=True):
        keys = [
            key
            for group in _CITE_GROUP.finditer(block.text, start, end)
            for key in _CITE_KEY.findall(group[1])
        ]
        yield Sentence(start, end, text[start:end], keys)


def place(block: RawBlock, offset: int) -> tuple[int, int]:
    """Return the line and 1-based column of ``offset`` in the block's text."""
    line = block.line + block.text.count("\n", 0, offset)
    before = block.text.rfind("\n", 0, offset)
    column = offset - (before + 1) + 1 + (block.indent if before < 0 else 0)
    return line, column
