"""Find what an edition still carries over word for word, for the draft to mark."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weekly.check.history import RawBlock, normalized


@dataclass
class CarriedOver:
    """What the draft marks as carried over from an earlier edition and not yet rewritten."""

    #: The edition it came from (``2023-12-06``).
    source: str
    #: Positions (1-based) of the printed notices still as ``weekly new`` carried them.
    notices: list[int] = field(default_factory=list)
    #: ``update.md`` lines of paragraphs and bullets still as they were: a lead judgment
    #: uncommented and left unchanged, or text the stale-text rule found (W414).
    lines: list[int] = field(default_factory=list)


#: The largest ``carried.json`` read (it holds a few paragraphs).
_CARRIED_LIMIT = 1_000_000


def carried_over(
    folder: Path,
    notices: list[str],
    inherited: int,
    blocks: list[RawBlock],
    stale_lines: list[int],
    previous: str = "",
) -> CarriedOver | None:
    """Return what of this edition is still as carried over: the notices and lead judgments
    ``weekly new`` recorded in ``carried.json``, and the ``stale_lines`` (W414) the check
    found against the ``previous`` edition. None when there is nothing to mark."""
    import json

    record: dict[str, Any] = {}
    path = folder / "carried.json"
    try:
        if path.is_file() and path.stat().st_size <= _CARRIED_LIMIT:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            record = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        record = {}

    def texts(key: str) -> set[str]:
        value = record.get(key)
        return (
            {normalized(v) for v in value if isinstance(v, str)}
            if isinstance(value, list)
            else set()
        )

    carried_notices, carried_leads = texts("notices"), texts("leads")
    marked_notices = [
        i + 1
        for i, text in enumerate(notices)
        if i >= inherited and normalized(text) in carried_notices
    ]
    lines = set(stale_lines)
    lines.update(b.line for b in blocks if b.lead and normalized(b.lead) in carried_leads)
    source = record.get("from") if isinstance(record.get("from"), str) else previous
    if not marked_notices and not lines:
        return None
    return CarriedOver(str(source or ""), marked_notices, sorted(lines))
