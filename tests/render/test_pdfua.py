"""The tagged PDF: PDF/UA-1 by default, its structure tree, /Alt, /Lang, XMP and bookmarks,
read back with pypdf and poppler; and the PDF/A-3u variant beside it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from support import ROOT, SOURCES, UPDATE, write_tree
from support import UPDATE_WITH_REGIONS as REGIONS
from support.pdfstructure import outline, structure

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def xmp(path: Path) -> str:
    metadata = PdfReader(path).trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode("utf-8")


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled 2023-12-13 example (a chart and a map) printed once, by the CLI."""
    from support import run_weekly

    project = tmp_path_factory.mktemp("pdfua")
    shutil.copytree(ROOT / "inputs", project / "inputs")
    result = run_weekly("render", "--cutoff", "2023-12-13", "--format", "pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "output" / "2023-12-13" / f"{SLUG}.pdf"


def test_pdfinfo_says_tagged(example: Path) -> None:
    info = pdfinfo(example)
    assert info["Tagged"] == "yes"
    assert info["Metadata Stream"] == "yes"
    assert info["Title"] == (
        "Salafi-Jihadi Movement Weekly Update, December 13, 2023: "
        "Al Qaeda Gains Strength in Central Mali"
    )


def test_xmp_declares_pdf_ua_1_and_the_title(example: Path) -> None:
    text = xmp(example)
    assert re.search(r'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', text)
    assert "Al Qaeda Gains Strength in Central Mali</rdf:li>" in text


def test_catalog_has_language_window_title_and_marked(example: Path) -> None:
    catalog = PdfReader(example).trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert bool(catalog["/MarkInfo"]["/Marked"])


def test_structure_tree_has_the_roles_of_the_page(example: Path) -> None:
    tree = structure(example)
    assert tree.role == "Document"
    roles = [element.role for element in tree.walk()]
    assert roles.count("H1") == 1
    assert "H2" in roles  # Endnotes
    for role in ("P", "L", "LI", "Lbl", "LBody", "Figure", "Caption", "Link", "Note"):
        assert role in roles, f"no {role} in the structure tree"
    for item in (e for e in tree.walk() if e.role == "LI"):
        assert "LBody" in item.roles()
    for lst in (e for e in tree.walk() if e.role == "L"):
        assert set(lst.roles()) == {"LI"}


def test_every_endnote_is_a_note_with_its_link(example: Path) -> None:
    notes = [e for e in structure(example).walk() if e.role == "Note"]
    html = (ROOT / "tests/golden/2023-12-13.html").read_text(encoding="utf-8")
    assert len(notes) == html.count('<p class="note"')
    assert all("Link" in note.roles() for note in notes)


def test_every_figure_has_alt_text_describing_its_data(example: Path) -> None:
    figures = [e for e in structure(example).walk() if e.role == "Figure"]
    assert len(figures) == 2
    assert all(figure.alt for figure in figures)
    chart, map_ = (figure.alt or "" for figure in figures)
    assert chart.startswith("Bar chart of JNIM events per week in Mopti and Segou")
    assert "highest in the week of" in chart
    assert map_.startswith("Map of 16 JNIM events in Mali")


def test_figures_sit_beside_their_captions(example: Path) -> None:
    parents = [e for e in structure(example).walk() if "Figure" in e.roles()]
    assert len(parents) == 2
    assert all("Caption" in parent.roles() for parent in parents)


def test_bookmarks_title_takeaway_and_endnotes(example: Path) -> None:
    assert outline(example) == [
        (1, "Salafi-Jihadi Movement Weekly Update, December 13, 2023: "
            "Al Qaeda Gains Strength in Central Mali"),
        (2, "Key Takeaway"),
        (2, "Endnotes"),
    ]  # fmt: skip


def render_pdf(root: Path, *options: str) -> Path:
    from support import run_weekly

    result = run_weekly("render", "--cutoff", "2023-12-13", "--format", "pdf", *options, cwd=root)
    assert result.returncode == 0, result.stderr
    (pdf,) = (root / "output" / "2023-12-13").glob("*.pdf")
    return pdf


def test_regions_are_h2_and_bookmarked(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": REGIONS}
    )
    pdf = render_pdf(root)
    assert [title for level, title in outline(pdf) if level == 2] == [
        "Key Takeaways",
        "Mali",
        "Somalia",
        "Endnotes",
    ]
    assert [e.role for e in structure(pdf).walk()].count("H2") == 3


def test_language_comes_from_the_series(tmp_path: Path) -> None:
    series = "salafi-jihadi:\n  name: Mise à jour hebdomadaire\n  language: fr\n"
    root = write_tree(
        tmp_path,
        {
            "inputs/series.yaml": series,
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE,
        },
    )
    pdf = render_pdf(root, "--format", "html,pdf")
    assert PdfReader(pdf).trailer["/Root"]["/Lang"] == "fr"
    (html,) = (root / "output" / "2023-12-13").glob("*.html")
    assert '<html lang="fr" dir="ltr">' in html.read_text(encoding="utf-8")


def test_pdf_a_3u_variant_is_tagged_and_declares_pdf_a(edition: Path) -> None:
    pdf = render_pdf(edition, "--pdf-variant", "pdf/a-3u")
    text = xmp(pdf)
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3</pdfaid:part>', text)
    assert re.search(r'pdfaid:conformance="U"|<pdfaid:conformance>U</pdfaid:conformance>', text)
    assert "pdfuaid" not in text
    assert pdfinfo(pdf)["Tagged"] == "yes"
    assert "Note" in [e.role for e in structure(pdf).walk()]


def test_unknown_pdf_variant_is_refused(edition: Path) -> None:
    from support import run_weekly

    result = run_weekly("render", "--cutoff", "2023-12-13", "--pdf-variant", "pdf/x-4", cwd=edition)
    assert result.returncode == 2
    assert "'pdf/x-4' is not one of 'pdf/ua-1', 'pdf/a-3u'" in result.stderr


def test_write_pdf_refuses_an_unknown_variant() -> None:
    from weekly.render.pdf import write_pdf

    with pytest.raises(ValueError, match="unknown PDF variant 'pdf/x-4'"):
        write_pdf("<p>x</p>", [], "pdf/x-4")  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3u"])
def test_the_same_page_prints_the_same_bytes(variant: str) -> None:
    from weekly.render.pdf import write_pdf

    page = '<html lang="en"><head><title>T</title></head><body><h1>T</h1><p class="note">n</p>'
    assert write_pdf(page, [], variant) == write_pdf(page, [], variant)  # type: ignore[arg-type]
