"""What the tests share: the small edition's inputs, writing a tree of files, and the CLI
run in a process of its own or in this one.

The suite's one support package (as Pelican's ``tests/support.py``): helpers and inputs live
here and in its modules (``support.mail``, ``support.browser`` …); ``conftest.py`` holds only
fixtures that wrap them; a test file never imports another test file.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
#: The tests' data files (golden pages, masthead editions, …).
TESTS = ROOT / "tests"
#: The slug of the small edition of 2023-12-13.
SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"

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


#: The small edition with two region sections (Mali, Somalia) and their takeaways.
UPDATE_WITH_REGIONS = UPDATE.replace(
    "key_takeaway: >-\n  Al Qaeda–linked militants are attacking central Mali more often.\n",
    "key_takeaways:\n  Mali: Mali. JNIM attacks more often.\n  Somalia: Somalia. Al Shabaab holds.\n",
).replace(
    "\n**JNIM is attacking", "\n## Mali\n\n**JNIM is attacking"
).replace(
    "\n**Security forces will", "\n## Somalia\n\n**Security forces will"
)  # fmt: skip


#: The secret signed unsubscribe links use in the tests (``WEEKLY_UNSUBSCRIBE_SECRET``).
UNSUBSCRIBE_SECRET = "test-secret-not-for-production"


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
    from weekly.render import html

    def forget() -> None:
        # What a fresh process would not have, and should not leave behind: template
        # environments keyed by folders relative to the working directory. (What a command
        # reads lives in its own weekly.caches.Caches and goes when the command ends.)
        html.environment.cache_clear()

    argv = [str(arg) for arg in args]
    forget()
    try:
        with contextlib.chdir(cwd):
            # Worker processes (the forkserver of --jobs) import weekly afresh: from this
            # checkout's src, as this process does, not from wherever the venv points.
            checkout = {"PYTHONPATH": str(SRC), **(env or {})}
            result = CliRunner().invoke(main, argv, env=checkout, prog_name="weekly")
    finally:
        forget()
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(argv, result.exit_code, result.stdout, stderr)


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` with ``new`` in ``path``, as an editor's save would."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
