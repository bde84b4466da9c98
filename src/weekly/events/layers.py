"""Read analysts' own map layers: GeoJSON files from the edition folder, each with a style.

A map figure takes ``layers: [{file: layers/jnim-support.geojson, label: JNIM support zone,
style: support-zone}]``. Files are read only from inside the edition folder, never fetched,
and refused when too large or too deeply nested. Problems are raised as :class:`LayerError`
carrying the file (and line) they concern. Nothing here imports matplotlib.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

E_OPTION = "E601"
E_FILE = "E602"
E_GEOJSON = "E603"
W_OUTSIDE = "W603"
MAX_BYTES = 5_000_000
MAX_POINTS = 250_000
MAX_LAYERS = 8
#: Arrays and objects deeper than this are refused (a MultiPolygon in a FeatureCollection
#: needs eight levels).
MAX_DEPTH = 16


@dataclass(frozen=True)
class Style:
    """How a layer is drawn: an area (filled, maybe hatched), a line or points."""

    shape: Literal["area", "line", "point"]
    colour: str
    fill_alpha: float = 0.0
    hatch: str | None = None
    width: float = 1.2
    dash: tuple[float, float] | None = None
    description: str = ""


#: The palette analysts choose from (documented in docs/guide/maps.md).
STYLES: dict[str, Style] = {
    "control": Style("area", "#9b1c2c", 0.28, None, 0.9, None, "area a group controls: solid fill"),
    "contested": Style("area", "#d08c2e", 0.22, "xxx", 0.9, (3, 2), "contested area: hatched, dashed edge"),
    "support-zone": Style("area", "#6e4f8c", 0.16, "////", 0.9, None, "support zone: light fill, hatched"),
    "influence": Style("area", "#2f5f8a", 0.14, None, 0.8, (1, 1.5), "area of influence: light fill, dotted edge"),
    "front-line": Style("line", "#1d2230", 0.0, None, 2.0, (4, 1.5), "front line: heavy dashed line"),
    "route": Style("line", "#3d8a7c", 0.0, None, 1.4, None, "route or supply line: solid line"),
    "sites": Style("point", "#1d2230", 0.0, None, 1.0, None, "bases or sites: black triangles"),
}  # fmt: skip
#: Arrays around one position in each geometry's coordinates.
GEOMETRY_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
                  "Polygon": 2, "MultiPolygon": 3}  # fmt: skip
SHAPES = {"Point": "point", "MultiPoint": "point", "LineString": "line",
          "MultiLineString": "line", "Polygon": "area", "MultiPolygon": "area"}  # fmt: skip


class LayerError(ValueError):
    """A layer that cannot be drawn; ``path`` is the layer file when the fault is in it."""

    def __init__(self, message: str, code: str = E_OPTION, path: Path | None = None,
                 line: int | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.message, self.code, self.path, self.line = message, code, path, line


@dataclass(frozen=True)
class Layer:
    """One layer read from its file: rings or lines in lon/lat, points, and its legend."""

    file: str
    label: str
    style: str
    #: Rings of areas, or the vertices of lines, as lists of (lon, lat).
    parts: tuple[tuple[tuple[float, float], ...], ...]
    points: tuple[tuple[float, float], ...]
    digest: str

    @property
    def box(self) -> tuple[float, float, float, float]:
        """Return the layer's bounding box (west, south, east, north)."""
        xy = [p for part in self.parts for p in part] + list(self.points)
        xs, ys = [p[0] for p in xy], [p[1] for p in xy]
        return min(xs), min(ys), max(xs), max(ys)

    def meets(self, box: tuple[float, float, float, float]) -> bool:
        """Return whether the layer's bounding box meets ``box``."""
        west, south, east, north = self.box
        return west <= box[2] and east >= box[0] and south <= box[3] and north >= box[1]


def _depth(value: Any, limit: int) -> int:
    """Return the nesting depth of ``value``, stopping once past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return depth
        deepest = max(deepest, depth)
        if isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, list | dict))
        elif isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, list | dict))
    return deepest


def _geometries(data: Any, path: Path) -> list[dict[str, Any]]:
    """Return the geometries of a GeoJSON object (FeatureCollection, Feature or geometry)."""
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise LayerError('not a GeoJSON object (expected a "type" member)', E_GEOJSON, path)
    kind = data["type"]
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise LayerError('FeatureCollection without a "features" list', E_GEOJSON, path)
        out = []
        for index, feature in enumerate(features, 1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise LayerError(f"feature {index}: expected a Feature", E_GEOJSON, path)
            out += _feature(feature, path, index)
        return out
    if kind == "Feature":
        return _feature(data, path, 1)
    if kind in GEOMETRY_DEPTH or kind == "GeometryCollection":
        return _feature({"geometry": data}, path, 1)
    raise LayerError(f"unknown GeoJSON type '{kind}'", E_GEOJSON, path)


def _feature(feature: dict[str, Any], path: Path, index: int) -> list[dict[str, Any]]:
    geometry = feature.get("geometry")
    if geometry is None:
        return []
    if isinstance(geometry, dict) and geometry.get("type") == "GeometryCollection":
        parts = geometry.get("geometries")
        if not isinstance(parts, list):
            raise LayerError(
                f"feature {index}: GeometryCollection without geometries", E_GEOJSON, path
            )
        return [g for part in parts for g in _feature({"geometry": part}, path, index)]
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRY_DEPTH:
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        raise LayerError(f"feature {index}: unknown geometry type '{kind}'", E_GEOJSON, path)
    return [{**geometry, "_feature": index}]


def _positions(value: Any, depth: int, where: str, path: Path) -> list[Any]:
    """Check that ``value`` nests ``depth`` arrays down to [lon, lat] numbers."""
    if depth == 0:
        if (
            not isinstance(value, list)
            or len(value) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
        ):
            raise LayerError(f"{where}: expected a position [longitude, latitude]", E_GEOJSON, path)
        lon, lat = float(value[0]), float(value[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise LayerError(f"{where}: position [{lon:g}, {lat:g}] is not longitude, latitude "
                             "in degrees", E_GEOJSON, path)  # fmt: skip
        return [lon, lat]
    if not isinstance(value, list):
        raise LayerError(f"{where}: coordinates nested wrongly for its type", E_GEOJSON, path)
    return [_positions(v, depth - 1, where, path) for v in value]


def read_layer(entry: Any, folder: Path, index: int) -> Layer:
    """Return the layer ``entry`` (one item of ``layers:``) describes, read from ``folder``."""
    if not isinstance(entry, dict):
        raise LayerError(f"layers: item {index}: expected a mapping with file, label and style")
    unknown = sorted(set(entry) - {"file", "label", "style"})
    if unknown:
        raise LayerError(f"layers: item {index}: unknown key '{unknown[0]}' (file, label, style)")
    name, label, style = entry.get("file"), entry.get("label"), entry.get("style")
    if not isinstance(name, str) or not name.strip():
        raise LayerError(f"layers: item {index}: file: expected a path inside the edition folder")
    if not isinstance(label, str) or not label.strip():
        raise LayerError(f"layers: item {index}: label: expected the text of its legend entry")
    if style not in STYLES:
        raise LayerError(f"layers: item {index}: style: expected one of {', '.join(STYLES)}, "
                         f"got {style!r}")  # fmt: skip
    path = folder / name
    base = folder.resolve()
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        real = path
    if Path(name).is_absolute() or ".." in Path(name).parts or not real.is_relative_to(base):
        raise LayerError(f"layers: item {index}: file '{name}' is outside the edition folder",
                         E_FILE)  # fmt: skip
    if not real.is_file():
        raise LayerError(f"layers: item {index}: file '{name}' not found", E_FILE)
    if real.stat().st_size > MAX_BYTES:
        raise LayerError(f"layer file larger than {MAX_BYTES // 1_000_000} MB: simplify it first",
                         E_FILE, path)  # fmt: skip
    raw = real.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise LayerError("not UTF-8 text", E_GEOJSON, path) from None
    except json.JSONDecodeError as exc:
        raise LayerError(f"invalid JSON: {exc.msg} (column {exc.colno})", E_GEOJSON, path,
                         exc.lineno) from None  # fmt: skip
    except RecursionError:
        raise LayerError(f"nested deeper than {MAX_DEPTH} levels", E_GEOJSON, path) from None
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise LayerError(f"nested deeper than {MAX_DEPTH} levels", E_GEOJSON, path)
    parts: list[tuple[tuple[float, float], ...]] = []
    points: list[tuple[float, float]] = []
    want = STYLES[style].shape
    for geometry in _geometries(data, path):
        kind = geometry["type"]
        where = f"feature {geometry['_feature']} ({kind})"
        if SHAPES[kind] != want and not (want == "line" and SHAPES[kind] == "area"):
            raise LayerError(f"{where}: style {style} draws {want}s, not {SHAPES[kind]}s",
                             E_GEOJSON, path)  # fmt: skip
        coords = _positions(geometry.get("coordinates"), GEOMETRY_DEPTH[kind], where, path)
        if kind == "Point":
            points.append((coords[0], coords[1]))
        elif kind == "MultiPoint":
            points += [(p[0], p[1]) for p in coords]
        elif kind == "LineString":
            parts.append(tuple((p[0], p[1]) for p in coords))
        elif kind in ("MultiLineString", "Polygon"):
            parts += [tuple((p[0], p[1]) for p in line) for line in coords]
        else:
            parts += [tuple((p[0], p[1]) for p in ring) for polygon in coords for ring in polygon]
        if sum(len(p) for p in parts) + len(points) > MAX_POINTS:
            raise LayerError(f"more than {MAX_POINTS:,} positions: simplify it first", E_FILE, path)
    if not parts and not points:
        raise LayerError("no geometry to draw", E_GEOJSON, path)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return Layer(name, label.strip(), style, tuple(parts), tuple(points), digest)


def read_layers(value: Any, folder: Path) -> list[Layer]:
    """Return the layers of a map figure's ``layers:`` option."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise LayerError("layers: expected a list of {file, label, style}")
    if len(value) > MAX_LAYERS:
        raise LayerError(f"layers: at most {MAX_LAYERS} layers on one map")
    return [read_layer(entry, folder, index) for index, entry in enumerate(value, 1)]
