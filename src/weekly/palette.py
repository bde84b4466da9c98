"""Shared: the colours and type of everything weekly draws, charts and maps and share cards.

The events stage draws charts with them and the render stage draws the share card with them,
so they live below both: one accent, one ink, one palette for every picture of an edition.
"""

from __future__ import annotations

INK = "#1d2230"
MUTED = "#5b6170"
RULE = "#d9d4ca"
ACCENT = "#9b1c2c"
WASH = "#f6f3ee"
#: Category colours: the accent first, then colours that stay apart in print and for most
#: colour-blind readers.
PALETTE = ("#9b1c2c", "#2f5f8a", "#d08c2e", "#3d8a7c", "#6e4f8c", "#8a8f9c", "#b5654a")
OTHER = "#c9c4ba"
#: Map labels of regions and countries: at least 4.5:1 against every fill they can sit on
#: (the sea, the neighbours, the most shaded region), as WCAG AA asks of small text.
REGION_LABEL = "#5e584d"
COUNTRY_LABEL = "#4f4a43"
#: The type of pictures: the fonts of the page first, then what every matplotlib has.
SANS = ["Open Sans", "DejaVu Sans"]
SERIF = ["Charis SIL", "Source Serif 4", "DejaVu Serif"]
