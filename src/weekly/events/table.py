"""Query the SIGACT events table: read it, cut it at the cutoff, count and share events.

The table (``inputs/events.csv``, ``.xlsx`` or ``.parquet``) uses ACLED's column names.
It is read once into a columnar copy under ``inputs/.weekly-cache/`` that is rebuilt
whenever the source changes, and only the columns a query needs are loaded from it.
pandas and pyarrow are imported on first use, so editions without facts or charts do
not pay for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weekly import apstyle
from weekly.body.template import BodyError
from weekly.errors import Problem, Problems, display_path
from weekly.inputs.edition import Edition
from weekly.inputs.yamlfile import as_date

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

#: The columns of an ACLED export, in its order.
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
REQUIRED = ("event_date", "event_type", "actor1", "admin1", "location")
NUMERIC = ("latitude", "longitude", "fatalities")
#: File names looked for in the inputs root, in order.
TABLE_NAMES = ("events.csv", "events.xlsx", "events.parquet")
#: Date forms accepted in ``event_date``: ISO first, then ACLED's other exports.
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y")
CACHE_DIR = ".weekly-cache"
#: Bump when the cached columnar copy changes shape.
CACHE_VERSION = "1"
#: Bad values reported per column before the rest are summed up in one line.
MAX_REPORTED = 5


def _strict_strptime(raw: Any, form: str) -> Any:
    """Return ``raw`` parsed with ``form``; null where the date does not exist.

    Arrow's strptime rolls impossible dates over (2023-02-30 becomes March 2), which shows as
    a day of the month other than the one written; year 0 does not exist either.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    attempt = pc.strptime(raw, format=form, unit="s", error_is_null=True)
    pattern = r"-(?P<day>\d{2})\s*$" if form.startswith("%Y") else r"^\s*(?P<day>\d{1,2})\D"
    written = pc.struct_field(pc.extract_regex(raw, pattern=pattern), [0])
    same_day = pc.equal(pc.cast(written, pa.int64()), pc.day(attempt))
    real = pc.and_(same_day, pc.greater(pc.year(attempt), 0))
    return pc.if_else(pc.fill_null(real, False), attempt, pa.scalar(None, attempt.type))


class QueryError(ValueError):
    """A filter or date window that cannot be applied to the table."""


def find_table(inputs: Path) -> Path | None:
    """Return the events table of ``inputs``, or None when there is none."""
    for name in TABLE_NAMES:
        if (inputs / name).is_file():
            return inputs / name
    return None


def parse_day(value: Any, name: str) -> dt.date:
    """Return ``value`` (a date or ``2023-11-19``) as a date; raise QueryError otherwise."""
    try:
        return as_date(value)
    except ValueError:
        raise QueryError(f"{name}: expected a date like 2023-11-19, got '{value}'") from None


# -- reading -----------------------------------------------------------------------------


@dataclass
class _Reading:
    """The state of reading one table: problems found and the path to report."""

    path: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, line: int, message: str) -> None:
        self.problems.append(Problem(display_path(self.path), line, 0, "error", code, message))


def _csv_lines(data: bytes) -> list[int]:
    """Return the line each data row of a CSV starts on (quoted newlines allowed)."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    starts: list[int] = []
    line = 1
    for _ in reader:
        starts.append(line)
        line = reader.line_num + 1
    return starts[1:]


def _read_csv(reading: _Reading) -> pa.Table | None:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    path = reading.path
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reading.error("E303", line, f"not UTF-8 text ({exc.reason})")
        return None
    first = data.split(b"\n", 1)[0].decode("utf-8-sig").rstrip("\r")
    header = next(csv.reader([first]), [])
    if not header or not any(h.strip() for h in header):
        reading.error("E301", 1, "no header row (expected ACLED column names such as event_date)")
        return None
    try:
        return pcsv.read_csv(
            io.BytesIO(data),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid:
        text = data.decode("utf-8-sig")
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            if len(row) != len(header):
                line = _csv_lines(data)[number - 1] if number else 1
                reading.error(
                    "E303", line, f"expected {len(header)} fields as in the header, got {len(row)}"
                )
                return None
        reading.error("E303", 1, "cannot be read as CSV")
        return None


def _read_xlsx(reading: _Reading) -> pa.Table | None:
    import pandas as pd
    import pyarrow as pa

    try:
        frame = pd.read_excel(reading.path, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        reading.error("E303", 0, f"cannot be read as an Excel workbook ({exc})")
        return None

    def text(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and value != value):
            return None
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return pa.table(
        {str(name): pa.array([text(v) for v in frame[name]], pa.string()) for name in frame}
    )


def _read_parquet(reading: _Reading) -> pa.Table | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(reading.path)
    except (pa.ArrowException, OSError) as exc:
        reading.error("E303", 0, f"cannot be read as Parquet ({exc})")
        return None
    columns = {}
    for name in table.column_names:
        column = table[name]
        if name == "event_date" and (
            pa.types.is_date(column.type) or pa.types.is_timestamp(column.type)
        ):
            columns[name] = column.cast(pa.timestamp("s")).cast(pa.date32())
        elif pa.types.is_dictionary(column.type):
            columns[name] = column.cast(pa.string())
        else:
            columns[name] = column if name in NUMERIC else column.cast(pa.string())
    return pa.table(columns)


def _bad_rows(reading: _Reading, bad: np.ndarray, lines: list[int] | None) -> list[int]:
    """Return the lines of the first bad rows (CSV lines, or row + 1 after the header)."""
    rows = bad[: MAX_REPORTED + 1].tolist()
    return [lines[r] if lines and r < len(lines) else r + 2 for r in rows]


def _report(
    reading: _Reading,
    column: str,
    bad: np.ndarray,
    values: Sequence[Any],
    expected: str,
    lines: list[int] | None,
) -> None:
    shown = _bad_rows(reading, bad, lines)
    for line, row in zip(shown[:MAX_REPORTED], bad[:MAX_REPORTED].tolist(), strict=False):
        value = values[row]
        got = "" if value is None else str(value)
        reading.error("E303", line, f"{column}: expected {expected}, got '{got}'")
    if len(bad) > MAX_REPORTED:
        reading.error(
            "E303",
            shown[MAX_REPORTED],
            f"{column}: {len(bad) - MAX_REPORTED} more rows like these not shown",
        )


def _normalise(reading: _Reading, table: pa.Table) -> pa.Table | None:
    """Return ``table`` with typed dates and numbers, recording bad values."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    names = [name.strip() for name in table.column_names]
    table = table.rename_columns(names)
    missing = [name for name in REQUIRED if name not in names]
    for name in missing:
        reading.error("E301", 1, f"missing required column '{name}'")
    if missing:
        return None
    lines_cache: list[list[int]] = []

    def lines() -> list[int] | None:
        if reading.path.suffix.lower() != ".csv":
            return None
        if not lines_cache:
            lines_cache.append(_csv_lines(reading.path.read_bytes()))
        return lines_cache[0]

    columns = {name: table[name] for name in names}
    dates = columns["event_date"]
    if not pa.types.is_date32(dates.type):
        raw = pc.utf8_trim_whitespace(dates.combine_chunks())
        parsed = pa.nulls(len(raw), pa.timestamp("s"))
        for form in DATE_FORMATS:
            attempt = _strict_strptime(raw, form)
            parsed = pc.coalesce(parsed, attempt)
            if parsed.null_count == raw.null_count:
                break  # every date read: the other forms have nothing left to read
        bad = np.flatnonzero(parsed.is_null().to_numpy(zero_copy_only=False))
        if len(bad):
            _report(reading, "event_date", bad, raw.to_pylist(), "a date like 2023-11-19", lines())
        columns["event_date"] = parsed.cast(pa.date32())
    for name in NUMERIC:
        if name not in columns or pa.types.is_floating(columns[name].type):
            continue
        raw = columns[name].combine_chunks()
        if pa.types.is_integer(raw.type):
            columns[name] = raw.cast(pa.float64())
            continue
        raw = pc.utf8_trim_whitespace(raw.cast(pa.string()))
        blank = pc.equal(raw, "")
        raw = pc.if_else(blank, pa.scalar(None, pa.string()), raw)
        try:
            columns[name] = raw.cast(pa.float64())
            continue
        except pa.ArrowInvalid:
            pass
        values = raw.to_pylist()
        numbers = []
        bad_rows = []
        for row, value in enumerate(values):
            try:
                numbers.append(None if value is None else float(value))
            except ValueError:
                numbers.append(None)
                bad_rows.append(row)
        _report(reading, name, np.array(bad_rows), values, "a number", lines())
        columns[name] = pa.array(numbers, pa.float64())
    if reading.problems:
        return None
    return pa.table(columns)


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
    import pyarrow.parquet as pq

    target = _cache_path(source)
    try:
        target.parent.mkdir(exist_ok=True)
        ignore = target.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# weekly's cache: safe to delete, never commit.\n*\n")
        schema = table.schema.with_metadata(_stamp(source))
        handle, temp = tempfile.mkstemp(prefix=".events.", suffix=".tmp", dir=target.parent)
        os.close(handle)
        os.chmod(temp, 0o644)
        pq.write_table(table.cast(schema), temp, compression="zstd")
        os.replace(temp, target)
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


def read_table(source: Path) -> tuple[Any, list[Problem]]:
    """Return (a ParquetFile or an Arrow table, problems) for the events table ``source``."""
    cached = _open_cache(source)
    if cached is not None:
        return cached, []
    reading = _Reading(source)
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}
    raw = readers[source.suffix.lower()](reading)
    table = _normalise(reading, raw) if raw is not None else None
    if table is None:
        return None, reading.problems
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
            memo.parent.mkdir(exist_ok=True)
            memo.write_text(json.dumps({"stamp": stamp, "digests": known}), encoding="utf-8")
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


# -- querying ----------------------------------------------------------------------------


class EventTable:
    """The events one edition can see: the rows dated on or before its cutoff."""

    def __init__(self, source: Path, cutoff: dt.date) -> None:
        self.source = source
        self.cutoff = cutoff
        data, self.problems = read_table(source)
        self._data = data
        self._columns: dict[str, pd.Series] = {}
        self._visible: Any = None
        if data is None:
            self.names: list[str] = []
        elif hasattr(data, "schema_arrow"):
            self.names = list(data.schema_arrow.names)
        else:
            self.names = list(data.column_names)

    @property
    def ok(self) -> bool:
        """Return whether the table was read without errors."""
        return self._data is not None

    def _arrow(self, name: str) -> pa.ChunkedArray:
        data = self._data
        if hasattr(data, "schema_arrow"):
            return data.read(columns=[name])[name]
        return data[name]

    def _mask(self) -> Any:
        if self._visible is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            dates = self._arrow("event_date")
            self._visible = pc.less_equal(dates, pa.scalar(self.cutoff, pa.date32()))
        return self._visible

    def column(self, name: str) -> pd.Series:
        """Return the visible rows of column ``name`` (strings as categories)."""
        if name not in self._columns:
            import pyarrow as pa

            if name not in self.names:
                raise QueryError(self.unknown(name))
            values = self._arrow(name).filter(self._mask())
            if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
                values = values.dictionary_encode()
            elif pa.types.is_date(values.type):
                values = values.cast(pa.timestamp("s"))
            series = values.to_pandas()
            self._columns[name] = series
        return self._columns[name]

    def unknown(self, name: str) -> str:
        """Return the message for an unknown column ``name``."""
        close = difflib.get_close_matches(name, self.names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown events column '{name}'{hint}"

    def __len__(self) -> int:
        if not self.ok:
            return 0
        import pyarrow.compute as pc

        return int(pc.sum(self._mask()).as_py() or 0)

    def window(self, since: Any = None, until: Any = None) -> tuple[dt.date | None, dt.date]:
        """Return the (since, until) dates of a query, ``until`` at most the cutoff."""
        first = parse_day(since, "since") if since is not None else None
        last = parse_day(until, "until") if until is not None else self.cutoff
        last = min(last, self.cutoff)
        if first is not None and first > last:
            raise QueryError(f"since {first.isoformat()} is after until {last.isoformat()}")
        return first, last

    def select(
        self, filters: Mapping[str, Any], since: Any = None, until: Any = None
    ) -> np.ndarray:
        """Return a boolean mask of the visible rows matching ``filters`` and the window."""
        import numpy as np
        import pandas as pd

        first, last = self.window(since, until)
        for name in filters:
            if name not in self.names:
                raise QueryError(self.unknown(name))
        mask = np.ones(len(self), dtype=bool)
        dates = self.column("event_date")
        if first is not None:
            mask &= (dates >= pd.Timestamp(first)).to_numpy()
        if last < self.cutoff:
            mask &= (dates <= pd.Timestamp(last)).to_numpy()
        for name, wanted in filters.items():
            values = _values(name, wanted)
            column = self.column(name)
            if pd.api.types.is_numeric_dtype(column):
                try:
                    numbers = [float(v) for v in values]
                except ValueError:
                    raise QueryError(f"{name}: expected numbers, got {values}") from None
                mask &= column.isin(numbers).to_numpy()
            else:
                mask &= column.isin([str(v) for v in values]).to_numpy(dtype=bool)
        return mask

    def frame(self, mask: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
        """Return the rows selected by ``mask`` with columns ``names``."""
        import pandas as pd

        # Cut each column before joining them: the frame is then built from the chosen rows
        # only, not from a million rows of every column.
        return pd.DataFrame(
            {name: self.column(name)[mask].reset_index(drop=True) for name in names}
        )


def _values(name: str, wanted: Any) -> list[Any]:
    if isinstance(wanted, str | int | float) and not isinstance(wanted, bool):
        return [wanted]
    if isinstance(wanted, list | tuple) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in wanted
    ):
        return list(wanted)
    raise QueryError(f"{name}: expected a value or a list of values, got {wanted!r}")


def describe(filters: Mapping[str, Any], first: dt.date | None, last: dt.date) -> str:
    """Return the filters and window of a query in words, for provenance lines."""
    parts = [f"{name} = {' or '.join(map(str, _values(name, v)))}" for name, v in filters.items()]
    span = f"{first.isoformat()} to {last.isoformat()}" if first else f"through {last.isoformat()}"
    return "; ".join([*parts, span])


_TABLES: dict[tuple[str, int, int, dt.date], EventTable] = {}


def table_for(inputs: Path, cutoff: dt.date) -> EventTable | None:
    """Return the events visible at ``cutoff``, shared by facts and charts, or None."""
    source = find_table(inputs)
    if source is None:
        return None
    stat = source.stat()
    key = (str(source.resolve()), stat.st_size, stat.st_mtime_ns, cutoff)
    if key not in _TABLES:
        if len(_TABLES) > 4:
            _TABLES.clear()
        _TABLES[key] = EventTable(source, cutoff)
    return _TABLES[key]


def places() -> dict[str, tuple[float, float]]:
    """Return the bundled towns as name -> (latitude, longitude)."""
    from importlib import resources

    text = (resources.files("weekly") / "data" / "sahel-places.csv").read_text(encoding="utf-8")
    return {
        row["name"]: (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(io.StringIO(text))
    }


# -- body helpers ------------------------------------------------------------------------


class Count(int):
    """A number of events; prints in AP style (``five``, ``16``, ``1,204``)."""

    def __str__(self) -> str:
        return apstyle.number(int(self))


class Rate(float):
    """A rate such as events per week; prints rounded to one decimal (``4.5``)."""

    def __str__(self) -> str:
        return apstyle.number(round(float(self), 1))


class Share(float):
    """A fraction of events; prints as ``69 percent``."""

    def __str__(self) -> str:
        return apstyle.percent(float(self))


NO_TABLE = "no events table (expected inputs/events.csv, events.xlsx or events.parquet)"


class EventHelpers:
    """The ``events`` object of the body: ``count``, ``per_week``, ``share``, ``fatalities``."""

    def __init__(self, edition: Edition, problems: Problems) -> None:
        self._inputs = edition.inputs
        self._cutoff = edition.cutoff.date()
        self._problems = problems
        self._table: EventTable | None = None

    def _open(self, helper: str) -> EventTable | None:
        if self._table is None:
            table = table_for(self._inputs, self._cutoff)
            if table is None:
                raise BodyError(f"events.{helper}: {NO_TABLE}")
            self._table = table
        self._problems.extend(self._table.problems)
        return self._table if self._table.ok else None

    def _select(self, helper: str, filters: Mapping[str, Any], since: Any, until: Any) -> Any:
        table = self._open(helper)
        if table is None:
            return None
        try:
            return table.select(filters, since, until)
        except QueryError as exc:
            raise BodyError(f"events.{helper}: {exc}") from None

    def count(self, since: Any = None, until: Any = None, **filters: Any) -> Count:
        """Return the number of events matching the filters."""
        mask = self._select("count", filters, since, until)
        return Count(0 if mask is None else int(mask.sum()))

    def per_week(self, since: Any = None, until: Any = None, **filters: Any) -> Rate:
        """Return the matching events divided by the window's length in weeks."""
        if since is None:
            raise BodyError("events.per_week: needs since= (the first day of the window)")
        mask = self._select("per_week", filters, since, until)
        if mask is None or self._table is None:
            return Rate(0.0)
        first, last = self._table.window(since, until)
        assert first is not None
        days = (last - first).days + 1
        return Rate(int(mask.sum()) / (days / 7))

    def share(
        self,
        subset: Mapping[str, Any] | None = None,
        since: Any = None,
        until: Any = None,
        **filters: Any,
    ) -> Share:
        """Return the fraction of the events matching the filters that also match ``subset``."""
        if not isinstance(subset, Mapping) or not subset:
            raise BodyError(
                'events.share: needs a mapping of columns first, like {"admin1": "Mopti"}'
            )
        mask = self._select("share", filters, since, until)
        if mask is None:
            return Share(0.0)
        part = self._select("share", dict(subset), since, until)
        total = int(mask.sum())
        if total == 0:
            raise BodyError("events.share: no events match the filters, so there is no share")
        return Share(int((mask & part).sum()) / total)

    def fatalities(self, since: Any = None, until: Any = None, **filters: Any) -> Count:
        """Return the sum of ``fatalities`` over the matching events."""
        mask = self._select("fatalities", filters, since, until)
        if mask is None or self._table is None:
            return Count(0)
        if "fatalities" not in self._table.names:
            raise BodyError("events.fatalities: the events table has no 'fatalities' column")
        values = self._table.column("fatalities")[mask]
        return Count(int(values.fillna(0).sum()))


def body_helpers(edition: Edition, problems: Problems) -> Mapping[str, Any]:
    """Return the names the body template may use for ``edition``."""
    return {"events": EventHelpers(edition, problems)}


def check_table(inputs: Path, cutoff: dt.date, problems: Problems) -> None:
    """Record the problems of the events table of ``inputs``, if it has one."""
    table = table_for(inputs, cutoff)
    if table is not None:
        problems.extend(table.problems)
