"""The CMS fragment (``--format fragment``) and the page's language and direction."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from support import ROOT, SOURCES, UPDATE, write_tree

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


def example(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "inputs", tmp_path / "inputs")
    return tmp_path


def test_fragment_is_the_article_without_the_page_shell(tmp_path: Path, weekly) -> None:
    root = example(tmp_path)
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "fragment", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "output" / "2023-12-13"
    assert sorted(p.name for p in folder.iterdir()) == ["figures", f"{SLUG}.fragment.html"]
    assert result.stdout == f"wrote output/2023-12-13/{SLUG}.fragment.html\n"
    fragment = (folder / f"{SLUG}.fragment.html").read_text(encoding="utf-8")
    assert fragment.startswith('<article class="update weekly-fragment" lang="en" dir="ltr">\n')
    assert fragment.rstrip().endswith("</article>")
    for shell in ("<!DOCTYPE", "<html", "<head>", "<body", "<style", "<main", "<script", "<title"):
        assert shell not in fragment
    assert '<p class="cutoff">Data Cutoff: December 13, 2023, at 10 a.m.</p>' in fragment
    assert '<section class="endnotes" id="endnotes" role="doc-endnotes">' in fragment
    assert fragment.count('<p class="note" id="note-') == 37
    assert '<section class="notices" aria-label="Notices">' in fragment
    assert '<section class="takeaway" aria-label="Key Takeaway">' in fragment
    sources = re.findall(r'<img src="([^"]+)"', fragment)
    assert sources == ["figures/jnim-central.svg", "figures/jnim-central-map.svg"]
    assert all((folder / src).is_file() for src in sources)


def test_fragment_is_the_page_s_article(tmp_path: Path, weekly) -> None:
    """The article of the final page and the fragment are the same markup."""
    root = example(tmp_path)
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html,fragment", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "output" / "2023-12-13"
    page = (folder / f"{SLUG}.html").read_text(encoding="utf-8")
    fragment = (folder / f"{SLUG}.fragment.html").read_text(encoding="utf-8")
    inner = fragment.split("\n", 1)[1]
    article = page.split('<article class="update">\n', 1)[1].split("</main>")[0]
    assert inner == article


def test_base_url_makes_figure_links_absolute_and_output_is_reproducible(
    tmp_path: Path, weekly
) -> None:
    root = example(tmp_path)
    args = ("render", "--cutoff", "2023-12-13", "--format", "fragment")
    base = ("--base-url", "https://www.example.org/weekly/")
    assert weekly(*args, *base, cwd=root).returncode == 0
    path = root / "output" / "2023-12-13" / f"{SLUG}.fragment.html"
    first = path.read_bytes()
    assert weekly(*args, *base, cwd=root).returncode == 0
    assert path.read_bytes() == first
    sources = re.findall(r'<img src="([^"]+)"', first.decode())
    assert sources == [
        "https://www.example.org/weekly/2023-12-13/figures/jnim-central.svg",
        "https://www.example.org/weekly/2023-12-13/figures/jnim-central-map.svg",
    ]


def test_base_url_without_fragment_or_all_is_a_usage_error(edition: Path, weekly) -> None:
    result = weekly(
        "render", "--cutoff", "2023-12-13", "--base-url", "https://example.org/", cwd=edition
    )
    assert result.returncode == 2
    assert "--base-url applies to --all and to --format fragment only" in result.stderr


# -- language and direction -------------------------------------------------------------------


def render_page(root: Path, weekly) -> str:
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    (page,) = (root / "output" / "2023-12-13").glob("*.html")
    return page.read_text(encoding="utf-8")


def test_page_language_and_landmark(edition: Path, weekly) -> None:
    html = render_page(edition, weekly)
    assert '<html lang="en" dir="ltr">' in html
    assert html.count("<main") == 1
    assert '<main id="main">\n<article class="update">' in html


def test_right_to_left_series_sets_dir_rtl(tmp_path: Path, weekly) -> None:
    series = "salafi-jihadi:\n  name: Weekly\n  language: ar\n"
    root = write_tree(
        tmp_path,
        {
            "inputs/series.yaml": series,
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE,
        },
    )
    assert '<html lang="ar" dir="rtl">' in render_page(root, weekly)


def test_right_to_left_quotation_is_isolated(edition: Path, weekly) -> None:
    update = edition / "inputs/2023-12-13/update.md"
    text = update.read_text(encoding="utf-8").replace(
        "The group struck", "A statement read «نصرة الإسلام والمسلمين» and the group struck"
    )
    update.write_text(text, encoding="utf-8")
    html = render_page(edition, weekly)
    assert '«<bdi dir="rtl">نصرة الإسلام والمسلمين</bdi>»' in html


def test_bad_language_is_an_error(tmp_path: Path, weekly) -> None:
    series = "salafi-jihadi:\n  name: Weekly\n  language: english please\n"
    root = write_tree(
        tmp_path,
        {
            "inputs/series.yaml": series,
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE,
        },
    )
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == (
        "inputs/series.yaml:3: error: series 'salafi-jihadi': language must be a language tag "
        "such as en, fr or ar (got 'english please') [E002]"
    )
