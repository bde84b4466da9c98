"""What crawlers, feed readers and link previews read: share cards (PNG), Open Graph,
canonical links and descriptions on every page, the favicon, robots.txt, the sitemap's
<lastmod> and the Atom entries' dates and summaries."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from support.site_inputs import FILES, PAGES

BASE = "https://example.org/weekly/"
A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
WASH = (0xF6, 0xF3, 0xEE)


def _photo() -> bytes:
    """A 400×300 picture: solid blue, a colour the title card never uses."""
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (20, 60, 200)).save(out, format="PNG")
    return out.getvalue()


def _with_photo() -> dict[str, str | bytes]:
    files = dict(FILES)
    files["inputs/2023-12-13/update.md"] = (
        str(files["inputs/2023-12-13/update.md"])
        .replace("image: figures/map.svg", "image: figures/photo.png")
        .replace("alt: A map of central Mali", "alt: Troops on a road near Mopti")
    )
    del files["inputs/2023-12-13/figures/map.svg"]
    files["inputs/2023-12-13/figures/photo.png"] = _photo()
    return files


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive with a base URL whose newest edition's first figure is a PNG picture."""
    from support import run_in_process, write_tree

    root = write_tree(tmp_path_factory.mktemp("meta"), _with_photo())
    done = run_in_process("archive", "--format", "html", "--base-url", BASE, cwd=root)
    assert done.returncode == 0, done.stderr
    return root / "output"


def _meta(html: str) -> dict[str, str]:
    """Return the page's meta tags and links by property, name or rel."""
    found: dict[str, str] = {}
    for tag in re.findall(r"<(?:meta|link) [^>]*>", html):
        attrs = dict(re.findall(r'(\w[\w:-]*)="([^"]*)"', tag))
        key = attrs.get("property") or attrs.get("name") or attrs.get("rel")
        if key and key not in found:
            found[key] = attrs.get("content") or attrs.get("href", "")
    return found


def test_the_card_is_a_1200_by_630_png_with_the_first_picture(site: Path) -> None:
    card = Image.open(site / "2023-12-13/share-card.png")
    assert card.format == "PNG" and card.size == (1200, 630)
    pixels = card.convert("RGB")
    # the picture sits in the right half, the title on the wash on the left
    assert pixels.getpixel((900, 315)) == (20, 60, 200)
    assert pixels.getpixel((600, 600)) == WASH
    page = (site / PAGES["2023-12-13"]).read_text(encoding="utf-8")
    meta = _meta(page)
    assert meta["og:image"] == BASE + "2023-12-13/share-card.png"
    assert meta["og:image:alt"].endswith(". Troops on a road near Mopti")


def test_an_edition_without_a_picture_gets_a_title_card(site: Path) -> None:
    card = Image.open(site / "2023-11-29/share-card.png").convert("RGB")
    assert card.size == (1200, 630)
    # no picture: the right half is wash, except for the title's ink
    right = card.crop((700, 40, 1200, 600))
    assert (20, 60, 200) not in {c for _, c in right.getcolors(1 << 20) or []}
    assert card.getpixel((1100, 600)) == WASH


def test_the_same_edition_gives_the_same_card(site: Path, tmp_path: Path) -> None:
    from support import run_in_process, write_tree

    root = write_tree(tmp_path, _with_photo())
    done = run_in_process("archive", "--format", "html", "--base-url", BASE, cwd=root)
    assert done.returncode == 0, done.stderr
    for key in PAGES:
        again = (root / "output" / key / "share-card.png").read_bytes()
        assert again == (site / key / "share-card.png").read_bytes()


@pytest.mark.parametrize(
    ("path", "canonical"),
    [
        ("index.html", BASE + "index.html"),
        ("regions/mali.html", BASE + "regions/mali.html"),
        ("countries/somalia.html", BASE + "countries/somalia.html"),
        (PAGES["2023-12-06"], BASE + PAGES["2023-12-06"]),
    ],
)
def test_every_page_has_open_graph_a_canonical_link_and_a_description(
    site: Path, path: str, canonical: str
) -> None:
    meta = _meta((site / path).read_text(encoding="utf-8"))
    assert meta["canonical"] == canonical and meta["og:url"] == canonical
    assert len(meta["description"]) > 20 and meta["og:description"]
    assert meta["og:title"] and meta["og:site_name"] and meta["og:type"]
    assert meta["og:image"].startswith(BASE) and meta["og:image"].endswith("/share-card.png")
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["icon"].endswith("favicon.svg")
    assert (site / path).parent.joinpath(meta["icon"]).resolve() == (site / "favicon.svg")


def test_listing_pages_describe_what_they_list(site: Path) -> None:
    index = _meta((site / "index.html").read_text(encoding="utf-8"))
    assert index["description"] == (
        "Every edition of the Salafi-Jihadi Movement Weekly Update from the Critical Threats "
        "Project, newest first. Latest, December 13, 2023: Al Qaeda Strengthens in Central Mali."
    )
    # the newest edition's card stands for the list
    assert index["og:image"] == BASE + "2023-12-13/share-card.png"
    somalia = _meta((site / "regions/somalia.html").read_text(encoding="utf-8"))
    assert somalia["description"].startswith("Editions covering Somalia, newest first.")
    missing = _meta((site / "404.html").read_text(encoding="utf-8"))
    assert "canonical" not in missing and missing["description"]
    # the 404 page is served at any depth: its icon is absolute
    assert missing["icon"] == BASE + "favicon.svg"


def test_favicon_and_robots_txt(site: Path) -> None:
    assert (site / "favicon.svg").read_text(encoding="utf-8").startswith("<svg ")
    robots = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_robots_txt_names_no_sitemap_without_a_base_url(tree, weekly) -> None:
    root = tree(FILES)
    assert weekly("archive", "--format", "html", cwd=root).returncode == 0
    robots = (root / "output/robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and "Sitemap" not in robots
    assert not (root / "output/sitemap.xml").exists()


def test_the_sitemap_says_when_each_page_last_changed(site: Path) -> None:
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    changed = {
        url.findtext(f"{S}loc"): url.findtext(f"{S}lastmod") for url in sitemap.iter(f"{S}url")
    }
    # an edition changes when it is published: its publication date at the series' zone,
    # or its cutoff when that is later the same day
    assert changed[BASE + PAGES["2023-12-13"]] == "2023-12-13T10:00:00-05:00"
    assert changed[BASE + PAGES["2023-11-29"]] == "2023-11-29T10:00:00-05:00"
    # a listing changes with its newest edition
    assert changed[BASE + "index.html"] == "2023-12-13T10:00:00-05:00"
    assert changed[BASE + "regions/burkina-faso.html"] == "2023-12-06T10:00:00-05:00"
    assert all(changed.values())


def test_atom_entries_have_published_updated_and_a_summary(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 3
    for entry in entries:
        assert entry.findtext(f"{A}published")
        assert entry.findtext(f"{A}updated") >= entry.findtext(f"{A}published")  # type: ignore[operator]
        assert entry.findtext(f"{A}summary")
    newest = entries[0]
    assert newest.findtext(f"{A}published") == "2023-12-13T10:00:00-05:00"
    assert newest.findtext(f"{A}summary") == (
        "Al Qaeda–linked militants are attacking central Mali more often."
    )
    assert feed.findtext(f"{A}updated") == "2023-12-13T10:00:00-05:00"


def test_the_updated_date_is_one_function(monkeypatch) -> None:
    """Atom's <updated> and the sitemap's <lastmod> both come from feed.updated()."""
    from weekly.site import feed
    from weekly.site.manifest import Entry

    entry = Entry(
        key="2023-12-13", series="s", series_name="S", organization="O", title="T",
        headline="H", slug="t", date="December 13, 2023", cutoff="2023-12-13T10:00:00-05:00",
        authors=[], takeaway="", files=["t.html"], published="2023-12-15T00:00:00-05:00",
    )  # fmt: skip
    monkeypatch.setattr(feed, "updated", lambda e: "2024-01-02T09:00:00-05:00")
    atom = ET.fromstring(feed.feed_xml([entry], BASE))
    assert atom.findtext(f"{A}entry/{A}updated") == "2024-01-02T09:00:00-05:00"
    assert atom.findtext(f"{A}entry/{A}published") == "2023-12-15T00:00:00-05:00"
    assert atom.findtext(f"{A}updated") == "2024-01-02T09:00:00-05:00"
    assert feed.lastmod([entry]) == "2024-01-02T09:00:00-05:00"


def test_a_headline_with_dollars_and_markup_is_drawn_as_text(tree, weekly) -> None:
    """matplotlib would read $…$ as mathematics: the card draws the headline as it is."""
    files = dict(FILES)
    files["inputs/2023-11-29/update.md"] = str(files["inputs/2023-11-29/update.md"]).replace(
        "JNIM Besieges Towns",
        r"Fuel Costs $\sqrt{$ in Towns <b>JNIM</b> Besieges, " + "Longer Still " * 12,
    )
    root = tree(files)
    done = weekly("archive", "--format", "html", cwd=root)
    assert done.returncode == 0, done.stderr
    card = Image.open(root / "output/2023-11-29/share-card.png")
    assert card.size == (1200, 630)


@pytest.mark.parametrize("path", ["index.html", "regions/mali.html", PAGES["2023-12-06"]])
def test_png_icons_for_browsers_and_phones_that_take_no_svg(site: Path, path: str) -> None:
    html = (site / path).read_text(encoding="utf-8")
    links = dict(
        (rel, href)
        for rel, href in re.findall(r'<link rel="([\w-]+)" href="([^"]+\.png)"[^>]*>', html)
    )
    folder = (site / path).parent
    assert folder.joinpath(links["icon"]).resolve() == site / "favicon-32.png"
    assert folder.joinpath(links["apple-touch-icon"]).resolve() == site / "apple-touch-icon.png"
    assert 'type="image/png" sizes="32x32"' in html
    favicon = Image.open(site / "favicon-32.png").convert("RGBA")
    touch = Image.open(site / "apple-touch-icon.png").convert("RGBA")
    assert favicon.size == (32, 32) and touch.size == (180, 180)
    red = (0x9B, 0x1C, 0x2C, 255)
    # the SVG's design: a square of the accent colour with a white line across at y = 10
    assert favicon.getpixel((4, 28)) == red and favicon.getpixel((16, 10))[:3] == (255,) * 3
    assert favicon.getpixel((0, 0))[3] == 0  # rounded corners: the corner is transparent
    assert touch.getpixel((0, 0)) == red  # a full square: the phone rounds it itself
    assert touch.getpixel((90, 56)) == (255, 255, 255, 255)
