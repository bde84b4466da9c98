"""``weekly archive`` / ``weekly render --all``: skip unchanged editions, index, Atom feed."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import ROOT, SOURCES, UPDATE

A = "{http://www.w3.org/2005/Atom}"
SLUG = "salafi-jihadi-movement-weekly-update-{}-2023"


def _update(day: str, headline: str, takeaway: str) -> str:
    return (
        UPDATE.replace("2023-12-13", day)
        .replace("Al Qaeda Strengthens in Central Mali", headline)
        .replace("Al Qaeda–linked militants are attacking central Mali more often.", takeaway)
        .replace("published: 2023-12-15\n", "")
        .replace("[@acled-dashboard]", "[@sigact]")
    )


EDITIONS = {
    "inputs/sources.yaml": SOURCES,
    "inputs/2023-11-29/update.md": _update("2023-11-29", "JNIM Besieges Towns", "Sieges grow."),
    "inputs/2023-12-06/update.md": _update("2023-12-06", "Kidal Falls", "The army took Kidal."),
    "inputs/2023-12-13/update.md": UPDATE,
}


def _archive(root: Path, weekly, *extra: str):
    result = weekly("archive", "--format", "html", *extra, cwd=root)
    assert result.returncode == 0, result.stderr
    return result


def _lines(result) -> list[str]:
    return result.stdout.splitlines()


def test_first_build_renders_everything_with_index_and_feed(tree, weekly) -> None:
    root = tree(EDITIONS)
    result = _archive(root, weekly)
    assert _lines(result) == [
        "rendered 2023-11-29 (new)",
        "rendered 2023-12-06 (new)",
        "rendered 2023-12-13 (new)",
        "wrote output/index.html",
        "wrote output/feed.xml",
        "indexed 3 editions for search in output/pagefind",
    ]
    index = (root / "output/index.html").read_text(encoding="utf-8")
    assert "<title>Salafi-Jihadi Movement Weekly Update: All Editions</title>" in index
    positions = [index.index(h) for h in ("Al Qaeda Strengthens", "Kidal Falls", "JNIM Besieges")]
    assert positions == sorted(positions)  # newest first
    assert (
        f'<h3><a href="2023-12-06/{SLUG.format("december-6")}.html">Kidal Falls</a></h3>\n'
        '<p class="published"><time datetime="2023-12-06">December 6, 2023</time></p>\n'
        '<p class="summary">The army took Kidal.</p>\n'
        f'<p class="formats"><a href="2023-12-06/{SLUG.format("december-6")}.html"'
        ' aria-label="December 6, 2023: HTML">HTML</a></p>'
    ) in index

    feed = ET.parse(root / "output/feed.xml").getroot()
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id", "").startswith("urn:uuid:")
    assert feed.findtext(f"{A}title") == "Salafi-Jihadi Movement Weekly Update: All Editions"
    # the newest edition was published on December 15 (before: its cutoff, December 13)
    assert feed.findtext(f"{A}updated") == "2023-12-15T00:00:00-05:00"
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Salafi-Jihadi Movement Weekly Update, December 13, 2023: Al Qaeda Strengthens in Central Mali",
        "Salafi-Jihadi Movement Weekly Update, December 6, 2023: Kidal Falls",
        "Salafi-Jihadi Movement Weekly Update, November 29, 2023: JNIM Besieges Towns",
    ]
    for entry in entries:
        assert entry.findtext(f"{A}id", "").startswith("urn:uuid:")
        # published, at the cutoff's time when published the day of the cutoff
        assert entry.findtext(f"{A}updated", "").endswith(":00-05:00")
        assert entry.findtext(f"{A}published") == entry.findtext(f"{A}updated")
        assert entry.find(f"{A}link[@rel='alternate']") is not None
    assert len({e.findtext(f"{A}id") for e in entries}) == 3
    link = entries[1].find(f"{A}link[@rel='alternate']")
    assert link is not None
    assert link.get("href") == f"2023-12-06/{SLUG.format('december-6')}.html"
    assert entries[1].findtext(f"{A}summary") == "The army took Kidal."
    assert entries[1].findtext(f"{A}author/{A}name") == "Liam Karr"

    middle = (root / "output/2023-12-06" / f"{SLUG.format('december-6')}.html").read_text()
    assert (
        f'<a class="previous" rel="prev" href="../2023-11-29/{SLUG.format("november-29")}.html">'
        "← November 29, 2023: JNIM Besieges Towns</a>"
    ) in middle
    assert (
        f'<a class="next" rel="next" href="../2023-12-13/{SLUG.format("december-13")}.html">'
        "December 13, 2023: Al Qaeda Strengthens in Central Mali →</a>"
    ) in middle
    first = (root / "output/2023-11-29" / f"{SLUG.format('november-29')}.html").read_text()
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_unchanged_archive_is_skipped(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    page = root / "output/2023-12-06" / f"{SLUG.format('december-6')}.html"
    stamp = page.stat().st_mtime_ns
    (root / "inputs/2023-12-06/update.md").touch()  # a new mtime, the same content
    result = _archive(root, weekly)
    assert _lines(result) == [
        "skipped 2023-11-29 (unchanged)",
        "skipped 2023-12-06 (unchanged)",
        "skipped 2023-12-13 (unchanged)",
        "wrote output/index.html",
        "wrote output/feed.xml",
    ]
    assert page.stat().st_mtime_ns == stamp


def test_changing_one_body_renders_exactly_that_edition(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    path = root / "inputs/2023-12-06/update.md"
    path.write_text(path.read_text().replace("Reuters reported", "AFP reported"))
    result = _archive(root, weekly)
    assert _lines(result)[:3] == [
        "rendered 2023-12-06 (changed)",
        "skipped 2023-11-29 (unchanged)",
        "skipped 2023-12-13 (unchanged)",
    ]
    page = root / "output/2023-12-06" / f"{SLUG.format('december-6')}.html"
    assert "AFP reported" in page.read_text()


def test_a_new_headline_re_renders_the_neighbours_that_link_to_it(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    path = root / "inputs/2023-12-06/update.md"
    path.write_text(path.read_text().replace("Kidal Falls", "Mali Retakes Kidal"))
    result = _archive(root, weekly)
    assert _lines(result)[:3] == [
        "rendered 2023-11-29 (neighbour changed)",
        "rendered 2023-12-06 (changed)",
        "rendered 2023-12-13 (neighbour changed)",
    ]
    last = (root / "output/2023-12-13" / f"{SLUG.format('december-13')}.html").read_text()
    assert "December 6, 2023: Mali Retakes Kidal</a>" in last


def test_adding_an_edition_re_renders_the_previous_one(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    tree({"inputs/2023-12-20/update.md": _update("2023-12-20", "Next Week", "More.")})
    result = _archive(root, weekly)
    assert _lines(result)[:4] == [
        "rendered 2023-12-13 (neighbour changed)",
        "rendered 2023-12-20 (new)",
        "skipped 2023-11-29 (unchanged)",
        "skipped 2023-12-06 (unchanged)",
    ]


def test_shared_inputs_re_render_every_edition(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    sources = root / "inputs/sources.yaml"
    sources.write_text(sources.read_text() + "later:\n  url: https://example.org/\n")
    assert _lines(_archive(root, weekly))[:3] == [
        "rendered 2023-11-29 (changed)",
        "rendered 2023-12-06 (changed)",
        "rendered 2023-12-13 (changed)",
    ]
    tree({"inputs/events.csv": "event_date,event_type,actor1,admin1,location\n"})
    assert _lines(_archive(root, weekly))[0] == "rendered 2023-11-29 (changed)"
    tree({"reports/templates/salafi-jihadi/_nav.html": "<nav>ours</nav>\n"})
    result = _archive(root, weekly)
    assert _lines(result)[2] == "rendered 2023-12-13 (changed)"
    assert (
        "<nav>ours</nav>"
        in (root / "output/2023-12-13" / f"{SLUG.format('december-13')}.html").read_text()
    )


def test_new_events_re_render_only_the_editions_that_can_see_them(tree, weekly) -> None:
    header = "event_date,event_type,actor1,admin1,location\n"
    root = tree({**EDITIONS, "inputs/events.csv": header + "2023-11-20,Battles,JNIM,Mopti,Mopti\n"})
    _archive(root, weekly)
    events = root / "inputs/events.csv"
    events.write_text(events.read_text() + "2023-12-20,Battles,JNIM,Mopti,Mopti\n")
    assert _lines(_archive(root, weekly))[:3] == [
        "skipped 2023-11-29 (unchanged)",
        "skipped 2023-12-06 (unchanged)",
        "skipped 2023-12-13 (unchanged)",
    ]
    events.write_text(events.read_text() + "2023-12-01,Battles,JNIM,Segou,Segou\n")
    assert _lines(_archive(root, weekly))[:3] == [
        "rendered 2023-12-06 (changed)",
        "rendered 2023-12-13 (changed)",
        "skipped 2023-11-29 (unchanged)",
    ]


def test_a_missing_output_file_is_rendered_again(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    (root / "output/2023-11-29" / f"{SLUG.format('november-29')}.html").unlink()
    assert _lines(_archive(root, weekly))[0] == "rendered 2023-11-29 (output missing)"
    result = weekly("archive", "--format", "html,pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    assert _lines(result)[:3] == [
        "rendered 2023-11-29 (output missing)",
        "rendered 2023-12-06 (output missing)",
        "rendered 2023-12-13 (output missing)",
    ]
    index = (root / "output/index.html").read_text()
    assert f'<a href="2023-12-13/{SLUG.format("december-13")}.pdf">PDF</a>' in index
    feed = ET.parse(root / "output/feed.xml").getroot()
    enclosure = feed.find(f"{A}entry/{A}link[@rel='enclosure']")
    assert enclosure is not None
    assert enclosure.get("type") == "application/pdf"


def test_an_error_anywhere_writes_nothing(tree, weekly) -> None:
    root = tree(EDITIONS)
    _archive(root, weekly)
    before = {p: p.read_bytes() for p in (root / "output").rglob("*") if p.is_file()}
    path = root / "inputs/2023-12-06/update.md"
    path.write_text(path.read_text().replace("[@reuters-kidal]", "[@reuters-kidla]"))
    tree({"inputs/2023-12-20/update.md": _update("2023-12-20", "Next Week", "More.")})
    result = weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 2
    assert (
        "inputs/2023-12-06/update.md:17: error: unknown source 'reuters-kidla'; "
        "did you mean 'reuters-kidal'? [E101]"
    ) in result.stderr
    assert result.stderr.endswith("weekly: 1 error; nothing written\n")
    after = {p: p.read_bytes() for p in (root / "output").rglob("*") if p.is_file()}
    assert after == before


def test_render_all_is_archive_and_manifest_records_hashes(tree, weekly) -> None:
    root = tree(EDITIONS)
    result = weekly(
        "render", "--all", "--format", "html", "--base-url", "https://x.org/u/", cwd=root
    )
    assert result.returncode == 0, result.stderr
    assert _lines(result)[0] == "rendered 2023-11-29 (new)"
    manifest = json.loads((root / "output/manifest.json").read_text())
    entry = manifest["editions"]["2023-12-06"]
    assert entry["headline"] == "Kidal Falls"
    assert len(entry["input_hash"]) == 64
    feed = ET.parse(root / "output/feed.xml").getroot()
    assert feed.findtext(f"{A}id") == "https://x.org/u/feed.xml"
    assert feed.findtext(f"{A}entry/{A}id") == (
        f"https://x.org/u/2023-12-13/{SLUG.format('december-13')}.html"
    )


def test_render_needs_cutoff_or_all(edition: Path, weekly) -> None:
    result = weekly("render", cwd=edition)
    assert result.returncode == 2
    assert "Error: give --cutoff DATE (or --all for every edition)" in result.stderr
    result = weekly("render", "--all", "--cutoff", "latest", cwd=edition)
    assert result.returncode == 2
    assert "Error: --all renders every edition: drop --cutoff and --draft" in result.stderr


def test_two_series_share_the_archive(tree, weekly) -> None:
    africa = _update("2023-12-07", "Russia Expands", "Russia grows.").replace(
        "series: salafi-jihadi", "series: africa-file"
    )
    root = tree({**EDITIONS, "inputs/2023-12-07/update.md": africa})
    _archive(root, weekly)
    index = (root / "output/index.html").read_text()
    assert "<title>Critical Threats Project: All Editions</title>" in index
    assert '<span class="series">Africa File</span> · <time datetime="2023-12-07">' in index
    africa_page = (root / "output/2023-12-07/africa-file-december-7-2023.html").read_text()
    assert 'class="previous"' not in africa_page and 'class="next"' not in africa_page
    page = (root / "output/2023-12-13" / f"{SLUG.format('december-13')}.html").read_text()
    assert "../2023-12-06/" in page  # the previous edition of the same series


@pytest.mark.e2e
def test_archive_of_the_example_editions(tmp_path: Path, weekly) -> None:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    result = _archive(tmp_path, weekly)
    assert _lines(result)[:2] == ["rendered 2023-11-08 (new)", "rendered 2023-12-13 (new)"]
    feed = ET.parse(tmp_path / "output/feed.xml").getroot()
    titles = [e.findtext(f"{A}title", "") for e in feed.findall(f"{A}entry")]
    assert titles[0].startswith("Salafi-Jihadi Movement Weekly Update, December 13, 2023: ")
    assert titles[1].startswith("Salafi-Jihadi Movement Weekly Update, November 8, 2023: ")
    assert (tmp_path / "output/2023-12-13/figures/jnim-central.svg").is_file()


def test_a_hostile_manifest_cannot_delete_outside_the_output(tree, weekly) -> None:
    root = tree({**EDITIONS, "precious.txt": "keep me", "absolute.txt": "keep me too"})
    _archive(root, weekly)
    manifest = root / "output" / "manifest.json"
    data = json.loads(manifest.read_text())
    entry = data["editions"]["2023-12-13"]
    entry["files"] = [*entry["files"], "../../precious.txt", str(root / "absolute.txt")]
    manifest.write_text(json.dumps(data))
    (root / "inputs/2023-12-13/update.md").write_text(UPDATE.replace("more often", "often"))

    result = _archive(root, weekly)

    assert (root / "precious.txt").read_text() == "keep me"
    assert (root / "absolute.txt").read_text() == "keep me too"
    # the manifest cannot be trusted, so everything is rebuilt and nothing it lists is deleted
    assert [line.split(" (")[0] for line in _lines(result)[:3]] == [
        "rendered 2023-11-29",
        "rendered 2023-12-06",
        "rendered 2023-12-13",
    ]
    assert "../../precious.txt" not in manifest.read_text()


def test_a_changed_figure_outside_the_edition_folder_renders_the_edition_again(
    tree, weekly
) -> None:
    update = UPDATE.replace(
        "---\n\n**JNIM",
        "figures:\n  m:\n    title: Map\n    image: ../maps/mali.svg\n    alt: A map\n---\n\n**JNIM",
    )
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="{}" height="4"/></svg>'
    root = tree(
        {
            **EDITIONS,
            "inputs/2023-12-13/update.md": update + '\n{{ figure("m") }}\n',
            "inputs/maps/mali.svg": svg.format(1),
        }
    )
    _archive(root, weekly)
    assert _lines(_archive(root, weekly))[:3] == [
        "skipped 2023-11-29 (unchanged)",
        "skipped 2023-12-06 (unchanged)",
        "skipped 2023-12-13 (unchanged)",
    ]
    (root / "inputs/maps/mali.svg").write_text(svg.format(2), encoding="utf-8")
    assert _lines(_archive(root, weekly))[0] == "rendered 2023-12-13 (changed)"
    published = next((root / "output/2023-12-13/figures").glob("*.svg")).read_text()
    assert 'width="2"' in published


def test_an_archive_with_fragments_skips_unchanged_editions(tree, weekly) -> None:
    root = tree(EDITIONS)
    first = weekly("archive", "--format", "html,fragment", cwd=root)
    assert first.returncode == 0, first.stderr
    assert (root / "output/2023-12-13" / f"{SLUG.format('december-13')}.fragment.html").is_file()
    again = weekly("archive", "--format", "html,fragment", cwd=root)
    assert again.returncode == 0, again.stderr
    assert _lines(again)[:3] == [
        "skipped 2023-11-29 (unchanged)",
        "skipped 2023-12-06 (unchanged)",
        "skipped 2023-12-13 (unchanged)",
    ]
