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


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("check", "--cutoff", "2023-12-13", "--format", "json"),
        ("check", "--cutoff", "2023-12-13", "--strict"),
        ("render", "--cutoff", "2023-12-13", "--format", "html", "--draft"),
        ("render", "--cutoff", "2023-12-20"),
        ("render", "--cutoff", "2023-12-13", "--format", "docx"),
    ],
    ids=" ".join,
)
def test_the_in_process_runner_answers_as_a_real_process(edition: Path, args) -> None:
    from support import run_in_process, run_weekly

    update = edition / "inputs/2023-12-13/update.md"
    update.write_text(update.read_text(encoding="utf-8") + "\n- An uncited bullet.\n")
    real = run_weekly(*args, cwd=edition)
    here = run_in_process(*args, cwd=edition)
    assert (here.returncode, here.stdout) == (real.returncode, real.stdout)
    # Usage errors name the program as it was started ('python -m weekly' or 'weekly').
    assert here.stderr == real.stderr.replace("python -m weekly", "weekly")
