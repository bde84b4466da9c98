"""Headless Chromium (Debian's package, driven by Playwright) for the browser tests.

A missing Chromium is a failure that says how to install it, never a skip.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: How long ``expect`` waits for a page to reach the state a test asks for.
EXPECT_TIMEOUT_MS = 15_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch headless Chromium; close it after. Fails the test when Chromium is missing."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium; scripts/setup.sh does)"
        )
    from playwright.sync_api import expect, sync_playwright

    # A page that follows the server live (comments, reloads) answers in well under a second
    # on an idle machine; two test workers and Chromium sharing two cores can take longer.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
