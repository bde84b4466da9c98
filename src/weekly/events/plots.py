"""Draw event charts with matplotlib, in the house style, to deterministic SVG.

Only :mod:`weekly.events.charts` imports this module, and only when a chart is not in its cache:
importing matplotlib costs most of a second. Maps are drawn by :mod:`weekly.events.maps`.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from weekly.events.drawing import (
    AP_MONTHS,
    WIDTH,
    ChartData,
    colours,
    column_label,
    halo,
    house_style,
    to_svg,
)
from weekly.palette import ACCENT, INK, MUTED, OTHER


def draw(data: ChartData, image_format: str = "svg", fit: tuple[int, int] | None = None) -> bytes:
    """Return the chart ``data`` describes as SVG, or as PNG (for the share card and for
    looking at it in tests): at 110 dpi, or at the resolution that fits ``fit`` pixels."""
    with house_style():
        if data.kind == "map":
            from weekly.events import maps

            figure = maps.draw_map(data)
        elif data.kind == "share":
            figure = draw_share(data)
        else:
            figure = draw_bars(data)
        if image_format == "png":
            out = io.BytesIO()
            wide, high = figure.get_size_inches()
            dpi = min(fit[0] / wide, fit[1] / high) if fit else 110
            figure.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
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
    colour_of = colours(order)

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
        colour = colour_of[name]
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
            linespacing=1.2, bbox=halo(), zorder=6)  # fmt: skip

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
