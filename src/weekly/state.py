"""Shared: the private state folder, where everything that is not for readers is kept.

``output/`` is what a web server publishes, so nothing private may live there. The draft
pages (placeholders and open review comments), the mail drafts (every subscriber's address), the delivery ledger, its lock and the suppression list
live in the state folder instead: ``inputs/.weekly/`` by default, beside the inputs they
belong to and the cache (``inputs/.weekly-cache/``), or wherever ``--state`` or the
environment variable ``WEEKLY_STATE`` say. :func:`state_dir` is the one answer to "where
is the state folder for these inputs"; every other module asks it.

The folder is made on first use with a ``.gitignore`` of ``*``, so an inputs folder kept
in git never commits a subscriber list by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

#: The environment variable naming the state folder (``--state`` wins over it).
STATE_ENV = "WEEKLY_STATE"
#: The state folder's name under the inputs, when neither ``--state`` nor the variable says.
DEFAULT_NAME = ".weekly"
#: What the ``.gitignore`` made in a new state folder holds.
GITIGNORE = (
    "# weekly's private state: draft pages, mail drafts, delivery ledgers, suppressions.\n*\n"
)


def state_dir(
    inputs: Path, state: Path | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Return the state folder for ``inputs``: ``state``, else ``$WEEKLY_STATE``, else ``inputs/.weekly``."""
    if state is not None:
        return state
    environ = os.environ if environ is None else environ
    named = environ.get(STATE_ENV, "")
    return Path(named) if named else inputs / DEFAULT_NAME


def ensure(state: Path) -> Path:
    """Make ``state`` (with its ``.gitignore``) when it does not exist yet; return it."""
    state.mkdir(parents=True, exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return state


def mail_folder(state: Path, key: str) -> Path:
    """Return where edition ``key``'s drafts, ledger and sending lock live."""
    return state / "mail" / key


def drafts_folder(state: Path, key: str) -> Path:
    """Return where edition ``key``'s draft page and the figures it shows are written.

    A draft carries placeholders and the team's open review comments, so it is never
    written under the output folder (``weekly render --draft``, ``weekly preview``).
    """
    return state / "drafts" / key


def suppression_path(state: Path) -> Path:
    """Return the suppression list: addresses that unsubscribed, one a line."""
    return state / "suppressed.txt"


def legacy_mail_folder(output: Path, key: str) -> Path:
    """Return where versions before the state folder kept edition ``key``'s mail."""
    return output / key / "mail"
