"""The outside checkers pages are held to: axe-core (in Chromium) and the Nu HTML checker.

Both come from ``node_modules`` (``npm ci`` at the repository root, run by
``scripts/setup.sh``); a missing one is a failure that says how to fix it, never a skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import weakref
from pathlib import Path
from typing import Any

import pytest

from support import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The rule sets every page is checked against: WCAG 2.1 A and AA, and axe's best practice.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
#: What axe reports in full: every violation, every node of it. Passes and incomplete checks
#: come back as one node a rule, which is all a test reads of them (that axe ran at all), and
#: costs about half the CPU of a full report.
RESULT_TYPES = ["violations"]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


#: A short run of the checker: the quick compiler only, the simple collector (half the CPU of
#: Java's defaults for a dozen pages), and the thread stack the checker asks for.
JAVA_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss4m")


def axe_script() -> str:
    """Return the axe-core script."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} not found: run `npm ci` at the repository root (scripts/setup.sh does)")
    return AXE.read_text(encoding="utf-8")


#: One tab per browser for :func:`axe`: opening a tab starts a renderer process (about 0.35 s
#: of CPU), loading a file into an open one costs a tenth of that. The pages axe checks are
#: static files that keep no cookie or storage, so one page's visit cannot change the next.
_axe_tabs: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def axe(chromium: Any, axe_source: str, page_file: Path) -> dict[str, Any]:
    """Return axe's results for ``page_file`` opened in Chromium (1280 by 900 px)."""
    tab = _axe_tabs.get(chromium)
    if tab is None or tab.is_closed():
        tab = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
        _axe_tabs[chromium] = tab
    tab.goto(page_file.as_uri())
    tab.add_script_tag(content=axe_source)
    return tab.evaluate(  # type: ignore[no-any-return]
        "([tags, types]) => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: types})",
        [TAGS, RESULT_TYPES],
    )


def described(violations: list[dict[str, Any]]) -> str:
    """Return axe's violations one a line: rule, impact, help and the first five targets."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


def nu_messages(files: list[Path]) -> list[dict[str, object]]:
    """Run the Nu checker once over ``files``; return its messages (JSON format)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java not found: apt-get install default-jre-headless (scripts/setup.sh does)")
    if not VNU.is_file():
        pytest.fail(f"{VNU} not found: run `npm ci` at the repository root (scripts/setup.sh does)")
    done = subprocess.run(
        [
            java,
            *JAVA_FLAGS,
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return list(json.loads(done.stderr)["messages"])
