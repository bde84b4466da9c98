"""The site's raster icons, drawn from the same design as ``favicon.svg``.

Browsers that take no SVG icon, and phones saving the site to their home screen, ask for a
PNG: ``favicon-32.png`` (32 by 32, the rounded square of the SVG) and
``apple-touch-icon.png`` (180 by 180, the full square: the phone rounds the corners itself).
Both are drawn with Pillow (WeasyPrint's own dependency) at four times their size and
scaled down, so the edges are smooth; no font is involved, so every machine draws the same
pixels.
"""

from __future__ import annotations

import io

from weekly.palette import ACCENT

#: The design of ``favicon.svg`` on its 32-unit grid: three lines, (x1, x2, y).
LINES = ((8, 24, 10), (8, 24, 16), (8, 18, 22))
STROKE = 3
CORNER = 5
SCALE = 4

#: File name -> (size in pixels, rounded corners).
ICONS = {"favicon-32.png": (32, True), "apple-touch-icon.png": (180, False)}


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def icon_png(size: int, rounded: bool) -> bytes:
    """Return the icon as a PNG of ``size`` by ``size`` pixels."""
    from PIL import Image, ImageDraw

    big = size * SCALE
    unit = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    fill = (*_rgb(ACCENT), 255)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(CORNER * unit), fill=fill)
    else:
        draw.rectangle((0, 0, big - 1, big - 1), fill=fill)
    width, half = round(STROKE * unit), STROKE * unit / 2
    white = (255, 255, 255, 255)
    for x1, x2, y in LINES:
        draw.line((x1 * unit, y * unit, x2 * unit, y * unit), fill=white, width=width)
        for x in (x1, x2):  # round caps, as the SVG's stroke-linecap
            draw.ellipse(
                (x * unit - half, y * unit - half, x * unit + half, y * unit + half), white
            )
    small = image.reduce(SCALE)  # each pixel the mean of its 4 by 4: smooth, no ringing
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def icon_files() -> dict[str, bytes]:
    """Return every raster icon of the site by its file name."""
    return {name: icon_png(size, rounded) for name, (size, rounded) in ICONS.items()}
