"""Keep a columnar copy of the events table, and digests of the rows each cutoff sees.

The table is read once (:mod:`weekly.events.read`) into ``inputs/.weekly-cache/`` as
Parquet, stamped with the source's size and modification time, and rebuilt whenever the
source changes; a query then loads only the columns it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weekly.errors import Problem
from weekly.events.read import find_table, read_source
from weekly.files import write_atomically

if TYPE_CHECKING:
    import pyarrow as pa

CACHE_DIR = ".weekly-cache"
#: Bump when the cached columnar copy changes shape.
CACHE_VERSION = "1"


def _cache_path(source: Path) -> Path:
    return source.parent / CACHE_DIR / f"{source.name}.parquet"


def _stamp(source: Path) -> dict[bytes, bytes]:
    stat = source.stat()
    return {
        b"weekly.version": CACHE_VERSION.encode(),
        b"weekly.size": str(stat.st_size).encode(),
        b"weekly.mtime_ns": str(stat.st_mtime_ns).encode(),
    }


def _write_cache(source: Path, table: pa.Table) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = _cache_path(source)
    try:
        target.parent.mkdir(exist_ok=True)
        ignore = target.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# weekly's cache: safe to delete, never commit.\n*\n")
        schema = table.schema.with_metadata(_stamp(source))
        sink = pa.BufferOutputStream()
        pq.write_table(table.cast(schema), sink, compression="zstd")
        write_atomically(target.parent, {target.name: sink.getvalue().to_pybytes()})
    except OSError:
        return  # a read-only inputs folder still renders, only slower


def _open_cache(source: Path) -> Any:
    """Return the ParquetFile of a cache that is current for ``source``, or None."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = _cache_path(source)
    if not target.is_file():
        return None
    try:
        cached = pq.ParquetFile(target)
    except (pa.ArrowException, OSError):
        return None
    schema = cached.schema_arrow
    metadata = schema.metadata or {}
    stamp = _stamp(source)
    if any(metadata.get(key) != value for key, value in stamp.items()):
        return None
    # Text columns come back dictionary-encoded, as Parquet stores them: a column of a
    # million place names then reads as codes into a few hundred strings, ten times faster
    # than building a million Python-visible strings.
    text = [field.name for field in schema if pa.types.is_string(field.type)]
    return pq.ParquetFile(target, read_dictionary=text) if text else cached


def _system_allocator() -> None:
    """Let Arrow allocate with malloc, unless ``ARROW_DEFAULT_MEMORY_POOL`` says otherwise.

    Arrow's default pool (mimalloc) keeps freed pages for reuse; the events stage reads each
    column once and filters it once, so those pages are never reused and only raise the peak:
    ~40 MB of 400 for facts and charts over 2.5 million events.
    """
    import os

    import pyarrow as pa

    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        pa.set_memory_pool(pa.system_memory_pool())


def read_table(source: Path) -> tuple[Any, list[Problem]]:
    """Return (a ParquetFile or an Arrow table, problems) for the events table ``source``."""
    cached = _open_cache(source)
    if cached is not None:
        _system_allocator()  # not for the first read: there malloc costs more system time
        return cached, []
    table, problems = read_source(source)
    if table is None:
        return None, problems
    _write_cache(source, table)
    return table, []


def visible_digests(inputs: Path, cutoffs: Sequence[dt.date]) -> dict[dt.date, str]:
    """Return, per cutoff, a digest of the table rows dated on or before it.

    Two cutoffs between which no event was added get the same digest, so an archive
    re-renders only the editions whose visible events changed. The digests are kept in
    the cache folder, keyed by the source's size and modification time, so an unchanged
    table costs no reading at all. Returns ``{}`` without a table (or when it is unreadable).
    """
    import json

    source = find_table(inputs)
    if source is None:
        return {}
    stamp = {k.decode(): v.decode() for k, v in _stamp(source).items()}
    memo = source.parent / CACHE_DIR / f"{source.name}.digests.json"
    known: dict[str, str] = {}
    try:
        saved = json.loads(memo.read_text(encoding="utf-8"))
        if saved.get("stamp") == stamp:
            known = saved["digests"]
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    wanted = sorted({c.isoformat() for c in cutoffs} - set(known))
    if wanted:
        known.update(_range_digests(source, [dt.date.fromisoformat(c) for c in wanted]))
        try:
            data = json.dumps({"stamp": stamp, "digests": known}).encode("utf-8")
            write_atomically(memo.parent, {memo.name: data})
        except OSError:
            pass
    return {c: known[c.isoformat()] for c in cutoffs if c.isoformat() in known}


def _range_digests(source: Path, cutoffs: list[dt.date]) -> dict[str, str]:
    import numpy as np
    import pandas as pd

    data, problems = read_table(source)
    if data is None or problems:
        return {}
    table = data.read() if hasattr(data, "schema_arrow") else data
    frame = table.to_pandas()
    dates = pd.to_datetime(frame["event_date"]).to_numpy()
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
    order = np.argsort(dates, kind="stable")
    running = np.cumsum(rows[order], dtype=np.uint64)  # wraps modulo 2**64, as intended
    ends = np.searchsorted(dates[order], np.array(cutoffs, dtype="datetime64[ns]"), side="right")
    return {
        day.isoformat(): f"{int(end)}:{int(running[end - 1]) if end else 0:016x}"
        for day, end in zip(cutoffs, ends, strict=True)
    }
