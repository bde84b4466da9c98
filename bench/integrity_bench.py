"""Time ``weekly check`` on a 10-edition series, before and after the integrity rules (issue 29).

Run: python bench/integrity_bench.py [--editions N] [--rounds R] [--base COMMIT]
The series is ten weekly copies of the typical 1× edition (bench/editions.py: 3,000 words, 50
notes, charts, a map, facts) ending 2023-12-13, built in a temporary folder
(``archive_bench.make_typical_inputs``): each copy differs from the week before only in its
dates, so every rule reads every block and compares it with last week's. ``weekly check --cutoff latest`` runs as a user runs it
(``python -m weekly``, start-up included), alternately with the source of ``--base`` (exported
with ``git archive``: the code before the rules) and this worktree's, ``--rounds`` times each;
the medians are compared. The target: after ≤ 1.2× before.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from archive_bench import make_typical_inputs  # noqa: E402


def _export(commit: str, into: Path) -> Path:
    """Write the ``src`` tree of ``commit`` into ``into``; return its ``src`` folder."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def _check(src: Path, root: Path) -> tuple[float, float, str]:
    """Return the wall-clock and CPU seconds of one ``weekly check`` and its summary line."""
    env = {**os.environ, "PYTHONPATH": str(src), "MPLCONFIGDIR": str(root / "mpl")}
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "weekly", "check", "--cutoff", "latest"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
    if done.returncode not in (0, 1, 2) or done.stderr:
        raise SystemExit(f"weekly check failed:\n{done.stderr}")
    return seconds, cpu, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--editions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--base", default="17f8063", help="the commit before the rules")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "series"
        make_typical_inputs(root, args.editions)
        base = _export(args.base, Path(tmp))
        here = ROOT / "src"
        for src in (base, here):  # warm the events cache and the memo once
            _check(src, root)
        times: dict[str, list[float]] = {"before": [], "after": []}
        cpus: dict[str, list[float]] = {"before": [], "after": []}
        summaries = {}
        for _ in range(args.rounds):
            for name, src in (("before", base), ("after", here)):
                seconds, cpu, summaries[name] = _check(src, root)
                times[name].append(seconds)
                cpus[name].append(cpu)
    print(f"{args.editions} editions, weekly check --cutoff latest, median of {args.rounds}")
    for name in ("before", "after"):
        wall, cpu = statistics.median(times[name]), statistics.median(cpus[name])
        print(f"  {name:<6} wall {wall:.2f} s, CPU {cpu:.2f} s  {summaries[name]}")
    for label, values in (("wall", times), ("CPU", cpus)):
        ratio = statistics.median(values["after"]) / statistics.median(values["before"])
        print(f"  {label}: after / before = {ratio:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
