"""Share cards whose edition opens on a chart or a map: the card shows that figure, drawn again
as pixels from the events (the chart's SVG cannot be read back into a picture)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from support import ROOT, run_in_process
from support.events import GEO, SOMALIA, geo_edition, table
from weekly.palette import PALETTE, WASH

BASE = "https://example.org/weekly/"
#: The card's image area in pixels (left, top, right, bottom), a little inside its box.
AREA = (670, 110, 1140, 520)


def _rgb(colour: str) -> tuple[int, int, int]:
    value = int(colour.lstrip("#"), 16)
    return (value >> 16 & 255, value >> 8 & 255, value & 255)


def _near(pixels: Image.Image, colour: str, within: int = 10) -> int:
    """Return how many pixels of ``pixels`` are within ``within`` of ``colour`` per channel."""
    want = _rgb(colour)
    return sum(
        count
        for count, got in pixels.getcolors(1 << 20) or []
        if all(abs(a - b) <= within for a, b in zip(got, want, strict=True))
    )


def _area(png: bytes) -> Image.Image:
    card = Image.open(io.BytesIO(png))
    assert card.format == "PNG" and card.size == (1200, 630)
    return card.convert("RGB").crop(AREA)


def _archive(root: Path) -> None:
    done = run_in_process("archive", "--format", "html", "--base-url", BASE, cwd=root)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example edition's archive (its first figure is a bar chart of the events)."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(ROOT / "inputs", root / "inputs", ignore=shutil.ignore_patterns(".weekly-*"))
    _archive(root)
    return root


def test_a_chart_first_edition_shows_its_chart(example: Path) -> None:
    area = _area((example / "output/2023-12-13/share-card.png").read_bytes())
    # the title card leaves this area flat wash; the chart puts its bars there
    assert _near(area, WASH, 0) < area.width * area.height * 0.9
    assert _near(area, PALETTE[0]) > 1000  # the bars' colour
    page = next((example / "output/2023-12-13").glob("*.html")).read_text(encoding="utf-8")
    alt = re.search(r'<meta property="og:image:alt" content="([^"]*)">', page)
    assert alt is not None
    # the alt names the figure by its title, then says what it shows
    assert ". JNIM Steps Up Attacks in Central Mali: Bar chart of JNIM events per week" in alt[1]


def test_two_archives_give_the_same_card(example: Path, tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "inputs", tmp_path / "inputs", ignore=shutil.ignore_patterns(".weekly-*")
    )
    _archive(tmp_path)
    again = (tmp_path / "output/2023-12-13/share-card.png").read_bytes()
    assert again == (example / "output/2023-12-13/share-card.png").read_bytes()


def _assemble(root: Path) -> object:
    from weekly.errors import Problems
    from weekly.resolve.update import assemble

    problems = Problems()
    update = assemble(root / "inputs", "2023-12-13", problems)
    assert not problems.errors, problems.items
    return update


def test_a_map_first_edition_shows_its_map(tmp_path: Path) -> None:
    from weekly.render.cards import card_alt, share_card

    figure = "  pace:\n    title: Where al Shabaab Struck\n    chart: map\n    color: actor1\n"
    root = geo_edition(tmp_path, SOMALIA, figure)
    update = _assemble(root)
    card = share_card(update)  # type: ignore[arg-type]
    area = _area(card.png)
    assert _near(area, WASH, 0) < area.width * area.height * 0.9
    assert _near(area, PALETTE[0], 16) > 20  # al Shabaab's points
    assert card.alt == card_alt(update)  # type: ignore[arg-type]
    assert ". Where al Shabaab Struck: " in card.alt and "map" in card.alt.lower()


def test_an_unchanged_chart_is_not_drawn_again_for_its_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weekly.events import plots
    from weekly.render.cards import share_card

    root = geo_edition(tmp_path, SOMALIA)
    first = share_card(_assemble(root)).png  # type: ignore[arg-type]
    kept = list((root / "inputs/.weekly-cache/charts").glob("*.png"))
    assert len(kept) == 1

    def no_drawing(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the card's chart was drawn again")

    monkeypatch.setattr(plots, "draw", no_drawing)
    assert share_card(_assemble(root)).png == first  # type: ignore[arg-type]


def test_a_chart_that_changed_gets_a_new_card(tmp_path: Path) -> None:
    from weekly.render.cards import share_card

    root = geo_edition(tmp_path, SOMALIA)
    first = share_card(_assemble(root)).png  # type: ignore[arg-type]
    rows = [
        *SOMALIA,
        ["2023-12-07", "Battles", "al Shabaab", "Bay", "Baidoa", 4, "Somalia", 3.11, 43.65],
    ]
    (root / "inputs/events.csv").write_text(table(rows, GEO), encoding="utf-8")
    assert share_card(_assemble(root)).png != first  # type: ignore[arg-type]
