"""Check an assembled update the way an editor would (placeholder until the checks land)."""

from __future__ import annotations

from weekly.assemble import Update
from weekly.errors import Problems


def review(update: Update, problems: Problems) -> None:
    """Record the editor's findings about ``update`` in ``problems``."""
    return None
