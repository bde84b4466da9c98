"""Load the shipped base maps, pick the one a map needs, and find regions by ACLED's names.

Two base maps ship in ``weekly/data`` (see its README): the Sahel set, drawn for maps of Mali,
Burkina Faso and Niger alone, and the theatre set (Africa, the Middle East and South Asia).
Nothing here imports matplotlib: ``weekly check`` places rows without drawing them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np

Box = tuple[float, float, float, float]  # west, south, east, north, in degrees
Name = Literal["sahel", "theatres"]


def fold(text: str) -> str:
    """Return ``text`` lower-cased without accents, spaces or punctuation (``Deir-ez-Zor`` ->
    ``deirezzor``), so that spellings differing only in those match."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@dataclass(frozen=True)
class Area:
    """A country outline or an admin-1 region, with its rings as arrays for fast tests."""

    name: str
    country: str
    rings: tuple[np.ndarray, ...]
    box: Box
    aliases: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()

    def meets(self, box: Box) -> bool:
        """Return whether the area's bounding box meets ``box``."""
        west, south, east, north = box
        return (
            self.box[0] <= east
            and self.box[2] >= west
            and self.box[1] <= north
            and self.box[3] >= south
        )

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Return which points lie inside the area (even-odd rule over all its rings)."""
        inside = np.zeros(len(lon), dtype=bool)
        near = (
            (lon >= self.box[0])
            & (lon <= self.box[2])
            & (lat >= self.box[1])
            & (lat <= self.box[3])
        )
        if not near.any():
            return inside
        x, y = lon[near][:, None], lat[near][:, None]
        hits = np.zeros(int(near.sum()), dtype=bool)
        for ring in self.rings:
            x0, y0, x1, y1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
            crosses = (y0 > y) != (y1 > y)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            hits ^= (crosses & (x < at)).sum(axis=1) % 2 == 1
        inside[near] = hits
        return inside


@dataclass(frozen=True)
class Town:
    """A town that may be labelled on a map."""

    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    capital: bool
    population: int = 0


@dataclass(frozen=True)
class Locator:
    """A wider region shown in the inset, with the map's extent outlined on it."""

    name: str
    box: Box


@dataclass
class BaseMap:
    """One shipped base map: its regions, country outlines, towns and locator regions."""

    name: Name
    window: Box
    regions: list[Area]
    countries: list[Area]
    towns: list[Town]
    locators: tuple[Locator, ...]
    _index: dict[tuple[str, str], Area] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for area in self.regions:
            for name in (area.name, *area.aliases, *area.covers):
                self._index.setdefault((fold(area.country), fold(name)), area)
                self._index.setdefault(("", fold(name)), area)

    @property
    def covered(self) -> set[str]:
        """Return the countries that have admin-1 regions on this base map."""
        return {area.country for area in self.regions}

    def region(self, country: str | None, admin1: str) -> Area | None:
        """Return the region ACLED's ``admin1`` names in ``country`` (any country if None)."""
        return self._index.get((fold(country) if country else "", fold(admin1)))

    def country_at(self, lon: np.ndarray, lat: np.ndarray) -> list[str | None]:
        """Return the country each point falls in (None at sea or off the map)."""
        found: list[str | None] = [None] * len(lon)
        for area in self.countries:
            for i in np.flatnonzero(area.contains(lon, lat)):
                found[i] = found[i] or area.name
        return found

    def in_window(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Return which points lie in the part of the world this base map covers."""
        west, south, east, north = self.window
        return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)

    def locator(self, box: Box) -> Locator:
        """Return the smallest locator region that holds ``box``, or the one nearest to it."""
        west, south, east, north = box
        cx, cy = (west + east) / 2, (south + north) / 2

        def area(loc: Locator) -> float:
            return (loc.box[2] - loc.box[0]) * (loc.box[3] - loc.box[1])

        holding = [
            loc
            for loc in self.locators
            if loc.box[0] <= west
            and loc.box[1] <= south
            and loc.box[2] >= east
            and loc.box[3] >= north
        ]
        if holding:
            return min(holding, key=area)
        centred = [
            loc
            for loc in self.locators
            if loc.box[0] <= cx <= loc.box[2] and loc.box[1] <= cy <= loc.box[3]
        ]
        if centred:
            return max(centred, key=area)
        return Locator("", self.window)


#: Wider regions for the locator inset (west, south, east, north). The smallest that holds a
#: map's extent is drawn.
THEATRE_LOCATORS = (
    Locator("West Africa and the Sahel", (-18.0, 2.0, 18.0, 26.0)),
    Locator("Lake Chad Basin", (2.0, 2.0, 26.0, 22.0)),
    Locator("North Africa", (-12.0, 17.0, 36.0, 38.0)),
    Locator("Sudan and South Sudan", (18.0, 1.0, 42.0, 24.0)),
    Locator("Horn of Africa", (31.0, -6.0, 54.0, 18.0)),
    Locator("East and Central Africa", (8.0, -18.0, 46.0, 14.0)),
    Locator("Southern Africa", (18.0, -30.0, 45.0, -8.0)),
    Locator("Levant", (31.0, 27.0, 45.0, 39.0)),
    Locator("Middle East", (30.0, 11.0, 64.0, 42.0)),
    Locator("South Asia", (56.0, 22.0, 80.0, 40.0)),
    Locator("Africa and the Middle East", (-20.0, -36.0, 80.0, 44.0)),
)
SAHEL_LOCATORS = (Locator("Sahel", (-13.0, 3.0, 17.0, 25.0)),)
WINDOWS: dict[Name, Box] = {
    "sahel": (-18.0, 3.0, 25.0, 38.0),
    "theatres": (-26.0, -36.0, 80.0, 44.0),
}
CSV_CAPITALS = {"Bamako", "Ouagadougou", "Niamey"}  # the Sahel towns file has no capital column


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _area(props: dict[str, Any], name_key: str, rings: tuple[np.ndarray, ...]) -> Area:
    points = np.concatenate(rings)
    box = (
        float(points[:, 0].min()),
        float(points[:, 1].min()),
        float(points[:, 0].max()),
        float(points[:, 1].max()),
    )

    def names(key: str) -> tuple[str, ...]:
        return tuple(n.strip() for n in (props.get(key) or "").split(";") if n.strip())

    return Area(
        name=props[name_key],
        country=props.get("country", props[name_key]),
        rings=rings,
        box=box,
        aliases=names("aliases"),
        covers=names("also_covers"),
    )


def _from_geojson(text: str, name_key: str) -> list[Area]:
    out = []
    for feature in json.loads(text)["features"]:
        rings = tuple(np.asarray(ring, dtype=float) for ring in _rings(feature["geometry"]))
        out.append(_area(feature["properties"], name_key, rings))
    return out


def _from_arrays(arrays: Any, kind: str, name_key: str) -> list[Area]:
    """Return the areas packed by ``scripts/build_basemaps.py`` (see its ``pack``)."""
    xy = arrays[f"{kind}_xy"].astype(float)
    rings = arrays[f"{kind}_rings"].tolist() + [len(xy)]
    starts = arrays[f"{kind}_features"].tolist() + [len(rings) - 1]
    props = json.loads(arrays[f"{kind}_props"].tobytes().decode("utf-8"))
    out = []
    for index, feature in enumerate(props):
        first, last = starts[index], starts[index + 1]
        parts = tuple(xy[rings[i] : rings[i + 1]] for i in range(first, last))
        out.append(_area(feature, name_key, parts))
    return out


def _read(name: str) -> str:
    return (resources.files("weekly") / "data" / name).read_text(encoding="utf-8")


@cache
def base_map(name: Name = "sahel") -> BaseMap:
    """Return a shipped base map (read once per process)."""
    prefix = "sahel" if name == "sahel" else "theatres"
    if name == "sahel":
        regions = _from_geojson(_read("sahel-admin1.geojson"), "admin1")
        countries = _from_geojson(_read("sahel-countries.geojson"), "name")
    else:  # the same shapes as theatres-*.geojson, packed as arrays: parsing JSON is slow
        data = (resources.files("weekly") / "data" / "theatres-shapes.npz").read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            regions = _from_arrays(arrays, "region", "admin1")
            countries = _from_arrays(arrays, "country", "name")
    towns = [
        Town(
            name=row["name"],
            country=row["country"],
            admin1=row["admin1"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            capital=row.get("capital") == "1" or (name == "sahel" and row["name"] in CSV_CAPITALS),
            population=int(row.get("population") or 0),
        )
        for row in csv.DictReader(io.StringIO(_read(f"{prefix}-places.csv")))
    ]
    return BaseMap(
        name=name,
        window=WINDOWS[name],
        regions=regions,
        countries=countries,
        towns=towns,
        locators=SAHEL_LOCATORS if name == "sahel" else THEATRE_LOCATORS,
    )


def region_names(name: Name = "sahel") -> dict[str, str]:
    """Return ACLED admin-1 name -> the region drawn for it (``Menaka`` -> ``Gao``)."""
    names = {}
    for area in base_map(name).regions:
        for other in (area.name, *area.covers):
            names[other] = area.name
    return names


def town_positions() -> dict[str, tuple[float, float]]:
    """Return the theatre towns as name -> (latitude, longitude), for rows without them."""
    return {t.name: (t.latitude, t.longitude) for t in base_map("theatres").towns}


def choose(lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray,
           extent: Sequence[float] | None = None) -> BaseMap:  # fmt: skip
    """Return the Sahel base map when every point lies in its regions (and an ``extent``
    inside its locator), else the theatre one."""
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    sahel = base_map("sahel")
    if extent is not None:
        west, south, east, north = SAHEL_LOCATORS[0].box
        if not (
            extent[0] >= west and extent[1] >= south and extent[2] <= east and extent[3] <= north
        ):
            return base_map("theatres")
    inside = np.zeros(len(x), dtype=bool)
    for area in sahel.regions:
        inside |= area.contains(x, y)
    return sahel if len(x) and inside.all() else base_map("theatres")
