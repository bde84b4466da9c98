"""Read the SIGACT events table from CSV, Excel or Parquet into typed Arrow columns.

Every bad value is reported as ``events.csv:LINE: column: expected …, got '…'`` (at most
a few per column). pyarrow, pandas and numpy are imported inside the readers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weekly.errors import Problem, display_path

if TYPE_CHECKING:
    import numpy as np
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
#: Bad values reported per column before the rest are summed up in one line.
MAX_REPORTED = 5


def find_table(inputs: Path) -> Path | None:
    """Return the events table of ``inputs``, or None when there is none."""
    for name in TABLE_NAMES:
        if (inputs / name).is_file():
            return inputs / name
    return None


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


@dataclass
class _Reading:
    """The state of reading one table: problems found and the path to report."""

    path: Path
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: str, line: int, message: str) -> None:
        self.problems.append(Problem(display_path(self.path), line, 0, "error", code, message))


def csv_lines(data: bytes) -> list[int]:
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
    """Read a CSV as text columns; Arrow reads the file itself, on every core.

    Arrow checks UTF-8 and the field counts as it goes; only when it refuses the file is the
    file read again in Python, to say on which line and why.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    path = reading.path
    with path.open("rb") as stream:
        first = stream.readline()
    try:
        line = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError:
        line = ""  # reported below, with its line, by the slow path
    header = next(csv.reader([line]), [])
    try:
        if not any(h.strip() for h in header):
            raise pa.ArrowInvalid("no header row")
        return pcsv.read_csv(
            path,
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid:
        _explain_csv(reading, path.read_bytes())
        return None


def _explain_csv(reading: _Reading, data: bytes) -> None:
    """Record why Arrow could not read the CSV ``data``: bad UTF-8, no header, bad rows."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reading.error("E303", line, f"not UTF-8 text ({exc.reason})")
        return
    text = data.decode("utf-8-sig")
    header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")]), [])
    if not header or not any(h.strip() for h in header):
        reading.error("E301", 1, "no header row (expected ACLED column names such as event_date)")
        return
    for number, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
        if len(row) != len(header):
            line = csv_lines(data)[number - 1] if number else 1
            reading.error(
                "E303", line, f"expected {len(header)} fields as in the header, got {len(row)}"
            )
            return
    reading.error("E303", 1, "cannot be read as CSV")


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
            lines_cache.append(csv_lines(reading.path.read_bytes()))
        return lines_cache[0]

    columns = {name: table[name] for name in names}
    dates = columns["event_date"]
    if not pa.types.is_date32(dates.type):
        # A table of millions of events holds a few thousand distinct dates: parse each
        # distinct text once, then spread the days over the rows by their dictionary codes.
        encoded = pc.dictionary_encode(dates.combine_chunks())
        raw = pc.utf8_trim_whitespace(encoded.dictionary)
        parsed = pa.nulls(len(raw), pa.timestamp("s"))
        for form in DATE_FORMATS:
            attempt = _strict_strptime(raw, form)
            parsed = pc.coalesce(parsed, attempt)
            if parsed.null_count == raw.null_count:
                break  # every date read: the other forms have nothing left to read
        days = pc.take(parsed.cast(pa.date32()), encoded.indices)
        bad = np.flatnonzero(days.is_null().to_numpy(zero_copy_only=False))
        if len(bad):
            texts = pc.take(raw, encoded.indices).to_pylist()
            _report(reading, "event_date", bad, texts, "a date like 2023-11-19", lines())
        columns["event_date"] = days
    for name in NUMERIC:
        if name not in columns or pa.types.is_floating(columns[name].type):
            continue
        raw = columns[name].combine_chunks()
        if pa.types.is_integer(raw.type):
            columns[name] = raw.cast(pa.float64())
            continue
        raw = raw.cast(pa.string())
        try:  # blank cells are already null: most columns convert at once
            columns[name] = raw.cast(pa.float64())
            continue
        except pa.ArrowInvalid:
            pass
        raw = pc.utf8_trim_whitespace(raw)
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


def read_source(source: Path) -> tuple[pa.Table | None, list[Problem]]:
    """Return (the typed table or None, problems) read from the events table ``source``."""
    reading = _Reading(source)
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}
    raw = readers[source.suffix.lower()](reading)
    table = _normalise(reading, raw) if raw is not None else None
    return table, reading.problems
