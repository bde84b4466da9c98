"""Print how long `weekly preview` takes to rebuild the draft after an edit (no asserts).

Copies the example inputs to a temporary folder, sets up a preview there (no server,
no browser), then edits update.md repeatedly and times each rebuild: assemble, check and render the
draft HTML, with inputs, templates and parsed YAML warm. Also times the same rebuild
with nothing warm but the imported modules, for comparison.

    .venv/bin/python bench/preview_bench.py [--cutoff 2023-12-13] [--runs 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weekly.pipeline import load_checked  # noqa: E402
from weekly.preview.serve import Preview  # noqa: E402
from weekly.render.draft import draft_html  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cutoff", default="latest")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs"
        shutil.copytree(ROOT / "inputs", inputs)
        state = Preview(inputs, args.cutoff)  # keeps its own YAML cache
        started = time.perf_counter()
        state.build()
        first = (time.perf_counter() - started) * 1000
        update_md = inputs / state.name / "update.md"
        original = update_md.read_text(encoding="utf-8")
        warm: list[float] = []
        for run in range(args.runs):
            update_md.write_text(original + f"\nEdit number {run}.\n", encoding="utf-8")
            t0 = time.perf_counter()
            page = state.build()
            warm.append((time.perf_counter() - t0) * 1000)
            if page.errors:
                print("the edition has errors:", *page.errors, sep="\n  ")

        cold: list[float] = []
        for _ in range(min(args.runs, 5)):
            t0 = time.perf_counter()
            draft_html(load_checked(inputs, args.cutoff))
            cold.append((time.perf_counter() - t0) * 1000)

    size = len(original.splitlines())
    print(f"edition {state.name} ({size} lines of update.md)")
    print(f"first build (cold templates):     {first:7.1f} ms")
    print(
        f"warm rebuild after an edit:       median {statistics.median(warm):6.1f} ms, "
        f"min {min(warm):6.1f} ms, max {max(warm):6.1f} ms over {len(warm)} edits"
    )
    print(
        f"same rebuild, YAML not memoised:  median {statistics.median(cold):6.1f} ms "
        f"over {len(cold)} runs"
    )


if __name__ == "__main__":
    main()
