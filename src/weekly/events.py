"""Query the SIGACT events table (placeholder until the events stage lands)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weekly.edition import Edition
from weekly.errors import Problems


def body_helpers(edition: Edition, problems: Problems) -> Mapping[str, Any]:
    """Return the names the body template may use for ``edition``."""
    return {}
