"""Shared fixtures: a dict of files written into a temporary inputs tree, and the CLI."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
# The pool's fork server (Python 3.11) imports its preloaded modules before it applies the
# test process's sys.path: without this, in a second checkout sharing a virtualenv, the
# workers would run the installed copy of weekly rather than this one.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p
)

SOURCES = """\
sigact:
  text: Author’s database of significant activity (SIGACT). Available by request.
  short: Author’s database of SIGACTs. Available by request.
acled-dashboard:
  url: https://acleddata.com/dashboard/#/dashboard
  date: 2023-12-12
site-jnim-2023-11-24:
  publisher: SITE Intelligence Group
  title: JNIM Bombs FAMa and Wagner Vehicles in Mali, Attacks VDP Positions in Burkina Faso
  date: 2023-11-24
  subscription: www.siteintelgroup.com
tamani-bandiagara:
  url: https://www.studiotamani.org/151388-insecurite-a-bandiagara
  link: false
reuters-kidal:
  publisher: Reuters
  title: Mali army says it has taken control of rebel stronghold Kidal
  date: 2023-11-14
  url: https://www.reuters.com/world/africa/mali-army-kidal-2023-11-14/
"""

UPDATE = """\
---
series: salafi-jihadi
headline: Al Qaeda Strengthens in Central Mali
authors: [Liam Karr]
cutoff: 2023-12-13 10:00
published: 2023-12-15
notices:
  - CTP has paused the Afghanistan and Pakistan sections for the holidays.
key_takeaway: >-
  Al Qaeda–linked militants are attacking central Mali more often.
---

**JNIM is attacking central Mali more often.** The group struck at least 16 times since November 19.[@sigact]

- It claimed a bombing of a convoy.[@site-jnim-2023-11-24; @tamani-bandiagara]
- Security forces pulled back.[@acled-dashboard]

**Security forces will likely fail to protect civilians.** Reuters reported the army's move north.[@reuters-kidal]
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; return ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(
                textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8"
            )
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Return a function writing a dict of files into ``tmp_path``."""

    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path, files)

    return make


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """Write a small valid edition (2023-12-13) and return the project folder."""
    return write_tree(
        tmp_path, {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": UPDATE}
    )


def run_weekly(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m weekly ARGS`` in ``cwd`` as a user would, capturing its output."""
    environment = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "weekly", *map(str, args)],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_script(cwd: Path, script: str) -> str:
    """Run ``script`` in a fresh Python process in ``cwd``; return what it printed.

    Only ``src`` is importable and nothing of the test process is loaded, so the script
    can tell which modules a step imports.
    """
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "MPLCONFIGDIR": str(cwd)},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()


def run_in_process(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``weekly ARGS`` in this process with click's runner, as :func:`run_weekly` would.

    Same arguments, same result: exit status, stdout and stderr apart. An exception the
    command lets escape is written to stderr as a traceback, as Python would print it, so
    a test that asserts there is none still sees it.
    """
    import traceback

    from click.testing import CliRunner

    from weekly.cli import main
    from weekly.events import table
    from weekly.render import html

    def forget() -> None:
        # What a fresh process would not have, and should not leave behind: template
        # environments keyed by folders relative to the working directory, and the
        # events tables read by a command.
        html.environment.cache_clear()
        table._TABLES.clear()

    argv = [str(arg) for arg in args]
    forget()
    try:
        with contextlib.chdir(cwd):
            result = CliRunner().invoke(main, argv, env=env, prog_name="weekly")
    finally:
        forget()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, stderr)


@pytest.fixture
def weekly(request: pytest.FixtureRequest) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Return a runner of ``weekly ARGS``: in this process, or in its own with ``e2e``.

    A test marked ``@pytest.mark.e2e`` runs ``python -m weekly`` exactly as a user does
    (:func:`run_weekly`); every other test calls the CLI in-process
    (:func:`run_in_process`), which gives the same output a second sooner.
    """
    if request.node.get_closest_marker("e2e"):
        return run_weekly
    return run_in_process


#: Fixtures that make a test a ``browser`` or an ``smtp`` test, wherever it lives.
MARKING_FIXTURES = {"page": "browser", "browser": "browser", "smtp": "smtp", "tls_smtp": "smtp"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by the fixtures they use (a Playwright page, an SMTP server), and every
    ``e2e`` test ``slow``, so ``-m "not browser and not smtp and not slow"`` is the fast lane."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        for fixture, marker in MARKING_FIXTURES.items():
            if fixture in names:
                item.add_marker(marker)
        if item.get_closest_marker("e2e"):
            item.add_marker("slow")
