"""Time an edition's facts and charts over a 1,000,000-row ACLED-shaped events table.

    python bench/events_bench.py [ROWS]

Builds the table in a temporary folder (all 31 ACLED columns, synthetic values), then
times, each in a fresh process: facts + charts with no columnar cache (cold), the same
with the cache warm but charts to draw, and a re-render with every chart cached (the two
warm cases five times each: median and range). Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
REPEATS = 5  # fresh processes per warm case; the median is reported

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

TIMED = """\
import sys, time
start = time.perf_counter()
from pathlib import Path
from weekly.resolve.update import assemble
from weekly.errors import Problems
problems = Problems()
update = assemble(Path(sys.argv[1]), "2023-12-13", problems)
assert not problems.errors, problems.errors
assert all(f.asset for f in update.figures.values())
print(f"{time.perf_counter() - start:.2f} {int('matplotlib' in sys.modules)}")
"""


def build_table(path: Path, rows: int) -> None:
    """Write ``rows`` synthetic ACLED-shaped events to ``path`` (vectorised, a few seconds)."""
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


def timed(inputs: Path) -> tuple[float, float, bool]:
    """Return (wall seconds of the process, seconds inside it, matplotlib imported)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", TIMED, str(inputs)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    inside, imported = result.stdout.split()
    return wall, float(inside), imported == "1"


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "inputs"
        (inputs / "2023-12-13").mkdir(parents=True)
        (inputs / "2023-12-13" / "update.md").write_text(UPDATE, encoding="utf-8")
        start = time.perf_counter()
        build_table(inputs / "events.csv", rows)
        size = (inputs / "events.csv").stat().st_size / 1e6
        print(
            f"table: {rows:,} rows, {size:.0f} MB CSV, built in {time.perf_counter() - start:.1f} s"
        )
        cache = inputs / ".weekly-cache"
        wall, inside, mpl = timed(inputs)
        report("cold (no columnar cache, charts drawn)", [wall], [inside], mpl)
        for label, drop_charts in (("columnar cache warm, charts drawn", True),
                                   ("re-render, charts cached", False)):  # fmt: skip
            walls, insides = [], []
            for _ in range(REPEATS):
                if drop_charts:
                    for svg in (cache / "charts").glob("*.svg"):
                        svg.unlink()
                wall, inside, mpl = timed(inputs)
                walls.append(wall)
                insides.append(inside)
            report(label, walls, insides, mpl)
        os.utime(inputs / "events.csv")  # a touched source refreshes the cache
        wall, inside, mpl = timed(inputs)
        report("source touched: cache rebuilt", [wall], [inside], mpl)


def report(label: str, walls: list[float], insides: list[float], mpl: bool) -> None:
    """Print the median wall time (and the range over repeats) of one case."""
    spread = f" ({min(walls):.2f}-{max(walls):.2f})" if len(walls) > 1 else " " * 12
    print(f"{label:40} {statistics.median(walls):5.2f} s wall{spread}, "
          f"{statistics.median(insides):5.2f} s in assemble, "
          f"matplotlib imported: {'yes' if mpl else 'no'}")  # fmt: skip


if __name__ == "__main__":
    main()
