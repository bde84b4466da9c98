"""Keep the versions of an edition the archive published before each correction.

When the archive re-renders an edition it published before and the edition carries a new
entry under ``corrections:``, the page and PDF as published until then are kept beside the
new ones, as ``<slug>.before-2023-12-16.html`` and ``.pdf`` (the date of the correction that
replaced them), and written in the same atomic publish as the corrected edition. Each
correction notice then links the version before it ("Earlier version"). An edition whose own
inputs changed with no new correction is a silent edit: a warning (W080) unless accepted.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from weekly.errors import Problem, display_path

#: Files of an edition's folder that are not what it publishes (the team's review comments).
PRIVATE = frozenset({"review.yaml"})
_KEPT = re.compile(r"(?P<slug>[a-z0-9-]+)\.before-(?P<day>\d{4}-\d{2}-\d{2})(?:-\d+)?\.(html|pdf)")


def content_hash(inputs: Path, key: str) -> str:
    """Return the hash of what an editor edits of edition ``key``: its own folder's files."""
    digest = hashlib.sha256()
    folder = inputs / key
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(folder).as_posix()
            if name in PRIVATE:
                continue
            digest.update(f"\0{name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def kept_name(slug: str, day: str, suffix: str, taken: set[str]) -> str:
    """Return ``<slug>.before-<day>.<suffix>``, numbered when that name is already taken."""
    name, number = f"{slug}.before-{day}.{suffix}", 1
    while name in taken:
        number += 1
        name = f"{slug}.before-{day}-{number}.{suffix}"
    return name


def is_kept(name: str) -> bool:
    """Return True for the file of a version kept before a correction."""
    return _KEPT.fullmatch(name) is not None


def earlier_pages(files: list[str]) -> tuple[tuple[str, str], ...]:
    """Return (correction date, page kept before it) for the kept pages among ``files``."""
    found = {}
    for name in sorted(files):
        match = _KEPT.fullmatch(name)
        if match and name.endswith(".html"):
            found[match["day"]] = name  # a second correction that day: its latest version
    return tuple(sorted(found.items()))


@dataclass
class Revision:
    """What the archive does with an edition it published before, now that its inputs changed."""

    #: The date of the new correction whose predecessor is kept, or empty.
    correction: str = ""
    #: The edition changed with no new correction (W080 unless accepted).
    silent: bool = False


def revise(published: list[str], now: list[str], old_content: str, new_content: str) -> Revision:
    """Compare what was published (its correction dates, its content hash) with the inputs now.

    ``published`` and ``now`` are the correction dates (ISO, oldest first); a content hash
    of ``""`` (an archive built before corrections existed) counts as unknown, never silent.
    """
    added = Counter(now) - Counter(published)
    if added:
        return Revision(correction=max(added))
    if old_content and old_content != new_content:
        return Revision(silent=True)
    return Revision()


def silent_edit(path: Path, line: int) -> Problem:
    """Return the warning for a published edition changed without a new correction."""
    return Problem(
        display_path(path),
        line,
        0,
        "warning",
        "W080",
        "published edition changed without a new correction; add one under corrections:, "
        "or pass --accept-silent-edit for a typo-level fix",
    )
