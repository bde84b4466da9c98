"""Read an edition's history: its previous edition's blocks, lead judgments and key takeaways.

The integrity checks compare an edition with the one before it in the same series, and
``weekly judgments`` follows each judgment across every edition. Neither assembles the other
editions: their ``update.md`` is read as text, split into blocks (paragraphs, evidence
bullets, ``## `` sections) and their front matter parsed once per version of the file, so a
check reads each previous edition once, whatever the number of blocks compared.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weekly.caches import Caches
from weekly.check.language import ALTERNATE_TERMS, STANDARD_TERMS
from weekly.check.siblings import _dated
from weekly.inputs.edition import list_editions

#: The Jinja comment an analyst puts on the line before a paragraph or a bullet list whose
#: words are meant to stay the same each week (exempt from the stale-text rule, W414).
STANDING_MARK = re.compile(r"^\s*\{#-?\s*standing\s*-?#\}\s*$", re.IGNORECASE)

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_ALONE = re.compile(r"^\s*(\{\{.*\}\}|\{%.*%\}|\{#.*#\})\s*$")
_CITATION = re.compile(r"\[\s*-?@[^\]]*\]")
_LEAD = re.compile(r"\A\s*\*\*(.+?)\*\*", re.S)
_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def _blank_comment(match: re.Match[str]) -> str:
    """Keep a standing mark; blank any other Jinja comment (its newlines kept)."""
    if STANDING_MARK.match(match[0]):
        return match[0]
    return re.sub(r"[^\n]", " ", match[0])


#: Each ICD 203 term (both sets) and its place on the scale, 0 (almost no chance) to 6.
LEVEL_WORDS: dict[str, int] = {
    **{term: i for i, term in enumerate(STANDARD_TERMS)},
    **{term: i for i, term in enumerate(ALTERNATE_TERMS)},
    "almost certain": 6, "probably": 4, "improbably": 2, "nearly certainly": 6,
    "remote chance": 0, "remote possibility": 0, "remote probability": 0,
    "remote likelihood": 0, "remote odds": 0,
}  # fmt: skip
del LEVEL_WORDS["remote"]  # "remote areas" is not a term; only "a remote chance" … is
_LEVEL = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(r"\s+".join(map(re.escape, t.split())) for t in sorted(LEVEL_WORDS, key=len)[::-1])
    + r")(?![\w-])",
    re.IGNORECASE,
)
#: The names of the seven levels, as the standard set words them.
LEVEL_NAMES = STANDARD_TERMS


def level_of(text: str) -> tuple[int, str] | None:
    """Return the first ICD 203 term of ``text``: its level (0–6) and the words used."""
    match = _LEVEL.search(text)
    if match is None:
        return None
    words = " ".join(match[0].lower().split())
    return LEVEL_WORDS[words], words


def normalized(text: str) -> str:
    """Return ``text`` without citations, emphasis marks and spacing differences."""
    text = _CITATION.sub(" ", text)
    text = re.sub(r"[*_]{1,3}", "", text)
    return " ".join(text.split()).casefold()


@dataclass
class RawBlock:
    """A paragraph or one evidence bullet of a body, as written in ``update.md``."""

    kind: str  # "paragraph" or "bullet"
    line: int
    text: str
    section: str
    #: The block follows a ``{# standing #}`` mark.
    standing: bool = False
    #: Where the text starts on its first line (after a bullet's marker), 0-based.
    indent: int = 0

    @property
    def lead(self) -> str:
        """Return the bold lead judgment opening a paragraph, or ``""``."""
        if self.kind != "paragraph":
            return ""
        match = _LEAD.match(self.text)
        return " ".join(match[1].split()) if match else ""


def raw_blocks(body: str, first_line: int) -> list[RawBlock]:
    """Split a body into paragraphs and bullets with their first line and ``## `` section."""
    blocks: list[RawBlock] = []
    section = ""
    current: RawBlock | None = None
    standing = False  # a mark seen, waiting for its paragraph or list
    in_list_standing = False
    fence = ""
    body = _COMMENT.sub(_blank_comment, body)
    for number, line in enumerate(body.splitlines(), start=first_line):
        if fence:
            if line.strip().startswith(fence):
                fence = ""
            continue
        opened = _FENCE.match(line)
        if opened:
            fence, current = opened[1], None
            continue
        if not line.strip():
            if current is not None and current.kind == "paragraph":
                in_list_standing = False
            current = None
            continue
        if STANDING_MARK.match(line):
            standing, current = True, None
            continue
        heading = _HEADING.match(line)
        if heading:
            section = heading[2].strip() if len(heading[1]) == 2 else section
            current, standing, in_list_standing = None, False, False
            continue
        if _ALONE.match(line) and current is None:
            continue  # a figure, a statement or a comment on a line of its own
        item = _ITEM.match(line)
        if item:
            if standing:
                in_list_standing, standing = True, False
            current = RawBlock(
                "bullet", number, line[item.end() :], section, in_list_standing, item.end()
            )
            blocks.append(current)
        elif current is not None:
            current.text += "\n" + line
        else:
            in_list_standing = False
            current = RawBlock("paragraph", number, line, section, standing)
            standing = False
            blocks.append(current)
    return blocks


@dataclass
class Judgment:
    """A bold lead judgment or a key takeaway of one edition."""

    section: str
    text: str
    line: int
    kind: str  # "lead" or "takeaway"

    @property
    def level(self) -> tuple[int, str] | None:
        return level_of(self.text)


@dataclass
class Written:
    """What an edition's ``update.md`` says, read as text (no assembly)."""

    path: Path
    series: str
    date: dt.date | None
    blocks: list[RawBlock]
    takeaways: dict[str, str]
    takeaway_lines: dict[str, int]
    #: ``changes:`` as written: the opening words of a judgment -> why its level changed.
    changes: dict[str, str] = field(default_factory=dict)

    def judgments(self) -> list[Judgment]:
        """Return the key takeaways, then the lead judgments, in reading order."""
        found = [
            Judgment(region, " ".join(text.split()), self.takeaway_lines.get(region, 1), "takeaway")
            for region, text in self.takeaways.items()
        ]
        found += [Judgment(b.section, b.lead, b.line, "lead") for b in self.blocks if b.lead]
        return found

    def reason_for(self, judgment: Judgment) -> str:
        """Return the reason recorded in ``changes:`` for ``judgment``, or ``""``."""
        text = normalized(judgment.text)
        for opening, reason in self.changes.items():
            key = normalized(opening)
            if key and text.startswith(key):
                return reason
            if judgment.kind == "takeaway" and key in ("key_takeaway", judgment.section.casefold()):
                return reason
        return ""


def _front_data(front: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.load(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _takeaways(data: dict[str, Any]) -> dict[str, str]:
    one, many = data.get("key_takeaway"), data.get("key_takeaways")
    if isinstance(one, str):
        return {"": one}
    if isinstance(many, dict):
        return {str(k): v for k, v in many.items() if isinstance(v, str)}
    return {}


def changes_of(data: dict[str, Any]) -> dict[str, str] | None:
    """Return the ``changes:`` field as opening words -> reason; None when it is malformed."""
    value = data.get("changes")
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in value.items()
    ):
        return None
    return {k.strip(): " ".join(v.split()) for k, v in value.items()}


def read_written(path: Path, caches: Caches | None = None) -> Written | None:
    """Return what ``path`` says, read once per version of the file (kept in ``caches``);
    None if unreadable."""
    caches = caches or Caches()
    return caches.of_file("written", path, lambda: _read_written(path, caches))


def _read_written(path: Path, caches: Caches | None) -> Written | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    front = _FRONT.match(text)
    if front is None:
        return None
    data = _front_data(front[1])
    body_line = front[0].count("\n") + 1
    lines = front[1].splitlines()
    takeaway_lines: dict[str, int] = {}
    takeaways = _takeaways(data)
    for number, line in enumerate(lines, start=2):
        if line.startswith("key_takeaway:"):
            takeaway_lines[""] = number
        for region in takeaways:
            if region and re.match(rf"\s+{re.escape(region)}\s*:", line):
                takeaway_lines.setdefault(region, number)
    series, day = _dated(path, path.parent.name, caches)
    return Written(
        path,
        series,
        day,
        raw_blocks(text[front.end() :], body_line),
        takeaways,
        takeaway_lines,
        changes_of(data) or {},
    )


def series_editions(
    inputs: Path, series: str, caches: Caches | None = None
) -> list[tuple[dt.date, str]]:
    """Return the (date, folder name) of every edition of ``series`` under ``inputs``, oldest
    first."""
    caches = caches or Caches()
    found = []
    for name in list_editions(inputs):
        key, day = _dated(inputs / name / "update.md", name, caches)
        if key == series and day is not None:
            found.append((day, name))
    return sorted(found)


def previous_edition(
    inputs: Path, series: str, day: dt.date, caches: Caches | None = None
) -> Written | None:
    """Return the latest edition of ``series`` dated before ``day``, read as text."""
    caches = caches or Caches()
    earlier = [name for date, name in series_editions(inputs, series, caches) if date < day]
    return read_written(inputs / earlier[-1] / "update.md", caches) if earlier else None


def similarity(a: str, b: str) -> float:
    """Return how alike two judgments are (0–1), their estimative words left out."""
    words_a = _LEVEL.sub(" ", normalized(a)).split()
    words_b = _LEVEL.sub(" ", normalized(b)).split()
    return difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


#: How alike two judgments must be to count as the same judgment a week apart.
SAME_JUDGMENT = 0.6


def match_judgments(now: list[Judgment], before: list[Judgment]) -> dict[int, Judgment]:
    """Pair each judgment of ``now`` (by index) with its counterpart in ``before``: same
    section, same kind, the most similar text, at least :data:`SAME_JUDGMENT` alike; each
    earlier judgment is used once, the closest pairs first."""
    pairs = sorted(
        (
            (similarity(a.text, b.text), i, j)
            for i, a in enumerate(now)
            for j, b in enumerate(before)
            if a.kind == b.kind and a.section.casefold() == b.section.casefold()
        ),
        reverse=True,
    )
    taken_now: set[int] = set()
    taken_before: set[int] = set()
    matched: dict[int, Judgment] = {}
    for score, i, j in pairs:
        if score < SAME_JUDGMENT or i in taken_now or j in taken_before:
            continue
        taken_now.add(i)
        taken_before.add(j)
        matched[i] = before[j]
    return matched
