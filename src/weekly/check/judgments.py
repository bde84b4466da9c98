"""Follow each judgment of a series across its editions, for ``weekly judgments`` and the archive."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from weekly.caches import Caches
from weekly.check.history import (
    LEVEL_NAMES,
    Judgment,
    match_judgments,
    read_written,
    series_editions,
)
from weekly.check.siblings import _dated
from weekly.inputs.edition import list_editions

Status = Literal["new", "same", "changed", "ended"]


@dataclass(frozen=True)
class HistoryRow:
    """One judgment in one edition, as ``weekly judgments`` lists it."""

    series: str
    date: str
    #: The judgment's thread: the same number from week to week while it has a counterpart.
    thread: int
    #: ``new``, ``same`` (level unchanged), ``changed`` (level moved) or ``ended`` (the
    #: judgment of the edition before had no counterpart in this one).
    status: Status
    kind: str  # "lead" or "takeaway"
    section: str
    level: str
    text: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HISTORY_FIELDS}


HISTORY_FIELDS = (
    "series", "date", "thread", "status", "kind", "section", "level", "text", "reason",
)  # fmt: skip


def judgment_history(
    inputs: Path, series: str | None = None, caches: Caches | None = None
) -> list[HistoryRow]:
    """Return every judgment of every edition under ``inputs`` (of ``series``, or all),
    oldest edition first, each tied to its counterpart of the week before."""
    caches = caches or Caches()
    keys = sorted({key for name in list_editions(inputs)
                   for key, _ in [_dated(inputs / name / "update.md", name, caches)]})  # fmt: skip
    rows: list[HistoryRow] = []
    for key in keys if series is None else [series]:
        threads = 0
        before: list[tuple[Judgment, int]] = []
        for day, name in series_editions(inputs, key, caches):
            written = read_written(inputs / name / "update.md", caches)
            if written is None:
                continue
            now = written.judgments()
            matched = match_judgments(now, [j for j, _ in before])
            thread_of = {id(j): t for j, t in before}
            current: list[tuple[Judgment, int]] = []
            for index, judgment in enumerate(now):
                level = judgment.level
                earlier = matched.get(index)
                status: Status
                if earlier is None:
                    threads += 1
                    thread, status = threads, "new"
                else:
                    thread = thread_of[id(earlier)]
                    was = earlier.level
                    moved = level is not None and was is not None and level[0] != was[0]
                    status = "changed" if moved else "same"
                current.append((judgment, thread))
                rows.append(
                    HistoryRow(
                        key, day.isoformat(), thread, status, judgment.kind, judgment.section,
                        LEVEL_NAMES[level[0]] if level else "", judgment.text,
                        written.reason_for(judgment),
                    )
                )  # fmt: skip
            used = {id(j) for j in matched.values()}
            for judgment, thread in before:
                if id(judgment) not in used:
                    level = judgment.level
                    rows.append(
                        HistoryRow(
                            key, day.isoformat(), thread, "ended", judgment.kind,
                            judgment.section, LEVEL_NAMES[level[0]] if level else "",
                            judgment.text, "",
                        )
                    )  # fmt: skip
            before = current
    return rows
