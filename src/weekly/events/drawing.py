"""Events: what every drawing shares: the data a chart shows and the house style it is drawn in.

Bar charts (:mod:`weekly.events.plots`), maps (:mod:`weekly.events.maps`) and their keys
(:mod:`weekly.events.legends`) all draw from a :class:`ChartData`, inside :func:`house_style`,
to SVG through :func:`to_svg`. Importing this module imports matplotlib.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from weekly import apstyle
from weekly.palette import ACCENT, INK, MUTED, OTHER, PALETTE, SANS

WIDTH = 6.8  # inches: the PDF's text column, so chart text prints at its nominal size
STYLE: dict[str, Any] = {
    "font.family": SANS,
    "font.size": 8.5,
    "text.color": INK,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": MUTED,
    "axes.labelsize": 8,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.spines.left": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": "#e6e1d8",
    "grid.linewidth": 0.6,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.major.size": 3,
    "xtick.major.width": 0.6,
    "ytick.major.size": 0,
    "legend.frameon": False,
    "legend.fontsize": 7.5,
    "hatch.color": ACCENT,
    "hatch.linewidth": 0.6,
    "svg.fonttype": "none",  # text stays text: the PDF stays searchable
    "svg.hashsalt": "weekly",  # stable ids: the same chart gives the same bytes
    "svg.image_inline": True,
    # Drop path detail finer than about a third of a point: boundaries stay crisp in print, and
    # the map's SVG (which WeasyPrint draws vertex by vertex) stays small.
    "path.simplify": True,
    "path.simplify_threshold": 0.5,
}
AP_MONTHS = apstyle.SHORT_MONTHS


COLUMN_LABELS = {
    "actor1": "Actor", "actor2": "Target", "admin1": "Region", "admin2": "District",
    "event_type": "Event type", "sub_event_type": "Event subtype", "country": "Country",
    "civilian_targeting": "Civilian targeting", "location": "Town", "disorder_type": "Disorder",
}  # fmt: skip


def column_label(name: str) -> str:
    """Return the reader's name of a column (``Event type`` for ``event_type``)."""
    return COLUMN_LABELS.get(name, name.replace("_", " ").capitalize())


@dataclass
class ChartData:
    """What a chart shows: the selected rows and the options that shape the drawing."""

    kind: str
    frame: pd.DataFrame
    first: dt.date
    last: dt.date
    cutoff: dt.date
    by: str | None = None
    color: str = "actor1"
    size: str = "count"
    top: int = 6
    extent: Sequence[float] | None = None
    labels: dict[str, str] = field(default_factory=dict)
    #: Maps: the base map to draw (``sahel`` or ``theatres``; chosen from the points if empty).
    base: str = ""
    #: Maps: ``count`` or ``fatalities`` shades regions (a choropleth) instead of drawing points.
    shade: str | None = None
    #: Maps: analysts' layers (:class:`weekly.events.layers.Layer`), drawn in order.
    layers: Sequence[Any] = ()


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style for the drawing inside the block."""
    # DejaVu Sans is only the SVG's fallback name; do not warn that it lacks semibold.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def halo() -> dict[str, Any]:
    """Return a soft white box behind a label (path effects would turn text into outlines)."""
    return {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.72}


def to_svg(figure: Figure) -> bytes:
    """Return ``figure`` as SVG without date metadata (byte-identical for the same chart)."""
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "weekly"})
    return out.getvalue()


def colours(names: list[str]) -> dict[str, str]:
    """Return a colour for each category, in order, with ``Other`` in its muted grey."""
    return {
        name: OTHER if name == "Other" else PALETTE[i % len(PALETTE)]
        for i, name in enumerate(names)
    }
