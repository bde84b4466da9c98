"""The archive's pipeline: editions rendered while others are still checked, the same bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from support.site_inputs import FILES, PAGES


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _interleaved(tree) -> Path:
    """Three editions where the middle one is of another series: the first edition's next
    page in its series is not known when it is rendered early."""
    files = dict(FILES)
    files["inputs/series.yaml"] = "iran-update:\n  name: Iran Update\n"
    files["inputs/2023-12-06/update.md"] = str(files["inputs/2023-12-06/update.md"]).replace(
        "series: salafi-jihadi", "series: iran-update"
    )
    return tree(files)


def _next_link(page: str) -> list[str]:
    return re.findall(r'<a class="next" rel="next" href="([^"]+)"', page)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_edition_rendered_before_its_neighbour_was_known_links_to_it(
    tree, weekly, jobs: str
) -> None:
    root = _interleaved(tree)
    result = weekly("archive", "--format", "html", "--jobs", jobs, cwd=root)
    assert result.returncode == 0, result.stderr
    first = (root / "output" / PAGES["2023-11-29"]).read_text(encoding="utf-8")
    assert _next_link(first) == [f"../{PAGES['2023-12-13']}"]
    last = (root / "output" / PAGES["2023-12-13"]).read_text(encoding="utf-8")
    assert _next_link(last) == []


def test_pipelined_workers_give_the_bytes_of_a_serial_build(tree, weekly) -> None:
    root = _interleaved(tree)
    for jobs in ("1", "2"):
        result = weekly("archive", "--jobs", jobs, "--output", f"jobs-{jobs}", cwd=root)
        assert result.returncode == 0, result.stderr
    one, two = _digest(root / "jobs-1"), _digest(root / "jobs-2")
    assert sum(name.endswith(".pdf") for name in one) == 3
    assert one == two


def test_an_error_in_a_late_edition_writes_nothing_of_the_early_ones(tree, weekly) -> None:
    files = dict(FILES)
    files["inputs/2023-12-13/update.md"] = "no front matter\n"
    root = tree(files)
    result = weekly("archive", "--jobs", "2", cwd=root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert not (root / "output").exists()
