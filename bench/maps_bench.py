"""Time drawing a Sahel, a Horn and a Levant map, and print their SVG sizes.

    python bench/maps_bench.py [REPEATS]

Each theatre gets 300 synthetic events spread over its towns. For each map, one fresh
process loads the base maps, places the rows and draws the SVG ``REPEATS`` times (default 5);
the first draw (cold: imports and base maps loaded) and the median of the rest (warm) are
printed, with the SVG's size and the time to load each base map. Asserts nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import datetime as dt, json, random, statistics, sys, time
t0 = time.perf_counter()
import pandas as pd
from weekly.events import basemaps, drawing, placing, plots
theatre, countries, repeats = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
t1 = time.perf_counter()
base = basemaps.base_map("sahel" if theatre == "sahel" else "theatres")
loaded = time.perf_counter() - t1
towns = [t for t in basemaps.base_map("theatres").towns if t.country in countries and t.admin1]
rng = random.Random(7)
rows = []
for i in range(300):
    town = rng.choice(towns)
    rows.append({"event_date": pd.Timestamp("2023-12-01") + pd.Timedelta(days=i % 12),
                 "actor1": rng.choice(["A", "B", "C"]), "admin1": town.admin1,
                 "location": town.name, "latitude": town.latitude, "longitude": town.longitude,
                 "fatalities": rng.randint(0, 9), "country": town.country})
frame = pd.DataFrame(rows)
times, size = [], 0
for _ in range(repeats):
    start = time.perf_counter()
    kept = frame[placing.place(frame).keep].reset_index(drop=True)
    data = drawing.ChartData("map", kept, dt.date(2023, 12, 1), dt.date(2023, 12, 13),
                           dt.date(2023, 12, 13))
    svg = plots.draw(data)
    times.append(time.perf_counter() - start)
    size = len(svg)
print(json.dumps({"cold": time.perf_counter() - t0 - sum(times[1:]), "warm": statistics.median(times[1:] or times),
                  "svg": size, "base": loaded, "placed": len(kept)}))
"""

THEATRES = {
    "Sahel (Mali, Burkina Faso, Niger)": ("sahel", "Mali,Burkina Faso,Niger"),
    "Horn (Somalia)": ("theatres", "Somalia"),
    "Levant (Syria)": ("theatres", "Syria"),
}


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    print(f"{'map':<36}{'cold s':>8}{'warm s':>8}{'base map s':>12}{'SVG KB':>8}{'rows':>6}")
    for name, (theatre, countries) in THEATRES.items():
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, theatre, countries, str(repeats)],
            capture_output=True, text=True, check=True, env=env, cwd=ROOT,
        )  # fmt: skip
        row = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{name:<36}{row['cold']:>8.2f}{row['warm']:>8.2f}{row['base']:>12.3f}"
              f"{row['svg'] / 1024:>8.0f}{row['placed']:>6}")  # fmt: skip


if __name__ == "__main__":
    main()
