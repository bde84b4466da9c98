"""Draw figures from the events table (placeholder until the events stage lands)."""

from __future__ import annotations

from weekly.edition import Edition
from weekly.figures import ChartDrawer


def drawer(edition: Edition) -> ChartDrawer | None:
    """Return the chart drawer of ``edition``."""
    return None
