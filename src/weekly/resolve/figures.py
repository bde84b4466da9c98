"""Number the placed figures and gather the files they show (images and charts)."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass

from weekly.assets import Asset, ChartDrawer
from weekly.errors import Problems, did_you_mean
from weekly.inputs.edition import Edition, FigureSpec
from weekly.resolve.svgsafe import UnsafeSvg, sanitize_svg

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


@dataclass(frozen=True)
class Figure:
    """A placed figure: its number, its definition and the file it shows."""

    number: int
    spec: FigureSpec
    line: int
    asset: Asset | None
    #: Where the figure's data came from (filters, rows, cutoff), for draft review.
    provenance: str = ""
    #: Alternative text drawn from the chart's data; the front matter's ``alt:`` wins over it.
    alt: str = ""


def read_image(edition: Edition, spec: FigureSpec, problems: Problems) -> Asset | None:
    """Return the image of ``spec`` after checking it is a readable file inside the inputs."""
    assert spec.image is not None
    line = spec.lines.get("image", spec.line)
    root = edition.inputs.resolve()
    try:
        candidate = (edition.folder / spec.image).resolve()
        exists = candidate.is_file()
    except (OSError, RuntimeError, ValueError) as exc:  # too long, a symlink loop, a NUL
        reason = (
            exc.strerror
            if isinstance(exc, OSError) and exc.strerror
            else "a symbolic link loop"
            if isinstance(exc, RuntimeError)
            else "a character no path may hold"
        )
        problems.error(
            "E202", edition.path, line, f"figure '{spec.id}': image cannot be read ({reason})"
        )
        return None
    if not candidate.is_relative_to(root):
        problems.error(
            "E203",
            edition.path,
            line,
            f"figure '{spec.id}': image '{spec.image}' is outside the inputs folder",
        )
        return None
    if not exists:
        problems.error(
            "E202", edition.path, line, f"figure '{spec.id}': image '{spec.image}' not found"
        )
        return None
    if candidate.suffix.lower() not in IMAGE_TYPES:
        kinds = ", ".join(sorted(IMAGE_TYPES))
        problems.error(
            "E202", edition.path, line, f"figure '{spec.id}': image must be one of {kinds}"
        )
        return None
    media_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
    try:
        data = candidate.read_bytes()
    except OSError as exc:
        problems.error(
            "E202", edition.path, line, f"figure '{spec.id}': image cannot be read ({exc.strerror})"
        )
        return None
    if media_type == "image/svg+xml":
        try:
            data, removed = sanitize_svg(data)
        except UnsafeSvg as exc:
            problems.error("E206", edition.path, line, f"figure '{spec.id}': {exc}")
            return None
        if removed:
            problems.warning(
                "W203",
                edition.path,
                line,
                f"figure '{spec.id}': removed from the SVG: {', '.join(sorted(set(removed)))}",
            )
    return Asset(f"figures/{published_name(candidate.name)}", data, media_type)


def published_name(name: str) -> str:
    """Return a file name safe in a URL and a PDF: ASCII letters, digits, ``.``, ``_``, ``-``.

    ``north mali.png`` becomes ``north-mali.png`` and ``carte-ségou.png`` ``carte-segou.png``;
    names that are already safe are kept as they are.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.") or "figure"
    return safe


def _unique(asset: Asset, taken: dict[str, bytes]) -> Asset:
    """Return ``asset`` renamed ``map-2.png`` … when another file already has its name."""
    if taken.get(asset.name, asset.data) == asset.data:
        taken[asset.name] = asset.data
        return asset
    stem, dot, suffix = asset.name.rpartition(".")
    if not dot:
        stem, suffix = asset.name, ""
    number = 2
    while True:
        name = f"{stem}-{number}{dot}{suffix}"
        if taken.get(name, asset.data) == asset.data:
            taken[name] = asset.data
            return Asset(name, asset.data, asset.media_type)
        number += 1


def place_figures(
    edition: Edition,
    placements: list[tuple[str, int]],
    problems: Problems,
    draw_chart: ChartDrawer | None = None,
) -> dict[str, Figure]:
    """Return the placed figures by id, numbered in order of placement."""
    placed: dict[str, Figure] = {}
    taken: dict[str, bytes] = {}
    for figure_id, line in placements:
        spec = edition.figures.get(figure_id)
        if spec is None:
            hint = did_you_mean(figure_id, edition.figures)
            problems.error("E201", edition.path, line, f"unknown figure '{figure_id}'{hint}")
            continue
        if figure_id in placed:
            problems.error("E204", edition.path, line, f"figure '{figure_id}' is placed twice")
            continue
        asset, provenance, alt = None, "", ""
        if spec.image is not None:
            asset = read_image(edition, spec, problems)
        elif draw_chart is None:
            problems.error(
                "E205",
                edition.path,
                spec.line,
                f"figure '{figure_id}': charts cannot be drawn here",
            )
        else:
            drawn = draw_chart(spec, problems)
            if drawn is not None:
                asset, provenance, alt = drawn
        if asset is not None:
            asset = _unique(asset, taken)  # figures/a/map.png and figures/b/map.png both publish
        placed[figure_id] = Figure(len(placed) + 1, spec, line, asset, provenance, alt)
    return placed
