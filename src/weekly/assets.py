"""Inputs: the files a figure shows, and the type of what draws a chart from the events table.

A chart is drawn in the events stage and placed in the resolve stage, and the render stage
writes its file: :class:`Asset`, :class:`Chart` and :data:`ChartDrawer` are shared by all
three, so they live here, at the end of the inputs stage, below every one of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from weekly.errors import Problems
from weekly.inputs.edition import FigureSpec


@dataclass(frozen=True)
class Asset:
    """A file written beside the HTML, ``figures/<name>``."""

    name: str
    data: bytes
    media_type: str


class Chart(NamedTuple):
    """A drawn chart: its file, where its data came from, and what it shows in words."""

    asset: Asset
    provenance: str
    alt: str = ""


ChartDrawer = Callable[[FigureSpec, Problems], Chart | None]
