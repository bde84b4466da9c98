"""Spread the archive's work over every core: what its workers do, and how many to start.

The workers are a :class:`weekly.render.worker.Printer`, the same processes every command
prints its PDFs in. For the archive they also assemble and check editions
(:func:`check_edition`); the main process collects the results in edition order, whatever
order they finish in. Workers run the very same functions as a serial build, so the output
is the same byte for byte.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weekly.caches import Caches
    from weekly.errors import Problem
    from weekly.resolve.update import Update

#: Below this many editions to check, an HTML-only build stays in one process: starting
#: workers costs more than it saves. With PDFs, two editions are enough.
MIN_HTML_EDITIONS = 16
#: What checking an edition gives: its update and countries, or the problems that stop it.
Checked = tuple["Update | None", list[str], list["Problem"]]
#: What an archive's workers import before their first task (besides WeasyPrint).
PRELOAD = ("weekly.pipeline", "weekly.resolve.update", "weekly.render.html")
#: ... and, when the editions show events: the events table and its charts.
EVENTS_PRELOAD = ("pandas", "pyarrow", "weekly.events.table", "weekly.events.charts")


def worth_it(jobs: int, editions: int, pdf: bool) -> int:
    """Return how many worker processes to start for ``editions`` editions: none when few
    (the work then runs in the main process), else ``jobs``."""
    if jobs < 2 or editions < 2 or (not pdf and editions < MIN_HTML_EDITIONS):
        return 0
    return min(jobs, editions)


def preload(events: bool) -> tuple[str, ...]:
    """Return the modules an archive's workers import at start."""
    return PRELOAD + EVENTS_PRELOAD if events else PRELOAD


def check_edition(inputs: Path, key: str, caches: Caches | None = None) -> Checked:
    """Assemble and check edition ``key``; return it with its countries, or its problems.

    ``caches`` is the archive's when the check runs in the main process; a worker process
    is given none and reads afresh (a Caches is not sent between processes).
    """
    from weekly.errors import WeeklyError
    from weekly.pipeline import load_checked
    from weekly.site.topics import event_countries

    try:
        update = load_checked(inputs, key, caches)
    except WeeklyError as exc:
        return None, [], exc.problems
    return update, event_countries(inputs, update, caches), []
