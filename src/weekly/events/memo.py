"""Remember the facts and charts drawn from the events table, so a re-render skips pandas.

Counting events or finding a chart in its cache needs the table's rows, and reading them
imports pyarrow and pandas: most of a second, more than everything else ``weekly render
--format html`` does. Yet between two renders of an edition the table rarely changes. This
memo keeps, in ``inputs/.weekly-cache/memo.json``, the answer of every body fact
(``events.count(...)`` …) and the provenance and alternative text of every chart (its SVG
beside it, in ``memo/``), keyed by the arguments, under a stamp made of the table file's
name, size and modification time, the edition's cutoff, and the code that computes them.
When the stamp matches, answers come from the memo and pandas is never imported; when anything in it
changes, the whole memo is dropped and the events and charts stages run as usual.

Only clean answers are remembered: a table with problems, a query that raised, or a chart
that failed always runs again, so its messages are never lost. A chart that drew with
warnings (rows a map leaves off, W601/W602; a layer outside it, W603) is remembered with
them, and a chart read back from the memo reports them again: what ``check`` says is a
function of the inputs, never of what the cache happens to hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from weekly import __version__
from weekly.assets import Asset, Chart, ChartDrawer
from weekly.caches import Caches
from weekly.errors import Problem, Problems
from weekly.events import helpers as facts
from weekly.events import table as events
from weekly.files import write_atomically
from weekly.inputs.edition import Edition, FigureSpec

MEMO_VERSION = "2"
#: Stamps kept in the file (editions with other cutoffs, earlier tables).
KEEP = 16
#: The packages whose every module decides the answers, and single modules besides; the size
#: and mtime of each file join the stamp, with the bundled map data. Named by module, not
#: file, so moving one fails at import time instead of silently dropping it, and a module
#: added to a package counts from the start.
CODE_PACKAGES = ("weekly.events",)
CODE = ("weekly.apstyle",)
#: The bundled files maps are drawn from, in ``weekly/data/``.
DATA_SUFFIXES = (".csv", ".geojson")
#: The types a fact may have, rebuilt from their names.
FACT_TYPES = {"Count": facts.Count, "Rate": facts.Rate, "Share": facts.Share}


def code_file(module: str) -> Path:
    """Return the source file of ``module`` without importing it; raise if it does not exist."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(f"memo: code module {module} not found")
    return Path(spec.origin)


def code_files() -> list[Path]:
    """Return every file whose content decides facts and charts (see :data:`CODE_PACKAGES`)."""
    files: list[Path] = []
    for package in CODE_PACKAGES:
        files += sorted(code_file(package).parent.rglob("*.py"))
    files += [code_file(name) for name in CODE]
    data = code_file("weekly").parent / "data"
    return files + sorted(p for p in data.iterdir() if p.suffix in DATA_SUFFIXES)


def _stamp(inputs: Path, cutoff: dt.date) -> str | None:
    table = events.find_table(inputs)
    if table is None:
        return None
    parts: list[Any] = [MEMO_VERSION, __version__, table.name, cutoff.isoformat()]
    for path in [table, *code_files()]:
        try:
            stat = path.stat()
        except OSError:
            return None
        parts += [stat.st_size, stat.st_mtime_ns]
    return json.dumps(parts)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):  # YAML dates in chart options (datetimes too)
        return {"__date__": value.isoformat()}
    raise TypeError(type(value).__name__)


def _key(*parts: Any) -> str | None:
    try:
        return json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_json_value)
    except (TypeError, ValueError):
        return None  # arguments that do not round-trip through JSON are never remembered


class Memo:
    """The memo of one edition's inputs and cutoff; :meth:`save` writes it back."""

    def __init__(self, inputs: Path, cutoff: dt.date, caches: Caches | None = None) -> None:
        self.caches = caches or Caches()
        self.inputs = inputs
        self.cutoff = cutoff
        self.folder = inputs / events.CACHE_DIR
        self.path = self.folder / "memo.json"
        self.stamp = _stamp(inputs, cutoff)
        self.entries: dict[str, Any] = {}
        self.dirty = False
        if self.stamp is not None:
            entries = self._read().get(self.stamp)
            if isinstance(entries, dict):
                self.entries = dict(entries)

    def _read(self) -> dict[str, Any]:
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("version") == MEMO_VERSION and isinstance(saved["memos"], dict):
                return dict(saved["memos"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return {}

    def get(self, key: str | None) -> Any:
        """Return the remembered answer for ``key``, or None."""
        return self.entries.get(key) if key is not None and self.stamp else None

    def put(self, key: str | None, value: Any) -> None:
        """Remember ``value`` for ``key`` if the table read cleanly."""
        if key is None or self.stamp is None or not self.table_is_clean():
            return
        self.entries[key] = value
        self.dirty = True

    def table_is_clean(self) -> bool:
        """Return True when the events table was read without any problem."""
        table = events.table_for(self.inputs, self.cutoff, self.caches)
        return table is not None and table.ok and not table.problems

    def svg_path(self, data: bytes) -> Path:
        """Return where an SVG of the memo is kept (named by its content)."""
        return self.folder / "memo" / f"{hashlib.sha256(data).hexdigest()[:32]}.svg"

    def save(self) -> None:
        """Write the memo if it learnt anything (a read-only inputs folder is fine)."""
        if not self.dirty or self.stamp is None:
            return
        memos = self._read()
        memos.pop(self.stamp, None)
        memos[self.stamp] = self.entries  # the newest last; the oldest are dropped
        memos = dict(list(memos.items())[-KEEP:])
        data = json.dumps({"version": MEMO_VERSION, "memos": memos}, ensure_ascii=False)
        try:
            write_atomically(self.folder, {self.path.name: data.encode("utf-8")})
        except OSError:
            return
        self.dirty = False


class RememberedEvents:
    """The body's ``events`` object: answers from the memo, else from the events stage."""

    def __init__(self, real: Any, memo: Memo) -> None:
        self._real = real
        self._memo = memo

    def _helpers(self) -> Any:
        return self._real

    def _ask(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        key = _key("fact", name, args, kwargs)
        hit = self._memo.get(key)
        if hit is not None and hit[0] in FACT_TYPES:
            return FACT_TYPES[hit[0]](hit[1])
        value = getattr(self._helpers(), name)(*args, **kwargs)
        kind = type(value).__name__
        if kind in FACT_TYPES:
            self._memo.put(key, [kind, value])
        return value

    def count(self, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`weekly.events.helpers.EventHelpers.count`."""
        return self._ask("count", args, kwargs)

    def per_week(self, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`weekly.events.helpers.EventHelpers.per_week`."""
        return self._ask("per_week", args, kwargs)

    def share(self, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`weekly.events.helpers.EventHelpers.share`."""
        return self._ask("share", args, kwargs)

    def fatalities(self, *args: Any, **kwargs: Any) -> Any:
        """As :meth:`weekly.events.helpers.EventHelpers.fatalities`."""
        return self._ask("fatalities", args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._helpers(), name)  # anything else: straight to the real helpers


class Memos:
    """The memos of a run, one per (inputs, cutoff); pass its factories to ``assemble``.

    One may be kept across builds (a preview's): a memo whose table or code has changed
    since it was opened is opened afresh. The events table is read through ``caches``, the
    run's :class:`~weekly.caches.Caches` that keeps this object too.
    """

    def __init__(self, caches: Caches | None = None) -> None:
        self.caches = caches or Caches()
        self.memos: dict[tuple[Path, dt.date], Memo] = {}

    def of(self, edition: Edition) -> Memo:
        """Return the memo of ``edition``'s inputs and cutoff, current for its table."""
        key = (edition.inputs, edition.cutoff.date())
        memo = self.memos.get(key)
        if memo is None or memo.stamp != _stamp(*key):
            memo = self.memos[key] = Memo(*key, self.caches)
        return memo

    def helpers(self, edition: Edition, problems: Problems) -> Mapping[str, Any]:
        """The body helper factory of :func:`weekly.resolve.update.assemble`, remembered."""
        memo = self.of(edition)

        def real(edition: Edition, problems: Problems) -> Mapping[str, Any]:
            # Read the table ahead of the body only when the memo cannot answer from memory.
            return facts.body_helpers(edition, problems, not memo.entries, self.caches)

        return remembered_helpers(real, memo)(edition, problems)

    def charts(self, edition: Edition) -> ChartDrawer | None:
        """The chart drawer factory of :func:`weekly.resolve.update.assemble`, remembered."""
        from weekly.events import charts

        def real(edition: Edition) -> ChartDrawer | None:
            return charts.drawer(edition, self.caches)

        return remembered_charts(real, self.of(edition))(edition)

    def save(self) -> None:
        """Write every memo that learnt something."""
        for memo in self.memos.values():
            memo.save()


def remembered_helpers(
    real: Callable[[Edition, Problems], Mapping[str, Any]], memo: Memo
) -> Callable[[Edition, Problems], Mapping[str, Any]]:
    """Wrap the body helper factory ``real`` so ``events`` answers come from ``memo``."""

    def helpers(edition: Edition, problems: Problems) -> Mapping[str, Any]:
        names = dict(real(edition, problems))  # cheap: nothing is read until asked
        if "events" in names:
            names["events"] = RememberedEvents(names["events"], memo)
        return names

    return helpers


def remembered_charts(
    real: Callable[[Edition], ChartDrawer | None], memo: Memo
) -> Callable[[Edition], ChartDrawer | None]:
    """Wrap the chart drawer factory ``real`` so unchanged charts come from ``memo``."""

    def factory(edition: Edition) -> ChartDrawer | None:
        drawer: list[ChartDrawer | None] = []

        def draw(spec: FigureSpec, problems: Problems) -> Chart | None:
            key = _key("chart", spec.id, spec.chart, spec.options)
            hit = memo.get(key)
            if hit is not None:
                try:
                    name, media_type, svg_name, provenance, alt, kept = hit
                    data = (memo.folder / "memo" / svg_name).read_bytes()
                    replayed = replay(kept)
                except (OSError, TypeError, ValueError):
                    pass  # the SVG is gone or the entry is garbled: draw again
                else:
                    problems.extend(replayed)
                    return Chart(Asset(name, data, media_type), provenance, alt)
            if not drawer:
                drawer.append(real(edition))
            if drawer[0] is None:
                return None
            before = len(problems.items)  # problems are only ever appended
            drawn = drawer[0](spec, problems)
            found = problems.items[before:]
            if drawn is not None and not any(p.level == "error" for p in found):
                asset, provenance, alt = drawn
                path = memo.svg_path(asset.data)
                try:
                    if not path.is_file():
                        write_atomically(path.parent, {path.name: asset.data})
                except OSError:
                    return drawn
                memo.put(
                    key,
                    [asset.name, asset.media_type, path.name, provenance, alt, recorded(found)],
                )
            return drawn

        return draw

    return factory


def recorded(found: list[Problem]) -> list[list[Any]]:
    """Return ``found`` (a chart's warnings) as the memo keeps them: absolute paths."""
    return [[os.path.abspath(p.path), p.line, p.column, p.level, p.code, p.message] for p in found]


def replay(kept: list[list[Any]]) -> list[Problem]:
    """Return the warnings a chart drew with, as :func:`recorded` kept them, to report again."""
    replayed = Problems()
    for path, line, column, level, code, message in kept:
        replayed.add(level, code, path, int(line), str(message), int(column))
    return replayed.items
