"""Review: remember the draft's text when a reviewer marks it reviewed; mark, word by word, what
changed since then.

The snapshot (``review-snapshot.json`` beside ``review.yaml``) holds only text: each
block's anchor, kind and visible words, so it stays small and can sit in git. The
changes pair the blocks of then and now in order (:mod:`difflib`), then compare the
words of each changed pair.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weekly.files import write_atomically
from weekly.review.blocks import Block
from weekly.review.comments import now

FILE_NAME = "review-snapshot.json"
#: Words with the space after them; a note marker such as ``[3]`` is a word of its own.
WORDS = re.compile(r"\[\w{1,8}\]\s*|[^\s\[]+\s*|\[\s*")
#: One piece of a changed block: ``=`` kept, ``+`` inserted, ``-`` deleted.
Part = tuple[str, str]


@dataclass(frozen=True)
class Reviewed:
    """When the draft was last marked reviewed, by whom, and its text then."""

    time: str
    by: str
    blocks: list[dict[str, str]]


def mark_reviewed(folder: Path, blocks: list[Block], by: str) -> Reviewed:
    """Write the snapshot of ``blocks`` and return it."""
    reviewed = Reviewed(
        now(), by, [{"anchor": b.anchor, "kind": b.kind, "text": b.text} for b in blocks]
    )
    data = {"time": reviewed.time, "by": reviewed.by, "blocks": reviewed.blocks}
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_atomically(folder, {FILE_NAME: text.encode("utf-8")})
    return reviewed


def last_reviewed(folder: Path) -> Reviewed | None:
    """Return the snapshot in ``folder``, or None when there is none (or it is unreadable)."""
    path = folder / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        blocks = [
            {"anchor": str(b["anchor"]), "kind": str(b["kind"]), "text": str(b["text"])}
            for b in data["blocks"]
        ]
        return Reviewed(str(data["time"]), str(data.get("by", "")), blocks)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def word_diff(old: str, new: str) -> list[Part]:
    """Return the words of ``new`` and ``old`` as kept, inserted and deleted runs."""
    before, after = WORDS.findall(old), WORDS.findall(new)
    parts: list[Part] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("=", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            parts.append(("-", "".join(before[i1:i2])))
        if j2 > j1:
            parts.append(("+", "".join(after[j1:j2])))
    return parts


def changes(reviewed: Reviewed, blocks: list[Block]) -> dict[str, Any]:
    """Return what changed from ``reviewed`` to ``blocks``, for the page to mark.

    ``blocks``: the changed blocks of now, each with its parts; ``removed``: blocks of
    then that are gone, each after the anchor of the block now before it.
    """
    old = [b["text"] for b in reviewed.blocks]
    new = [b.text for b in blocks]
    changed: list[dict[str, Any]] = []
    removed: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(pairs):
            parts = word_diff(old[i1 + k], new[j1 + k])
            changed.append({"anchor": blocks[j1 + k].anchor, "parts": parts})
        for j in range(j1 + pairs, j2):
            changed.append({"anchor": blocks[j].anchor, "parts": [("+", new[j])]})
        after = blocks[j1 + pairs - 1].anchor if j1 + pairs > 0 else ""
        for i in range(i1 + pairs, i2):
            removed.append({"after": after, "text": old[i]})
    return {
        "since": reviewed.time,
        "by": reviewed.by,
        "blocks": changed,
        "removed": removed,
    }
