"""An edition page as part of the site: the bar to the archive and the PDF, full-size figures,
and the --base-url the links are made from."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from support.site_inputs import FILES, PAGES

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


def _several_series() -> dict[str, str | bytes]:
    files = dict(FILES)
    files["inputs/series.yaml"] = "iran-update:\n  name: Iran Update\n"
    files["inputs/2023-11-29/update.md"] = str(files["inputs/2023-11-29/update.md"]).replace(
        "series: salafi-jihadi", "series: iran-update"
    )
    return files


def _bar(html: str) -> str:
    found = re.search(r'<nav class="site-bar" aria-label="Archive"[^>]*>\n(.*?)</nav>', html, re.S)
    assert found, "no site bar"
    return found[1]


def test_an_archived_edition_links_the_archive_and_its_series(tree, weekly) -> None:
    root = tree(_several_series())
    done = weekly("archive", "--format", "html", cwd=root)
    assert done.returncode == 0, done.stderr
    page = (root / "output" / PAGES["2023-12-13"]).read_text(encoding="utf-8")
    bar = _bar(page)
    assert '<a class="archive-link" href="../index.html">All editions</a>' in bar
    assert '<a class="series-link" href="../series/salafi-jihadi.html">' in bar
    assert (root / "output/series/salafi-jihadi.html").is_file()
    # no PDF was made, so none is offered
    assert "Download PDF" not in page
    # the bar comes before the article, the neighbours after it
    assert page.index('class="site-bar"') < page.index("<main") < page.index('rel="prev"')


def test_one_series_links_the_archive_only(tree, weekly) -> None:
    root = tree(FILES)
    done = weekly("archive", "--format", "html", cwd=root)
    assert done.returncode == 0, done.stderr
    bar = _bar((root / "output" / PAGES["2023-12-06"]).read_text(encoding="utf-8"))
    assert "All editions" in bar and "series-link" not in bar


def test_the_page_offers_its_pdf_and_full_size_figures_which_the_pdf_leaves_out(
    tree, weekly
) -> None:
    root = tree(FILES)
    done = weekly("render", "--cutoff", "2023-12-13", cwd=root)
    assert done.returncode == 0, done.stderr
    folder = root / "output/2023-12-13"
    page = (folder / f"{SLUG}.html").read_text(encoding="utf-8")
    bar = _bar(page)
    link = f'<a class="download" href="{SLUG}.pdf" type="application/pdf" download>'
    assert link + "Download PDF</a>" in bar
    assert (folder / f"{SLUG}.pdf").is_file()
    # no archive around a single render: no archive link to a page that may not exist
    assert "All editions" not in bar
    opened = re.findall(
        r'<p class="figure-open" data-pagefind-ignore><a href="([^"]+)">Open Figure 1 full size',
        page,
    )
    assert opened == ["figures/map.svg"] and (folder / opened[0]).is_file()
    text = subprocess.run(
        ["pdftotext", str(folder / f"{SLUG}.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "JNIM is attacking central Mali" in text
    assert "Download PDF" not in text and "full size" not in text


@pytest.mark.parametrize(
    "bad",
    [
        "javascript:alert(1)",
        "/weekly/",
        "example.org/weekly/",
        "ftp://example.org/weekly/",
        "https://",
        "https://example.org/we ekly/",
        'https://example.org/"x',
        "https://example.org/weekly/?x=1",
        "https://example.org/weekly/#top",
        "https://example.org:port/",
    ],
)
def test_a_base_url_that_is_not_absolute_http_is_refused(tree, weekly, bad: str) -> None:
    root = tree(FILES)
    done = weekly("archive", "--format", "html", "--base-url", bad, cwd=root)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("weekly: --base-url"), done.stderr
    assert "Traceback" not in done.stderr
    assert not (root / "output").exists()
    done = weekly(
        "render", "--cutoff", "2023-12-13", "--format", "fragment", "--base-url", bad, cwd=root
    )
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_an_http_base_url_is_taken(tree, weekly) -> None:
    root = tree(FILES)
    done = weekly("archive", "--format", "html", "--base-url", "http://example.org/w", cwd=root)
    assert done.returncode == 0, done.stderr
    sitemap = (root / "output/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>http://example.org/w/index.html</loc>" in sitemap


def test_the_core_refuses_a_bad_base_url_too(tmp_path: Path) -> None:
    from weekly.site.archive import build_archive

    with pytest.raises(ValueError, match="absolute http"):
        build_archive(tmp_path, tmp_path / "output", ("html",), "javascript:alert(1)")
