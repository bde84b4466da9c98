"""How the command line prints: one finding format for every command, colour on a terminal
(NO_COLOR, --color, --no-color), --quiet, "did you mean" and shell completion."""

from __future__ import annotations

import os
import pty
import select
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from support import SRC

UPDATE_MD = "inputs/2023-12-13/update.md"
RED_ERROR = "\x1b[31m\x1b[1merror\x1b[0m"
YELLOW_WARNING = "\x1b[33m\x1b[1mwarning\x1b[0m"
BOLD_PLACE = f"\x1b[1m{UPDATE_MD}:18\x1b[0m"


def broken(edition: Path, old: str, new: str) -> None:
    path = edition / UPDATE_MD
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hedged(edition: Path) -> None:
    """Plant a warning (a hedge off the ICD 203 scale) on line 18."""
    broken(edition, "will likely fail", "will perhaps fail")


# --- one format for every command ------------------------------------------------------


def test_render_prints_a_finding_exactly_as_check_does(edition: Path, weekly) -> None:
    broken(edition, "[@reuters-kidal]", "[@reuters-kidl]")
    hedged(edition)
    checked = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    rendered = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=edition)
    assert (checked.returncode, rendered.returncode) == (2, 2)
    findings = checked.stdout.splitlines()[:-1]  # the last line is the summary
    assert findings == [  # by line, then column: the hedge comes first on line 18
        f"{UPDATE_MD}:18: warning: vague hedge 'perhaps' is not on the ICD 203 scale; say how "
        "likely with almost no chance, very unlikely, unlikely, roughly even chance, likely, "
        "very likely, or almost certainly [W201]",
        f"{UPDATE_MD}:18: error: unknown source 'reuters-kidl'; did you mean 'reuters-kidal'? "
        "[E101]",
    ]
    assert rendered.stderr.splitlines() == [*findings, "weekly: 1 error; nothing written"]


# --- did you mean ----------------------------------------------------------------------


def test_an_unknown_figure_id_suggests_the_closest(edition: Path, weekly) -> None:
    broken(
        edition,
        "key_takeaway:",
        "figures:\n  north-mali:\n    title: North\n    image: figures/n.png\nkey_takeaway:",
    )
    (edition / "inputs/2023-12-13/figures").mkdir()
    (edition / "inputs/2023-12-13/figures/n.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    broken(edition, "- Security forces", '\n{{ figure("north-mail") }}\n\n- Security forces')
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    assert (
        f"{UPDATE_MD}:21: error: unknown figure 'north-mail'; did you mean 'north-mali'? [E201]"
        in result.stdout.splitlines()
    )


def test_an_unknown_series_key_suggests_the_closest(edition: Path, weekly) -> None:
    broken(edition, "series: salafi-jihadi\n", "series: salafi-jihadis\n")
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].endswith("; did you mean 'salafi-jihadi'? [E002]")
    assert "unknown series 'salafi-jihadis' (known: " in result.stderr


def test_no_suggestion_when_nothing_is_close(edition: Path, weekly) -> None:
    broken(edition, "[@reuters-kidal]", "[@zzz]")
    result = weekly("check", "--cutoff", "2023-12-13", cwd=edition)
    assert f"{UPDATE_MD}:18: error: unknown source 'zzz' [E101]" in result.stdout.splitlines()


# --- colour ----------------------------------------------------------------------------


def test_forced_colour_marks_the_level_and_the_place(edition: Path, weekly) -> None:
    hedged(edition)
    broken(edition, "[@reuters-kidal]", "[@nowhere]")
    result = weekly("check", "--cutoff", "2023-12-13", "--color", "always", cwd=edition)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{BOLD_PLACE}: {YELLOW_WARNING}: vague hedge 'perhaps'")
    assert lines[1].startswith(f"{BOLD_PLACE}: {RED_ERROR}: unknown source 'nowhere' ")
    assert lines[1].endswith("\x1b[2m[E101]\x1b[0m")


@pytest.mark.parametrize("flags", [(), ("--no-color",), ("--color", "never")])
def test_no_colour_off_a_terminal_or_when_asked(edition: Path, weekly, flags) -> None:
    hedged(edition)
    result = weekly("check", "--cutoff", "2023-12-13", *flags, cwd=edition)
    assert "warning: vague hedge" in result.stdout
    assert "\x1b[" not in result.stdout + result.stderr


def test_no_color_beats_always_given_last(edition: Path, weekly) -> None:
    hedged(edition)
    result = weekly(
        "check", "--cutoff", "2023-12-13", "--color", "always", "--no-color", cwd=edition
    )
    assert "\x1b[" not in result.stdout


def on_a_terminal(cwd: Path, *args: str, env: dict[str, str]) -> str:
    """Run ``python -m weekly ARGS`` with its standard output and error on a pseudo-terminal."""
    main, child = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(PYTHONPATH=str(SRC), TERM="xterm", **env)
    process = subprocess.Popen(
        [sys.executable, "-m", "weekly", *args],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=child,
        stderr=child,
    )
    os.close(child)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.e2e
def test_a_terminal_gets_colour_unless_no_color_is_set(edition: Path) -> None:
    hedged(edition)
    args = ("check", "--cutoff", "2023-12-13")
    coloured = on_a_terminal(edition, *args, env={"NO_COLOR": ""})  # empty: ignored
    assert YELLOW_WARNING in coloured
    plain = on_a_terminal(edition, *args, env={"NO_COLOR": "1"})
    assert "warning: vague hedge" in plain
    assert "\x1b[" not in plain
    # a flag on the command line wins over the environment (https://no-color.org)
    forced = on_a_terminal(edition, *args, "--color", "always", env={"NO_COLOR": "1"})
    assert YELLOW_WARNING in forced


# --- quiet -----------------------------------------------------------------------------


def test_quiet_render_prints_nothing_on_success(edition: Path, weekly) -> None:
    hedged(edition)
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", "-q", cwd=edition)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert list((edition / "output/2023-12-13").glob("*.html"))


def test_quiet_keeps_the_errors(edition: Path, weekly) -> None:
    hedged(edition)
    broken(edition, "[@reuters-kidal]", "[@nowhere]")
    rendered = weekly("render", "--cutoff", "2023-12-13", "--quiet", cwd=edition)
    assert rendered.returncode == 2
    assert rendered.stderr.splitlines() == [
        f"{UPDATE_MD}:18: error: unknown source 'nowhere' [E101]",
        "weekly: 1 error; nothing written",
    ]
    checked = weekly("check", "--cutoff", "2023-12-13", "--quiet", cwd=edition)
    assert checked.returncode == 2
    assert checked.stdout.splitlines() == [
        f"{UPDATE_MD}:18: error: unknown source 'nowhere' [E101]",
        "1 error, 1 warning",
    ]


def test_quiet_check_with_warnings_only_prints_nothing(edition: Path, weekly) -> None:
    hedged(edition)
    result = weekly("check", "--cutoff", "2023-12-13", "--quiet", cwd=edition)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    strict = weekly("check", "--cutoff", "2023-12-13", "--quiet", "--strict", cwd=edition)
    assert (strict.returncode, strict.stdout) == (1, "")  # the status still tells


def test_quiet_new_prints_nothing(edition: Path, weekly) -> None:
    result = weekly("new", "--cutoff", "2023-12-20", "-q", cwd=edition)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (edition / "inputs/2023-12-20/update.md").is_file()


def test_every_command_but_preview_takes_quiet_and_every_command_colour() -> None:
    from weekly.cli import main

    for name, command in main.commands.items():
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        assert {"--color", "--no-color"} <= options, name
        assert ("--quiet" in options) == (name != "preview"), name


# --- shell completion ------------------------------------------------------------------


def complete(cwd: Path, words: str, index: int) -> list[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "_WEEKLY_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(index),
    }
    result = subprocess.run(
        [sys.executable, "-c", "from weekly.cli import main; main(prog_name='weekly')"],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines()]


@pytest.mark.e2e
def test_completion_offers_commands_and_cutoffs(edition: Path) -> None:
    assert complete(edition, "weekly ren", 1) == ["render"]
    assert complete(edition, "weekly check --cutoff ", 3) == ["latest", "2023-12-13"]
    assert complete(edition, "weekly render --cutoff l", 3) == ["latest"]
    shutil.copytree(edition / "inputs/2023-12-13", edition / "elsewhere/2023-12-20")
    assert complete(edition, "weekly check --inputs elsewhere --cutoff 2", 5) == ["2023-12-20"]


@pytest.mark.e2e
def test_the_documented_bash_script_completes_in_bash(edition: Path, tmp_path: Path) -> None:
    """``eval "$(_WEEKLY_COMPLETE=bash_source weekly)"``, as the docs say, then press Tab."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "weekly"
    launcher.write_text(
        f"#!/bin/sh\nPYTHONPATH={SRC} exec {sys.executable} -c "
        '"from weekly.cli import main; main(prog_name=\'weekly\')" "$@"\n'
    )
    launcher.chmod(launcher.stat().st_mode | stat.S_IXUSR)
    script = (
        'eval "$(_WEEKLY_COMPLETE=bash_source weekly)"\n'
        "COMP_WORDS=(weekly render --cutoff la); COMP_CWORD=3\n"
        "_weekly_completion weekly\n"  # bash passes the command's name
        'echo "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=edition,
        env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "latest", result.stderr


@pytest.mark.slow
def test_quiet_email_dry_run_prints_nothing_and_still_writes(edition: Path, weekly) -> None:
    from support.mail import RECIPIENTS, SERIES

    (edition / "inputs" / "series.yaml").write_text(SERIES, encoding="utf-8")
    (edition / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    args = ("email", "--cutoff", "latest", "--to", "recipients.csv", "--quiet")
    result = weekly(*args, cwd=edition)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert len(list((edition / "inputs/.weekly/mail/2023-12-13").glob("*.eml"))) == 5
    assert not (edition / "output/2023-12-13/mail").exists()  # drafts are private state
