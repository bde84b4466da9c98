"""The events stage at scale: the fast reader and the columnar copy answer as before."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import signal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from support import SOURCES, UPDATE, write_tree
from weekly.caches import Caches
from weekly.errors import Problems
from weekly.events import read
from weekly.events import table as events
from weekly.events.helpers import EventHelpers
from weekly.resolve.update import assemble

CUTOFF = dt.date(2023, 12, 13)
HEADER = ["event_date", "event_type", "actor1", "admin1", "location", "fatalities", "country",
          "latitude", "longitude"]  # fmt: skip
ACTORS = ["JNIM", "ISSP", "FAMa", "CSP", "VDP", ""]
REGIONS = ["Mopti", "Segou", "Gao", "Menaka", "Sahel", "Tillaberi"]


def generated_rows(count: int = 3000, seed: int = 21) -> list[list[object]]:
    """Return ``count`` made-up events around the cutoff, with blanks, spaces and date forms."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for _ in range(count):
        day = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(400))
        form = rng.choice(["%Y-%m-%d", "%Y-%m-%d", "%d %B %Y", " %Y-%m-%d "])
        fatalities = rng.choice(["", "0", "1", "2", "5", " 3 "])
        rows.append([
            day.strftime(form), rng.choice(["Battles", "Explosions/Remote violence"]),
            rng.choice(ACTORS), rng.choice(REGIONS), f"Town {rng.randrange(40)}", fatalities,
            rng.choice(["Mali", "Burkina Faso", "Niger"]),
            "" if rng.random() < 0.05 else f"{14 + rng.random() * 4:.4f}",
            f"{-4 + rng.random() * 6:.4f}",
        ])  # fmt: skip
    return rows


def csv_text(rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()


def old_dates(texts: pa.ChunkedArray) -> pa.Array:
    """Parse dates row by row, as the reader did before it parsed each distinct text once."""
    raw = pc.utf8_trim_whitespace(texts.combine_chunks())
    parsed = pa.nulls(len(raw), pa.timestamp("s"))
    for form in read.DATE_FORMATS:
        parsed = pc.coalesce(parsed, read._strict_strptime(raw, form))
    return parsed.cast(pa.date32())


def test_dates_parse_as_row_by_row(tmp_path: Path) -> None:
    rows = generated_rows()
    rows += [["2023-02-30", "Battles", "JNIM", "Mopti", "Bandiagara", "1", "Mali", "", ""]]
    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    reading = read._Reading(path)
    raw = read._read_csv(reading)
    assert raw is not None
    expected = old_dates(raw["event_date"])
    assert expected.null_count == 1  # the impossible date
    table = read._normalise(reading, raw)
    assert table is None  # refused, as before
    assert [p.message for p in reading.problems] == [
        "event_date: expected a date like 2023-11-19, got '2023-02-30'"
    ]
    path.write_text(csv_text(rows[:-1]), encoding="utf-8")
    table, problems = read.read_source(path)
    assert problems == [] and table is not None
    assert table["event_date"].combine_chunks().equals(old_dates(raw["event_date"][:-1]))
    numbers = [None if not str(r[5]).strip() else float(r[5]) for r in rows[:-1]]
    assert table["fatalities"].to_pylist() == numbers


def reference(rows: list[list[object]]) -> pd.DataFrame:
    """Return the visible rows with plain pandas: the meaning every helper must keep."""
    frame = pd.DataFrame(rows, columns=HEADER).astype(str)
    frame["day"] = [
        next(dt.datetime.strptime(t.strip(), f).date() for f in ("%Y-%m-%d", "%d %B %Y")
             if _parses(t.strip(), f))
        for t in frame["event_date"]
    ]  # fmt: skip
    frame["fatalities"] = pd.to_numeric(frame["fatalities"].str.strip().replace("", None))
    frame["actor1"] = frame["actor1"].replace("", None)
    return frame[frame["day"] <= CUTOFF].reset_index(drop=True)


def _parses(text: str, form: str) -> bool:
    try:
        dt.datetime.strptime(text, form)
    except ValueError:
        return False
    return True


QUERIES = [
    ({}, None, None),
    ({"actor1": "JNIM"}, "2023-11-19", None),
    ({"actor1": ["JNIM", "ISSP"], "admin1": ["Mopti", "Segou"]}, "2023-06-01", "2023-11-30"),
    ({"country": "Mali"}, None, "2023-03-31"),
    ({"admin1": "Gao"}, "2023-12-13", "2030-01-01"),
    ({"fatalities": [0, 5]}, None, None),
    ({"actor1": "Nobody"}, None, None),
]


def answers(helper: EventHelpers) -> list[object]:
    found: list[object] = []
    for filters, since, until in QUERIES:
        found.append(helper.count(since=since, until=until, **filters))
        found.append(helper.fatalities(since=since, until=until, **filters))
        if since:
            found.append(helper.per_week(since=since, until=until, **filters))
    found.append(helper.share({"admin1": ["Mopti", "Gao"]}, actor1="JNIM", since="2023-06-01"))
    return found


def expected_answers(frame: pd.DataFrame) -> list[object]:
    found: list[object] = []
    for filters, since, until in QUERIES:
        first = dt.date.fromisoformat(since) if since else None
        last = min(dt.date.fromisoformat(until), CUTOFF) if until else CUTOFF
        keep = (frame["day"] <= last) & (frame["day"] >= (first or dt.date.min))
        for name, wanted in filters.items():
            values = wanted if isinstance(wanted, list) else [wanted]
            if name == "fatalities":
                keep &= frame[name].isin([float(v) for v in values])
            else:
                keep &= frame[name].isin([str(v) for v in values])
        found.append(int(keep.sum()))
        found.append(int(frame.loc[keep, "fatalities"].fillna(0).sum()))
        if first:
            found.append(int(keep.sum()) / (((last - first).days + 1) / 7))
    base = (frame["actor1"] == "JNIM") & (frame["day"] >= dt.date(2023, 6, 1))
    found.append(int((base & frame["admin1"].isin(["Mopti", "Gao"])).sum()) / int(base.sum()))
    return found


def edition(tmp_path: Path, rows: list[list[object]]) -> Path:
    return write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE,
            "inputs/events.csv": csv_text(rows),
        },
    )


def helper_of(root: Path) -> EventHelpers:
    problems = Problems()
    update = assemble(root / "inputs", "2023-12-13", problems)
    return EventHelpers(update.edition, problems, Caches())  # a fresh Caches reads the table


def test_helpers_answer_as_plain_pandas_from_the_csv_and_from_the_cache(tmp_path: Path) -> None:
    rows = generated_rows()
    root = edition(tmp_path, rows)
    expected = expected_answers(reference(rows))
    cache = root / "inputs" / ".weekly-cache" / "events.csv.parquet"
    assert not cache.exists()
    first = answers(helper_of(root))  # from the CSV, writing the cache
    assert cache.is_file()
    again = answers(helper_of(root))  # from the columnar copy
    assert first == expected
    assert again == expected
    assert [type(v) for v in again] == [type(v) for v in first]


def test_chart_rows_are_the_same_from_the_csv_and_from_the_cache(tmp_path: Path) -> None:
    root = edition(tmp_path, generated_rows())
    names = ["event_date", "latitude", "longitude", "location", "admin1", "actor1", "country",
             "fatalities"]  # fmt: skip
    frames = []
    for _ in range(2):  # the first from the CSV, the second from the cache
        table = events.table_for(root / "inputs", CUTOFF, Caches())  # read afresh
        assert table is not None and table.ok
        mask = table.select({"actor1": ["JNIM", "ISSP"]}, "2023-06-01")
        frames.append(table.frame(mask, names))
    frame = reference(generated_rows())
    keep = frame["actor1"].isin(["JNIM", "ISSP"]) & (frame["day"] >= dt.date(2023, 6, 1))
    assert len(frames[0]) == int(keep.sum()) > 100
    assert [d.date() for d in frames[0]["event_date"]] == list(frame.loc[keep, "day"])
    for name in names:
        assert frames[0][name].tolist() == frames[1][name].tolist() or (
            frames[0][name].isna().equals(frames[1][name].isna())
            and np.allclose(frames[0][name].fillna(0), frames[1][name].fillna(0))
        ), name


def test_the_table_is_read_before_the_body_is_timed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first read takes seconds for millions of rows: it must not eat the body's budget."""
    root = write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE + '\n{{ events.count(actor1="JNIM") }}\n',
            "inputs/events.csv": csv_text(generated_rows(50)),
        },
    )
    timed: list[float] = []
    real = read.read_source

    def watched(source: Path) -> tuple[object, list[object]]:
        timed.append(signal.getitimer(signal.ITIMER_REAL)[0])
        return real(source)

    monkeypatch.setattr("weekly.events.cache.read_source", watched)
    problems = Problems()
    assemble(root / "inputs", "2023-12-13", problems)
    assert problems.errors == []
    assert timed == [0.0]  # read once, with no body alarm running


def test_frame_columns_are_the_visible_columns_cut(tmp_path: Path) -> None:
    """A frame's columns equal column(name)[mask], dtype and categories included."""
    root = edition(tmp_path, generated_rows())
    names = ["latitude", "longitude", "event_date", "fatalities", "location", "admin1"]
    for _ in range(2):  # from the CSV, then from the cache
        table = events.table_for(root / "inputs", CUTOFF, Caches())  # read afresh
        assert table is not None
        mask = table.select({"actor1": "JNIM"}, "2023-06-01")
        frame = table.frame(mask, names)  # before column() loads them: the short path
        for name in names:
            whole = table.column(name)[mask].reset_index(drop=True)
            pd.testing.assert_series_equal(frame[name], whole, check_names=False)
            if isinstance(whole.dtype, pd.CategoricalDtype):
                assert list(frame[name].cat.categories) == list(whole.cat.categories)
