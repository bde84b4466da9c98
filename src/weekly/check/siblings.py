"""Check an edition against the other editions of its inputs: no two may share a title date.

Two editions of one series with the same edition date (``date:``) share a slug, so their
pages, PDFs, web addresses and feed entries would carry the same name and one would stand
for the other. The other editions are not assembled for this: the ``series:`` and ``date:``
lines of their front matter are enough, and an edition without ``date:`` is dated by its folder.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from weekly.apstyle import long_date
from weekly.caches import Caches
from weekly.errors import Problems, display_path
from weekly.inputs.edition import DEFAULT_SERIES, list_editions
from weekly.resolve.update import Update

_FRONT = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_SERIES = re.compile(r"""^series:[ \t]*["']?([^"'\s#]+)""", re.M)
_DATE = re.compile(r"""^date:[ \t]*["']?(\d{4}-\d{2}-\d{2})""", re.M)


def _dated(path: Path, folder: str, caches: Caches | None = None) -> tuple[str, dt.date | None]:
    """Return the series key and the edition date an ``update.md`` declares.

    Kept in ``caches`` per version of the file: an archive of n editions checks each against
    the others, so each file is read once per change, not n times.
    """
    return (caches or Caches()).of_file("dated", path, lambda: _read_dated(path, folder), folder)


def _read_dated(path: Path, folder: str) -> tuple[str, dt.date | None]:
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return DEFAULT_SERIES, None
    front = _FRONT.match(head)
    text = front[1] if front else ""
    series = _SERIES.search(text)
    date = _DATE.search(text)
    try:
        day = dt.date.fromisoformat(date[1] if date else folder)
    except ValueError:
        day = None
    return (series[1] if series else DEFAULT_SERIES), day


def check_edition_date(update: Update, problems: Problems, caches: Caches | None = None) -> None:
    """Refuse an edition date another edition of the same series already has (E005)."""
    caches = caches or Caches()
    edition = update.edition
    for name in list_editions(edition.inputs):
        if name == edition.key:
            continue
        other = edition.inputs / name / "update.md"
        series, day = _dated(other, name, caches)
        if series == edition.series.key and day == edition.date:
            problems.error(
                "E005",
                edition.path,
                edition.line("date"),
                f"edition date {long_date(day)} is also the date of {display_path(other)} "
                f"(series '{series}'): both would be named {update.slug}; give one of them "
                "another date:",
            )
            return
