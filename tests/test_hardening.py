"""Repros of the second adversarial pass: each hostile input is refused in one line, never obeyed."""

from __future__ import annotations

from pathlib import Path

from site_inputs import FILES


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


# --- series keys ------------------------------------------------------------------------


def test_a_series_key_that_is_not_a_slug_is_refused_before_anything_is_written(
    tree, weekly
) -> None:
    files = dict(FILES)
    files["inputs/series.yaml"] = 'brief:\n  name: Brief\n"../../../ESCAPED":\n  name: Escaped\n'
    text = str(files["inputs/2023-11-29/update.md"]).replace(
        "series: salafi-jihadi", "series: ../../../ESCAPED"
    )
    files["inputs/2023-11-29/update.md"] = text
    root = tree({f"project/{name}": content for name, content in files.items()}) / "project"
    before = _files(root.parent)
    result = weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "inputs/series.yaml:3: series key '../../../ESCAPED' must be a slug: lower-case "
        "letters, digits and hyphens (like gulf-brief)"
    ) in result.stderr
    written = _files(root.parent) - before
    assert not [name for name in written if "ESCAPED" in name]
    assert not [name for name in written if not name.startswith("project/")]
