"""Bibliography stage: turn the LaTeX in BibTeX fields into plain text.

Accents, escaped characters, dashes, ties and braces — nearly everything a reference
manager writes — are handled here with a few substitutions; pylatexenc, far slower, reads
only what is left over (any other macro).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Accent commands and the combining mark each puts on a letter.
ACCENTS = {
    "'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
    ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "d": "\u0323",
    "b": "\u0331", "k": "\u0328", "r": "\u030a",
}  # fmt: skip
LETTERS = {
    "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "ss": "ß", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ",
}  # fmt: skip
FORMATTING = ("textit", "emph", "textbf", "textsc", "textrm", "textup", "textsf", "mkbibquote",
              "enquote", "mbox", "textnormal", "url", "nolinkurl")  # fmt: skip

_SYMBOL_ACCENT = re.compile(r"\\([\'`^\"~=.])\s*(?:\{\s*(\\?[A-Za-z]+)\s*\}|(\\?[A-Za-z]))")
_LETTER_ACCENT = re.compile(r"\\([uvHcdbkr])(?:\s*\{\s*(\\?[A-Za-z]+)\s*\}|\s+(\\?[A-Za-z]))")
_LETTER = re.compile(
    r"\\(" + "|".join(sorted(LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])\s?"
)
_FORMAT = re.compile(r"\\(?:" + "|".join(FORMATTING) + r")\s*\{([^{}]*)\}")
_ESCAPED = re.compile(r"\\([&%$#_{}])")


def _accent(mark: str, base: str) -> str:
    if base in ("\\i", "\\j"):  # a dotless i takes the accent: \'{\i} is í
        base = base[1:]
    letter = LETTERS.get(base[1:], base[1:]) if base.startswith("\\") else base
    return unicodedata.normalize("NFC", letter[:1] + ACCENTS[mark]) + letter[1:]


class LatexText:
    """Plain text of BibTeX field values; one per file read (it keeps pylatexenc's reader)."""

    def __init__(self) -> None:
        self._decoder: Any = None

    def text(self, value: str) -> str:
        """Return ``value`` as plain text, whitespace collapsed."""
        text = value
        if "\\" in text:
            text = _SYMBOL_ACCENT.sub(lambda m: _accent(m[1], m[2] or m[3]), text)
            text = _LETTER_ACCENT.sub(lambda m: _accent(m[1], m[2] or m[3]), text)
            text = _LETTER.sub(lambda m: LETTERS[m[1]], text)
            for _ in range(3):  # \emph{\textbf{x}}
                text = _FORMAT.sub(r"\1", text)
            text = _ESCAPED.sub(lambda m: "\0" + m[1], text)  # kept from the brace removal
        if "\\" in text:
            return " ".join(self._slow(value).split())
        text = text.replace("---", "—").replace("--", "–").replace("~", " ")
        text = re.sub(r"(?<!\0)[{}]", "", text).replace("\0", "")
        return " ".join(text.split())

    def _slow(self, value: str) -> str:
        if self._decoder is None:
            from pylatexenc.latex2text import LatexNodes2Text

            self._decoder = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
        return str(self._decoder.latex_to_text(value))
