"""Golden HTML of the bundled example editions.

Regenerate after an intended change with ``make golden`` (that is,
``WEEKLY_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py``) and review the diff.
The golden files leave out the text of the inlined stylesheet, so a CSS change does not
rewrite them; :func:`test_the_page_inlines_the_whole_stylesheet` checks that text instead.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest

from support import run_in_process

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
EDITIONS = sorted(p.name for p in (ROOT / "inputs").iterdir() if p.is_dir() and p.name[:2] == "20")
STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.DOTALL)
#: What the golden files hold in place of the stylesheet's text.
STYLE_LEFT_OUT = "/* the inlined stylesheet, left out of golden files */"


def without_stylesheet(html: str) -> str:
    """Return ``html`` with the text of every ``<style>`` element replaced by a placeholder."""
    return STYLE.sub(lambda m: m[1] + STYLE_LEFT_OUT + m[3], html)


def render_example(name: str, tmp_path: Path) -> str:
    """Render example edition ``name`` to HTML; return the page."""
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    result = run_in_process("render", "--cutoff", name, "--format", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (page,) = (tmp_path / "output" / name).glob("*.html")
    return page.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EDITIONS)
def test_example_edition_matches_golden_html(name: str, tmp_path: Path) -> None:
    golden = GOLDEN / f"{name}.html"
    actual = without_stylesheet(render_example(name, tmp_path))
    if os.environ.get("WEEKLY_REGENERATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), str(golden), "rendered", lineterm="", n=2
        )
        pytest.fail(
            "HTML differs from the golden file (make golden to accept):\n"
            + "\n".join(list(diff)[:80])
        )


def test_every_example_edition_has_a_golden_file() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.html")) == EDITIONS


def test_the_page_inlines_the_whole_stylesheet(tmp_path: Path) -> None:
    html = render_example(EDITIONS[0], tmp_path)
    css = (ROOT / "reports" / "templates" / "style.css").read_text(encoding="utf-8")
    assert [m[2] for m in STYLE.finditer(html)] == [f"\n{css}\n"]


def test_golden_files_leave_out_only_the_stylesheet() -> None:
    for golden in GOLDEN.glob("*.html"):
        text = golden.read_text(encoding="utf-8")
        assert [m[2] for m in STYLE.finditer(text)] == [STYLE_LEFT_OUT]
        assert without_stylesheet(text) == text
