"""Draw figures from the events table: check the chart's options, select its rows, cache it.

A chart is stored under ``inputs/.weekly-cache/charts/`` by a digest of its options, the
rows it shows and :data:`STYLE_VERSION`; an unchanged chart is read back without
importing matplotlib (:mod:`weekly.events.plots` does the drawing).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from weekly.apstyle import long_date, slugify
from weekly.assets import Asset, Chart, ChartDrawer
from weekly.caches import Caches
from weekly.errors import Problems, display_path
from weekly.events import table as events
from weekly.events.layers import W_OUTSIDE as W_LAYER_OUTSIDE
from weekly.events.layers import Layer, LayerError, read_layers
from weekly.inputs.edition import Edition, FigureSpec

if TYPE_CHECKING:
    from weekly.events.placing import MapFacts

#: Bump when the drawing changes, so cached charts are drawn again.
STYLE_VERSION = "7"
COMMON = {"where", "since", "until"}
OPTIONS = {
    "weekly": COMMON | {"by", "top"},
    "monthly": COMMON | {"by", "top"},
    "share": COMMON | {"by", "top"},
    "map": COMMON | {"color", "size", "extent", "shade", "layers"},
}
MAP_SIZES = ("count", "fatalities")
#: Map options and layer files are checked with codes E601-E603; rows left off, W601-W602.
E_MAP_OPTION = "E601"


class ChartError(ValueError):
    """A chart option that cannot be used; ``key`` names the option."""

    def __init__(self, key: str, message: str, code: str = "E304") -> None:
        super().__init__(message)
        self.key = key
        self.message = message
        self.code = code


def _column(table: events.EventTable, key: str, value: Any) -> str:
    if not isinstance(value, str) or value not in table.names:
        if isinstance(value, str):
            raise ChartError(key, f"{key}: {table.unknown(value)}")
        raise ChartError(key, f"{key}: expected a column name, got {value!r}")
    return value


def _extent(value: Any) -> list[float] | None:
    if value is None:
        return None
    if (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and value[0] < value[2]
        and value[1] < value[3]
    ):
        return [float(v) for v in value]
    raise ChartError("extent", "extent: expected [west, south, east, north] in degrees")


def _digest(meta: dict[str, Any], frame: Any) -> str:
    import pandas as pd

    hasher = hashlib.sha256(json.dumps(meta, sort_keys=True, default=str).encode())
    hasher.update(",".join(frame.columns).encode())
    hasher.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return hasher.hexdigest()[:32]


def _cached(folder: Any, key: str, suffix: str = ".svg") -> bytes | None:
    path = folder / f"{key}{suffix}"
    return path.read_bytes() if path.is_file() else None


def _store(folder: Any, key: str, data: bytes, suffix: str = ".svg") -> None:
    from weekly.files import write_atomically

    try:
        write_atomically(folder, {f"{key}{suffix}": data})
    except OSError:
        return


class Drawer:
    """Draws the charts of one edition (callable as a :data:`ChartDrawer`)."""

    def __init__(
        self, edition: Edition, raster: tuple[int, int] | None = None, caches: Caches | None = None
    ) -> None:
        self.caches = caches or Caches()
        self.edition = edition
        #: Draw PNG rasters that fit these pixels (width, height) instead of SVG, uncached.
        self.raster = raster
        self.cutoff = edition.cutoff.date()
        #: Figure id -> what its map shows (for alt text and provenance); maps only.
        self.facts: dict[str, MapFacts] = {}

    def __call__(self, spec: FigureSpec, problems: Problems) -> Chart | None:
        try:
            return self.draw(spec, problems)
        except ChartError as exc:
            line = spec.lines.get(exc.key, spec.lines.get("chart", spec.line))
            problems.error(exc.code, self.edition.path, line, f"figure '{spec.id}': {exc.message}")
            return None
        except LayerError as exc:
            if exc.path is None:
                line = spec.lines.get("layers", spec.line)
                problems.error(
                    exc.code, self.edition.path, line, f"figure '{spec.id}': {exc.message}"
                )
            else:
                problems.error(
                    exc.code, exc.path, exc.line, f"layer of figure '{spec.id}': {exc.message}"
                )
            return None

    def draw(self, spec: FigureSpec, problems: Problems) -> Chart | None:
        """Return the chart of ``spec``, its provenance and its description; raise ChartError
        on bad options."""
        kind = spec.chart or "weekly"
        options = spec.options
        for key in options:
            if key not in OPTIONS[kind]:
                allowed = ", ".join(sorted(OPTIONS[kind]))
                raise ChartError(key, f"unknown option '{key}' for chart: {kind} ({allowed})")
        where = options.get("where") or {}
        if not isinstance(where, dict):
            raise ChartError("where", "where: expected a mapping of column to value or list")
        table = events.table_for(self.edition.inputs, self.cutoff, self.caches)
        if table is None:
            raise ChartError("chart", events.NO_TABLE, "E300")
        problems.extend(table.problems)
        if not table.ok:
            return None
        try:
            first, last = table.window(options.get("since"), options.get("until"))
        except events.QueryError as exc:
            key = "since" if str(exc).startswith("since") else "until"
            raise ChartError(key if key in options else "since", str(exc)) from None
        try:
            mask = table.select(where, options.get("since"), options.get("until"))
        except events.QueryError as exc:
            raise ChartError("where", f"where: {exc}") from None
        count = int(mask.sum())
        described = events.describe(where, first, last)
        if count == 0:
            raise ChartError("chart", f"no events to chart ({described})", "E302")

        top = options.get("top", 6)
        if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= 12:
            raise ChartError("top", "top: expected a whole number from 1 to 12")
        by = _column(table, "by", options["by"]) if options.get("by") is not None else None
        if kind == "share" and by is None:
            by = "admin1"
        color = _column(table, "color", options.get("color", "actor1"))
        size = options.get("size", "count")
        if size not in MAP_SIZES:
            raise ChartError("size", f"size: expected count or fatalities, got {size!r}")
        extent = _extent(options.get("extent"))
        shade = options.get("shade")
        if kind == "map" and shade is not None and shade not in MAP_SIZES:
            raise ChartError(
                "shade", f"shade: expected count or fatalities, got {shade!r}", E_MAP_OPTION
            )
        layers = read_layers(options.get("layers"), self.edition.folder) if kind == "map" else []

        names = ["event_date"]
        if kind == "map":
            names += [n for n in ("latitude", "longitude") if n in table.names]
            names += ["location", "admin1", color]
            names += [n for n in ("country", "fatalities") if n in table.names]
        elif by:
            names.append(by)
        frame = table.frame(mask, list(dict.fromkeys(names)))
        dropped = 0
        base, box = "", None
        if kind == "map":
            frame, dropped, base, box = self._place(spec, table, mask, frame, count, extent, shade,
                                                    layers, problems)  # fmt: skip
        start = first or frame["event_date"].min().date()
        meta = {
            "kind": kind, "by": by, "color": color, "size": size, "top": top, "extent": extent,
            "first": start, "last": last, "cutoff": self.cutoff, "style": STYLE_VERSION,
            "base": base, "shade": shade, "layers": [(x.label, x.style, x.digest) for x in layers],
        }  # fmt: skip
        key = _digest(meta, frame)
        folder = self.edition.inputs / events.CACHE_DIR / "charts"
        svg = None if self.raster else _cached(folder, key)
        if svg is None:
            from weekly.events import plots

            svg = plots.draw(
                plots.ChartData(
                    kind=kind, frame=frame, first=start, last=last, cutoff=self.cutoff, by=by,
                    color=color, size=size, top=top, extent=extent, base=base, shade=shade,
                    layers=layers,
                ), "png" if self.raster else "svg", self.raster,
            )  # fmt: skip
            if self.raster:
                name = f"figures/{slugify(spec.id) or 'chart'}.png"
                return Chart(Asset(name, svg, "image/png"), "")
            _store(folder, key, svg)
        name = f"figures/{slugify(spec.id) or 'chart'}.svg"
        provenance = (
            f"Chart: {kind}, drawn from {count:,} events in {display_path(table.source)} "
            f"({described}); data cutoff {long_date(self.cutoff)}."
        )
        if dropped:
            provenance += f" {dropped:,} events could not be placed and are not on the map."
        from weekly.events.alt import chart_alt

        alt = chart_alt(kind, frame, where, start, last, by, top, size, color)
        return Chart(Asset(name, svg, "image/svg+xml"), provenance, alt)

    def _place(self, spec: FigureSpec, table: events.EventTable, mask: Any, frame: Any, count: int,
               extent: list[float] | None, shade: str | None, layers: list[Layer],
               problems: Problems) -> tuple[Any, int, str, Any]:  # fmt: skip
        """Return the rows a map can place, how many it cannot, its base map and extent.

        Rows left off are warned about at their line of the events table (W601, W602), and
        layers that miss the extent at the figure's ``layers:`` line (W603).
        """
        # numpy-backed helpers: imported here so editions without maps do not pay for them.
        from weekly.events import basemaps
        from weekly.events.placing import MAX_REPORTED, facts, map_extent, place, source_lines

        lines = source_lines(table, mask)
        frame, located = _locate(frame)
        if not shade:
            frame, lines = frame[located].reset_index(drop=True), lines[located]
        placement = place(frame, need_points=not shade)
        for item in placement.left_out[:MAX_REPORTED]:
            problems.warning(item.code, table.source, int(lines[item.row]),
                             f"figure '{spec.id}' leaves this row off the map: {item.reason}")  # fmt: skip
        if len(placement.left_out) > MAX_REPORTED:
            more = placement.left_out[MAX_REPORTED]
            problems.warning(more.code, table.source, int(lines[more.row]),
                             f"figure '{spec.id}': {len(placement.left_out) - MAX_REPORTED} more "
                             "rows like these left off the map")  # fmt: skip
        frame = frame[placement.keep].reset_index(drop=True)
        if frame.empty:
            raise ChartError(
                "chart", f"none of the {count:,} events can be placed on a map", "E302"
            )
        has_points = frame["latitude"].notna().all() and frame["longitude"].notna().all()
        chosen = (
            basemaps.choose(frame["longitude"], frame["latitude"], extent)
            if has_points
            else basemaps.base_map("theatres")
        )
        box = map_extent(frame, chosen, extent, shade)
        for layer in layers:
            if not layer.meets(box):
                problems.warning(W_LAYER_OUTSIDE, self.edition.path, spec.lines.get("layers", spec.line),
                                 f"figure '{spec.id}': layer '{layer.file}' lies outside the map's "
                                 "extent")  # fmt: skip
        where = chosen.locator(box).name or chosen.name
        self.facts[spec.id] = facts(frame, box, chosen.name, where, [x.label for x in layers],
                                    count - len(frame), shade)  # fmt: skip
        return frame, count - len(frame), chosen.name, box


def _locate(frame: Any) -> tuple[Any, Any]:
    """Fill missing coordinates from the bundled towns; return the frame and which rows have
    coordinates."""
    import pandas as pd

    from weekly.events import basemaps
    from weekly.events.table import places

    frame = frame.copy()
    for name in ("latitude", "longitude"):
        if name not in frame:
            frame[name] = float("nan")
        else:  # a column with no value at all is read as nulls, not numbers
            frame[name] = pd.to_numeric(frame[name].astype("object"), errors="coerce").astype(float)
    known = {**basemaps.town_positions(), **places()}
    missing = frame["latitude"].isna() | frame["longitude"].isna()
    if missing.any():
        names = frame.loc[missing, "location"].astype("string").tolist()
        nowhere = (float("nan"), float("nan"))
        for index, name in enumerate(("latitude", "longitude")):
            values = [
                known.get(n, nowhere)[index] if isinstance(n, str) else nowhere[0] for n in names
            ]
            frame.loc[missing, name] = pd.Series(values, index=frame.index[missing], dtype=float)
    located = (frame["latitude"].notna() & frame["longitude"].notna()).to_numpy()
    return frame, located


def drawer(edition: Edition, caches: Caches | None = None) -> ChartDrawer | None:
    """Return the chart drawer of ``edition``, reading the events table through ``caches``."""
    return Drawer(edition, caches=caches)


def raster(edition: Edition, spec: FigureSpec, svg: bytes, size: tuple[int, int]) -> bytes | None:
    """Return the chart of ``spec`` drawn again as a PNG that fits ``size`` pixels, or None.

    The share card shows it: the same data in the same style as the chart's SVG ``svg``, but
    in pixels. It is kept beside the charts, named by a digest of ``svg``, the size and
    :data:`STYLE_VERSION`, so an unchanged chart is read back without pandas or matplotlib.
    Its problems were reported when the SVG was drawn, so they are not reported again.
    """
    hasher = hashlib.sha256(f"card {STYLE_VERSION} {size[0]}x{size[1]}\n".encode())
    hasher.update(svg)
    key = hasher.hexdigest()[:32]
    folder = edition.inputs / events.CACHE_DIR / "charts"
    png = _cached(folder, key, ".png")
    if png is not None:
        return png
    chart = Drawer(edition, raster=size)(spec, Problems())
    if chart is None:
        return None
    _store(folder, key, chart.asset.data, ".png")
    return chart.asset.data
