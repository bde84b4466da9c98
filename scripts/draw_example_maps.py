# Data: boundaries from Natural Earth 1:10m (public domain); places from GeoNames (CC-BY 4.0); see src/weekly/data/README.md.
"""Draw the hand-made example map bundled with the 2023-11-08 example edition.

Usage: .venv/bin/python scripts/draw_example_maps.py [--data DIR] [--inputs DIR]

Writes inputs/2023-11-08/figures/north-mali.png (the 2023-12-13 edition draws
its figures from the events table instead). The GeoJSON is read with the json
module only, and the PNGs carry no timestamp or software metadata, so the same
data always gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.patheffects as pe  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Polygon  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(__file__).resolve().parents[1] / "src" / "weekly" / "data"

WIDTH_PX = 1400
DPI = 150

# Palette: quiet greys for context, one warm tint for the area of interest.
SEA = "#ffffff"
NEIGHBOUR = "#e4e4e2"
NEIGHBOUR_EDGE = "#b9b9b5"
HOME = "#f6f3ec"  # Mali outside the focus regions
FOCUS = "#f1dcc0"  # the focus regions
KEY = "#e8c49a"  # the key region, when one stands out
ADMIN_EDGE = "#ffffff"
COUNTRY_EDGE = "#6e6e6a"
TEXT = "#2b2b2b"
MUTED = "#5c5c58"  # country names, credits: 5:1 or more on every fill they sit on
REGION_TEXT = "#6b4520"  # region names: 5:1 or more even on the key region
MARKER = "#1f1f1f"
ACCENT = "#b2182b"

HALO = [pe.withStroke(linewidth=3, foreground="white")]


@dataclass
class Town:
    """A place to mark, with where its label sits relative to the point."""

    name: str
    label: str | None = None
    dx: float = 6.0  # label offset in points
    dy: float = 0.0
    ha: str = "left"
    bold: bool = False
    marker: str = "o"
    color: str = MARKER


@dataclass
class MapSpec:
    """One map: its extent, focus regions, labels and towns."""

    out: Path
    extent: tuple[float, float, float, float]  # lon0, lon1, lat0, lat1
    focus: list[str]
    region_labels: dict[str, tuple[float, float]]
    country_labels: dict[str, tuple[float, float]]
    towns: list[Town]
    scale_km: int
    key: str | None = None  # one focus region drawn darker
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # marker, colour, text
    legend_loc: str = "lower right"
    ring: tuple[str, float, str] | None = None  # town, radius in km, legend text


def load_geojson(path: Path) -> list[dict]:
    """Return the features of a GeoJSON file."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)["features"]


def load_places(path: Path) -> dict[str, tuple[float, float]]:
    """Return place name -> (lon, lat) from the places CSV."""
    places: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            places[row["name"]] = (float(row["longitude"]), float(row["latitude"]))
    return places


def rings(geometry: dict) -> list[list[list[float]]]:
    """Return the outer rings of a Polygon or MultiPolygon."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def add_polygons(ax, geometry: dict, **style) -> None:
    """Draw every outer ring of a geometry as a patch."""
    for ring in rings(geometry):
        ax.add_patch(Polygon(ring, closed=True, **style))


def add_ring(ax, lon: float, lat: float, radius_km: float) -> None:
    """Draw a dashed circle of a ground radius around a point (spherical earth)."""
    r = radius_km / 6371.0
    phi1, lam1 = math.radians(lat), math.radians(lon)
    xs, ys = [], []
    for i in range(361):
        bearing = math.radians(i)
        phi2 = math.asin(
            math.sin(phi1) * math.cos(r) + math.cos(phi1) * math.sin(r) * math.cos(bearing)
        )
        lam2 = lam1 + math.atan2(
            math.sin(bearing) * math.sin(r) * math.cos(phi1),
            math.cos(r) - math.sin(phi1) * math.sin(phi2),
        )
        xs.append(math.degrees(lam2))
        ys.append(math.degrees(phi2))
    ax.plot(xs, ys, color=ACCENT, lw=1.2, ls=(0, (4, 3)), zorder=6)


def add_scale_bar(ax, spec: MapSpec) -> None:
    """Draw a plain scale bar in the lower-left corner."""
    lon0, lon1, lat0, lat1 = spec.extent
    lat = lat0 + 0.06 * (lat1 - lat0)
    km_per_deg = 111.32 * math.cos(math.radians(lat))
    length = spec.scale_km / km_per_deg
    x0 = lon0 + 0.04 * (lon1 - lon0)
    tick = 0.008 * (lat1 - lat0)
    ax.plot([x0, x0 + length], [lat, lat], color=TEXT, lw=1.6, solid_capstyle="butt", zorder=20)
    for x in (x0, x0 + length / 2, x0 + length):
        ax.plot([x, x], [lat - tick, lat + tick], color=TEXT, lw=1.0, zorder=20)
    ax.text(x0, lat + 2.2 * tick, "0", ha="center", va="bottom", fontsize=7, color=TEXT, zorder=20)
    ax.text(
        x0 + length,
        lat + 2.2 * tick,
        f"{spec.scale_km} km",
        ha="center",
        va="bottom",
        fontsize=7,
        color=TEXT,
        zorder=20,
    )


def draw(spec: MapSpec, data: Path) -> None:
    """Draw one map and write it as a deterministic PNG."""
    countries = load_geojson(data / "sahel-countries.geojson")
    admin1 = load_geojson(data / "sahel-admin1.geojson")
    places = load_places(data / "sahel-places.csv")

    lon0, lon1, lat0, lat1 = spec.extent
    aspect = 1.0 / math.cos(math.radians((lat0 + lat1) / 2))
    width_in = WIDTH_PX / DPI
    height_in = width_in * (lat1 - lat0) * aspect / (lon1 - lon0)

    fig = plt.figure(figsize=(width_in, height_in), dpi=DPI)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor(SEA)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(aspect)
    ax.set_axis_off()

    for feat in countries:
        if feat["properties"]["iso_a3"] != "MLI":
            add_polygons(
                ax,
                feat["geometry"],
                facecolor=NEIGHBOUR,
                edgecolor=NEIGHBOUR_EDGE,
                lw=0.6,
                zorder=1,
            )

    for feat in admin1:
        props = feat["properties"]
        if props["iso_a3"] == "MLI":
            colour = HOME
            if props["admin1"] in spec.focus:
                colour = KEY if props["admin1"] == spec.key else FOCUS
            add_polygons(
                ax, feat["geometry"], facecolor=colour, edgecolor=ADMIN_EDGE, lw=1.2, zorder=2
            )
        else:
            add_polygons(
                ax, feat["geometry"], facecolor="none", edgecolor="#f7f7f5", lw=0.6, zorder=2
            )

    for feat in countries:
        add_polygons(
            ax, feat["geometry"], facecolor="none", edgecolor=COUNTRY_EDGE, lw=1.0, zorder=3
        )

    for name, (x, y) in spec.country_labels.items():
        ax.text(
            x,
            y,
            name.upper(),
            ha="center",
            va="center",
            fontsize=10,
            color=MUTED,
            fontweight="bold",
            zorder=5,
            path_effects=HALO,
        )
    for name, (x, y) in spec.region_labels.items():
        ax.text(
            x,
            y,
            f"{name.upper()}\nREGION",
            ha="center",
            va="center",
            fontsize=8.5,
            color=REGION_TEXT,
            fontstyle="italic",
            linespacing=1.1,
            zorder=5,
        )

    for town in spec.towns:
        if town.name not in places:
            continue  # a town missing from the CSV is skipped, not guessed
        x, y = places[town.name]
        ax.plot(
            x,
            y,
            marker=town.marker,
            ms=6.5 if town.marker == "o" else 7.5,
            color=town.color,
            mec="white",
            mew=1.0,
            zorder=10,
        )
        ax.annotate(
            town.label or town.name,
            (x, y),
            xytext=(town.dx, town.dy),
            textcoords="offset points",
            ha=town.ha,
            va="center",
            fontsize=9.5 if town.bold else 8.5,
            fontweight="bold" if town.bold else "normal",
            color=TEXT,
            zorder=11,
            path_effects=HALO,
        )

    handles = [
        Line2D([], [], ls="none", marker=m, color=c, mec="white", ms=7.5, label=t)
        for m, c, t in spec.legend
    ]
    if spec.ring and spec.ring[0] in places:
        x, y = places[spec.ring[0]]
        add_ring(ax, x, y, spec.ring[1])
        handles.append(Line2D([], [], color=ACCENT, lw=1.2, ls=(0, (4, 3)), label=spec.ring[2]))
    if handles:
        ax.legend(
            handles=handles,
            loc=spec.legend_loc,
            fontsize=7.5,
            frameon=True,
            framealpha=0.95,
            edgecolor="#cfcfcb",
            borderpad=0.7,
            handletextpad=0.6,
        )

    add_scale_bar(ax, spec)
    ax.text(
        0.006,
        0.006,
        "Boundaries: Natural Earth. Places: GeoNames.",
        transform=ax.transAxes,
        ha="left",
        va="bottom",
        fontsize=6,
        color=MUTED,
        zorder=20,
        path_effects=HALO,
    )

    spec.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(spec.out, dpi=DPI, facecolor=SEA, metadata={"Software": None})
    plt.close(fig)


def north_mali(inputs: Path) -> MapSpec:
    """Return the spec of the northern Mali map of the 2023-11-08 edition."""
    return MapSpec(
        out=inputs / "2023-11-08" / "figures" / "north-mali.png",
        extent=(-4.6, 5.6, 14.2, 21.6),
        focus=["Kidal", "Gao", "Timbuktu"],
        key="Kidal",
        region_labels={"Kidal": (2.8, 19.02), "Gao": (2.2, 16.8), "Timbuktu": (-2.6, 18.2)},
        country_labels={
            "Algeria": (3.0, 21.0),
            "Niger": (4.8, 15.5),
            "Burkina Faso": (-1.4, 14.45),
        },
        towns=[
            Town("Tessalit", marker="s", color=ACCENT, bold=True),
            Town("Aguelhok", marker="s", color=ACCENT, bold=True),
            Town("Kidal", marker="s", color=ACCENT, bold=True),
            Town("Anefis", marker="^", color=MARKER, bold=True, dx=-7, ha="right"),
            Town("Gao", bold=True),
            Town("Timbuktu"),
            Town("Menaka"),
        ],
        scale_km=200,
        legend=[
            ("s", ACCENT, "Former MINUSMA base"),
            ("^", MARKER, "Malian-Wagner forward base"),
            ("o", MARKER, "Town"),
        ],
        legend_loc="upper left",
        ring=("Anefis", 299.0, "TB2 control range from Anefis (186 miles)"),
    )


def main() -> None:
    """Draw both maps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--inputs", type=Path, default=ROOT / "inputs")
    args = parser.parse_args()
    for spec in (north_mali(args.inputs),):
        draw(spec, args.data)
        print(f"wrote {spec.out} ({spec.out.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
