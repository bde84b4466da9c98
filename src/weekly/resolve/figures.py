"""Number the placed figures and gather the files they show (images and charts)."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from weekly.errors import Problems
from weekly.inputs.edition import Edition, FigureSpec

IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}


@dataclass(frozen=True)
class Asset:
    """A file written beside the HTML, ``figures/<name>``."""

    name: str
    data: bytes
    media_type: str


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


class Chart(NamedTuple):
    """A drawn chart: its file, where its data came from, and what it shows in words."""

    asset: Asset
    provenance: str
    alt: str = ""


ChartDrawer = Callable[[FigureSpec, Problems], Chart | None]


def read_image(edition: Edition, spec: FigureSpec, problems: Problems) -> Asset | None:
    """Return the image of ``spec`` after checking it is a readable file inside the inputs."""
    assert spec.image is not None
    line = spec.lines.get("image", spec.line)
    root = edition.inputs.resolve()
    candidate = (edition.folder / spec.image).resolve()
    if not candidate.is_relative_to(root):
        problems.error(
            "E203",
            edition.path,
            line,
            f"figure '{spec.id}': image '{spec.image}' is outside the inputs folder",
        )
        return None
    if not candidate.is_file():
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
    return Asset(f"figures/{candidate.name}", candidate.read_bytes(), media_type)


def place_figures(
    edition: Edition,
    placements: list[tuple[str, int]],
    problems: Problems,
    draw_chart: ChartDrawer | None = None,
) -> dict[str, Figure]:
    """Return the placed figures by id, numbered in order of placement."""
    placed: dict[str, Figure] = {}
    for figure_id, line in placements:
        spec = edition.figures.get(figure_id)
        if spec is None:
            problems.error("E201", edition.path, line, f"unknown figure '{figure_id}'")
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
        placed[figure_id] = Figure(len(placed) + 1, spec, line, asset, provenance, alt)
    return placed
