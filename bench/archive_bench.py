"""Time an archive of 52 editions: the first build, and a rebuild with nothing changed.

Run: PYTHONPATH=src python bench/archive_bench.py [--pdf] [--editions N]
The target (issue 8) is an unchanged rebuild of 52 editions in under 2 seconds, measured
here both in-process and as a user runs it (``python -m weekly archive``, start-up included).

``--jobs-compare`` times instead a cold archive with PDFs (100 editions by default) as
``weekly archive --jobs 1`` and with every core, in the same run, checks the two outputs are
identical byte for byte, and times an unchanged rebuild (issue 21: pooled ≤ 0.6× serial on
2 cores).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

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


def make_typical_inputs(root: Path, count: int) -> None:
    """Write ``count`` weekly copies of the typical 1× edition (charts, map, 50 notes)."""
    from editions import build

    inputs = build(root, 1)
    sources = inputs / "sources.yaml"  # undated: an earlier cutoff may not cite a later date
    lines = sources.read_text(encoding="utf-8").splitlines(keepends=True)
    sources.write_text("".join(x for x in lines if not x.lstrip().startswith("date:")))
    model = inputs / "2023-12-13"
    text = (model / "update.md").read_text(encoding="utf-8")
    last = dt.date(2023, 12, 13)
    for week in range(count):
        day = (last - dt.timedelta(weeks=count - 1 - week)).isoformat()
        if day == model.name:
            continue
        folder = inputs / day
        shutil.copytree(model, folder)
        (folder / "update.md").write_text(
            text.replace("cutoff: 2023-12-13", f"cutoff: {day}")
            .replace("published: 2023-12-15\n", "")
            .replace("at 1x Size", f"at 1x Size, Week {week + 1}"),
            encoding="utf-8",
        )


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _timed(command: list[str], root: Path) -> float:
    """Return the wall-clock seconds of ``command`` run in ``root``."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def compare_jobs(editions: int, jobs: int) -> None:
    """Time a cold PDF archive with one process and with ``jobs``; check the bytes agree."""
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        make_inputs(root, editions)
        base = [sys.executable, "-m", "weekly", "archive", "--format", "html,pdf"]
        load = os.getloadavg()
        serial, serial_cpu = _timed([*base, "--jobs", "1", "--output", "serial"], root)
        print(
            f"cold archive, {editions} editions with PDFs, --jobs 1: {serial:.1f} s "
            f"(CPU {serial_cpu:.1f} s)"
        )
        pooled, pooled_cpu = _timed([*base, "--jobs", str(jobs), "--output", "pooled"], root)
        print(
            f"cold archive, {editions} editions with PDFs, --jobs {jobs}: {pooled:.1f} s "
            f"(CPU {pooled_cpu:.1f} s)"
        )
        print(f"ratio --jobs {jobs} / --jobs 1: {pooled / serial:.2f} (target <= 0.6 on 2 cores)")
        same = _digest(root / "serial") == _digest(root / "pooled")
        print(f"outputs identical byte for byte: {'yes' if same else 'NO'}")
        again = [_timed([*base, "--output", "pooled"], root) for _ in range(3)]
        print(
            f"unchanged rebuild ({editions} editions): best {min(again):.2f} s, "
            f"worst {max(again):.2f} s"
        )
        print(
            f"load average before / after: {load[0]:.1f} / {os.getloadavg()[0]:.1f}, "
            f"{os.cpu_count()} CPUs"
        )
        if not same:
            raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=None)
    parser.add_argument("--pdf", action="store_true", help="also print PDFs on the first build")
    parser.add_argument(
        "--jobs-compare",
        action="store_true",
        help="time a cold PDF archive with --jobs 1 against every core (100 editions)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.jobs_compare:
        compare_jobs(args.editions or 100, args.jobs)
        return
    args.editions = args.editions or 52
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
