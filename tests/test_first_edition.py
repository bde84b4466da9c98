"""docs/guide/first-edition.md works: its commands run, in order, in a fresh folder.

The page is the test's script. Its ``sh`` blocks are run one command at a time (``weekly``
as ``python -m weekly``), a ``yaml`` block replaces the front matter lines it names (a block
of one ``# REVIEW:`` comment is that marker, and every copy of it is deleted), its
``markdown`` block is the body written, and a ``text`` block after a command is that command's
exact output. Two setup commands cannot run inside a test and are checked instead: ``make
demo`` is the Makefile's runtime setup followed by its render, which is run; ``. .venv/bin/
activate`` needs the environment that runs these tests to be a virtual environment.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT, SRC

PAGE = ROOT / "docs" / "guide" / "first-edition.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def blocks() -> list[tuple[str, str]]:
    """Return the page's fenced blocks, in order, as (language, text)."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(PAGE.read_text(encoding="utf-8"))]


def run(cwd: Path, command: str) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    assert words[0] == "weekly", command
    return subprocess.run(
        [sys.executable, "-m", "weekly", *words[1:]],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=600,
    )


def demo_commands() -> list[str]:
    """Return the weekly commands of the Makefile's ``demo`` target (after its setup)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^demo: (.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert target, "the Makefile has no demo target"
    assert target.group(1).split() == ["setup-runtime"]  # the runtime only, no test tools
    assert re.search(r"^setup-runtime:\n\tbash scripts/setup.sh --runtime$", makefile, re.M)
    recipe = [line.strip() for line in target.group(2).splitlines()]
    return [line.replace("$(VENV)/bin/weekly", "weekly") for line in recipe if "/weekly " in line]


def write_front_matter(update: Path, yaml_block: str) -> None:
    text = update.read_text(encoding="utf-8")
    if yaml_block.strip().startswith("# REVIEW:"):  # the marker to delete, wherever it is
        assert yaml_block.count("\n") == 1, "a marker block holds the one marker line"
        assert yaml_block in text, "update.md has no such REVIEW line"
        update.write_text(text.replace(yaml_block, ""), encoding="utf-8")
        return
    for line in yaml_block.strip().splitlines():
        key = line.split(":", 1)[0]
        text, count = re.subn(rf"^{key}:.*$", lambda _, new=line: new, text, count=1, flags=re.M)
        assert count == 1, f"update.md has no '{key}:' line to replace"
    update.write_text(text, encoding="utf-8")


def write_body(update: Path, body: str) -> None:
    update.write_text(update.read_text(encoding="utf-8") + "\n" + body, encoding="utf-8")


@pytest.mark.e2e
def test_the_first_edition_page_works_as_written(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    update = tmp_path / "inputs" / "2023-12-20" / "update.md"
    ran = []
    found = blocks()
    for index, (language, text) in enumerate(found):
        if language == "yaml":
            write_front_matter(update, text)
        elif language == "markdown":
            write_body(update, text)
        if language != "sh":
            continue
        following = found[index + 1] if index + 1 < len(found) else ("", "")
        expected = following[1] if following[0] == "text" else None
        for command in text.strip().splitlines():
            if command == "make demo":
                for line in demo_commands():
                    result = run(tmp_path, line)
                    assert result.returncode == 0, (line, result.stderr)
                assert list((tmp_path / "output" / "2023-12-13").glob("*.pdf"))
            elif command == ". .venv/bin/activate":
                assert sys.prefix != sys.base_prefix  # the tests run in the virtual environment
                assert (Path(sys.prefix) / "bin" / "activate").is_file()
            else:
                result = run(tmp_path, command)
                assert result.returncode == 0, (command, result.stdout, result.stderr)
                assert result.stderr == "", command  # no warnings either
                if expected is not None:
                    assert result.stdout == expected, command
            ran.append(command)
    assert ran == [
        "make demo",
        ". .venv/bin/activate",
        "weekly new --cutoff 2023-12-20",
        "weekly check --cutoff 2023-12-20",
        "weekly render --cutoff 2023-12-20",
    ]
    folder = tmp_path / "output" / "2023-12-20"
    html = next(folder.glob("*.html")).read_text(encoding="utf-8")
    assert "JNIM Keeps Up the Pressure in Central Mali" in html
    assert next(folder.glob("*.pdf")).read_bytes().startswith(b"%PDF-")


def test_every_command_quoted_in_the_text_parses() -> None:
    """The commands quoted inline (``weekly preview --cutoff …``) name real options."""
    from weekly.cli import main

    text = FENCE.sub("", PAGE.read_text(encoding="utf-8"))
    quoted = [c for c in re.findall(r"`(weekly [^`]+)`", text) if " -" in c]
    assert quoted
    for command in quoted:
        name, *args = shlex.split(command)[1:]
        assert name in main.commands, command
        main.commands[name].make_context(name, args, resilient_parsing=False)
