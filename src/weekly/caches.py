"""Shared: a run's in-memory caches, kept in one :class:`Caches` with one staleness rule.

A run (one ``render``, one ``check``, one ``archive``, a preview server for its whole life)
makes one :class:`Caches` and passes it down; a function called without one makes a fresh
one, so it reads everything afresh: correct, only slower. Nothing per-run lives in a module
global, and a test starts clean by making a new object instead of clearing one.

The rule: an entry read from a file is kept under the file's resolved path, its size and its
modification time (and the cutoff, where the answer depends on it), so a changed file is read
again, and the newer version replaces the older one. Long-lived helpers (the parsed-YAML
cache, the memos of facts and charts) are kept one per class by :meth:`Caches.kept`; each of
them keys its own entries by what they were built from (a YAML document's text, a memo's
stamp of the table and the code).

Caches of pure functions of the code and its bundled constants stay where they are, as
``functools.cache`` on the function: the template environments, base maps, fonts, compiled
patterns and the schema cannot go stale during a run, since nothing a user edits decides them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar, cast

T = TypeVar("T")

#: How many answers of one kind one file keeps (one per cutoff): an archive checks an
#: edition per cutoff, and an events table read for each would otherwise all stay in memory.
PER_FILE = 4


class Caches:
    """What a run keeps in memory between reads and between builds.

    ``Caches(YamlCache())`` seeds :meth:`kept` with a ready-made helper; ``Caches()``
    makes each on first use.
    """

    def __init__(self, *kept: object) -> None:
        self._kept: dict[type, object] = {type(helper): helper for helper in kept}
        self._files: dict[tuple[str, str], dict[Hashable, tuple[int, int, Any]]] = {}

    def kept(self, kind: type[T], make: Callable[[], T] | None = None) -> T:
        """Return this run's one ``kind``, made by ``make`` (or ``kind()``) on first use."""
        helper = self._kept.get(kind)
        if helper is None:
            helper = self._kept[kind] = (make or kind)()
        return cast(T, helper)

    def of_file(self, what: str, path: Path, build: Callable[[], T], cutoff: Hashable = None) -> T:
        """Return ``build()`` for the current version of ``path``, built once per version.

        ``what`` names the kind of answer (two readers of one file keep two entries). An
        entry is current while the file keeps its size and modification time; a file keeps
        its :data:`PER_FILE` most recently used cutoffs. A file that cannot be examined is not
        cached (``build`` decides what its absence means).
        """
        try:
            stat = path.stat()
            place = str(path.resolve())
        except OSError:
            return build()
        kept = self._files.setdefault((what, place), {})
        entry = kept.pop(cutoff, None)
        if entry is None or entry[:2] != (stat.st_size, stat.st_mtime_ns):
            entry = (stat.st_size, stat.st_mtime_ns, build())
        kept[cutoff] = entry  # the most recently used last
        while len(kept) > PER_FILE:
            del kept[next(iter(kept))]
        return cast(T, entry[2])
