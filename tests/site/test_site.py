"""The archive as a website: index, topic pages, share cards, sitemap, 404, search index, jobs."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from support.site_inputs import FILES, PAGES, edition

BASE = "https://example.org/weekly/"
A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _archive(root: Path, weekly, *extra: str):
    result = weekly("archive", "--format", "html", *extra, cwd=root)
    assert result.returncode == 0, result.stderr
    return result


def _read(root: Path, path: str) -> str:
    return (root / "output" / path).read_text(encoding="utf-8")


def _listed(html: str) -> list[str]:
    """Return the edition keys a page lists, in order (featured first)."""
    return re.findall(r'id="edition-(\d{4}-\d{2}-\d{2})-salafi-jihadi"', html)


def test_index_features_the_newest_edition_then_lists_the_rest(tree, weekly) -> None:
    root = tree(FILES)
    _archive(root, weekly)
    index = _read(root, "index.html")
    assert _listed(index) == ["2023-12-13", "2023-12-06", "2023-11-29"]
    featured = index.split('<section class="featured"', 1)[1].split("</section>", 1)[0]
    assert f'<h2><a href="{PAGES["2023-12-13"]}">Al Qaeda Strengthens in Central Mali</a></h2>' in (
        featured
    )
    assert (
        '<img class="thumbnail" src="2023-12-13/figures/map.svg" alt="A map of central Mali">'
    ) in featured
    assert "Al Qaeda–linked militants are attacking central Mali more often." in featured
    assert (root / "output/2023-12-13/figures/map.svg").is_file()
    # the house style: the editions' stylesheet and masthead
    assert "--serif:" in index and '<header class="masthead">' in index
    assert '<form role="search" id="search-form"' in index
    assert '<a href="regions/mali.html">Mali</a> <span class="count">(2)</span>' in index
    assert '<a href="countries/burkina-faso.html">Burkina Faso</a>' in index


def test_region_and_country_pages_list_the_editions_that_cover_them(tree, weekly) -> None:
    root = tree(FILES)
    _archive(root, weekly)
    assert _listed(_read(root, "regions/mali.html")) == ["2023-12-13", "2023-12-06"]
    assert _listed(_read(root, "regions/somalia.html")) == ["2023-12-13"]
    assert _listed(_read(root, "regions/burkina-faso.html")) == ["2023-12-06"]
    # countries: the events of the seven days up to each cutoff
    assert _listed(_read(root, "countries/mali.html")) == ["2023-12-06", "2023-11-29"]
    assert _listed(_read(root, "countries/somalia.html")) == ["2023-12-13"]
    mali = _read(root, "regions/mali.html")
    assert "<h1>Mali</h1>" in mali
    assert f'<a href="../{PAGES["2023-12-06"]}">The Army Takes Kidal</a>' in mali
    page = _read(root, PAGES["2023-12-06"])
    assert (
        '<p class="topics regions">Regions: <a href="../regions/mali.html">Mali</a> · '
        '<a href="../regions/burkina-faso.html">Burkina Faso</a></p>'
    ) in page
    assert (
        '<p class="topics countries">Countries: <a href="../countries/burkina-faso.html">'
        'Burkina Faso</a> · <a href="../countries/mali.html">Mali</a></p>'
    ) in page


def test_edition_pages_carry_share_cards_with_the_canonical_url(tree, weekly) -> None:
    root = tree(FILES)
    _archive(root, weekly, "--base-url", BASE)
    page = _read(root, PAGES["2023-12-13"])
    url = BASE + PAGES["2023-12-13"]
    title = "Salafi-Jihadi Movement Weekly Update, December 13, 2023: Al Qaeda Strengthens in Central Mali"
    takeaway = "Al Qaeda–linked militants are attacking central Mali more often."
    for line in (
        f'<link rel="canonical" href="{url}">',
        f'<meta property="og:url" content="{url}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:description" content="{takeaway}">',
        f'<meta property="og:image" content="{BASE}2023-12-13/share-card.png">',
        '<meta property="og:image:type" content="image/png">',
        '<meta property="og:image:width" content="1200">',
        '<meta property="og:image:height" content="630">',
        '<meta name="twitter:card" content="summary_large_image">',
        f'<meta name="twitter:title" content="{title}">',
        f'<meta name="twitter:description" content="{takeaway}">',
        f'<meta name="twitter:image" content="{BASE}2023-12-13/share-card.png">',
    ):
        assert line in page, line
    # an SVG picture (not a chart) cannot go on a PNG card: the title card, and it says so
    alt = "Salafi-Jihadi Movement Weekly Update, December 13, 2023: Al Qaeda Strengthens in Central Mali"
    assert f'<meta property="og:image:alt" content="{alt}">' in page
    assert (root / "output/2023-12-13/share-card.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    plain = _read(root, PAGES["2023-11-29"])  # no figure: a title card all the same
    assert f'<meta property="og:image" content="{BASE}2023-11-29/share-card.png">' in plain
    assert (root / "output/2023-11-29/share-card.png").is_file()


def test_share_cards_without_a_base_url_have_no_absolute_links(tree, weekly) -> None:
    root = tree(FILES)
    _archive(root, weekly)
    page = _read(root, PAGES["2023-12-13"])
    assert '<meta property="og:title"' in page
    assert "og:url" not in page and 'rel="canonical"' not in page
    assert '<meta property="og:image" content="share-card.png">' in page
    assert not (root / "output/sitemap.xml").exists()


def test_sitemap_and_404(tree, weekly) -> None:
    root = tree(FILES)
    _archive(root, weekly, "--base-url", BASE)
    sitemap = ET.parse(root / "output/sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter(f"{S}loc")]
    assert locs[0] == BASE + "index.html"
    assert {BASE + p for p in PAGES.values()} <= set(locs)
    assert BASE + "regions/mali.html" in locs and BASE + "countries/somalia.html" in locs
    assert not any("404" in (loc or "") for loc in locs)
    missing = _read(root, "404.html")
    assert "<h1>Page not found</h1>" in missing
    assert f'<a href="{BASE}index.html">' in missing


def test_markup_in_titles_and_takeaways_is_escaped_everywhere(tree, weekly) -> None:
    hostile = '<script>alert(1)</script> & "Quotes"'
    files = dict(FILES)
    files["inputs/2023-12-13/update.md"] = edition(
        "2023-12-13",
        "Bad <img src=x onerror=alert(1)> Headline",
        hostile,
        '## Mali <b>x</b>\n\n**Lead.** Text.[@sigact]\n\n{{ figure("map") }}\n',
        figure=True,
    )
    root = tree(files)
    _archive(root, weekly, "--base-url", BASE)
    pages = ["index.html", "regions/mali-b-x-b.html", PAGES["2023-12-13"], "404.html"]
    for path in pages:
        html = _read(root, path)
        assert "<img src=x" not in html and "<script>alert" not in html, path
    index = _read(root, "index.html")
    assert "Bad &lt;img src=x onerror=alert(1)&gt; Headline" in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Quotes&#34;" in index
    page = _read(root, PAGES["2023-12-13"])
    assert (
        '<meta property="og:description" content="&lt;script&gt;alert(1)&lt;/script&gt; '
        '&amp; &#34;Quotes&#34;">'
    ) in page
    feed = ET.parse(root / "output/feed.xml").getroot()
    assert feed.find(f"{A}entry/{A}summary").text == hostile  # text, escaped by XML itself
    assert b"<script>" not in (root / "output/feed.xml").read_bytes()


def test_an_unchanged_archive_rebuilds_neither_editions_nor_the_search_index(tree, weekly) -> None:
    root = tree(FILES)
    first = _archive(root, weekly)
    assert "indexed 3 editions for search in output/pagefind" in first.stdout
    engine = root / "output/pagefind/pagefind.js"
    stamp = engine.stat().st_mtime_ns
    again = _archive(root, weekly)
    assert "rendered" not in again.stdout and "indexed" not in again.stdout
    assert engine.stat().st_mtime_ns == stamp
    path = root / "inputs/2023-11-29/update.md"
    path.write_text(path.read_text().replace("blockaded", "encircled"))
    third = _archive(root, weekly)
    assert "rendered 2023-11-29 (changed)" in third.stdout
    assert "indexed 3 editions for search in output/pagefind" in third.stdout
    assert engine.stat().st_mtime_ns != stamp


def test_a_topic_no_longer_covered_loses_its_page(tree, weekly) -> None:
    root = tree(FILES)
    _archive(root, weekly)
    assert (root / "output/regions/somalia.html").is_file()
    path = root / "inputs/2023-12-13/update.md"
    path.write_text(path.read_text().replace("## Somalia", "## Kenya"))
    _archive(root, weekly)
    assert not (root / "output/regions/somalia.html").exists()
    assert (root / "output/regions/kenya.html").is_file()


def test_manifest_pages_outside_the_topic_folders_are_never_deleted(tree, weekly) -> None:
    root = tree({**FILES, "keep.txt": "precious", "output/keep.html": "mine"})
    _archive(root, weekly)
    manifest = root / "output/manifest.json"
    data = json.loads(manifest.read_text())
    data["pages"] += ["../keep.txt", "keep.html", "regions/../../keep.txt"]
    manifest.write_text(json.dumps(data))
    _archive(root, weekly)
    assert (root / "keep.txt").read_text() == "precious"
    assert (root / "output/keep.html").read_text() == "mine"


def test_several_series_get_a_page_and_a_feed_each(tree, weekly) -> None:
    files = dict(FILES)
    files["inputs/series.yaml"] = "iran-update:\n  name: Iran Update\n"
    text = str(files["inputs/2023-11-29/update.md"]).replace(
        "series: salafi-jihadi", "series: iran-update"
    )
    files["inputs/2023-11-29/update.md"] = text
    root = tree(files)
    _archive(root, weekly)
    index = _read(root, "index.html")
    assert (
        '<a href="series/iran-update.html">Iran Update</a> <span class="count">(1)</span>' in index
    )
    iran = _read(root, "series/iran-update.html")
    assert re.findall(r'id="edition-([\d-]+)-iran-update"', iran) == ["2023-11-29"]
    assert (
        '<link rel="alternate" type="application/atom+xml"' in iran
        and 'href="iran-update.xml"' in iran
    )
    feed = ET.parse(root / "output/series/salafi-jihadi.xml").getroot()
    assert feed.findtext(f"{A}title") == "Salafi-Jihadi Movement Weekly Update: All Editions"
    links = [e.find(f"{A}link[@rel='alternate']").get("href") for e in feed.findall(f"{A}entry")]
    assert links == [f"../{PAGES['2023-12-13']}", f"../{PAGES['2023-12-06']}"]


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_jobs_give_the_same_bytes_as_a_serial_build(tree, weekly) -> None:
    root = tree(FILES)
    serial = weekly("archive", "--jobs", "1", "--output", "serial", cwd=root)
    assert serial.returncode == 0, serial.stderr
    pooled = weekly("archive", "--jobs", "2", "--output", "pooled", cwd=root)
    assert pooled.returncode == 0, pooled.stderr
    assert serial.stdout.replace("serial", "pooled") == pooled.stdout
    one, two = _digest(root / "serial"), _digest(root / "pooled")
    assert sum(name.endswith(".pdf") for name in one) == 3
    assert any(name.startswith("pagefind/") for name in one)
    assert one == two


def test_a_missing_pagefind_is_error_e951(tree, monkeypatch) -> None:
    import sys

    import pytest

    from weekly.errors import WeeklyError
    from weekly.site.archive import build_archive

    root = tree(FILES)
    monkeypatch.setitem(sys.modules, "pagefind_bin", None)  # import fails
    with pytest.raises(WeeklyError) as caught:
        build_archive(root / "inputs", root / "output", ("html",))
    assert [str(p) for p in caught.value.problems] == [
        "pagefind: full-text search needs the pagefind package: pip install 'pagefind[bin]'"
    ]
    assert caught.value.problems[0].code == "E951"


def test_a_failing_pagefind_is_error_e952_and_keeps_the_old_index(tree, monkeypatch) -> None:
    import pytest

    from weekly.errors import WeeklyError
    from weekly.site import search
    from weekly.site.archive import build_archive

    root = tree(FILES)
    build_archive(root / "inputs", root / "output", ("html",))
    engine = (root / "output/pagefind/pagefind.js").read_bytes()
    fake = root / "fake-pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: disk full' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(search, "executable", lambda: fake)
    path = root / "inputs/2023-11-29/update.md"
    path.write_text(path.read_text().replace("blockaded", "encircled"))
    with pytest.raises(WeeklyError) as caught:
        build_archive(root / "inputs", root / "output", ("html",))
    (problem,) = caught.value.problems
    assert (problem.code, problem.message) == ("E952", "Pagefind failed: Error: disk full")
    assert (root / "output/pagefind/pagefind.js").read_bytes() == engine
    assert not [p for p in (root / "output").iterdir() if p.name.startswith(".pagefind")]


def test_the_search_index_covers_exactly_the_listed_editions(tree, weekly) -> None:
    import shutil

    root = tree(FILES)
    _archive(root, weekly)

    def counted() -> int:
        entry = json.loads(_read(root, "pagefind/pagefind-entry.json"))
        return sum(language["page_count"] for language in entry["languages"].values())

    assert counted() == 3  # the editions only: not the index, topic pages or 404
    shutil.rmtree(root / "inputs/2023-11-29")  # its old output folder stays on disk
    result = _archive(root, weekly)
    assert "indexed 2 editions for search in output/pagefind" in result.stdout
    assert (root / "output" / PAGES["2023-11-29"]).is_file()
    assert counted() == 2


def test_jobs_is_an_archive_option(tree, weekly) -> None:
    root = tree(FILES)
    result = weekly("render", "--all", "--format", "html", "--jobs", "2", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "rendered 2023-12-13 (new)" in result.stdout
    single = weekly("render", "--cutoff", "2023-12-13", "--jobs", "2", cwd=root)
    assert single.returncode == 2
    assert "--jobs applies to --all only" in single.stderr
    zero = weekly("archive", "--jobs", "0", cwd=root)
    assert zero.returncode == 2 and "--jobs" in zero.stderr
