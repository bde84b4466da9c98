"""Draw event maps with matplotlib: points or shaded regions over a base map, layers, keys.

Only :func:`weekly.events.plots.draw` imports this module, when a map is not in the chart
cache. The base map, the placing of rows and the extent come from
:mod:`weekly.events.basemaps` and :mod:`weekly.events.placing`, which do not need matplotlib.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from weekly.events import basemaps, legends
from weekly.events.basemaps import Area, BaseMap, Box
from weekly.events.drawing import WIDTH, ChartData, colours, halo
from weekly.events.layers import STYLES, Layer
from weekly.events.placing import map_extent, region_totals
from weekly.palette import ACCENT, COUNTRY_LABEL, INK, OTHER, PALETTE, REGION_LABEL

MAP_HEIGHT = 4.6  # inches
MAP_SHARE = 0.73  # of the width: the map; the rest holds the locator and the keys
SEA = "#e9eef1"
#: Choropleth classes, light to dark (the accent last).
SHADES = ("#f3e3e1", "#e2b5b1", "#cc8580", "#b4525a", "#9b1c2c")


def _path(area: Area) -> MplPath:
    # Rings are closed by a LINETO back to their first point rather than CLOSEPOLY: a path
    # of MOVETO/LINETO only is one matplotlib simplifies to the output's resolution, which
    # keeps boundary detail finer than a printed point out of the SVG.
    vertices = np.concatenate(area.rings)
    codes = np.full(len(vertices), MplPath.LINETO, dtype=np.uint8)
    starts = np.cumsum([0] + [len(r) for r in area.rings[:-1]])
    codes[starts] = MplPath.MOVETO
    return MplPath(vertices, codes)


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
        # Ring by ring: clipping a path of several rings at once can join one ring's end to
        # the next ring's start, drawing a line across the map.
        all_xy = np.asarray(path.vertices)
        all_codes = np.asarray(path.codes)
        starts = np.flatnonzero(all_codes == MplPath.MOVETO).tolist() + [len(all_xy)]
        vertices: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for first, last in zip(starts[:-1], starts[1:], strict=True):
            ring = MplPath(all_xy[first:last], all_codes[first:last])
            cleaned = ring.cleaned(transform=transform, simplify=True)
            keep = np.asarray(cleaned.codes) != MplPath.STOP
            page = MplPath(np.asarray(cleaned.vertices)[keep], np.asarray(cleaned.codes)[keep])
            clipped = page.clip_to_bbox(frame)
            clipped_xy = np.asarray(clipped.vertices)
            if len(clipped_xy) < 3:
                continue
            ring_codes = (
                np.asarray(clipped.codes).copy()
                if clipped.codes is not None
                else np.full(len(clipped_xy), MplPath.LINETO, dtype=np.uint8)
            )
            ring_codes[0] = MplPath.MOVETO
            vertices.append(inverse.transform(clipped_xy))
            codes.append(ring_codes)
        if not vertices:
            out.append(MplPath(np.zeros((0, 2))))
            continue
        out.append(MplPath(np.concatenate(vertices), np.concatenate(codes)))
    return out


def label_point(area: Area) -> tuple[float, float]:
    """Return the area-weighted centroid of the largest ring."""
    best, best_area = (0.0, 0.0), -1.0
    for ring in area.rings:
        x, y = ring[:, 0], ring[:, 1]
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        size = cross.sum() / 2
        if abs(size) > best_area and size != 0:
            cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * size)
            cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * size)
            best, best_area = (cx, cy), abs(size)
    return best


def _visible_middle(area: Area, box: Box) -> tuple[float, float]:
    """Return the middle of the part of ``area`` in view (a grid of probes inside it)."""
    west, south, east, north = box
    xs = np.linspace(west, east, 32)[3:-3]
    ys = np.linspace(south, north, 32)[3:-3]
    grid_x, grid_y = (a.ravel() for a in np.meshgrid(xs, ys))
    inside = area.contains(grid_x, grid_y)
    if not inside.any():
        return label_point(area)
    return float(np.median(grid_x[inside])), float(np.median(grid_y[inside]))


def points(data: ChartData) -> pd.DataFrame:
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


class Labels:
    """Places text on the map greedily, skipping any label that would overlap another."""

    def __init__(self, ax: Any, box: Box, size: tuple[float, float]) -> None:
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


def classes(values: list[float]) -> list[tuple[float, float]]:
    """Return up to five (low, high) classes covering ``values``, in whole numbers."""
    peak = max(max(values, default=1.0), 1.0)
    if peak <= 5:
        return [(v, v) for v in range(1, int(peak) + 1)]
    edges = sorted({max(1, round(peak * f)) for f in (0.1, 0.25, 0.5, 0.75)} | {int(peak)})
    out, low = [], 1.0
    for high in edges:
        if high >= low:
            out.append((low, float(high)))
            low = float(high) + 1
    return out


def _frame_axes(figure: Figure, box: Box) -> Any:
    west, south, east, north = box
    ax = figure.add_axes((0.0, 0.0, MAP_SHARE, 1.0))
    ax.set_facecolor(SEA)
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
    return ax


def draw_map(data: ChartData) -> Figure:
    """Draw events as points (or regions shaded by events) with towns, layers and keys."""
    base = basemaps.base_map(data.base) if data.base else basemaps.choose(
        data.frame["longitude"].to_numpy(float), data.frame["latitude"].to_numpy(float))  # fmt: skip
    totals = region_totals(data.frame, base, "fatalities" if data.shade == "fatalities" else None)
    box = map_extent(data.frame, base, data.extent, data.shade)
    west, south, east, north = box
    span = east - west
    figure = Figure(figsize=(WIDTH, MAP_HEIGHT))
    ax = _frame_axes(figure, box)
    focus = (
        set(data.frame["country"].astype("string").dropna()) if "country" in data.frame else set()
    )
    # Only what meets the view is drawn: filled paths are not clipped in SVG output.
    countries = [a for a in base.countries if a.meets(box)]
    regions = [a for a in base.regions if a.meets(box)]
    if not focus:
        focus = {a.country for a in regions if f"{a.country}/{a.name}" in totals}
    country_paths = _simplified([_path(a) for a in countries], ax)
    ax.add_collection(PathCollection(
        country_paths, facecolors=["#fcfbf8" if a.name in focus else "#ebe7e0" for a in countries],
        edgecolors="none", zorder=1))  # fmt: skip
    steps = classes(list(totals.values())) if data.shade else []
    peak = max(totals.values(), default=1.0) or 1.0
    fills: list[Any] = []
    for area in regions:
        n = totals.get(f"{area.country}/{area.name}", 0.0)
        if not n:
            fills.append("none")
        elif data.shade:
            fills.append(next(SHADES[i - len(steps) + len(SHADES)] for i, (lo, hi) in
                              enumerate(steps) if n <= hi))  # fmt: skip
        else:
            fills.append(matplotlib.colors.to_rgba(ACCENT, 0.05 + 0.15 * n / peak))
    ax.add_collection(PathCollection(_simplified([_path(a) for a in regions], ax), facecolors=fills,
                                     edgecolors="#c2bbaf", linewidths=0.45, zorder=2))  # fmt: skip
    ax.add_collection(PathCollection(country_paths, facecolors="none", edgecolors="#857f73",
                                     linewidths=1.0, zorder=3))  # fmt: skip
    layers = [layer for layer in data.layers if layer.meets(box)]
    for layer in layers:
        _draw_layer(ax, layer)

    order: list[str] = []
    colour_of: dict[str, str] = {}
    peak_value = 1.0
    if not data.shade:  # one point per town and category, area by events or deaths
        spots = points(data)
        measure = spots["fatalities"] if data.size == "fatalities" else spots["events"]
        peak_value = max(float(measure.max()), 1.0)
        sizes = 10 + 340 * (measure.to_numpy(dtype=float) / peak_value)
        cats = spots["_colour"].value_counts().index.tolist()
        order = cats if len(cats) <= len(PALETTE) else cats[: len(PALETTE) - 1] + ["Other"]
        colour_of = colours(order)
        fill = [colour_of.get(c, OTHER) for c in spots["_colour"]]
        draw_order = np.argsort(-sizes, kind="stable")
        ax.scatter(spots["longitude"].to_numpy()[draw_order], spots["latitude"].to_numpy()[draw_order],
                   s=sizes[draw_order], c=[fill[i] for i in draw_order], alpha=0.8,
                   edgecolors="white", linewidths=0.6, zorder=6)  # fmt: skip

    # Labels, most important first: capitals, towns with events, other towns by size, then
    # the names of regions and countries where room is left.
    labels = Labels(ax, box, (WIDTH * MAP_SHARE, MAP_HEIGHT))
    busy = data.frame["location"].astype("string").value_counts()
    towns = sorted(
        (t for t in base.towns if west < t.longitude < east and south < t.latitude < north),
        key=lambda t: (not t.capital, -int(busy.get(t.name, 0)), -t.population, t.name),
    )
    dx, dy = span * 0.007, span * 0.004
    shown_admin1 = set(data.frame["admin1"].astype("string").dropna())
    regions_first = sorted(
        (a for a in regions if not (span > 16 and a.country not in focus)),
        key=lambda a: (-totals.get(f"{a.country}/{a.name}", 0.0), a.country, a.name),
    )
    busy_regions = [a for a in regions_first if totals.get(f"{a.country}/{a.name}")]

    def label_town(town: basemaps.Town) -> None:
        lon, lat = town.longitude, town.latitude
        style: dict[str, Any] = {"color": INK, "zorder": 8, "bbox": halo(),
                                 "fontweight": "semibold" if town.capital else "normal"}  # fmt: skip
        placed = labels.place(lon + dx, lat + dy, town.name, 7, **style) or labels.place(
            lon - dx, lat + dy, town.name, 7, ha="right", **style
        )
        if placed or town.capital or town.name in busy:
            marks[town.capital].append((lon, lat))

    def label_region(area: Area) -> None:
        cx, cy = label_point(area)
        if not (west < cx < east and south < cy < north):
            cx, cy = _visible_middle(area, box)
        text = area.name.upper()
        extra = [c for c in area.covers if c in shown_admin1]
        if extra:
            text += f"\n(INCL. {', '.join(extra).upper()})"
        height = min(area.box[3] - area.box[1], north - south) * 0.2
        for shift in (0.0, height, -height):
            if labels.place(cx, cy + shift, text, 6, ha="center", va="center", color=REGION_LABEL,
                            style="italic", zorder=5.8, linespacing=1.1):  # fmt: skip
                break

    marks: dict[bool, list[tuple[float, float]]] = {True: [], False: []}  # capital -> points
    # Capitals and towns with events first, then the regions with events, then the rest.
    first = [t for t in towns if t.capital or t.name in busy]
    for town in first:
        label_town(town)
    for area in busy_regions:
        label_region(area)
    for area in countries:  # the countries in view, neighbours by their part in view
        cx, cy = label_point(area)
        if not (west < cx < east and south < cy < north):
            cx, cy = _visible_middle(area, box)
        labels.place(cx, cy, area.name.upper(), 8, ha="center", va="center", color=COUNTRY_LABEL,
                     zorder=4, fontweight="semibold")  # fmt: skip
    for town in towns:
        if town not in first:
            label_town(town)
    for area in regions_first:
        if area not in busy_regions:
            label_region(area)
    for capital, spots_ in marks.items():  # one marker line per kind: fewer SVG elements
        if spots_:
            xy = np.array(spots_)
            ax.plot(xy[:, 0], xy[:, 1], linestyle="none", marker="s" if capital else "o",
                    markersize=3.4 if capital else 2.4, color=INK, zorder=7,
                    markeredgewidth=0)  # fmt: skip
    _locator(figure, base, box, focus)
    key = legends.Key(figure, MAP_SHARE, MAP_HEIGHT)
    if data.shade:
        key.classes("Fatalities per region" if data.shade == "fatalities" else "Events per region",
                    steps, SHADES[len(SHADES) - len(steps):])  # fmt: skip
    else:
        key.categories(data.color, order, colour_of)
    if layers:
        key.layers([(layer.label, STYLES[layer.style]) for layer in layers])
    if not data.shade:
        key.sizes("Fatalities" if data.size == "fatalities" else "Events", peak_value)
    key.scale(box)
    key.credits("Shaded: events per region." if data.shade else "Shaded: regions with events.")
    return figure


def _draw_layer(ax: Any, layer: Layer) -> None:
    """Draw one analyst layer in its style."""
    style = STYLES[layer.style]
    dash = (0, style.dash) if style.dash else "solid"
    if style.shape == "point":
        xy = np.array(layer.points, dtype=float)
        ax.scatter(xy[:, 0], xy[:, 1], marker="^", s=26, color=style.colour, zorder=7,
                   edgecolors="white", linewidths=0.5)  # fmt: skip
        return
    vertices = np.concatenate([np.array(part, dtype=float) for part in layer.parts])
    codes = np.full(len(vertices), MplPath.LINETO, dtype=np.uint8)
    codes[np.cumsum([0] + [len(p) for p in layer.parts[:-1]])] = MplPath.MOVETO
    path = MplPath(vertices, codes)
    if style.shape == "area":
        ax.add_patch(PathPatch(path, facecolor=matplotlib.colors.to_rgba(style.colour, style.fill_alpha),
                               edgecolor="none", linewidth=0, zorder=5))  # fmt: skip
        if style.hatch:
            ax.add_patch(PathPatch(path, facecolor="none", edgecolor=style.colour, hatch=style.hatch,
                                   linewidth=0, alpha=0.55, zorder=5))  # fmt: skip
    ax.add_patch(PathPatch(path, facecolor="none", edgecolor=style.colour, linewidth=style.width,
                           linestyle=dash, zorder=5.5, capstyle="round"))  # fmt: skip


def _locator(figure: Figure, base: BaseMap, box: Box, focus: set[str]) -> None:
    """Draw an inset of the wider region with the map's extent outlined."""
    where = base.locator(box)
    west, south, east, north = where.box
    left = MAP_SHARE + 0.025
    ax = figure.add_axes((left, 0.64, 1 - left - 0.01, 0.35))
    ax.set_facecolor(SEA)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)), adjustable="box", anchor="N")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#b9b2a6")
        spine.set_linewidth(0.6)
    shown = [a for a in base.countries if a.meets(where.box)]
    paths = _simplified([_path(a) for a in shown], ax)
    marked = focus | ({"Mali", "Burkina Faso", "Niger"} if base.name == "sahel" else set())
    ax.add_collection(PathCollection(
        paths, facecolors=["#d5cec3" if a.name in marked else "#f6f3ee" for a in shown],
        edgecolors="white", linewidths=0.4))  # fmt: skip
    mw, ms, me, mn = box
    ax.add_patch(Rectangle((mw, ms), me - mw, mn - ms, fill=False, edgecolor=ACCENT,
                           linewidth=1.2, zorder=5))  # fmt: skip
    if where.name and base.name != "sahel":
        ax.text(0.03, 0.03, where.name.upper(), transform=ax.transAxes, fontsize=5.5,
                color="#6f695e", ha="left", va="bottom", bbox=halo(), zorder=6)  # fmt: skip
