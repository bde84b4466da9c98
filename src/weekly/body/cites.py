"""Body stage: read Pandoc's citation syntax into citations with prefix, locator and suffix.

``[see @a, pp. 3–5; -@b]`` is one citation point, ``@a says`` an in-text citation; both
are inline rules of the Markdown parser.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from markdown_it.rules_inline import StateInline

#: A citation key after ``@``: starts with a letter, digit or ``_``; inner punctuation
#: (``:.#$%&-+?<>~/``) only between word characters, as Pandoc reads it. ``@{…}`` braces any key.
KEY = re.compile(r"\{([^{}\s]+)\}|([\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*)")
#: Characters that, just before ``@``, make it part of a word: an email address or a url.
WORDISH = re.compile(r"[\w.\-+/%:=&?~@]")

#: Locator terms (Pandoc's English list and a few more) -> (singular, plural) abbreviations.
_TERMS = {
    "book": ("bk.", "bks."), "chapter": ("chap.", "chaps."), "column": ("col.", "cols."),
    "figure": ("fig.", "figs."), "folio": ("fol.", "fols."), "number": ("no.", "nos."),
    "line": ("l.", "ll."), "note": ("n.", "nn."), "opus": ("op.", "opp."),
    "page": ("p.", "pp."), "paragraph": ("para.", "paras."), "part": ("pt.", "pts."),
    "section": ("sec.", "secs."), "sub verbo": ("s.v.", "s.vv."), "verse": ("v.", "vv."),
    "volume": ("vol.", "vols."), "table": ("tab.", "tabs."), "appendix": ("app.", "apps."),
}  # fmt: skip
#: Every spelling a writer may use -> its term.
LABELS: dict[str, str] = {}
for _term, (_one, _many) in _TERMS.items():
    for _spelling in (_term, _term + "s", _one, _many):
        LABELS[_spelling] = _term
LABELS.update({"¶": "paragraph", "¶¶": "paragraph", "§": "section", "§§": "section",
               "chapters": "chapter", "pg.": "page", "pgs.": "page"})  # fmt: skip
_LABEL = re.compile(
    "(" + "|".join(re.escape(s) for s in sorted(LABELS, key=len, reverse=True)) + r")(?=[\s\d])\s*",
    re.IGNORECASE,
)
_VALUE = r"(?:\d+[a-z]?|[ivxlcdm]+|[IVXLCDM]+)"
_NUMBERS = re.compile(
    rf"{_VALUE}(?:\s*[-–—]+\s*{_VALUE})?(?:\s*(?:,|&|and)\s*\d+[a-z]?(?:\s*[-–—]+\s*\d+[a-z]?)?)*"
    r"(?![\w])"
)
_BARE = re.compile(r"\d")
#: The longest ``[…]`` read as a citation; past it a ``[`` is plain text.
MAX_BRACKET = 4000


@dataclass
class Cite:
    """One source cited: its key and what the writer put around it."""

    key: str
    prefix: str = ""
    #: The locator's term (``page``, ``chapter`` …) and its value (``50–52``), or "".
    label: str = ""
    locator: str = ""
    suffix: str = ""
    #: ``-@key``: leave the author out of the note.
    suppress_author: bool = False
    #: ``@key says``: the author's name is printed in the text.
    in_text: bool = False

    def locator_text(self) -> str:
        """Return the locator as a note prints it: ``p. 3``, ``pp. 50–52``, ``chap. 2``."""
        if not self.locator:
            return ""
        one, many = _TERMS.get(self.label or "page", ("", ""))
        plural = bool(re.search(r"[-–—,&]|\band\b", self.locator))
        return f"{many if plural else one} {self.locator}".strip()


@dataclass
class Bracket:
    """What ``[…]`` held: its citations and the pieces that named no source."""

    cites: list[Cite]
    #: Text between semicolons with no ``@key`` (``[see @a; and more]``).
    stray: list[str]
    #: Number of empty pieces (``[@a;]``, ``[@a;; @b]``).
    empty: int


def read_key(text: str, at: int) -> tuple[str, int] | None:
    """Return the key after the ``@`` at ``text[at]`` and where it ends, or None."""
    match = KEY.match(text, at + 1)
    if not match:
        return None
    return match[1] or match[2], match.end()


def _dashes(value: str) -> str:
    return re.sub(r"\s*(?:-{1,3}|–|—)\s*", "–", value)


def split_locator(rest: str) -> tuple[str, str, str]:
    """Return (term, locator, suffix) read from what follows a key.

    ``, p. 3, emphasis added`` -> ("page", "3", "emphasis added"); a bare ``, 50-52`` is a
    page range; ``, {iv, (a)}`` braces a locator Pandoc would not recognize.
    """
    text = rest.strip()
    if not text.startswith(","):
        return "", "", text
    body = text[1:].lstrip()
    term = ""
    label = _LABEL.match(body)
    if label:
        term, body = LABELS[label[1].lower()], body[label.end() :]
    if body.startswith("{") and "}" in body:
        end = body.index("}")
        return term or "page", body[1:end].strip(), _suffix(body[end + 1 :])
    numbers = _NUMBERS.match(body)
    if numbers and (term or _BARE.match(body)):
        return term or "page", _dashes(numbers[0].strip()), _suffix(body[numbers.end() :])
    return "", "", text[1:].strip()


def _suffix(text: str) -> str:
    return text.strip().lstrip(",").strip()


def read_cite(piece: str) -> Cite | None:
    """Return the citation in one ``;``-separated piece: ``see -@key, p. 3, suffix``."""
    for match in re.finditer(r"-?@", piece):
        at = match.end() - 1
        if at > 0 and WORDISH.match(piece[at - 1]) and piece[at - 1] != "-":
            continue
        if match[0] == "@" and at > 0 and piece[at - 1] == "-":
            continue
        found = read_key(piece, at)
        if found is None:
            continue
        key, end = found
        label, locator, suffix = split_locator(piece[end:])
        return Cite(
            key,
            prefix=" ".join(piece[: match.start()].split()),
            label=label,
            locator=locator,
            suffix=" ".join(suffix.split()),
            suppress_author=match[0] == "-@",
        )
    return None


def read_bracket(content: str) -> Bracket | None:
    """Return the citations inside ``[…]``, or None when it cites nothing."""
    cites: list[Cite] = []
    stray: list[str] = []
    empty = 0
    for piece in _split(content):
        if not piece.strip():
            empty += 1
            continue
        cite = read_cite(piece)
        if cite is None:
            stray.append(" ".join(piece.split()))
        else:
            cites.append(cite)
    return Bracket(cites, stray, empty) if cites else None


def _split(content: str) -> list[str]:
    """Split at semicolons outside braces."""
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(content):
        depth += 1 if char == "{" else -1 if char == "}" and depth else 0
        if char == ";" and depth == 0:
            pieces.append(content[start:index])
            start = index + 1
    pieces.append(content[start:])
    return pieces


def citation_rule(state: StateInline, silent: bool) -> bool:
    """``[see @a, p. 3; @b]``: one citation point.

    The brackets hold no other brackets; every search runs at C speed, so a paragraph of
    thousands of ``[`` stays linear in practice.
    """
    src, pos = state.src, state.pos
    if src[pos] != "[":
        return False
    end = src.find("]", pos + 1, pos + MAX_BRACKET)
    if end < 0 or src.find("@", pos + 1, end) < 0 or src.find("[", pos + 1, end) >= 0:
        return False
    if src.startswith("(", end + 1):
        return False  # [text @x](url) is a link
    bracket = read_bracket(src[pos + 1 : end])
    if bracket is None:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.meta = {"bracket": bracket, "offset": pos}
        token.content = src[pos : end + 1]
    state.pos = end + 1
    return True


class _Quotes:
    """Where the quotation marks of one paragraph are, to ask if a place is inside one."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.marks = {mark: [m.start() for m in re.finditer(mark, src)] for mark in '“”"'}

    def inside(self, pos: int) -> bool:
        """Return whether ``pos`` lies inside a quotation."""
        before = {mark: bisect_left(places, pos) for mark, places in self.marks.items()}
        return before["“"] > before["”"] or before['"'] % 2 == 1


def _quotes(state: StateInline) -> _Quotes:
    env = state.env if isinstance(state.env, dict) else {}
    cached = env.get("_quotes")
    if cached is None or cached.src is not state.src:
        cached = _Quotes(state.src)
        env["_quotes"] = cached
    return cached


_IN_TEXT_LOCATOR = re.compile(r" ?\[([^\[\]@]*)\](?![(\[])")


def at_rule(state: StateInline, silent: bool) -> bool:
    """``@a says`` (an in-text citation of a source) or an ``@handle`` (anything else)."""
    src, pos = state.src, state.pos
    if src[pos] != "@" or (pos > 0 and WORDISH.match(src[pos - 1])):
        return False
    found = read_key(src, pos)
    if found is None:
        return False
    key, end = found
    keys = state.env.get("source_keys") if isinstance(state.env, dict) else None
    names_source = keys is not None and key in keys
    if not names_source or state.linkLevel > 0:  # no note mark inside a link's text
        if not silent:
            token = state.push("handle", "", 0)
            token.content = src[pos:end]
            token.meta = {
                "offset": pos,
                "quoted": _quotes(state).inside(pos),
                "source": names_source,
            }
        state.pos = end
        return True
    locator = ""
    after = _IN_TEXT_LOCATOR.match(src, end)
    if after:
        locator, end = after[1], after.end()
    if not silent:
        bracket = read_bracket(f"@{key}, {locator}" if locator else f"@{key}")
        token = state.push("citation", "", 0)
        token.meta = {"bracket": bracket, "offset": pos, "in_text": True}
        token.content = src[pos:end]
    state.pos = end
    return True
