"""Render: draw an edition's share card: the PNG a link preview shows (X, LinkedIn, Slack, Teams).

1200×630 pixels, the size those services crop to. The card names the series, the date and
the headline; beside them goes the first figure: a picture matplotlib can read (PNG or
JPEG), or a chart or map drawn from the events, drawn again as pixels for the card
(:func:`weekly.events.charts.raster`, cached beside the charts). Other SVG figures cannot
be read back into a picture without a rasteriser weekly does not ship, so their edition
gets the title card alone. The same edition gives the same bytes: matplotlib's PNG writer
is told to record no software version and no date.
"""

from __future__ import annotations

import io
import logging
import textwrap
from dataclasses import dataclass
from typing import Any

from weekly.palette import ACCENT, INK, MUTED, SANS, SERIF, WASH
from weekly.resolve.figures import Figure
from weekly.resolve.update import Update

#: The card's file, beside the edition's page.
CARD = "share-card.png"
WIDTH, HEIGHT = 1200, 630
#: A picture larger than this is not drawn on the card (it would cost more than it shows).
MAX_PIXELS = 40_000_000
#: Where the figure goes, as a fraction of the card (left, bottom, width, height), and its
#: size in pixels (what a chart is drawn again to fit).
BOX = (0.55, 0.08, 0.41, 0.84)
AREA = (round(BOX[2] * WIDTH), round(BOX[3] * HEIGHT))


@dataclass(frozen=True)
class Card:
    """The share card of one edition and what it shows, for its ``og:image:alt``."""

    png: bytes
    alt: str


def _first(update: Update) -> Figure | None:
    """Return the first figure the edition shows, or None."""
    placed = sorted(
        (f for f in update.figures.values() if f.asset is not None), key=lambda f: f.number
    )
    return placed[0] if placed else None


def _is_chart(figure: Figure) -> bool:
    """Return True when ``figure`` is a chart or map drawn from the events (an SVG)."""
    return (
        bool(figure.spec.chart)
        and figure.asset is not None
        and (figure.asset.media_type == "image/svg+xml")
    )


def _picture(update: Update) -> Figure | None:
    """Return the first figure when the card can show it: a chart, or a PNG or JPEG picture."""
    first = _first(update)
    if first is None or first.asset is None:
        return None
    if _is_chart(first):
        return first
    if first.asset.media_type not in ("image/png", "image/jpeg"):
        return None
    from PIL import Image

    try:  # opening reads the header only
        with Image.open(io.BytesIO(first.asset.data)) as image:
            fits = image.width * image.height <= MAX_PIXELS
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return first if fits else None


def _pixels(update: Update, figure: Figure) -> Any:
    """Return ``figure``'s picture as an RGBA array that fits the card's image area, or None."""
    import numpy as np
    from PIL import Image

    assert figure.asset is not None
    data = figure.asset.data
    if _is_chart(figure):
        from weekly.events.charts import raster

        drawn = raster(update.edition, figure.spec, figure.asset.data, AREA)
        if drawn is None:
            return None
        data = drawn
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((WIDTH, HEIGHT))
            return np.asarray(image.convert("RGBA"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _lines(text: str, width: int, most: int) -> str:
    """Wrap ``text`` at ``width`` characters into at most ``most`` lines (an ellipsis ends it)."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1].rstrip(" ,.;:") + "…"
    return "\n".join(lines)


def card_alt(update: Update) -> str:
    """Return the text alternative of ``update``'s card (its ``og:image:alt``)."""
    picture = _picture(update)
    if picture is None:
        return _title_alt(update)
    shows = picture.spec.alt or picture.alt or picture.spec.title
    if _is_chart(picture) and picture.spec.title and shows != picture.spec.title:
        shows = f"{picture.spec.title}: {shows}"  # a chart's alt says what, not which
    return f"{_title_alt(update)}. {shows}"


def share_card(update: Update) -> Card:
    """Return the share card of ``update``."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    from matplotlib.figure import Figure as Canvas

    from weekly.apstyle import long_date

    edition = update.edition
    series = edition.series
    picture = _picture(update)
    pixels = _pixels(update, picture) if picture else None
    shown = pixels is not None
    card = Canvas(figsize=(WIDTH / 100, HEIGHT / 100), dpi=100, facecolor=WASH)
    card.add_artist(_band(card))
    plain: dict[str, Any] = {"parse_math": False, "transform": card.transFigure, "va": "top"}
    card.text(0.07, 0.86, series.name.upper(), color=ACCENT, fontsize=17, fontweight="bold",
              family=SANS, **plain)  # fmt: skip
    card.text(0.07, 0.78, long_date(edition.date), color=MUTED, fontsize=16, family=SANS,
              **plain)  # fmt: skip
    card.text(0.07, 0.66, _lines(edition.headline, 22 if shown else 34, 5 if shown else 4),
              color=INK, fontsize=32 if shown else 40, fontweight="bold", family=SERIF,
              linespacing=0.98, **plain)  # fmt: skip
    card.text(0.07, 0.14, series.organization, color=MUTED, fontsize=15, family=SANS,
              **plain)  # fmt: skip
    if pixels is not None:
        axes = card.add_axes(BOX)
        axes.imshow(pixels, interpolation="antialiased")
        axes.set_axis_off()
    out = io.BytesIO()
    card.savefig(out, format="png", dpi=100, metadata={"Software": None})
    return Card(out.getvalue(), card_alt(update) if shown else _title_alt(update))


def _title_alt(update: Update) -> str:
    """Return what the title card says: series, date and headline."""
    from weekly.apstyle import long_date

    edition = update.edition
    return f"{edition.series.name}, {long_date(edition.date)}: {edition.headline}"


def _band(figure: Any) -> Any:
    """Return the accent band down the card's left edge."""
    from matplotlib.patches import Rectangle

    return Rectangle((0, 0), 0.025, 1, transform=figure.transFigure, color=ACCENT, zorder=0)
