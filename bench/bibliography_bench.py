"""Print how long each bibliography reader takes on one large file (no asserts).

Writes ``--items`` entries (50,000 by default) as CSL-JSON, BibTeX and RIS into a temporary
folder and times :func:`weekly.inputs.bibliography.load.read_file` on each, best of
``--runs``: the reader's parse, the line of every entry, and the entries built.

    .venv/bin/python bench/bibliography_bench.py [--items 50000] [--runs 3] [--formats json,bib,ris]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from weekly.errors import Problems  # noqa: E402
from weekly.inputs.bibliography.load import read_file  # noqa: E402


def csl_json(count: int) -> str:
    items = [
        {
            "id": f"item-{n}",
            "type": "article-newspaper",
            "title": f"Report number {n} on the Sahel",
            "container-title": "Reuters",
            "issued": {"date-parts": [[2023, 11, 1 + n % 28]]},
            "URL": f"https://example.org/{n}",
        }
        for n in range(count)
    ]
    return json.dumps(items, indent=2)


def bibtex(count: int) -> str:
    return "".join(
        f"@article{{item{n},\n  title = {{Report number {n} on the Sahel}},\n"
        f"  journaltitle = {{Reuters}},\n  date = {{2023-11-{1 + n % 28:02d}}},\n"
        f"  url = {{https://example.org/{n}}},\n}}\n\n"
        for n in range(count)
    )


def ris(count: int) -> str:
    return "".join(
        f"TY  - NEWS\nID  - item-{n}\nTI  - Report number {n} on the Sahel\nT2  - Reuters\n"
        f"PY  - 2023/11/{1 + n % 28:02d}/\nUR  - https://example.org/{n}\nER  - \n\n"
        for n in range(count)
    )


WRITERS = {
    "json": ("sources.json", csl_json),
    "bib": ("sources.bib", bibtex),
    "ris": ("sources.ris", ris),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="json,bib,ris")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for fmt in options.formats.split(","):
            name, write = WRITERS[fmt]
            path = Path(folder) / name
            path.write_text(write(options.items), encoding="utf-8")
            times = []
            for _ in range(options.runs):
                problems = Problems()
                start = time.perf_counter()
                sources = read_file(path, False, problems)
                times.append(time.perf_counter() - start)
            assert len(sources) == options.items and not problems.errors, problems.errors[:3]
            size = path.stat().st_size / 2**20
            print(f"{name}: {options.items:,} items ({size:.1f} MiB): best {min(times):.2f} s")


if __name__ == "__main__":
    main()
