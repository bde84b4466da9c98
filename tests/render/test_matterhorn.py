"""PDF/UA-1 checked the way a validator does: the machine-checkable Matterhorn checkpoints.

No PDF/UA validator (veraPDF, PAC) can be installed here, so each failure condition of the
Matterhorn Protocol 1.1 that a program can decide, and that applies to the PDFs ``weekly``
prints, is tested with pikepdf on two real editions: the bundled example (a chart, a map, 37
endnotes) and an edition with region sections. The list of checkpoints tested is in
docs/guide/accessibility.md; keep the two in step.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from support import ROOT, SOURCES, run_weekly, write_tree
from support import UPDATE_WITH_REGIONS as REGIONS

#: The standard structure types of ISO 32000-1, 14.8.4.
STANDARD = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl",
    "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note",
    "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT",
    "WP", "Figure", "Formula", "Form",
}  # fmt: skip
#: Operators that paint: text, images and forms, shadings, path painting.
PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "BI", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s"}


def _print(project: Path) -> Path:
    result = run_weekly("render", "--cutoff", "2023-12-13", "--format", "pdf", cwd=project)
    assert result.returncode == 0, result.stderr
    (pdf,) = (project / "output" / "2023-12-13").glob("*.pdf")
    return pdf


@pytest.fixture(scope="module", params=["example", "regions"])
def pdf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> pikepdf.Pdf:
    """An edition printed as PDF/UA-1 by the CLI, opened with pikepdf."""
    project = tmp_path_factory.mktemp(request.param)
    if request.param == "example":
        shutil.copytree(ROOT / "inputs", project / "inputs")
    else:
        write_tree(
            project, {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": REGIONS}
        )
    opened = pikepdf.open(_print(project))
    yield opened
    opened.close()


def elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Yield every structure element, in document order."""

    def walk(node: Any) -> Iterator[pikepdf.Dictionary]:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                yield from walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                yield from walk(node.K)

    yield from walk(pdf.Root.StructTreeRoot.K)


def role(element: pikepdf.Dictionary) -> str:
    return str(element.S).lstrip("/")


def kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    """Return the structure elements directly under ``element``."""
    found = element.get("/K")
    found = list(found) if isinstance(found, pikepdf.Array) else [found]
    return [k for k in found if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def annotations(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Page, pikepdf.Dictionary]]:
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            yield page, annotation


def xmp(pdf: pikepdf.Pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8")


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    """Return the structure tree's ParentTree as a dict (a flat /Nums array here)."""
    tree = pdf.Root.StructTreeRoot.ParentTree
    assert "/Kids" not in tree  # WeasyPrint writes one flat number tree
    nums = list(tree.Nums)
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


# -- 01 real content tagged, artifacts marked ---------------------------------------------


def _marked_content(pdf: pikepdf.Pdf) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (page index, painting operator, the marked-content stack it sits in)."""
    for index, page in enumerate(pdf.pages):
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BMC":
                stack.append(str(operands[0]))
            elif name == "BDC":
                properties = operands[1]
                mcid = isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                stack.append(f"{operands[0]}#mcid" if mcid else str(operands[0]))
            elif name == "EMC":
                stack.pop()
            elif name in PAINTING:
                yield index, name, list(stack)
        assert stack == [], f"page {index + 1}: unbalanced marked content"


def test_01_005_all_content_is_tagged_or_an_artifact(pdf: pikepdf.Pdf) -> None:
    untagged = [
        (page, op)
        for page, op, stack in _marked_content(pdf)
        if not any(s.endswith("#mcid") or s == "/Artifact" for s in stack)
    ]
    assert untagged == []


def test_01_003_and_01_004_artifacts_and_tagged_content_do_not_nest(pdf: pikepdf.Pdf) -> None:
    for _, _, stack in _marked_content(pdf):
        tagged = [s for s in stack if s.endswith("#mcid")]
        assert not ("/Artifact" in stack and tagged), stack


def test_01_007_no_suspects(pdf: pikepdf.Pdf) -> None:
    mark = pdf.Root.MarkInfo
    assert bool(mark.Marked) is True
    assert not bool(mark.get("/Suspects", False))


def test_every_marked_content_id_belongs_to_a_structure_element(pdf: pikepdf.Pdf) -> None:
    tree = parent_tree(pdf)
    for page in pdf.pages:
        mcids = [
            int(operands[1].MCID)
            for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) == "BDC"
            and isinstance(operands[1], pikepdf.Dictionary)
            and "/MCID" in operands[1]
        ]
        parents = tree[int(page.obj.StructParents)]
        assert all(parents[mcid].S for mcid in mcids)


# -- 02 role mapping, 09 tags used as ISO 32000 defines them ------------------------------


def test_02_every_structure_type_is_standard_and_nothing_remapped(pdf: pikepdf.Pdf) -> None:
    assert {role(e) for e in elements(pdf)} <= STANDARD
    role_map = pdf.Root.StructTreeRoot.get("/RoleMap", {})
    assert not {str(k).lstrip("/") for k in role_map} & STANDARD  # 02-004


def test_09_005_lists_are_built_as_iso_32000_says(pdf: pikepdf.Pdf) -> None:
    found = list(elements(pdf))
    assert any(role(e) == "L" for e in found)
    for element in found:
        inside = {role(k) for k in kids(element)}
        if role(element) == "L":
            assert inside <= {"LI", "L", "Caption"}, inside
        if role(element) == "LI":
            assert inside <= {"Lbl", "LBody"}, inside
        if role(element) != "L":
            assert "LI" not in inside
        if role(element) != "LI":
            assert not inside & {"Lbl", "LBody"}


# -- 06 metadata, 07 window title --------------------------------------------------------


def test_06_001_catalog_has_an_xmp_metadata_stream(pdf: pikepdf.Pdf) -> None:
    assert pdf.Root.Metadata.get("/Subtype") == "/XML"
    assert "<x:xmpmeta" in xmp(pdf)


def test_06_002_metadata_declares_pdf_ua_1(pdf: pikepdf.Pdf) -> None:
    assert re.search(r'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', xmp(pdf))


def test_06_003_metadata_has_a_dc_title(pdf: pikepdf.Pdf) -> None:
    with pdf.open_metadata() as meta:
        title = meta.get("dc:title")
    assert title and str(title).startswith("Salafi-Jihadi Movement Weekly Update")


def test_07_001_and_07_002_the_window_shows_the_title(pdf: pikepdf.Pdf) -> None:
    assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True


# -- 10 Unicode, 31 fonts ----------------------------------------------------------------


def _fonts(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    seen: set[tuple[int, int]] = set()

    def visit(resources: Any) -> Iterator[pikepdf.Dictionary]:
        for font in resources.get("/Font", {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for xobject in resources.get("/XObject", {}).values():
            form = xobject.get("/Subtype") == "/Form" and "/Resources" in xobject
            if form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from visit(xobject.Resources)

    for page in pdf.pages:
        yield from visit(page.Resources)


def test_31_009_every_font_is_embedded(pdf: pikepdf.Pdf) -> None:
    fonts = list(_fonts(pdf))
    assert fonts
    for font in fonts:
        described = font.DescendantFonts[0] if font.Subtype == "/Type0" else font
        descriptor = described.FontDescriptor
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont


def test_10_001_and_31_027_every_font_maps_to_unicode(pdf: pikepdf.Pdf) -> None:
    for font in _fonts(pdf):
        assert "/ToUnicode" in font, font.BaseFont


# -- 11 natural language -----------------------------------------------------------------


def test_11_the_language_of_text_and_metadata_is_known(pdf: pikepdf.Pdf) -> None:
    assert str(pdf.Root.Lang) == "en"
    for element in elements(pdf):
        if "/Lang" in element:
            assert str(element.Lang)  # 11-001..005: never an empty language
    assert re.search(r'<dc:title>\s*<rdf:Alt>\s*<rdf:li xml:lang="[^"]+"', xmp(pdf))  # 11-006


# -- 13 figures, 14 headings, 19 notes ---------------------------------------------------


def test_13_004_every_figure_has_alternative_text(pdf: pikepdf.Pdf) -> None:
    for element in elements(pdf):
        if role(element) == "Figure":
            assert str(element.get("/Alt", "")) or str(element.get("/ActualText", ""))


def test_14_headings_start_at_h1_skip_no_level_and_are_numbered(pdf: pikepdf.Pdf) -> None:
    levels = [int(role(e)[1]) for e in elements(pdf) if re.fullmatch(r"H[1-6]", role(e))]
    assert levels[0] == 1  # 14-002
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels  # 14-003
    assert "H" not in {role(e) for e in elements(pdf)}  # 14-007: numbered headings only
    for element in elements(pdf):  # 14-006
        assert sum(1 for k in kids(element) if role(k) == "H") <= 1


def test_19_003_and_19_004_every_note_has_an_id_of_its_own(pdf: pikepdf.Pdf) -> None:
    notes = [e for e in elements(pdf) if role(e) == "Note"]
    assert notes
    ids = [bytes(note.ID) for note in notes if "/ID" in note]
    assert len(ids) == len(notes)  # 19-003
    assert len(set(ids)) == len(ids)  # 19-004
    everyone = [bytes(e.ID) for e in elements(pdf) if "/ID" in e]
    assert len(set(everyone)) == len(everyone)
    names = list(pdf.Root.StructTreeRoot.IDTree.Names)  # ISO 32000-1 14.7.2: the IDTree
    keys = [bytes(name) for name in names[::2]]
    assert keys == sorted(keys) and set(keys) == set(everyone)
    for key, element in zip(names[::2], names[1::2], strict=True):
        assert bytes(element.ID) == bytes(key)


# -- 20 optional content, 21 embedded files, 26 security, 30 XObjects ----------------------


def test_20_21_26_30_no_hidden_layers_embedded_files_encryption_or_reference_xobjects(
    pdf: pikepdf.Pdf,
) -> None:
    assert "/OCProperties" not in pdf.Root  # 20-00x: nothing to name
    assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})  # 21-001
    assert not pdf.is_encrypted  # 26-00x
    for page in pdf.pages:  # 30-001
        for xobject in page.Resources.get("/XObject", {}).values():
            assert "/Ref" not in xobject


# -- 28 annotations -----------------------------------------------------------------------


def test_28_annotations_are_links_tagged_as_links_with_a_description(pdf: pikepdf.Pdf) -> None:
    tree = parent_tree(pdf)
    found = list(annotations(pdf))
    assert found
    for page, annotation in found:
        assert annotation.Subtype == "/Link"  # 28-002, 28-010: no other kind to tag
        assert page.obj.get("/Tabs") == "/S"  # 28-008, 28-009
        element = tree[int(annotation.StructParent)]
        assert role(element) == "Link"  # 28-011
        assert str(annotation.get("/Contents", ""))  # 28-012


def test_28_012_each_link_says_what_it_does(pdf: pikepdf.Pdf) -> None:
    """A note reference says which note, an endnote's link back says where it leads, a web
    link gives its address: never a bare fragment name such as ``note-4``."""
    described: dict[str, set[str]] = {"noteref": set(), "backlink": set(), "web": set()}
    for _, annotation in annotations(pdf):
        contents = str(annotation.Contents)
        destination = str(annotation.get("/Dest", ""))
        if destination.startswith("note-"):
            assert contents == f"Note {destination.removeprefix('note-')}"
            described["noteref"].add(contents)
        elif destination.startswith("ref-"):
            assert contents == f"Back to the text of note {destination.removeprefix('ref-')}"
            described["backlink"].add(contents)
        elif destination:
            assert contents != destination, contents
        else:
            assert contents == str(annotation.A.URI)
            described["web"].add(contents)
    assert len(described["noteref"]) == len(described["backlink"]) >= 4
