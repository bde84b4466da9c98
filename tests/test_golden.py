"""Golden HTML of the bundled example editions.

Regenerate after an intended change with ``make golden`` (that is,
``WEEKLY_REGENERATE_GOLDEN=1 python -m pytest tests/test_golden.py``) and review the diff.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from conftest import run_weekly

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
EDITIONS = sorted(p.name for p in (ROOT / "inputs").iterdir() if p.is_dir() and p.name[:2] == "20")


@pytest.mark.parametrize("name", EDITIONS)
def test_example_edition_matches_golden_html(name: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    result = run_weekly("render", "--cutoff", name, "--format", "html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (page,) = (tmp_path / "output" / name).glob("*.html")
    golden = GOLDEN / f"{name}.html"
    actual = page.read_text(encoding="utf-8")
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
