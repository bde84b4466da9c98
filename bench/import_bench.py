"""Print how long ``weekly import`` takes as a draft's notes grow (no asserts).

Builds Word drafts with 1,000, 4,000 and 10,000 footnotes (articles, subscription items,
urls, SIGACT lines and repeats of each, as real drafts mix them) and one draft whose single
note is 1 MB of text with an unclosed “ and many "; ". Each draft is imported into an empty
``inputs/`` in this process, ``--runs`` times; the median wall time is printed. ``--src``
times another checkout's importer (how the "before" figures of bench/RESULTS.md were taken).

    .venv/bin/python bench/import_bench.py [--runs 3] [--notes 1000,4000,10000] [--src DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def note(number: int) -> str:
    """Return the text of footnote ``number``: a mix of forms, with repeats."""
    kind = number % 5
    base = number // 2  # every source is cited twice
    if kind == 0:
        return f"Reuters, “Attack Number {base} in Mali,” November 6, 2023, https://www.reuters.com/a/{base}"
    if kind == 1:
        return (
            f"SITE Intelligence Group, “JNIM Claims Attack {base},” October 3, 2023, "
            "available by subscription at www.siteintelgroup.com"
        )
    if kind == 2:
        return f"https://www.example.org/2023/11/0{1 + base % 9}/report-{base}"
    if kind == 3:
        return "Author’s database of significant activities (SIGACTs) in Mali, 2023."
    return f"Agence Nouakchott; https://www.ani.mr/item/{base}; “Unclosed quote {base}"


def draft(notes: list[str], path: Path) -> Path:
    """Write a draft citing ``notes``, one lead paragraph per ten notes."""
    from support.docx_shapes import Docx, para, run

    doc = Docx()
    doc.add(
        para(run("Africa File, November 8, 2023: A Long Draft"), style="Title"),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("Key Takeaway: ", bold=True), run("Mali. A long week.")),
    )
    for start in range(0, len(notes), 10):
        marks = [doc.footnote(text) for text in notes[start : start + 10]]
        doc.add(para(run("A lead judgment. ", bold=True), run("Words."), *marks))
    return doc.save(path)


def timed(path: Path, runs: int) -> float:
    try:
        from weekly.authoring.edition import import_draft
    except ImportError:  # a checkout from before the importer became weekly.authoring
        from weekly.importer.edition import import_draft  # type: ignore[no-redef]

    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            inputs = Path(folder) / "inputs"
            inputs.mkdir()
            start = time.perf_counter()
            import_draft(path, inputs)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--notes", default="1000,4000,10000")
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--skip-long-note", action="store_true")
    args = parser.parse_args()
    sys.path[:0] = [str(args.src), str(ROOT / "tests")]
    with tempfile.TemporaryDirectory() as folder:
        print("| draft | median |\n|---|---:|")
        for count in [int(n) for n in args.notes.split(",") if n]:
            path = draft([note(n) for n in range(1, count + 1)], Path(folder) / f"{count}.docx")
            print(f"| {count:,} footnotes | {timed(path, args.runs):.2f} s |", flush=True)
        if not args.skip_long_note:
            body = "; ".join(f"part {n} of a very long note" for n in range(40_000))
            long = "“" + body[:1_000_000]
            path = draft([long], Path(folder) / "long.docx")
            print(f"| one 1 MB note, unclosed “ | {timed(path, args.runs):.2f} s |", flush=True)


if __name__ == "__main__":
    main()
