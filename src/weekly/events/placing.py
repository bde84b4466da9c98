"""Place a map's event rows on the base maps, say which rows cannot be placed, sum up facts.

A row is left off a map, with a warning at its line of the events table, when its
coordinates lie outside every base map (W601) or when its ``admin1`` names no region of its
country (W602). Nothing here imports matplotlib; :class:`MapFacts` is what a map shows, in
numbers, for provenance lines and alt text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from weekly.events.basemaps import BaseMap, Box, base_map, fold

if TYPE_CHECKING:
    import pandas as pd

    from weekly.events.table import EventTable

W_OUTSIDE = "W601"
W_NO_REGION = "W602"
#: Rows reported one by one before the rest are summed up in one line.
MAX_REPORTED = 5
#: Height / width of the map frame (inches: 4.6 high, 73 percent of the 6.8-inch column).
FRAME_RATIO = 4.6 / (6.8 * 0.73)


@dataclass
class LeftOut:
    """A row a map cannot place: its position in the frame, the code and why."""

    row: int
    code: str
    reason: str


@dataclass
class Placement:
    """Which rows of a map's frame are placed, and the reasons the others are not."""

    keep: np.ndarray
    left_out: list[LeftOut] = field(default_factory=list)


def _countries(frame: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
    """Return each row's country: its ``country`` value, else the country its point is in."""
    given: list[Any] = (
        frame["country"].astype("string").tolist() if "country" in frame else [None] * len(frame)
    )
    theatres = base_map("theatres")
    missing = [i for i, c in enumerate(given) if not isinstance(c, str) or not c]
    if missing:
        idx = np.array(missing)
        ok = ~(np.isnan(lon[idx]) | np.isnan(lat[idx]))
        found = theatres.country_at(lon[idx][ok], lat[idx][ok])
        for i, country in zip(idx[ok], found, strict=True):
            given[int(i)] = country
    return [c if isinstance(c, str) and c else None for c in given]


def place(frame: pd.DataFrame, need_points: bool = True) -> Placement:
    """Return which rows of ``frame`` a map can place (``need_points``: by coordinates)."""
    theatres, sahel = base_map("theatres"), base_map("sahel")
    n = len(frame)
    lon = frame["longitude"].to_numpy(dtype=float) if "longitude" in frame else np.full(n, np.nan)
    lat = frame["latitude"].to_numpy(dtype=float) if "latitude" in frame else np.full(n, np.nan)
    keep = np.ones(n, dtype=bool)
    left: list[LeftOut] = []
    located = ~(np.isnan(lon) | np.isnan(lat))
    outside = located & ~(theatres.in_window(lon, lat) | sahel.in_window(lon, lat))
    for row in np.flatnonzero(outside) if need_points else []:
        keep[row] = False
        where = f"latitude {lat[row]:g}, longitude {lon[row]:g}"
        left.append(LeftOut(int(row), W_OUTSIDE, f"{where} is outside every base map"))
    countries = _countries(frame, lon, lat)
    admin1 = frame["admin1"].astype("string").fillna("").tolist()
    covered = {fold(c) for c in theatres.covered | sahel.covered}
    verdicts: dict[tuple[str | None, str], bool] = {}
    for row in np.flatnonzero(keep):
        key = (countries[row], admin1[row])
        if key not in verdicts:
            country, name = key
            if country is not None and fold(country) not in covered:
                verdicts[key] = True  # a country without regions: drawn by its points only
            else:
                verdicts[key] = bool(name) and (
                    theatres.region(country, name) is not None
                    or sahel.region(country, name) is not None
                )
        if not verdicts[key]:
            keep[row] = False
            where = f" of {countries[row]}" if countries[row] else ""
            left.append(LeftOut(int(row), W_NO_REGION,
                                f"admin1 '{admin1[row]}' matches no region{where} on the base maps"))  # fmt: skip
    left.sort(key=lambda item: item.row)
    return Placement(keep, left)


def source_lines(table: EventTable, mask: np.ndarray) -> np.ndarray:
    """Return the line of the events file each row selected by ``mask`` comes from."""
    from weekly.events.read import csv_lines

    visible = table._mask()
    flags = np.asarray(visible.to_numpy(zero_copy_only=False), dtype=bool)
    rows = np.flatnonzero(flags)[np.flatnonzero(mask)]
    if table.source.suffix.lower() == ".csv":
        lines = np.asarray(csv_lines(table.source.read_bytes()))
        return np.where(rows < len(lines), lines[np.minimum(rows, len(lines) - 1)], rows + 2)
    return rows + 2


def fit_extent(lon: np.ndarray, lat: np.ndarray, extent: Sequence[float] | None) -> Box:
    """Return (west, south, east, north): the points with a margin, shaped like the frame."""
    if extent:
        west, south, east, north = (float(v) for v in extent)
    else:
        west, east = float(np.min(lon)), float(np.max(lon))
        south, north = float(np.min(lat)), float(np.max(lat))
        pad = max(east - west, north - south, 2.0) * 0.12
        west, east, south, north = west - pad, east + pad, south - pad, north + pad
    cx, cy = (west + east) / 2, (south + north) / 2
    scale = math.cos(math.radians(cy))
    width, height = (east - west) * scale, north - south
    if height / width < FRAME_RATIO:
        height = width * FRAME_RATIO
    else:
        width = height / FRAME_RATIO
    width /= scale
    return cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2


def region_totals(
    frame: pd.DataFrame, base: BaseMap, weight: str | None = None
) -> dict[str, float]:
    """Return events (or the sum of column ``weight``) per region, keyed ``country/admin1``."""
    import pandas as pd

    n = len(frame)
    country = frame["country"].astype("string").tolist() if "country" in frame else [None] * n
    admin1 = frame["admin1"].astype("string").fillna("").tolist()
    values = (
        frame[weight].fillna(0).to_numpy(dtype=float) if weight and weight in frame else np.ones(n)
    )
    keys = pd.Series(
        [f"{c if isinstance(c, str) else ''}\x00{a}" for c, a in zip(country, admin1, strict=True)]
    )
    totals: dict[str, float] = {}
    for key, value in pd.Series(values).groupby(keys, sort=True).sum().items():
        name_country, name = str(key).split("\x00", 1)
        area = base.region(name_country or None, name)
        if area is not None:
            label = f"{area.country}/{area.name}"
            totals[label] = totals.get(label, 0.0) + float(value)
    return totals


def map_extent(frame: pd.DataFrame, base: BaseMap, extent: Sequence[float] | None,
               shade: str | None) -> Box:  # fmt: skip
    """Return the box a map shows: its ``extent``, its points, or its shaded regions."""
    if shade and not extent:
        totals = region_totals(frame, base)
        shaded = [a for a in base.regions if f"{a.country}/{a.name}" in totals]
        lon = np.array([v for a in shaded for v in (a.box[0], a.box[2])])
        lat = np.array([v for a in shaded for v in (a.box[1], a.box[3])])
        return fit_extent(lon, lat, None)
    return fit_extent(frame["longitude"].to_numpy(float), frame["latitude"].to_numpy(float), extent)


@dataclass
class MapFacts:
    """What a map shows, in words and numbers (for provenance and alt text)."""

    #: The wider region the locator shows (``Horn of Africa``), or the base map's name.
    area: str
    #: Countries with events on the map, most events first.
    countries: list[str]
    events: int
    fatalities: int
    #: (town, events), most events first, at most five.
    towns: list[tuple[str, int]]
    #: (admin-1 region, events), most events first, at most five.
    regions: list[tuple[str, int]]
    #: Layer labels, in drawing order.
    layers: list[str]
    #: Rows of the selection left off the map (no coordinates, or not placeable).
    left_out: int
    extent: Box
    base_map: str
    shade: str | None = None


def facts(frame: pd.DataFrame, extent: Box, base: str, area: str, layers: list[str],
          left_out: int, shade: str | None) -> MapFacts:  # fmt: skip
    """Return the facts of a map drawn from ``frame``."""

    def top(column: str, count: int = 5) -> list[tuple[str, int]]:
        if column not in frame:
            return []
        values = frame[column].astype("string").dropna().value_counts(sort=False)
        ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(str(k), int(v)) for k, v in ranked[:count]]

    fatalities = int(frame["fatalities"].fillna(0).sum()) if "fatalities" in frame else 0
    return MapFacts(
        area=area, countries=[c for c, _ in top("country", 50)], events=len(frame),
        fatalities=fatalities, towns=top("location"), regions=top("admin1"), layers=layers,
        left_out=left_out, extent=extent, base_map=base, shade=shade,
    )  # fmt: skip
