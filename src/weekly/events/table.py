"""Query the events an edition can see: the rows of the table dated on or before its cutoff.

The table (``inputs/events.csv``, ``.xlsx`` or ``.parquet``, ACLED's column names) is read
by :mod:`weekly.events.read` and kept columnar by :mod:`weekly.events.cache`; the body's
helpers are :mod:`weekly.events.helpers`. pandas and pyarrow are imported on first use, so
editions without facts or charts do not pay for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weekly.caches import Caches
from weekly.errors import did_you_mean
from weekly.events.cache import CACHE_DIR as CACHE_DIR
from weekly.events.cache import read_table
from weekly.events.read import ACLED_COLUMNS as ACLED_COLUMNS
from weekly.events.read import find_table as find_table
from weekly.inputs.yamlfile import as_date

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

NO_TABLE = "no events table (expected inputs/events.csv, events.xlsx or events.parquet)"


class QueryError(ValueError):
    """A filter or date window that cannot be applied to the table."""


def parse_day(value: Any, name: str) -> dt.date:
    """Return ``value`` (a date or ``2023-11-19``) as a date; raise QueryError otherwise."""
    try:
        return as_date(value)
    except ValueError:
        raise QueryError(f"{name}: expected a date like 2023-11-19, got '{value}'") from None


class EventTable:
    """The events one edition can see: the rows dated on or before its cutoff."""

    def __init__(self, source: Path, cutoff: dt.date) -> None:
        self.source = source
        self.cutoff = cutoff
        data, self.problems = read_table(source)
        self._data = data
        self._columns: dict[str, pd.Series] = {}
        self._visible: Any = None
        self._dates: Any = None
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

    def _read(self, name: str) -> pa.ChunkedArray:
        """Return every row of column ``name``; the dates come from the cutoff's mask."""
        self._mask()
        if name == "event_date" and self._dates is not None:
            return self._dates
        return self._arrow(name)

    def _mask(self) -> Any:
        if self._visible is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            dates = self._arrow("event_date")
            self._visible = pc.less_equal(dates, pa.scalar(self.cutoff, pa.date32()))
            self._dates = dates  # read once: column("event_date") starts from it
        return self._visible

    def column(self, name: str) -> pd.Series:
        """Return the visible rows of column ``name`` (strings as categories)."""
        if name not in self._columns:
            import pyarrow as pa

            if name not in self.names:
                raise QueryError(self.unknown(name))
            mask = self._mask()
            values = self._read(name).filter(mask)
            if name == "event_date":
                self._dates = None  # kept as the column from now on
            if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
                values = values.dictionary_encode()
            elif pa.types.is_date(values.type):
                values = values.cast(pa.timestamp("s"))
            series = values.to_pandas()
            self._columns[name] = series
        return self._columns[name]

    def unknown(self, name: str) -> str:
        """Return the message for an unknown column ``name``."""
        return f"unknown events column '{name}'{did_you_mean(name, self.names)}"

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
            elif isinstance(column.dtype, pd.CategoricalDtype):
                mask &= _category_lookup(column, [str(v) for v in values])
            else:
                mask &= column.isin([str(v) for v in values]).to_numpy(dtype=bool)
        return mask

    def frame(self, mask: np.ndarray, names: Sequence[str]) -> pd.DataFrame:
        """Return the rows selected by ``mask`` with columns ``names``."""
        import pandas as pd

        # Cut each column before joining them: the frame is then built from the chosen rows
        # only, not from a million rows of every column.
        return pd.DataFrame({name: self._chosen(name, mask) for name in names})

    def _chosen(self, name: str, mask: np.ndarray) -> pd.Series:
        """Return the rows of column ``name`` selected by ``mask`` (a mask of visible rows)."""
        import numpy as np
        import pyarrow as pa

        if name in self._columns or name not in self.names:
            return self.column(name)[mask].reset_index(drop=True)
        data = self._data
        kind = (
            (data.schema_arrow if hasattr(data, "schema_arrow") else data.schema).field(name).type
        )
        if not (pa.types.is_floating(kind) or pa.types.is_date(kind)):
            return self.column(name)[mask].reset_index(drop=True)
        values = self._read(name)
        # Numbers and dates not yet loaded (a map's coordinates): convert the chosen rows
        # only, as column() would have converted them all.
        import pyarrow.compute as pc

        visible = pc.fill_null(self._mask(), False).to_numpy(zero_copy_only=False)
        chosen = np.zeros(len(visible), dtype=bool)
        chosen[np.flatnonzero(visible)[mask]] = True
        values = values.filter(pa.array(chosen))
        if pa.types.is_date(values.type):
            values = values.cast(pa.timestamp("s"))
        return values.to_pandas()


def _category_lookup(column: pd.Series, wanted: list[str]) -> np.ndarray:
    """Return ``column.isin(wanted)`` for a categorical column, decided once per category.

    A million rows share a few hundred categories: which categories are wanted is looked up
    once, then each row's code picks its answer from that short table (a missing value's
    code, -1, picks the False appended at the end).
    """
    import numpy as np

    chosen = column.cat.categories.isin(wanted)
    lookup = np.append(np.asarray(chosen, dtype=bool), False)
    return lookup[column.cat.codes.to_numpy()]


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


def table_for(inputs: Path, cutoff: dt.date, caches: Caches | None = None) -> EventTable | None:
    """Return the events visible at ``cutoff``, shared by facts and charts, or None.

    The table is kept in ``caches`` for the file's current size and modification time and
    this cutoff; without ``caches`` it is read afresh.
    """
    source = find_table(inputs)
    if source is None:
        return None
    return (caches or Caches()).of_file(
        "events table", source, lambda: EventTable(source, cutoff), cutoff
    )


def places() -> dict[str, tuple[float, float]]:
    """Return the bundled towns as name -> (latitude, longitude)."""
    from importlib import resources

    text = (resources.files("weekly") / "data" / "sahel-places.csv").read_text(encoding="utf-8")
    return {
        row["name"]: (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(io.StringIO(text))
    }
