"""Time an archive of 52 editions: the first build, and a rebuild with nothing changed.

Run: PYTHONPATH=src python bench/archive_bench.py [--pdf] [--editions N]
The target (issue 8) is an unchanged rebuild of 52 editions in under 2 seconds, measured
here both in-process and as a user runs it (``python -m weekly archive``, start-up included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import SOURCES, UPDATE, write_tree  # noqa: E402
from weekly.site.archive import build_archive  # noqa: E402


def make_inputs(root: Path, count: int) -> None:
    """Write ``count`` weekly editions ending 2023-12-13 under ``root/inputs``."""
    files: dict[str, str | bytes] = {"inputs/sources.yaml": SOURCES}
    last = dt.date(2023, 12, 13)
    for week in range(count):
        day = (last - dt.timedelta(weeks=count - 1 - week)).isoformat()
        text = (
            UPDATE.replace("2023-12-13", day)
            .replace("published: 2023-12-15\n", "")
            .replace("[@acled-dashboard]", "[@sigact]")
            .replace("[@site-jnim-2023-11-24; @tamani-bandiagara]", "[@tamani-bandiagara]")
            .replace("[@reuters-kidal]", "[@tamani-bandiagara]")
            .replace("Central Mali", f"Central Mali, Week {week + 1}")
        )
        files[f"inputs/{day}/update.md"] = text
    write_tree(root, files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=52)
    parser.add_argument("--pdf", action="store_true", help="also print PDFs on the first build")
    args = parser.parse_args()
    formats = ("html", "pdf") if args.pdf else ("html",)
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        make_inputs(root, args.editions)
        inputs, output = root / "inputs", root / "output"

        start = time.perf_counter()
        first = build_archive(inputs, output, formats)
        first_time = time.perf_counter() - start
        print(
            f"first build, {len(first.rendered)} editions ({','.join(formats)}): {first_time:.2f} s"
        )

        timings = []
        for _ in range(5):
            start = time.perf_counter()
            again = build_archive(inputs, output, formats)
            timings.append(time.perf_counter() - start)
            assert not again.rendered, again.rendered
        print(
            f"unchanged rebuild in-process, {len(again.skipped)} skipped: "
            f"best {min(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms"
        )

        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [sys.executable, "-m", "weekly", "archive", "--format", ",".join(formats)]
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
            timings.append(time.perf_counter() - start)
        print(
            f"unchanged rebuild via `python -m weekly archive`: "
            f"best {min(timings):.2f} s, worst {max(timings):.2f} s (target < 2 s)"
        )

        page = next((inputs).glob("*/update.md"))
        page.write_text(page.read_text().replace("Reuters", "AFP"))
        start = time.perf_counter()
        one = build_archive(inputs, output, formats)
        print(
            f"rebuild after editing one edition: {len(one.rendered)} rendered "
            f"in {time.perf_counter() - start:.2f} s"
        )


if __name__ == "__main__":
    main()
