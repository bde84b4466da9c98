"""Time facts and charts over ACLED-sized events tables, each case against its baseline.

    python bench/events_bench.py                          # 1,000,000 and 2,500,000 rows
    python bench/events_bench.py --rows 1000000 --rounds 5
    python bench/events_bench.py --tables /tmp/tables     # keep (and reuse) the big CSVs
    python bench/events_bench.py --baseline REV           # the code to compare with (main)

Builds each table once (all 31 ACLED columns; the places and column list of
scripts/make_sigact.py, values drawn at random, vectorised so 2.5 million rows take a
minute), then runs every case in fresh processes, the variant and its baseline side by
side in each round (alternating which goes first), under /usr/bin/time for peak RSS:

- first read: the CSV to the columnar copy (``read_table``), this checkout vs the baseline;
- facts + four charts, columnar copy warm, charts drawn: ``assemble`` of a four-fact,
  four-chart edition, this checkout vs the baseline;
- the same with every chart cached;
- engines: the same four facts and four charts' rows as queries only, weekly's pandas
  engine vs DuckDB over the same Parquet copy (needs ``pip install duckdb``).

Prints medians, ranges and the median of per-round ratios, with the load average before
and after. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
TIME = shutil.which("time", path="/usr/bin:/bin")

UPDATE = """\
---
headline: Bench
authors: [Bench]
cutoff: 2023-12-13 10:00
key_takeaway: Bench.
figures:
  weekly:
    title: Weekly
    chart: weekly
    where: {actor1: JNIM, admin1: [Mopti, Segou]}
    since: 2022-09-01
  by:
    title: By region
    chart: weekly
    where: {actor1: JNIM}
    by: admin1
    since: 2023-06-01
  share:
    title: Share
    chart: share
    by: admin1
    since: 2023-11-19
  map:
    title: Map
    chart: map
    where: {actor1: JNIM}
    since: 2023-11-19
---

**Facts.** {{ events.count(actor1="JNIM", admin1=["Mopti", "Segou"], since="2023-11-19") }},
{{ events.per_week(actor1="JNIM", since="2023-11-19") }},
{{ events.share({"admin1": "Mopti"}, actor1="JNIM", since="2023-11-19") | percent }},
{{ events.fatalities(country="Mali", since="2023-01-01") }}.

{{ figure("weekly") }}

{{ figure("by") }}

{{ figure("share") }}

{{ figure("map") }}
"""

ASSEMBLE = """\
import sys
from pathlib import Path
from weekly.resolve.update import assemble
from weekly.errors import Problems
problems = Problems()
update = assemble(Path(sys.argv[1]), "2023-12-13", problems)
assert not problems.errors, problems.errors
assert all(f.asset for f in update.figures.values())
"""

FIRST_READ = """\
import sys
from pathlib import Path
from weekly.events.cache import read_table
data, problems = read_table(Path(sys.argv[1]) / "events.csv")
assert data is not None and not problems, problems
"""

#: The edition's facts and charts as (filters, since): facts first, then the charts' rows.
QUERIES = """\
FACTS = [({"actor1": ["JNIM"], "admin1": ["Mopti", "Segou"]}, "2023-11-19"),
         ({"actor1": ["JNIM"]}, "2023-11-19"),
         ({"actor1": ["JNIM"], "admin1": ["Mopti"]}, "2023-11-19"),
         ({"country": ["Mali"]}, "2023-01-01")]
CHARTS = [({"actor1": ["JNIM"], "admin1": ["Mopti", "Segou"]}, "2022-09-01", ["event_date"]),
          ({"actor1": ["JNIM"]}, "2023-06-01", ["event_date", "admin1"]),
          ({}, "2023-11-19", ["event_date", "admin1"]),
          ({"actor1": ["JNIM"]}, "2023-11-19", ["event_date", "latitude", "longitude",
           "location", "admin1", "actor1", "country", "fatalities"])]
"""

PANDAS_ENGINE = (
    QUERIES
    + """\
import sys, datetime as dt
from pathlib import Path
from weekly.events.table import table_for
table = table_for(Path(sys.argv[1]), dt.date(2023, 12, 13))
answers = [int(table.select(f, since).sum()) for f, since in FACTS]
mask = table.select(*FACTS[-1])
answers.append(int(table.column("fatalities")[mask].fillna(0).sum()))
frames = [table.frame(table.select(f, since), names) for f, since, names in CHARTS]
print(answers, [len(f) for f in frames])
"""
)

DUCKDB_ENGINE = (
    QUERIES
    + """\
import sys
import duckdb
from pathlib import Path
path = str(Path(sys.argv[1]) / ".weekly-cache" / "events.csv.parquet")
con = duckdb.connect()

def where(filters, since):
    sql = ["event_date <= DATE '2023-12-13'", "event_date >= CAST(? AS DATE)"]
    args = [since]
    for name, values in filters.items():
        sql.append(f'"{name}" IN ({", ".join("?" * len(values))})')
        args += values
    return " AND ".join(sql), args

def query(select, filters, since):
    sql, args = where(filters, since)
    return con.execute(f"SELECT {select} FROM read_parquet(?) WHERE {sql}", [path, *args])

answers = [query("count(*)", f, since).fetchone()[0] for f, since in FACTS]
answers.append(int(query("coalesce(sum(fatalities), 0)", *FACTS[-1]).fetchone()[0]))
frames = [query(", ".join(names), f, since).df() for f, since, names in CHARTS]
print(answers, [len(f) for f in frames])
"""
)


def build_table(path: Path, rows: int) -> None:
    """Write ``rows`` synthetic ACLED-shaped events to ``path`` (vectorised)."""
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_sigact import COLUMNS, load_places

    rng = np.random.default_rng(7)
    places = pd.DataFrame(load_places().values())
    pick = rng.integers(0, len(places), rows)
    town = places.iloc[pick].reset_index(drop=True)
    days = pd.to_datetime("2018-01-01") + pd.to_timedelta(rng.integers(0, 2300, rows), "D")
    actors = np.array(["JNIM", "ISSP", "FAMa", "CSP", "VDP", "Burkinabe armed forces"])
    types = np.array(["Battles", "Violence against civilians", "Explosions/Remote violence"])
    frame = pd.DataFrame({name: "" for name in COLUMNS}, index=range(rows))
    frame["event_id_cnty"] = [f"SYN{i}" for i in range(rows)]
    frame["event_date"] = days.strftime("%Y-%m-%d")
    frame["year"] = days.year
    frame["event_type"] = types[rng.integers(0, len(types), rows)]
    frame["sub_event_type"] = "Armed clash"
    frame["actor1"] = actors[rng.integers(0, len(actors), rows)]
    frame["country"] = town["country"]
    frame["admin1"] = town["admin1"]
    frame["location"] = town["name"]
    frame["latitude"] = (town["latitude"].astype(float) + rng.uniform(-0.1, 0.1, rows)).round(4)
    frame["longitude"] = (town["longitude"].astype(float) + rng.uniform(-0.1, 0.1, rows)).round(4)
    frame["fatalities"] = rng.poisson(2, rows)
    frame["notes"] = "On a day, an actor did something near a town. Synthetic bench event."
    frame["source"] = "Bench"
    frame["tags"] = "synthetic"
    frame.to_csv(path, index=False)


def inputs_with_table(folder: Path, rows: int) -> Path:
    """Return an inputs folder holding the bench edition and a table of ``rows`` events."""
    inputs = folder / f"rows-{rows}"
    (inputs / "2023-12-13").mkdir(parents=True, exist_ok=True)
    (inputs / "2023-12-13" / "update.md").write_text(UPDATE, encoding="utf-8")
    table = inputs / "events.csv"
    if not table.is_file():
        start = time.perf_counter()
        # A child process: the table's few GB of construction stay out of this process.
        subprocess.run(
            [sys.executable, __file__, "--build", str(table), str(rows)],
            check=True,
            env={**os.environ, "PYTHONPATH": str(SRC)},
        )
        print(f"built {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
    print(f"table: {rows:,} rows, {table.stat().st_size / 1e6:.0f} MB CSV", flush=True)
    return inputs


def run(script: str, inputs: Path, src: Path) -> tuple[float, float, float]:
    """Run ``script`` on ``inputs`` with ``src`` first on the path: (wall, CPU, peak RSS MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        argv = [sys.executable, "-c", script, str(inputs)]
        if TIME:
            argv = [TIME, "-f", "%U %S %M", "-o", out.name, *argv]
        start = time.perf_counter()
        result = subprocess.run(
            argv, env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        if result.returncode:
            raise SystemExit(f"bench failed:\n{result.stderr}")
        if not TIME:
            return wall, float("nan"), float("nan")
        user, system, rss = out.read().split()[-3:]
    return wall, float(user) + float(system), float(rss) / 1024


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def compare(label: str, rounds: int, a: tuple[str, object], b: tuple[str, object]) -> None:
    """Time two variants side by side; print each and the median ratio a / b."""
    samples: dict[str, list[tuple[float, float, float]]] = {a[0]: [], b[0]: []}
    before = load()
    for index in range(rounds):
        pair = [a, b] if index % 2 == 0 else [b, a]
        for name, variant in pair:
            samples[name].append(variant())  # type: ignore[operator]
    print(f"\n{label} (load {before} -> {load()})")
    for name, runs in samples.items():
        walls = [s[0] for s in runs]
        print(f"  {name:28} {statistics.median(walls):6.2f} s ({min(walls):.2f}-{max(walls):.2f}),"
              f" CPU {statistics.median(s[1] for s in runs):5.2f} s,"
              f" peak {max(s[2] for s in runs):4.0f} MB")  # fmt: skip
    ratios = [x[0] / y[0] for x, y in zip(samples[a[0]], samples[b[0]], strict=True)]
    cpu = [x[1] / y[1] for x, y in zip(samples[a[0]], samples[b[0]], strict=True)]
    print(f"  ratio {a[0]} / {b[0]}: wall {statistics.median(ratios):.2f},"
          f" CPU {statistics.median(cpu):.2f}")  # fmt: skip


def baseline_sources(rev: str, folder: Path) -> Path:
    """Return the ``src`` folder of ``rev`` of this repository, extracted into ``folder``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="1000000,2500000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tables", type=Path, help="folder to keep the tables in and reuse")
    parser.add_argument("--baseline", default="main", help="git revision to compare with")
    parser.add_argument("--build", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_table(Path(args.build[0]), int(args.build[1]))
        return
    with tempfile.TemporaryDirectory() as scratch:
        tables = args.tables or Path(scratch) / "tables"
        tables.mkdir(parents=True, exist_ok=True)
        old = baseline_sources(args.baseline, Path(scratch))
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline],
            capture_output=True,
            text=True,
        ).stdout.strip()
        print(f"baseline: {args.baseline} ({rev}); {os.cpu_count()} CPUs; load {load()}")
        for rows in [int(r) for r in args.rows.split(",")]:
            inputs = inputs_with_table(tables, rows)
            cache = inputs / ".weekly-cache"

            def cold(src: Path, inputs: Path = inputs, cache: Path = cache) -> object:
                shutil.rmtree(cache, ignore_errors=True)
                return run(FIRST_READ, inputs, src)

            def drawn(src: Path, inputs: Path = inputs, cache: Path = cache) -> object:
                shutil.rmtree(cache / "charts", ignore_errors=True)
                return run(ASSEMBLE, inputs, src)

            def cached(src: Path, inputs: Path = inputs) -> object:
                return run(ASSEMBLE, inputs, src)

            print(f"\n## {rows:,} rows")
            compare(
                "first read of the CSV",
                args.rounds,
                ("this checkout", lambda: cold(SRC)),
                ("baseline", lambda: cold(old)),
            )
            run(ASSEMBLE, inputs, SRC)  # the columnar copy and the charts, once
            compare(
                "facts + four charts, copy warm, charts drawn",
                args.rounds,
                ("this checkout", lambda: drawn(SRC)),
                ("baseline", lambda: drawn(old)),
            )
            compare(
                "facts + four charts, every chart cached",
                args.rounds,
                ("this checkout", lambda: cached(SRC)),
                ("baseline", lambda: cached(old)),
            )
            try:
                import duckdb  # noqa: F401
            except ImportError:
                print("\n(engines: duckdb is not installed; pip install duckdb)")
                continue
            compare("engines: the facts and the charts' rows, queries only", args.rounds,
                    ("duckdb over Parquet", lambda i=inputs: run(DUCKDB_ENGINE, i, SRC)),
                    ("pandas (weekly)", lambda i=inputs: run(PANDAS_ENGINE, i, SRC)))  # fmt: skip


if __name__ == "__main__":
    main()
