"""End-to-end renders through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


@pytest.mark.e2e
def test_render_writes_html_and_pdf(edition: Path, weekly) -> None:
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 0, result.stderr
    folder = edition / "output" / "2023-12-13"
    assert (folder / f"{SLUG}.html").is_file()
    assert (folder / f"{SLUG}.pdf").read_bytes().startswith(b"%PDF-")
    assert f"wrote output/2023-12-13/{SLUG}.html" in result.stdout
