"""Draw a map's keys in the column right of the map: colours, sizes, classes, layers, scale.

Used by :mod:`weekly.events.maps`; the key is laid out in inches from its bottom left,
entries stacked downwards from the top, the scale bar and credits at the foot.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from weekly.events.basemaps import Box
from weekly.events.drawing import WIDTH, column_label
from weekly.events.layers import Style
from weekly.palette import INK, MUTED

FOOT = 0.78  # inches kept free at the bottom for the scale bar and the credits


def nice_length(km: float) -> int:
    """Return a round scale-bar length no longer than ``km``."""
    for length in (1000, 500, 300, 200, 100, 50, 25, 10):
        if length <= km:
            return length
    return 5


class Key:
    """The key column of one map."""

    def __init__(self, figure: Figure, map_share: float, height: float) -> None:
        self.left = map_share + 0.025
        self.map_share = map_share
        ax = figure.add_axes((self.left, 0.0, 1 - self.left, 0.6))
        ax.set_axis_off()
        self.inches = ((1 - self.left) * WIDTH, 0.6 * height)
        ax.set_xlim(0, self.inches[0])
        ax.set_ylim(0, self.inches[1])
        self.ax = ax
        self.y = self.inches[1] - 0.05

    def _room(self, needed: float) -> bool:
        return self.y - needed >= FOOT

    def _heading(self, text: str) -> None:
        self.ax.text(0, self.y, text, fontsize=7.5, fontweight="bold", color=INK, va="top")
        self.y -= 0.26

    def _entry(self, text: str) -> None:
        shown = text if len(text) <= 26 else text[:25] + "…"
        self.ax.text(0.2, self.y, shown, fontsize=7, color=INK, va="center")
        self.y -= 0.17

    def categories(self, column: str, order: list[str], colour_of: dict[str, str]) -> None:
        """Draw the colour key of the points."""
        self._heading(column_label(column))
        for name in order:
            if not self._room(0.17):
                break
            self.ax.scatter([0.07], [self.y], s=34, color=colour_of[name], alpha=0.85,
                            edgecolors="white", linewidths=0.5)  # fmt: skip
            self._entry(name)
        self.y -= 0.12

    def sizes(self, what: str, peak: float) -> None:
        """Draw the size key of the points: a quarter, a half and the largest."""
        if not self._room(0.6):
            return
        self.ax.text(0, self.y, f"{what} per town", fontsize=7.5, fontweight="bold", color=INK,
                     va="top")  # fmt: skip
        self.y -= 0.2
        steps = sorted({max(1, round(peak / 4)), max(1, round(peak / 2)), round(peak)})
        x = 0.12
        for value in steps:
            size = 10 + 340 * value / peak
            radius = math.sqrt(size) / 72 / 2 + 0.02
            self.ax.scatter([x], [self.y - 0.2], s=size, facecolors="none", edgecolors=MUTED,
                            linewidths=0.7)  # fmt: skip
            self.ax.text(x, self.y - 0.2 - radius - 0.03, f"{value:,}", fontsize=6.5, color=INK,
                         ha="center", va="top")  # fmt: skip
            x += 2 * radius + 0.2
        self.y -= 0.62

    def classes(
        self, title: str, steps: list[tuple[float, float]], shades: tuple[str, ...]
    ) -> None:
        """Draw the classes of a choropleth, lightest first."""
        self._heading(title)
        for (low, high), shade in zip(steps, shades, strict=True):
            self.ax.add_patch(Rectangle((0.0, self.y - 0.06), 0.14, 0.12, facecolor=shade,
                                        edgecolor="#c2bbaf", linewidth=0.4))  # fmt: skip
            self._entry(f"{low:,.0f}" if low == high else f"{low:,.0f}–{high:,.0f}")
        self.y -= 0.12

    def layers(self, entries: list[tuple[str, Style]]) -> None:
        """Draw one entry per analyst layer, in its style."""
        if not self._room(0.45):
            return
        self._heading("Layers")
        for label, style in entries:
            if not self._room(0.17):
                break
            if style.shape == "area":
                self.ax.add_patch(Rectangle(
                    (0.0, self.y - 0.06), 0.14, 0.12, linewidth=0.8, hatch=style.hatch,
                    facecolor=matplotlib.colors.to_rgba(style.colour, max(style.fill_alpha, 0.1)),
                    edgecolor=style.colour, linestyle=(0, style.dash) if style.dash else "solid",
                ))  # fmt: skip
            elif style.shape == "line":
                self.ax.plot([0.0, 0.14], [self.y, self.y], color=style.colour,
                             linewidth=style.width, solid_capstyle="round",
                             linestyle=(0, style.dash) if style.dash else "solid")  # fmt: skip
            else:
                self.ax.scatter([0.07], [self.y], marker="^", s=26, color=style.colour)
            self._entry(label)
        self.y -= 0.12

    def scale(self, box: Box) -> None:
        """Draw a scale bar true to the map's scale at its middle latitude."""
        west, south, east, north = box
        km_per_degree = 111.32 * math.cos(math.radians((south + north) / 2))
        inch_per_degree = WIDTH * self.map_share / (east - west)
        length = nice_length((east - west) * km_per_degree / 4)
        bar = length / km_per_degree * inch_per_degree
        ax, y = self.ax, 0.5
        ax.plot([0.02, 0.02 + bar], [y, y], color=INK, linewidth=1.6, solid_capstyle="butt")
        for tick in (0.02, 0.02 + bar / 2, 0.02 + bar):
            ax.plot([tick, tick], [y, y + 0.05], color=INK, linewidth=0.7)
        ax.text(0.02 + bar + 0.06, y, f"{length:,} km", fontsize=7, color=INK, va="center")
        ax.text(0, y + 0.12, "Scale", fontsize=7.5, fontweight="bold", color=INK, va="bottom")

    def credits(self, first: str) -> None:
        """Print what the shading means and where the base map comes from."""
        text: Any = f"{first}\nBoundaries: Natural Earth.\nTowns: GeoNames."
        self.ax.text(0, 0.02, text, fontsize=6, color=MUTED, va="bottom", linespacing=1.35)
