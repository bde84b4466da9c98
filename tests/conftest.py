"""The suite's fixtures, each a thin wrapper over :mod:`support` (where the helpers and
inputs live), and the hook that marks browser and SMTP tests.

Every helper a test needs is imported from ``support``; a test never imports this file or
another test file (``tests/test_suite_shape.py`` checks). A fixture whose meaning differs per
module (``project``: the edition with mail settings, or as the working directory) is defined
in that module, over a helper of ``support``.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support import (
    SOURCES,
    SRC,
    UNSUBSCRIBE_SECRET,
    UPDATE,
    checkers,
    mail,
    preview,
    run_in_process,
    run_weekly,
    write_tree,
)
from support import browser as chromium

# A process pool's forkserver imports its preloaded modules (weekly.render.pdf …) before it
# applies this process's sys.path, so it would find whichever weekly is installed: give it
# (and every child) this checkout's src first, as run_weekly does.
os.environ["PYTHONPATH"] = os.pathsep.join(
    part for part in (str(SRC), os.environ.get("PYTHONPATH", "")) if part
)


@pytest.fixture(autouse=True)
def unsubscribe_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """Set the unsubscribe secret, as a desk that mails sets it; a test may delete it."""
    monkeypatch.setenv("WEEKLY_UNSUBSCRIBE_SECRET", UNSUBSCRIBE_SECRET)
    monkeypatch.delenv("WEEKLY_STATE", raising=False)
    return UNSUBSCRIBE_SECRET


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


@pytest.fixture
def smtp() -> Iterator[tuple[mail.Handler, int]]:
    """A plain SMTP server on 127.0.0.1: (handler, port)."""
    with mail.smtp_server(mail.Handler()) as served:
        yield served


@pytest.fixture
def tls_smtp(tmp_path: Path) -> Iterator[tuple[mail.Handler, int, Path]]:
    """An SMTP server requiring STARTTLS (a CA made here) and a login: (handler, port, CA file)."""
    with mail.tls_smtp_server(tmp_path) as served:
        yield served


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package, one per test process (each test opens its own
    context: no cookie, storage or cache crosses tests); missing is a failure."""
    with chromium.chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab, short enough that the draft scrolls."""
    context = browser.new_context(viewport={"width": 1000, "height": 600})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script; missing node_modules is a failure that says how to fix it."""
    return checkers.axe_script()


@pytest.fixture
def preview_project(edition: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small edition, as the working directory (paths print relative)."""
    monkeypatch.chdir(edition)
    return edition


@pytest.fixture
def serve(preview_project: Path) -> Iterator[Callable[..., Any]]:
    """Return a function starting a preview of 2023-12-13 on a free port; stop it after."""
    with preview.previews() as start:
        yield start


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
