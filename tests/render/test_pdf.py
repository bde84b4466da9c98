"""The PDF: text, metadata, bookmarks, links, page furniture — read back with poppler and pypdf."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from support import ROOT

SLUG = "salafi-jihadi-movement-weekly-update-november-8-2023"
#: Printing a PDF and reading it back with poppler takes seconds.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the bundled 2023-11-08 example edition once for this module."""
    from support import run_weekly

    project = tmp_path_factory.mktemp("example")
    shutil.copytree(ROOT / "inputs", project / "inputs")
    result = run_weekly("render", "--cutoff", "2023-11-08", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "output" / "2023-11-08" / f"{SLUG}.pdf"


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def squash(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_has_every_structural_element(example_pdf: Path) -> None:
    text = squash(pdftotext(example_pdf))
    assert (
        "Salafi-Jihadi Movement Weekly Update, November 8, 2023: Malian and Wagner Forces" in text
    )
    assert "Author: Liam Karr" in text
    assert "Data Cutoff: November 8, 2023, at 10 a.m." in text
    assert "CTP has temporarily suspended the Afghanistan" in text
    assert "Key Takeaway: In the coming weeks" in text
    assert (
        "Figure 1. JNIM and Tuareg Separatists Challenge Malian Security Forces in Northern Mali"
        in text
    )
    assert (
        "Note: “MINUSMA” is the United Nations Multidimensional Integrated Stabilization Mission in Mali."
        in text
    )
    assert "Source: Liam Karr." in text
    assert "ENDNOTES" in text
    for number in (1, 17, 48, 50, 51):
        assert f"[{number}]" in text
    assert "[52]" not in text
    assert "Page 1 of 7" in text and "Page 7 of 7" in text


def test_short_forms_after_the_first_citation(example_pdf: Path) -> None:
    text = squash(pdftotext(example_pdf))
    assert (
        "[5] Author’s database of significant activity (SIGACT). Sources available on request."
        in text
    )
    assert "[17] Author’s database of SIGACTs. Sources available on request." in text
    title = "JNIM Claims Series of Attacks on Burkinabe Army, FAMa, PMC Wagner Group Incl. Targeting Military Base and Cargo Plane in Mali"
    assert (
        f"[48] Author’s database of SIGACTs. Sources available on request; SITE Intelligence Group, “{title},” "
        "October 18, 2023, available by subscription at www.siteintelgroup.com"
    ) in text
    assert f"[50] SITE Intelligence Group, “{title}.”" in text


def test_running_header_on_later_pages(example_pdf: Path) -> None:
    pages = pdftotext(example_pdf).split("\f")
    assert "SALAFI-JIHADI MOVEMENT WEEKLY UPDATE" in pages[1].splitlines()[0]
    assert "November 8, 2023" in pages[1].splitlines()[0]


def test_pdf_metadata(example_pdf: Path) -> None:
    info = pdfinfo(example_pdf)
    assert info["Title"] == (
        "Salafi-Jihadi Movement Weekly Update, November 8, 2023: Malian and Wagner Forces Reach a Turning "
        "Point Against Separatist and al Qaeda Insurgents in Northern Mali"
    )
    assert info["Author"] == "Liam Karr"
    assert info["Page size"].startswith("612 x 792 pts (letter)")
    assert info["CreationDate"].startswith("Thu Nov  9")


def test_bookmarks_and_links(example_pdf: Path) -> None:
    reader = PdfReader(example_pdf)
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0].startswith("Salafi-Jihadi Movement Weekly Update, November 8, 2023")
    children = next(item for item in reader.outline if isinstance(item, list))
    assert "Endnotes" in [child.title for child in children]
    uris, internal = [], 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action and "/URI" in action:
                uris.append(action["/URI"])
            elif annot.get("/Dest") or (action and action.get("/S") == "/GoTo"):
                internal += 1
    assert "https://www.criticalthreats.org/subscribe" in uris
    assert any(uri.startswith("https://www.crisisgroup.org/") for uri in uris)
    assert internal >= 2 * 51  # every [n] to its note and every note back


def test_figure_image_is_embedded(example_pdf: Path) -> None:
    reader = PdfReader(example_pdf)
    images = {image.name: image for page in reader.pages for image in page.images}
    assert len(images) == 1
    assert next(iter(images.values())).image.size[0] >= 1000
