"""Draw event charts and maps with matplotlib, in the house style, to deterministic SVG.

Only :mod:`weekly.events.charts` imports this module, and only when a chart is not in its cache:
importing matplotlib costs most of a second.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from weekly import apstyle

INK = "#1d2230"
MUTED = "#5b6170"
RULE = "#d9d4ca"
ACCENT = "#9b1c2c"
WASH = "#f6f3ee"
#: Category colours: the accent first, then colours that stay apart in print and for most
#: colour-blind readers.
PALETTE = ("#9b1c2c", "#2f5f8a", "#d08c2e", "#3d8a7c", "#6e4f8c", "#8a8f9c", "#b5654a")
OTHER = "#c9c4ba"
#: Map labels of regions and countries: at least 4.5:1 against every fill they can sit on
#: (the sea, the neighbours, the most shaded region), as WCAG AA asks of small text.
REGION_LABEL = "#5e584d"
COUNTRY_LABEL = "#4f4a43"
WIDTH = 6.8  # inches: the PDF's text column, so chart text prints at its nominal size
STYLE: dict[str, Any] = {
    "font.family": ["Open Sans", "DejaVu Sans"],
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


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style for the drawing inside the block."""
    # DejaVu Sans is only the SVG's fallback name; do not warn that it lacks semibold.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def to_svg(figure: Figure) -> bytes:
    """Return ``figure`` as SVG without date metadata (byte-identical for the same chart)."""
    out = io.BytesIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": "weekly"})
    return out.getvalue()


def draw(data: ChartData, image_format: str = "svg") -> bytes:
    """Return the chart ``data`` describes as SVG (or PNG, for looking at it in tests)."""
    with house_style():
        if data.kind == "map":
            figure = draw_map(data)
        elif data.kind == "share":
            figure = draw_share(data)
        else:
            figure = draw_bars(data)
        if image_format == "png":
            out = io.BytesIO()
            figure.savefig(out, format="png", dpi=110, metadata={"Software": None})
            return out.getvalue()
        return to_svg(figure)


# -- bar charts --------------------------------------------------------------------------


def ap_month(day: dt.date, with_year: bool) -> str:
    """Return ``Sept.`` or ``Jan.\\n2023`` for a tick."""
    name = AP_MONTHS[day.month - 1]
    return f"{name}\n{day.year}" if with_year else name


def _groups(frame: pd.DataFrame, by: str | None, top: int) -> tuple[pd.Series, list[str]]:
    """Return each row's group label and the labels in stacking order (largest first)."""
    if not by:
        return pd.Series(["All"] * len(frame)), ["All"]
    values = frame[by].astype("string").fillna("(blank)")
    ranked = values.value_counts()
    ranked = ranked.sort_values(ascending=False, kind="stable")
    keep = list(ranked.index[:top]) if len(ranked) > top + 1 else list(ranked.index)
    labels = values.where(values.isin(keep), "Other")
    return labels, keep + (["Other"] if len(keep) < len(ranked) else [])


def _colours(names: list[str]) -> dict[str, str]:
    return {
        name: OTHER if name == "Other" else PALETTE[i % len(PALETTE)]
        for i, name in enumerate(names)
    }


def _periods(data: ChartData) -> tuple[list[dt.date], list[dt.date], str]:
    """Return the start of each period shown, its last day, and the period's name."""
    if data.kind == "monthly":
        starts, day = [], data.first.replace(day=1)
        while day <= data.last:
            starts.append(day)
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        ends = [(s.replace(day=28) + dt.timedelta(days=4)).replace(day=1) for s in starts]
        return starts, [e - dt.timedelta(days=1) for e in ends], "month"
    first = data.first - dt.timedelta(days=data.first.weekday())
    count = (data.last - first).days // 7 + 1
    starts = [first + dt.timedelta(weeks=i) for i in range(count)]
    return starts, [s + dt.timedelta(days=6) for s in starts], "week"


def bar_counts(data: ChartData, starts: list[dt.date]) -> tuple[list[str], np.ndarray]:
    """Return the groups in stacking order and the events of each group in each period.

    ``counts[g, p]`` is the number of rows of group ``g`` dated in the period starting at
    ``starts[p]``; rows before the first period are left out.
    """
    frame = data.frame
    days = frame["event_date"].to_numpy(dtype="datetime64[D]")
    slots = np.searchsorted(np.array(starts, dtype="datetime64[D]"), days, side="right") - 1
    labels, order = _groups(frame, data.by, data.top)
    groups = pd.Categorical(labels, categories=order).codes.astype(np.int64)
    shown = (slots >= 0) & (slots < len(starts))
    cells = groups[shown] * len(starts) + slots[shown]
    counts = np.bincount(cells, minlength=len(order) * len(starts))
    return order, counts.reshape(len(order), len(starts)).astype(float)


def draw_bars(data: ChartData) -> Figure:
    """Draw events per week or per month, stacked by a column when ``by`` is given."""
    starts, ends, period = _periods(data)
    order, counts = bar_counts(data, starts)
    colours = _colours(order)

    figure = Figure(figsize=(WIDTH, 3.5))
    ax = figure.add_axes((0.075, 0.16, 0.9, 0.68 if data.by else 0.74))
    x = np.array([np.datetime64(s) for s in starts]).astype("datetime64[D]").astype(float)
    width = 5.6 if period == "week" else 24.0
    centre = width / 2 + (0.7 if period == "week" else 3.0)
    partial = ends[-1] > data.last
    bottom = np.zeros(len(starts))
    single = not data.by
    for row, name in enumerate(order):
        heights = counts[row]
        colour = colours[name]
        full = heights.copy()
        if partial:
            full[-1] = 0
        label = name if data.by else f"Events per {period}"
        ax.add_patch(PathPatch(_bars(x + centre - width / 2, width, bottom, full), color=colour,
                               linewidth=0, label=label))  # fmt: skip
        if partial:
            ax.bar(
                x[-1:] + centre, heights[-1:], width, bottom=bottom[-1:], color="white",
                edgecolor=colour, hatch="//////", linewidth=0.6,
            )  # fmt: skip
        bottom += heights
    totals = bottom
    if single and len(starts) >= 8 and period == "week":
        window = 4
        average = np.convolve(totals[:-1] if partial else totals, np.ones(window) / window, "valid")
        ax.plot(x[window - 1 : window - 1 + len(average)] + centre, average, color=INK,
                linewidth=1.1, label="4-week average", solid_capstyle="round")  # fmt: skip

    # The cutoff: a dashed rule at the end of the cutoff day; the partial period is hatched.
    top = max(totals.max(), 1)
    ax.set_ylim(0, top * 1.25 + 0.5)
    at = float(np.datetime64(data.last, "D").astype(float)) + 1
    ax.axvline(at, ymax=(top * 1.16) / (top * 1.25 + 0.5), color=INK, linewidth=0.8,
               linestyle=(0, (3, 2)), zorder=5)  # fmt: skip
    label = f"Data cutoff, {AP_MONTHS[data.last.month - 1]} {data.last.day}"
    if partial:
        label += f"\n(partial {period} hatched)"
    ax.text(at - 4, top * 1.16, label, ha="right", va="top", fontsize=7, color=INK,
            linespacing=1.2, bbox=_halo(), zorder=6)  # fmt: skip

    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.set_ylabel(f"Events per {period}")
    _date_axis(ax, data.first, ends[-1], x[0], x[-1] + width + centre)
    ax.spines["bottom"].set_color(MUTED)
    handles, names = ax.get_legend_handles_labels()
    if data.by or len(handles) > 1:
        ax.legend(handles, names, loc="lower left", bbox_to_anchor=(0, 1.02), ncol=min(len(names), 7),
                  handlelength=1.1, handleheight=0.9, columnspacing=1.2, borderaxespad=0)  # fmt: skip
    return figure


def _bars(left: np.ndarray, width: float, bottom: np.ndarray, height: np.ndarray) -> MplPath:
    """Return one path holding a bar per non-empty period: one SVG element per series.

    ``ax.bar`` makes a patch per bar, and matplotlib's per-patch bookkeeping is most of the
    time a chart of a few hundred bars takes to draw.
    """
    keep = height > 0
    x0, y0 = left[keep], bottom[keep]
    x1, y1 = x0 + width, y0 + height[keep]
    # corners[xy, corner, bar] -> vertices bar by bar, corner by corner
    corners = np.stack([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], axis=1)
    vertices = corners.transpose(2, 1, 0).reshape(-1, 2)
    codes = np.tile(
        [MplPath.MOVETO, MplPath.LINETO, MplPath.LINETO, MplPath.LINETO, MplPath.CLOSEPOLY],
        int(keep.sum()),
    )
    return MplPath(vertices, codes)


def _date_axis(ax: Any, first: dt.date, last: dt.date, left: float, right: float) -> None:
    """Put month ticks on ``ax`` in AP style, the year under January and the first tick."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = 1 if months <= 8 else 2 if months <= 16 else 3 if months <= 30 else 6
    ticks: list[dt.date] = []
    day = first.replace(day=1)
    if day < first:
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    while day <= last:
        if (day.month - 1) % step == 0:
            ticks.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    positions = [float(np.datetime64(t, "D").astype(float)) for t in ticks]
    ax.set_xticks(positions)
    ax.set_xticklabels([ap_month(t, i == 0 or t.month <= step) for i, t in enumerate(ticks)])
    ax.set_xlim(left - 2, right + 2)


def draw_share(data: ChartData) -> Figure:
    """Draw each value's share of the selected events as labelled horizontal bars."""
    by = data.by or "admin1"
    values = data.frame[by].astype("string").fillna("(blank)")
    counts = values.value_counts().sort_values(ascending=False, kind="stable")
    if len(counts) > data.top + 1:
        rest = int(counts.iloc[data.top :].sum())
        counts = pd.concat([counts.iloc[: data.top], pd.Series({"Other": rest})])
    total = int(counts.sum())
    rows = len(counts)
    figure = Figure(figsize=(WIDTH, 0.55 + 0.3 * rows))
    ax = figure.add_axes((0.2, 0.12 / (0.55 + 0.3 * rows) * 3, 0.7, 1 - 0.5 / (0.55 + 0.3 * rows)))
    shares = counts.to_numpy() / total
    y = np.arange(rows)[::-1]
    colours = [OTHER if name == "Other" else ACCENT if i == 0 else "#c46d76"
               for i, name in enumerate(counts.index)]  # fmt: skip
    ax.barh(y, shares, 0.68, color=colours, linewidth=0)
    for yy, share, count in zip(y, shares, counts.to_numpy(), strict=True):
        ax.text(share + 0.01, yy, f"{round(share * 100)}%  ({count:,})", va="center",
                fontsize=7.5, color=INK)  # fmt: skip
    ax.set_yticks(y)
    ax.set_yticklabels([str(name) for name in counts.index], fontsize=8, color=INK)
    ax.set_xlim(0, min(1.0, shares.max() * 1.25 + 0.05))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:.0f}%"))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="x", length=0)
    ax.spines["bottom"].set_visible(False)
    ax.set_xlabel(f"Share of {total:,} events by {column_label(by).lower()}")
    return figure


# -- maps --------------------------------------------------------------------------------


@cache
def base_map() -> dict[str, Any]:
    """Return the bundled regions, countries and places (see ``weekly/data/README.md``)."""
    folder = resources.files("weekly") / "data"
    regions = json.loads((folder / "sahel-admin1.geojson").read_text(encoding="utf-8"))
    countries = json.loads((folder / "sahel-countries.geojson").read_text(encoding="utf-8"))
    places_text = (folder / "sahel-places.csv").read_text(encoding="utf-8")
    places = list(csv.DictReader(io.StringIO(places_text)))
    return {"regions": regions["features"], "countries": countries["features"], "places": places}


def region_names() -> dict[str, str]:
    """Return ACLED admin-1 name -> the polygon that covers it (``Menaka`` -> ``Gao``)."""
    names = {}
    for feature in base_map()["regions"]:
        props = feature["properties"]
        names[props["admin1"]] = props["admin1"]
        for other in filter(None, (props.get("also_covers") or "").split(";")):
            names[other.strip()] = props["admin1"]
    return names


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _path(geometry: dict[str, Any]) -> MplPath:
    # Rings are closed by a LINETO back to their first point rather than CLOSEPOLY: a path
    # of MOVETO/LINETO only is one matplotlib simplifies to the output's resolution, which
    # keeps boundary detail finer than a printed point out of the SVG.
    vertices: list[Any] = []
    codes: list[int] = []
    for ring in _rings(geometry):
        vertices += ring
        codes += [int(MplPath.MOVETO)] + [int(MplPath.LINETO)] * (len(ring) - 1)
    return MplPath(np.array(vertices, dtype=float), codes)


def _simplified(paths: list[MplPath], ax: Any) -> list[MplPath]:
    """Return ``paths`` cut to the axes and without detail finer than the page shows.

    matplotlib neither simplifies paths drawn as a collection nor clips filled ones in
    SVG, so both are done here, in page coordinates (detail under
    ``path.simplify_threshold``), and the result mapped back to degrees.
    """
    ax.apply_aspect()
    transform = ax.transData
    inverse = transform.inverted()
    frame = ax.bbox.expanded(1.02, 1.02)
    out = []
    for path in paths:
        cleaned = path.cleaned(transform=transform, simplify=True)
        vertices, codes = np.asarray(cleaned.vertices), np.asarray(cleaned.codes)
        keep = codes != MplPath.STOP
        page = MplPath(vertices[keep], codes[keep]).clip_to_bbox(frame)
        out.append(MplPath(inverse.transform(page.vertices), page.codes))
    return out


def _in_view(geometry: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    """Return whether a feature's bounding box meets the map's extent."""
    west, south, east, north = box
    points = np.array([p for ring in _rings(geometry) for p in ring], dtype=float)
    return bool(
        points[:, 0].min() <= east
        and points[:, 0].max() >= west
        and points[:, 1].min() <= north
        and points[:, 1].max() >= south
    )


def _label_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """Return the area-weighted centroid of the largest outer ring."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    best, best_area = (0.0, 0.0), -1.0
    for polygon in polygons:
        ring = np.array(polygon[0], dtype=float)
        x, y = ring[:, 0], ring[:, 1]
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        area = cross.sum() / 2
        if abs(area) > best_area and area != 0:
            cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
            cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
            best, best_area = (cx, cy), abs(area)
    return best


MAP_HEIGHT = 4.6  # inches
MAP_SHARE = 0.73  # of the width: the map; the rest holds the locator and the keys
CAPITALS = {"Bamako", "Ouagadougou", "Niamey"}


def _extent(data: ChartData, lon: np.ndarray, lat: np.ndarray) -> tuple[float, float, float, float]:
    """Return (west, south, east, north): the points with a margin, shaped like the frame."""
    if data.extent:
        west, south, east, north = (float(v) for v in data.extent)
    else:
        west, east = float(lon.min()), float(lon.max())
        south, north = float(lat.min()), float(lat.max())
        pad = max(east - west, north - south, 2.0) * 0.12
        west, east, south, north = west - pad, east + pad, south - pad, north + pad
    cx, cy = (west + east) / 2, (south + north) / 2
    scale = math.cos(math.radians(cy))
    frame = MAP_HEIGHT / (WIDTH * MAP_SHARE)  # height / width of the map frame
    width, height = (east - west) * scale, north - south
    if height / width < frame:
        height = width * frame
    else:
        width = height / frame
    width /= scale
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def _nice_length(km: float) -> int:
    for length in (1000, 500, 300, 200, 100, 50, 25, 10):
        if length <= km:
            return length
    return 5


def _halo() -> dict[str, Any]:
    """Return a soft white box behind a label (path effects would turn text into outlines)."""
    return {"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.72}


def _points(data: ChartData) -> pd.DataFrame:
    """Return one row per (location, colour value): position, events, fatalities."""
    frame = data.frame.copy()
    frame["_colour"] = frame[data.color].astype("string").fillna("(blank)")
    if "fatalities" not in frame:
        frame["fatalities"] = 0.0
    grouped = frame.groupby(["location", "_colour"], observed=True, sort=True).agg(
        latitude=("latitude", "mean"),
        longitude=("longitude", "mean"),
        events=("latitude", "size"),
        fatalities=("fatalities", "sum"),
    )
    return grouped.reset_index()


class _Labels:
    """Places text on the map greedily, skipping any label that would overlap another."""

    def __init__(self, ax: Any, box: tuple[float, float, float, float], size: tuple[float, float]):
        self.ax, self.box = ax, box
        west, south, east, north = box
        self.per_x = size[0] / (east - west)  # inches per degree
        self.per_y = size[1] / (north - south)
        self.taken: list[tuple[float, float, float, float]] = []

    def place(self, x: float, y: float, text: str, fontsize: float, ha: str = "left",
              va: str = "bottom", **style: Any) -> bool:  # fmt: skip
        lines = text.split("\n")
        w = max(len(line) for line in lines) * fontsize * 0.56 / 72 / self.per_x
        h = len(lines) * fontsize * 1.25 / 72 / self.per_y
        left = x - (w / 2 if ha == "center" else w if ha == "right" else 0)
        bottom = y - (h / 2 if va == "center" else h if va == "top" else 0)
        rect = (left, bottom, left + w, bottom + h)
        west, south, east, north = self.box
        if rect[0] < west or rect[2] > east or rect[1] < south or rect[3] > north:
            return False
        for other in self.taken:
            if (
                rect[0] < other[2]
                and other[0] < rect[2]
                and rect[1] < other[3]
                and other[1] < rect[3]
            ):
                return False
        self.taken.append(rect)
        self.ax.text(x, y, text, fontsize=fontsize, ha=ha, va=va, **style)
        return True


def draw_map(data: ChartData) -> Figure:
    """Draw events as points over admin-1 regions, with towns, a scale bar and a locator."""
    base = base_map()
    points = _points(data)
    box = _extent(data, points["longitude"].to_numpy(), points["latitude"].to_numpy())
    west, south, east, north = box
    span = east - west
    figure = Figure(figsize=(WIDTH, MAP_HEIGHT))
    ax = figure.add_axes((0.0, 0.0, MAP_SHARE, 1.0))
    ax.set_facecolor("#e9eef1")
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("auto")
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#b9b2a6")
        spine.set_linewidth(0.8)

    focus = (
        set(data.frame["country"].astype("string").dropna()) if "country" in data.frame else set()
    )
    covering = region_names()
    counts = data.frame["admin1"].astype("string").map(lambda n: covering.get(n, n)).value_counts()
    # Only what meets the view is drawn: filled paths are not clipped in SVG output.
    countries = [f for f in base["countries"] if _in_view(f["geometry"], box)]
    regions = [f for f in base["regions"] if _in_view(f["geometry"], box)]
    country_shapes = _simplified([_path(f["geometry"]) for f in countries], ax)
    country_paths = [
        (f["properties"]["name"], p) for f, p in zip(countries, country_shapes, strict=True)
    ]
    ax.add_collection(PathCollection(
        [p for _, p in country_paths],
        facecolors=["#fcfbf8" if name in focus else "#ebe7e0" for name, _ in country_paths],
        edgecolors="none", zorder=1))  # fmt: skip
    peak = max(int(counts.max()) if len(counts) else 1, 1)
    shades = []
    for feature in regions:
        n = int(counts.get(feature["properties"]["admin1"], 0))
        shades.append(matplotlib.colors.to_rgba(ACCENT, 0.05 + 0.15 * n / peak) if n else "none")
    ax.add_collection(PathCollection(_simplified([_path(f["geometry"]) for f in regions], ax),
                                     facecolors=shades, edgecolors="#c2bbaf",
                                     linewidths=0.45, zorder=2))  # fmt: skip
    ax.add_collection(PathCollection([p for _, p in country_paths], facecolors="none",
                                     edgecolors="#857f73", linewidths=1.0, zorder=3))  # fmt: skip

    # Events: one point per town and category, area proportional to events or deaths.
    measure = points["fatalities"] if data.size == "fatalities" else points["events"]
    peak_value = max(float(measure.max()), 1.0)
    sizes = 10 + 340 * (measure.to_numpy(dtype=float) / peak_value)
    cats = points["_colour"].value_counts().index.tolist()
    order = cats if len(cats) <= len(PALETTE) else cats[: len(PALETTE) - 1] + ["Other"]
    colour_of = _colours(order)
    colours = [colour_of.get(c, OTHER) for c in points["_colour"]]
    draw_order = np.argsort(-sizes, kind="stable")
    ax.scatter(points["longitude"].to_numpy()[draw_order], points["latitude"].to_numpy()[draw_order],
               s=sizes[draw_order], c=[colours[i] for i in draw_order], alpha=0.8,
               edgecolors="white", linewidths=0.6, zorder=6)  # fmt: skip

    # Labels, most important first: capitals, towns with events, other towns, then names
    # of regions and countries where room is left.
    labels = _Labels(ax, box, (WIDTH * MAP_SHARE, MAP_HEIGHT))
    busy = data.frame["location"].astype("string").value_counts()
    places = sorted(base["places"], key=lambda p: (p["name"] not in CAPITALS,
                                                   -int(busy.get(p["name"], 0)), p["name"]))  # fmt: skip
    dx, dy = span * 0.007, span * 0.004
    for place in places:
        lon, lat = float(place["longitude"]), float(place["latitude"])
        if not (west < lon < east and south < lat < north):
            continue
        capital = place["name"] in CAPITALS
        style: dict[str, Any] = {"color": INK, "zorder": 8, "bbox": _halo(),
                 "fontweight": "semibold" if capital else "normal"}  # fmt: skip
        placed = labels.place(lon + dx, lat + dy, place["name"], 7, **style) or labels.place(
            lon - dx, lat + dy, place["name"], 7, ha="right", **style
        )
        if placed or capital or place["name"] in busy:
            ax.plot(lon, lat, marker="s" if capital else "o", markersize=3.4 if capital else 2.4,
                    color=INK, zorder=7, markeredgewidth=0)  # fmt: skip
    for feature in regions:
        props = feature["properties"]
        if span > 16 and props["country"] not in focus:
            continue
        cx, cy = _label_point(feature["geometry"])
        extra = props.get("also_covers")
        text = props["admin1"].upper()
        if extra and extra in set(data.frame["admin1"].astype("string").dropna()):
            text += f"\n(INCL. {extra.upper()})"
        labels.place(cx, cy, text, 6, ha="center", va="center", color=REGION_LABEL, style="italic",
                     zorder=4, linespacing=1.1)  # fmt: skip
    for name, _ in country_paths:
        geometry = next(f["geometry"] for f in countries if f["properties"]["name"] == name)
        cx, cy = _label_point(geometry)
        labels.place(cx, cy, name.upper(), 8, ha="center", va="center", color=COUNTRY_LABEL,
                     zorder=4, fontweight="semibold")  # fmt: skip

    _locator(figure, base, box, focus)
    _legend(figure, data, order, colour_of, peak_value, box)
    return figure


def _legend(figure: Figure, data: ChartData, order: list[str], colour_of: dict[str, str],
            peak_value: float, box: tuple[float, float, float, float]) -> None:  # fmt: skip
    """Draw the colour key, the size key and the scale bar in the right-hand column."""
    left = MAP_SHARE + 0.025
    ax = figure.add_axes((left, 0.0, 1 - left, 0.6))
    ax.set_axis_off()
    inches = ((1 - left) * WIDTH, 0.6 * MAP_HEIGHT)
    ax.set_xlim(0, inches[0])
    ax.set_ylim(0, inches[1])  # the key is laid out in inches from its bottom left
    y = inches[1] - 0.05
    ax.text(0, y, column_label(data.color), fontsize=7.5, fontweight="bold", color=INK, va="top")
    y -= 0.26
    for name in order:
        shown = name if len(name) <= 26 else name[:25] + "…"
        ax.scatter([0.07], [y], s=34, color=colour_of[name], alpha=0.85, edgecolors="white",
                   linewidths=0.5)  # fmt: skip
        ax.text(0.2, y, shown, fontsize=7, color=INK, va="center")
        y -= 0.17
    y -= 0.12
    what = "Fatalities" if data.size == "fatalities" else "Events"
    ax.text(0, y, f"{what} per town", fontsize=7.5, fontweight="bold", color=INK, va="top")
    y -= 0.2
    steps = sorted(
        {max(1, round(peak_value / 4)), max(1, round(peak_value / 2)), round(peak_value)}
    )
    x = 0.12
    for value in steps:
        size = 10 + 340 * value / peak_value
        radius = math.sqrt(size) / 72 / 2 + 0.02
        ax.scatter([x], [y - 0.2], s=size, facecolors="none", edgecolors=MUTED, linewidths=0.7)
        ax.text(x, y - 0.2 - radius - 0.03, f"{value:,}", fontsize=6.5, color=INK, ha="center",
                va="top")  # fmt: skip
        x += 2 * radius + 0.2
    # Scale bar, true to the map's scale at its middle latitude.
    west, south, east, north = box
    km_per_degree = 111.32 * math.cos(math.radians((south + north) / 2))
    inch_per_degree = WIDTH * MAP_SHARE / (east - west)
    length = _nice_length((east - west) * km_per_degree / 4)
    bar = length / km_per_degree * inch_per_degree
    y = 0.5
    ax.plot([0.02, 0.02 + bar], [y, y], color=INK, linewidth=1.6, solid_capstyle="butt")
    for tick in (0.02, 0.02 + bar / 2, 0.02 + bar):
        ax.plot([tick, tick], [y, y + 0.05], color=INK, linewidth=0.7)
    ax.text(0.02 + bar + 0.06, y, f"{length:,} km", fontsize=7, color=INK, va="center")
    ax.text(0, y + 0.12, "Scale", fontsize=7.5, fontweight="bold", color=INK, va="bottom")
    ax.text(0, 0.02, "Shaded: regions with events.\nBoundaries: Natural Earth.\nTowns: GeoNames.",
            fontsize=6, color=MUTED, va="bottom", linespacing=1.35)  # fmt: skip


def _locator(figure: Figure, base: dict[str, Any], box: tuple[float, float, float, float],
             focus: set[str]) -> None:  # fmt: skip
    """Draw an inset of the whole region with the map's extent outlined."""
    left = MAP_SHARE + 0.025
    ax = figure.add_axes((left, 0.64, 1 - left - 0.01, 0.35))
    ax.set_facecolor("#e9eef1")
    ax.set_xlim(-13, 17)
    ax.set_ylim(3, 25)
    ax.set_aspect(1 / math.cos(math.radians(15)), adjustable="box", anchor="N")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#b9b2a6")
        spine.set_linewidth(0.6)
    shapes = _simplified([_path(f["geometry"]) for f in base["countries"]], ax)
    paths = [(f["properties"]["name"], p) for f, p in zip(base["countries"], shapes, strict=True)]
    sahel = focus | {"Mali", "Burkina Faso", "Niger"}
    ax.add_collection(PathCollection(
        [p for _, p in paths],
        facecolors=["#d5cec3" if n in sahel else "#f6f3ee" for n, _ in paths],
        edgecolors="white", linewidths=0.4))  # fmt: skip
    west, south, east, north = box
    ax.add_patch(Rectangle((west, south), east - west, north - south, fill=False,
                           edgecolor=ACCENT, linewidth=1.2, zorder=5))  # fmt: skip
