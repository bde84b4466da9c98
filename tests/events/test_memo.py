"""The memo of facts and charts: same output, no pandas on an unchanged table, never stale."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pytest

from support import run_script
from support.events import (
    chart_edition,
    held_out_rows,
    memo_edition,
    render_errors,
    table,
)
from weekly.events.memo import MEMO_VERSION

SCRIPT = """\
import sys
from pathlib import Path
from weekly import pipeline as build
build.render(Path("inputs"), Path("output"), "2023-12-13", ("html",))
print("pandas" in sys.modules, "pyarrow" in sys.modules, "matplotlib" in sys.modules)
"""


def render_html(root: Path) -> tuple[str, str]:
    """Render to HTML in a fresh process; return (imports seen, the HTML)."""
    imports = run_script(root, SCRIPT)
    html = next((root / "output/2023-12-13").glob("*.html")).read_text(encoding="utf-8")
    return imports, html


def render_html_here(root: Path) -> str:
    """Render to HTML in this process (when what it imports does not matter); return it."""
    from weekly import pipeline

    with contextlib.chdir(root):
        rendered = pipeline.render(Path("inputs"), Path("output"), "2023-12-13", ("html",))
        page = next(p for p in rendered.written if p.suffix == ".html")
        return page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_second_render_is_identical_and_reads_no_table(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    imports, first = render_html(root)
    assert imports == "True True True"
    assert (root / "inputs/.weekly-cache/memo.json").is_file()
    imports, second = render_html(root)
    assert imports == "False False False"
    assert second == first
    assert "JNIM struck 16 times." in second


@pytest.mark.slow
def test_a_changed_table_is_read_again(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    render_html(root)
    rows = [*held_out_rows(), ["2023-12-12", "Battles", "JNIM", "Segou", "Niono", 40, "Mali"]]
    events_csv = root / "inputs/events.csv"
    events_csv.write_text(table(rows), encoding="utf-8")
    stat = events_csv.stat()  # even within the same clock tick: the size differs
    os.utime(events_csv, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    imports, html = render_html(root)
    assert imports.startswith("True True")
    assert "JNIM struck 17 times." in html


@pytest.mark.slow
def test_a_missing_memo_svg_draws_the_chart_again(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    _, first = render_html(root)
    for svg in (root / "inputs/.weekly-cache/memo").glob("*.svg"):
        svg.unlink()
    imports, second = render_html(root)
    assert imports.startswith("True True")
    assert second == first


def test_a_garbled_memo_is_ignored(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    first = render_html_here(root)
    (root / "inputs/.weekly-cache/memo.json").write_text("{not json", encoding="utf-8")
    second = render_html_here(root)
    assert second == first
    saved = json.loads((root / "inputs/.weekly-cache/memo.json").read_text())
    assert saved["version"] == MEMO_VERSION


def test_errors_are_never_remembered(tmp_path: Path, weekly) -> None:
    figure = "  pace:\n    title: A Chart\n    chart: weekly\n    where: {actor1: Nobody}\n"
    root = chart_edition(tmp_path, figure)
    first = render_errors(root, weekly)
    assert "no events to chart" in first[0]
    assert render_errors(root, weekly) == first


def test_a_bad_fact_is_reported_every_time(tmp_path: Path, weekly) -> None:
    root = memo_edition(tmp_path)
    render_html_here(root)
    update = root / "inputs/2023-12-13/update.md"
    text = update.read_text(encoding="utf-8")
    update.write_text(text.replace('actor1="JNIM"', 'actor9="JNIM"'), encoding="utf-8")
    runs = [weekly("render", "--cutoff", "2023-12-13", cwd=root) for _ in range(2)]
    assert [run.returncode for run in runs] == [2, 2]
    assert "unknown events column 'actor9'" in runs[0].stderr
    assert runs[1].stderr == runs[0].stderr


PREVIEW = """\
import sys
from pathlib import Path
from weekly.preview import serve as preview
page = preview.Preview(Path("inputs"), "2023-12-13").build()
assert not page.errors, page.errors
print("pandas" in sys.modules, "matplotlib" in sys.modules)
"""


@pytest.mark.slow
def test_preview_builds_take_facts_and_charts_from_the_memo(tmp_path: Path) -> None:
    root = memo_edition(tmp_path)
    render_html(root)  # fills the memo
    assert run_script(root, PREVIEW) == "False False"


def test_every_events_module_and_the_map_data_join_the_stamp() -> None:
    from weekly.events import memo

    package = Path(memo.__file__).parents[1]
    stamped = {p.relative_to(package).as_posix() for p in memo.code_files()}
    events = {p.relative_to(package).as_posix() for p in (package / "events").rglob("*.py")}
    assert events <= stamped
    assert {"events/table.py", "events/plots.py", "apstyle.py"} <= stamped
    assert {"data/sahel-admin1.geojson", "data/sahel-places.csv"} <= stamped
