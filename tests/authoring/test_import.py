"""``weekly import``: a Word draft of the November 8, 2023 edition round-trips to that edition.

The drafts are written by ``scripts/make_test_docx.py`` (real Word footnotes, a figure, and
in the reviewed variant one tracked insertion, one tracked deletion and a comment).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from support import ROOT, SOURCES, SRC, UPDATE, run_script, write_tree
from weekly.authoring.draft import recognise
from weekly.authoring.edition import import_draft
from weekly.authoring.footnotes import split_parts
from weekly.authoring.notes import Bibliography
from weekly.authoring.wordml import NoteRef, Paragraph, Span
from weekly.errors import Problems, WeeklyError
from weekly.inputs.sources import load_sources, print_source
from weekly.pipeline import edition_files, load_checked

EDITION = "2023-11-08"
SITE = "SITE Intelligence Group"
AT = "available by subscription at www.siteintelgroup.com"
#: The SITE items of the published edition's notes, as printed there (number -> parts).
PUBLISHED_SITE_NOTES = {
    "24": [
        f"{SITE}, “JNIM Announces Downing Helicopter of Russian PMC Wagner Group in Mali,” July 3, 2023, {AT}",
        f"{SITE}, “JNIM Claims Downing Wagner Helicopter in Segou, Provides Video and Photo "
        f"Documentation of Remains,” September 14, 2023, {AT}",
    ],
    "39": [
        f"{SITE}, “JNIM Claims Attacks on FAMa and PMC Wagner Group Convoys in Gao and Segou, "
        f"Capturing Base in Koulikoro,” October 3, 2023, {AT}",
        f"{SITE}, “JNIM Claims Ambush on Gov-Aligned Burkinabe Militias in Soum, Series of Attacks "
        f"Targeting Malian Army and Wagner Mercenaries in Gao,” October 9, 2023, {AT}",
    ],
    "48": [
        f"{SITE}, “JNIM Claims Series of Attacks on Burkinabe Army, FAMa, PMC Wagner Group Incl. "
        f"Targeting Military Base and Cargo Plane in Mali,” October 18, 2023, {AT}",
    ],
    "50": [
        f"{SITE}, “JNIM Claims Series of Attacks on Burkinabe Army, FAMa, PMC Wagner Group Incl. "
        "Targeting Military Base and Cargo Plane in Mali.”"
    ],
}


def make_docx(out: Path, *flags: str) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_test_docx.py"), str(out), *flags],
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def drafts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("drafts")
    return {
        "plain": make_docx(folder / "draft.docx"),
        "reviewed": make_docx(folder / "reviewed.docx", "--reviewed"),
    }


@pytest.fixture(scope="module")
def imported(drafts: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """Import the plain draft into an empty inputs folder, as a user would."""
    project = tmp_path_factory.mktemp("project")
    (project / "inputs").mkdir()
    shutil.copy(drafts["plain"], project / "draft.docx")
    result = run(project, "import", "draft.docx")
    return project, result


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "weekly", *args],
        cwd=cwd,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin", "MPLCONFIGDIR": str(cwd)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def files_under(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


# --- the round trip -------------------------------------------------------------------


def test_import_reports_what_it_did(imported) -> None:
    project, result = imported
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "imported draft.docx into inputs/2023-11-08: 51 notes, 41 new sources, "
        "0 reused from inputs/sources.yaml, 0 comments\n"
        "took in 51 notes citing 41 sources (12 articles, 5 subscription items, "
        "23 web addresses, 1 text source), 1 figure, 1 takeaway, 0 sections"
    )
    assert result.stderr == ""  # every footnote part was recognised
    assert sorted(map(str, files_under(project / "inputs"))) == [
        "2023-11-08",
        "2023-11-08/figures",
        "2023-11-08/figures/jnim-tuareg-separatists.png",
        "2023-11-08/sources.yaml",
        "2023-11-08/update.md",
    ]


def test_every_note_matches_the_edition_word_for_word(imported) -> None:
    project, _ = imported
    original = load_checked(ROOT / "inputs", EDITION)
    again = load_checked(project / "inputs", EDITION)
    pairs = list(zip(original.notes, again.notes, strict=True))
    assert len(pairs) == 51
    assert [(n.label, n.text) for n in again.notes] == [(n.label, n.text) for n in original.notes]


def test_site_and_sigact_forms_match_the_published_notes(imported) -> None:
    """The SITE items print in full first and short after, as in the published notes."""
    project, _ = imported
    notes = {n.label: n.text for n in load_checked(project / "inputs", EDITION).notes}
    for label, parts in PUBLISHED_SITE_NOTES.items():
        for part in parts:
            assert part in notes[label].split("; "), (label, part)
    assert notes["50"] == PUBLISHED_SITE_NOTES["50"][0]
    assert (
        notes["5"]
        == "Author’s database of significant activity (SIGACT). Sources available on request."
    )
    assert notes["17"] == "Author’s database of SIGACTs. Sources available on request."


def test_rendered_html_is_the_edition_byte_for_byte(imported) -> None:
    project, _ = imported
    original = edition_files(load_checked(ROOT / "inputs", EDITION), ["html"])
    again = edition_files(load_checked(project / "inputs", EDITION), ["html"])
    html = next(v for k, v in again.items() if k.endswith(".html")).decode()
    expected = next(v for k, v in original.items() if k.endswith(".html")).decode()
    assert html.replace("jnim-tuareg-separatists", "north-mali") == expected
    assert again["figures/jnim-tuareg-separatists.png"] == original["figures/north-mali.png"]


def test_front_matter_is_recognised(imported) -> None:
    project, _ = imported
    edition = load_checked(project / "inputs", EDITION).edition
    assert edition.headline.startswith("Malian and Wagner Forces Reach a Turning Point")
    assert edition.authors == ["Liam Karr"]
    assert str(edition.cutoff) == "2023-11-08 10:00:00"
    assert str(edition.published) == "2023-11-09"
    assert len(edition.notices) == 2 and edition.notices[1].startswith("The Salafi-Jihadi Weekly")
    assert list(edition.takeaways) == [""]
    figure = edition.figures["jnim-tuareg-separatists"]
    assert (
        figure.title
        == "JNIM and Tuareg Separatists Challenge Malian Security Forces in Northern Mali"
    )
    assert figure.note.startswith("“MINUSMA” is the United Nations")
    assert figure.source == "Liam Karr."
    body = edition.body
    assert body.count("\n**") == 5 and body.count("\n- ") == 12  # leads and bullets
    assert '{{ figure("jnim-tuareg-separatists") }}' in body


def test_sources_are_structured_merged_and_readable(imported) -> None:
    project, _ = imported
    sources = yaml.safe_load((project / "inputs" / EDITION / "sources.yaml").read_text("utf-8"))
    assert len(sources) == 41
    site = {k: v for k, v in sources.items() if v.get("subscription")}
    assert sorted(site) == [
        "site-2023-07-03-jnim-announces-downing",
        "site-2023-09-14-jnim-claims-downing",
        "site-2023-10-03-jnim-claims-attacks",
        "site-2023-10-09-jnim-claims-ambush",
        "site-2023-10-18-jnim-claims-series",
    ]
    assert all(str(v["date"]).startswith("2023-") for v in site.values())
    assert sources["site-2023-10-18-jnim-claims-series"]["publisher"] == "SITE Intelligence Group"
    assert sources["sigact"] == {
        "text": "Author’s database of significant activity (SIGACT). Sources available on request.",
        "short": "Author’s database of SIGACTs. Sources available on request.",
    }
    assert sources["fox-news-2023-11-07"]["title"].startswith("14 dead following drone strikes")
    assert sources["tass-1668925"] == {"url": "https://tass.com/politics/1668925"}
    # as in the hand-entered edition: 23 urls, 12 articles, 5 SITE items, the SIGACT database
    articles = [v for v in sources.values() if v.get("title") and not v.get("subscription")]
    urls = [v for v in sources.values() if "url" in v and "title" not in v]
    assert (len(urls), len(articles)) == (23, 12)
    assert all(v.get("date") and v.get("url") for v in articles)


def test_check_is_clean_and_pdf_renders(imported) -> None:
    project, _ = imported
    check = run(project, "check", "--cutoff", EDITION, "--strict")
    assert (check.returncode, check.stdout.strip(), check.stderr) == (0, "no problems found", "")
    render = run(project, "render", "--cutoff", EDITION, "--format", "pdf")
    assert render.returncode == 0, render.stderr
    pdf = PdfReader(next((project / "output" / EDITION).glob("*.pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Malian and Wagner Forces Reach a Turning Point" in " ".join(text.split())
    assert "[51]" in text


def test_shared_sources_are_reused_by_id(drafts, tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(ROOT / "inputs" / "sources.yaml", inputs / "sources.yaml")
    done = import_draft(drafts["plain"], inputs)
    assert (done.new_sources, done.reused_sources) == (3, 38)
    written = yaml.safe_load((inputs / EDITION / "sources.yaml").read_text("utf-8"))
    assert list(written) == [
        "fox-news-2023-11-07",
        "crisis24-2023-11-07",
        "omondo-plusieurs-civils-tues-au",
    ]
    body = (inputs / EDITION / "update.md").read_text("utf-8")
    assert "[@site-jnim-2023-10-18]" in body and "[@sigact]" in body
    notes = load_checked(inputs, EDITION).notes
    assert [n.text for n in notes] == [n.text for n in load_checked(ROOT / "inputs", EDITION).notes]


# --- review marks ---------------------------------------------------------------------


def test_reviewed_draft_keeps_insertions_drops_deletions_reports_comment(
    drafts, tmp_path: Path
) -> None:
    (tmp_path / "inputs").mkdir()
    result = run(tmp_path, "import", str(drafts["reviewed"]))
    assert result.returncode == 0, result.stderr
    body = (tmp_path / "inputs" / EDITION / "update.md").read_text("utf-8")
    assert "runs roughly 70 miles northeast" in body
    assert "control of northern Mali as a core tenet" in body and "again and again" not in body
    assert "186-mile range" not in body
    lines = result.stderr.splitlines()
    line = next(i for i, text in enumerate(body.splitlines(), 1) if "186 miles away" in text)
    assert lines[0] == (
        f"inputs/2023-11-08/update.md:{line}: comment by Jane Editor: "
        "Is the 186-mile range that of the basic TB2 or of the extended model?"
    )
    assert lines[1].startswith("    on: - According to the Ukrainian military, TB2 drones")
    assert lines[-1].endswith("reviewed.docx: accepted 1 tracked insertion and 1 tracked deletion")
    kept = yaml.safe_load(
        (tmp_path / "inputs" / EDITION / "import-comments.yaml").read_text("utf-8")
    )
    assert kept == [
        {
            "line": line,
            "author": "Jane Editor",
            "paragraph": "- According to the Ukrainian military, TB2 drones are in service with…",
            "comment": "Is the 186-mile range that of the basic TB2 or of the extended model?",
        }
    ]
    assert run(tmp_path, "check", "--cutoff", EDITION).returncode == 0


# --- bad input ------------------------------------------------------------------------


def refused(cwd: Path, *args: str) -> str:
    """Run an import that must fail; return its one error line."""
    before = files_under(cwd)
    result = run(cwd, "import", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "weekly: 1 error; nothing written"
    assert files_under(cwd) == before
    return lines[0]


def test_not_a_docx(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert refused(tmp_path, "notes.txt") == (
        "notes.txt: error: not a .docx file (a Word document is a ZIP package)"
    )
    assert refused(tmp_path, "missing.docx") == "missing.docx: error: no such file"


def test_damaged_zip(drafts, tmp_path: Path) -> None:
    data = drafts["plain"].read_bytes()
    (tmp_path / "cut.docx").write_bytes(data[: len(data) // 2])
    assert refused(tmp_path, "cut.docx").startswith("cut.docx: error: damaged .docx: ")


def test_password_protected(tmp_path: Path) -> None:
    # An encrypted .docx is an OLE compound file holding an "EncryptedPackage" stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\0") + bytes(64)
    (tmp_path / "locked.docx").write_bytes(header + entry + bytes(384))
    assert refused(tmp_path, "locked.docx") == (
        "locked.docx: error: password-protected .docx; save an unprotected copy and import that"
    )
    (tmp_path / "old.docx").write_bytes(header + bytes(512))
    assert refused(tmp_path, "old.docx").startswith(
        "old.docx: error: a Word 97-2003 .doc, not a .docx"
    )


def test_existing_edition_needs_force(drafts, tmp_path: Path) -> None:
    folder = tmp_path / "inputs" / EDITION
    folder.mkdir(parents=True)
    (folder / "update.md").write_text("mine", encoding="utf-8")
    assert refused(tmp_path, str(drafts["plain"])) == (
        "inputs/2023-11-08: error: an edition is already here; give --force to replace it"
    )
    assert (folder / "update.md").read_text(encoding="utf-8") == "mine"
    result = run(tmp_path, "import", str(drafts["plain"]), "--force")
    assert result.returncode == 0, result.stderr
    assert (
        (folder / "update.md").read_text(encoding="utf-8").startswith("---\nseries: salafi-jihadi")
    )


def test_cutoff_and_series_options(drafts, tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    result = run(
        tmp_path,
        "import",
        str(drafts["plain"]),
        "--cutoff",
        "2023-11-09",
        "--series",
        "salafi-jihadi",
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "inputs" / "2023-11-09" / "update.md").read_text("utf-8")
    assert "\ncutoff: 2023-11-09 10:00\ndate: 2023-11-08\n" in text
    assert refused(tmp_path, str(drafts["plain"]), "--series", "nope").startswith(
        "weekly: --series: no series 'nope'"
    )


# --- hostile input --------------------------------------------------------------------


def rewrite(source: Path, target: Path, changes: dict[str, bytes]) -> Path:
    """Copy the .docx at ``source`` to ``target`` with some parts replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename not in changes:
                new.writestr(item, old.read(item))
        for name, data in changes.items():
            new.writestr(name, data)
    return target


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1"><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:footnote></w:footnotes>"""


@pytest.mark.parametrize(
    ("part", "data"), [("word/document.xml", BOMB), ("word/footnotes.xml", EXTERNAL)]
)
def test_entities_are_refused(drafts, tmp_path: Path, part: str, data: bytes) -> None:
    (tmp_path / "inputs").mkdir()
    rewrite(drafts["plain"], tmp_path / "evil.docx", {part: data})
    assert refused(tmp_path, "evil.docx") == (
        f"evil.docx: error: {part} declares a DTD or entities, which a .docx never needs"
    )


def test_image_paths_cannot_leave_the_edition_folder(drafts, tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    with zipfile.ZipFile(drafts["plain"]) as docx:
        rels = docx.read("word/_rels/document.xml.rels")
        image = docx.read("word/media/image1.png")
    evil = rels.replace(b'Target="media/image1.png"', b'Target="../../../../escaped.png"')
    rewrite(
        drafts["plain"],
        tmp_path / "slip.docx",
        {"word/_rels/document.xml.rels": evil, "../../../../escaped.png": image},
    )
    before = files_under(tmp_path)
    result = run(tmp_path, "import", "slip.docx")
    assert result.returncode == 0, result.stderr
    assert (
        "slip.docx: figure 'jnim-tuareg-separatists': image part missing from the package"
        in result.stderr
    )
    added = {str(p) for p in files_under(tmp_path) - before}
    assert added == {
        "inputs/2023-11-08",
        "inputs/2023-11-08/update.md",
        "inputs/2023-11-08/sources.yaml",
    }
    assert not list(tmp_path.parent.glob("escaped.png"))


def test_huge_and_linked_images_are_left_out(drafts, tmp_path: Path, monkeypatch) -> None:
    huge = b"\x89PNG\r\n\x1a\n" + bytes(21 * 1024 * 1024)
    rewrite(drafts["plain"], tmp_path / "huge.docx", {"word/media/image1.png": huge})
    with zipfile.ZipFile(drafts["plain"]) as docx:
        rels = docx.read("word/_rels/document.xml.rels")
    linked = rels.replace(
        b'Target="media/image1.png"/>',
        b'Target="http://example.invalid/map.png" TargetMode="External"/>',
    )
    rewrite(drafts["plain"], tmp_path / "linked.docx", {"word/_rels/document.xml.rels": linked})

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the import tried to open a connection")

    import socket

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    done = import_draft(tmp_path / "huge.docx", tmp_path / "a")
    assert done.skipped == ["figure 'jnim-tuareg-separatists': image larger than 20 MB left out"]
    done = import_draft(tmp_path / "linked.docx", tmp_path / "b")
    assert done.skipped == [
        "figure 'jnim-tuareg-separatists': linked image not fetched; add it by hand"
    ]
    assert not (tmp_path / "a" / EDITION / "figures").exists()


def test_help_does_not_load_the_reader(tmp_path: Path) -> None:
    script = "import sys, weekly.cli; print('defusedxml' in sys.modules, 'weekly.authoring' in sys.modules)"
    assert run_script(tmp_path, script) == "False False"


def test_bad_input_in_process_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(WeeklyError) as caught:
        import_draft(tmp_path / "x.docx", tmp_path / "inputs")
    assert str(caught.value).startswith(f"{tmp_path / 'x.docx'}: damaged .docx")


# --- footnote forms -------------------------------------------------------------------


def cite_all(notes: list[str], shared: dict | None = None) -> tuple[list[list[str]], Bibliography]:
    bibliography = Bibliography(shared or {})
    return [bibliography.cite(n, text) for n, text in enumerate(notes, 1)], bibliography


def printed(bibliography: Bibliography, keys: list[list[str]]) -> list[str]:
    """Print the cited notes back as the renderer would."""
    sources = {s.id: s for s in bibliography.new}
    sources.update(bibliography.shared)
    seen: set[str] = set()
    out = []
    for point in keys:
        parts = []
        for position, key in enumerate(point):
            parts.append(
                print_source(sources[key], key not in seen, position == len(point) - 1).text
            )
            seen.add(key)
        out.append("; ".join(parts))
    return out


FORMS = [
    "https://www.reuters.com/world/africa/mali-army-kidal-2023-11-14/",
    f"{SITE}, “JNIM Claims Rocket Strike; Kills One,” December 6, 2023, {AT}",
    "Reuters, “Mali army says it has taken control of rebel stronghold Kidal,” November 14, 2023, "
    "https://www.reuters.com/world/africa/mali-army-kidal-2023-11-14/",
    "Author’s database of significant activity (SIGACT). Sources available on request.",
    "https://x.com/ocisse691/status/1729572611263193309; Author’s database of SIGACTs. "
    f"Sources available on request; {SITE}, “JNIM Claims Rocket Strike; Kills One.”",
    "https://www.studiotamani dot org/151388-insecurite-a-bandiagara",
    "Liam Karr, Critical Threats, “Is Mali Next?” October 2, 2023, https://www.criticalthreats.org/a",
    "Interview with a Malian official, Bamako, October 2023",
    "https://www.reuters.com/world/africa/mali-army-kidal-2023-11-14/",
]


def test_every_form_prints_back_word_for_word() -> None:
    keys, bibliography = cite_all(FORMS)
    assert printed(bibliography, keys) == FORMS


def test_forms_become_structured_sources_with_readable_ids() -> None:
    keys, bibliography = cite_all(FORMS)
    assert keys == [
        ["reuters-mali-army-kidal-2023"],
        ["site-2023-12-06-jnim-claims-rocket"],
        ["reuters-2023-11-14"],
        ["sigact"],
        ["x-ocisse691-1729572611263193309", "sigact", "site-2023-12-06-jnim-claims-rocket"],
        ["studiotamani-151388-insecurite-a-bandiagara"],
        ["critical-threats-2023-10-02"],
        ["interview-with-a-malian"],
        ["reuters-mali-army-kidal-2023"],
    ]
    sources = {s.id: s for s in bibliography.new}
    assert sources["reuters-mali-army-kidal-2023"].date == dt.date(2023, 11, 14)  # from its path
    assert sources["x-ocisse691-1729572611263193309"].date == dt.date(
        2023, 11, 28
    )  # from the post id
    site = sources["site-2023-12-06-jnim-claims-rocket"]
    assert (site.kind, site.title, site.subscription) == (
        "subscription",
        "JNIM Claims Rocket Strike; Kills One",
        "www.siteintelgroup.com",
    )
    assert sources["sigact"].short == "Author’s database of SIGACTs. Sources available on request."
    assert sources["studiotamani-151388-insecurite-a-bandiagara"].link is False
    karr = sources["critical-threats-2023-10-02"]
    assert (tuple(a.full() for a in karr.authors), karr.publisher, karr.title) == (
        ("Liam Karr",),
        "Critical Threats",
        "Is Mali Next?",
    )
    assert [(u.note, u.part) for u in bibliography.unclassified] == [(8, FORMS[7])]


def test_short_form_without_an_earlier_full_form_stays_text() -> None:
    keys, bibliography = cite_all([f"{SITE}, “Never Cited in Full.”"])
    assert bibliography.new[0].kind == "text" and bibliography.unclassified[0].note == 1
    assert printed(bibliography, keys) == [f"{SITE}, “Never Cited in Full.”"]


def test_ids_stay_unique_against_the_shared_bibliography(tmp_path: Path) -> None:
    shared = load_sources([(ROOT / "inputs", False)], Problems())
    keys, bibliography = cite_all(
        [
            "Reuters, “Another story,” November 14, 2023, https://www.reuters.com/b",
            "Reuters, “A third story,” November 14, 2023, https://www.reuters.com/c",
            "Author’s database of significant activity (SIGACT). Sources available on request.",
            "Author’s database of SIGACT. Sources available on request.",
        ],
        shared,
    )
    assert keys == [
        ["reuters-2023-11-14"],
        ["reuters-2023-11-14-a-third-story"],
        ["sigact"],
        ["sigact-2"],  # the shared entry's short form differs: a source of its own
    ]
    assert "reuters-2023-11-14" not in shared


def test_quoted_semicolons_do_not_split_a_note() -> None:
    assert split_parts("A, “B; C,” May 1, 2023, https://a.org; https://b.org") == [
        "A, “B; C,” May 1, 2023, https://a.org",
        "https://b.org",
    ]


# --- other layouts round-trip too -----------------------------------------------------

REGIONS = """\
---
series: salafi-jihadi
headline: Rebels and Jihadists Press on Two Fronts
authors: [Liam Karr, Kathryn Tyson, Jane Analyst]
contributors: [Sam Reader]
cutoff: 2023-12-13 15:30
notices:
  - CTP now also publishes the [Africa File](https://www.criticalthreats.org/africa-file) every week.
key_takeaways:
  Mali: JNIM kept up its pressure on central Mali.[@sigact]
  Somalia: Al Shabaab struck a base near the capital.[@reuters-kidal]
---

## Mali

**JNIM is attacking central Mali more often.** The group struck at least 16 times.[@sigact]

- It claimed a convoy bombing.[@site-jnim-2023-11-24; @tamani-bandiagara]
- Troops pulled back from two posts.[@sigact; @site-jnim-2023-11-24]

## Somalia

**Al Shabaab will likely keep pressing the capital.** A *new* campaign began in May.[@acled-dashboard]
"""


NUMBERED = REGIONS.replace("  Mali: JNIM", "  - JNIM").replace("  Somalia: Al", "  - Al")
NAMES = REGIONS.replace("Mali: JNIM", "Burkina Faso and Mali: JNIM").replace(
    "## Mali", "## Burkina Faso and Mali"
)


@pytest.mark.parametrize(
    "update", [UPDATE, REGIONS, NUMBERED, NAMES], ids=["small", "regions", "numbered", "names"]
)
def test_other_editions_round_trip(tmp_path: Path, update: str) -> None:
    """Draft a .docx from an edition, import it into empty inputs: the same HTML comes out."""
    write_tree(
        tmp_path / "a", {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": update}
    )
    make_docx(
        tmp_path / "draft.docx",
        "--inputs",
        str(tmp_path / "a" / "inputs"),
        "--cutoff",
        "2023-12-13",
    )
    (tmp_path / "b" / "inputs").mkdir(parents=True)
    done = import_draft(tmp_path / "draft.docx", tmp_path / "b" / "inputs")
    assert (done.unclassified, done.skipped) == ([], [])
    original = load_checked(tmp_path / "a" / "inputs", "2023-12-13")
    again = load_checked(tmp_path / "b" / "inputs", "2023-12-13")
    assert again.problems.warnings == []
    assert [n.text for n in again.notes] == [n.text for n in original.notes]
    assert edition_files(again, ["html"]) == edition_files(original, ["html"])


def test_unwritable_edition_folder_is_one_line(drafts, tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / EDITION).write_text("a file, not a folder", encoding="utf-8")
    line = refused(tmp_path, str(drafts["plain"]), "--force")
    assert line.startswith("inputs/2023-11-08: error: cannot write: ")


def para(number: int, *pieces: Span | NoteRef, style: str = "", listed: bool = False) -> Paragraph:
    return Paragraph(number, style, listed, list(pieces))


def test_draft_text_is_escaped_and_a_draft_without_leads_is_all_body() -> None:
    paragraphs = [
        para(1, Span("Salafi-Jihadi Movement Weekly Update, December 6, 2023: A Quiet Week")),
        para(2, Span("Authors: Liam Karr and Kathryn Tyson")),
        para(3, Span("Data Cutoff: December 6, 2023, at noon")),
        para(4, Span("Markup stays text: {{ 7 * 7 }}, *stars*, [@sigact] and <b>."), NoteRef("f1")),
        para(5, Span("1. Not a list")),
    ]
    draft = recognise(paragraphs, lambda ref: "[@one]")
    assert (draft.headline, draft.authors, draft.cutoff_clock) == (
        "A Quiet Week",
        ["Liam Karr", "Kathryn Tyson"],
        dt.time(12, 0),
    )
    assert [b.markdown for b in draft.body] == [
        r"Markup stays text: {{ '{' }}{ 7 \* 7 }}, \*stars\*, \[\@sigact\] and \<b>.[@one]",
        r"1\. Not a list",
    ]
    assert draft.notices == []
    assert draft.skipped == [
        "found no 'Key Takeaway:' and no bold lead judgment: read the text as the body"
    ]


def test_escaped_markup_renders_as_written(tmp_path: Path) -> None:
    body = (
        recognise(
            [
                para(1, Span("Salafi-Jihadi Movement Weekly Update, December 13, 2023: T")),
                para(2, Span("Key Takeaway: K.")),
                para(
                    3, Span("Lead.", bold=True), Span(" Markup: {{ 7 * 7 }}, *x*, [@sigact] & <b>.")
                ),
            ],
            lambda ref: "",
        )
        .body[0]
        .markdown
    )
    write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": "---\nheadline: T\nauthors: [A]\nkey_takeaway: K.\n---\n\n"
            + body
            + "\n",
        },
    )
    update = load_checked(tmp_path / "inputs", "2023-12-13")
    html = edition_files(update, ["html"])[f"{update.slug}.html"].decode()
    assert "Markup: {{ 7 * 7 }}, *x*, [@sigact] &amp; &lt;b&gt;." in html
    assert update.notes == []


W_DOC = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "{}</w:body></w:document>"
)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Just some notes"], "no title line like 'Series Name, November 8, 2023: Headline'"),
        (
            ["Monthly Digest, November 8, 2023: Things"],
            "the title names the series 'Monthly Digest', which no series defines; give --series KEY",
        ),
        (
            ["Salafi-Jihadi Movement Weekly Update, November 8, 2023: Things"],
            "no 'Data Cutoff: November 8, 2023, at 10 a.m.' line; give --cutoff DATE",
        ),
    ],
)
def test_drafts_missing_a_part_are_refused(drafts, tmp_path: Path, lines, message) -> None:
    (tmp_path / "inputs").mkdir()
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    rewrite(
        drafts["plain"],
        tmp_path / "d.docx",
        {"word/document.xml": W_DOC.format(paragraphs).encode()},
    )
    assert refused(tmp_path, "d.docx") == f"d.docx: error: {message}"


def test_image_inside_alternate_content_is_found(drafts, tmp_path: Path) -> None:
    """Word wraps newer drawings in mc:AlternateContent; the image is in its Choice."""
    with zipfile.ZipFile(drafts["plain"]) as docx:
        document = docx.read("word/document.xml").decode()
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    wrapped = re.sub(
        r"(<w:drawing>.*?</w:drawing>)",
        rf'<mc:AlternateContent xmlns:mc="{mc}"><mc:Choice Requires="wps">\1</mc:Choice>'
        r"<mc:Fallback><w:pict/></mc:Fallback></mc:AlternateContent>",
        document,
        flags=re.S,
    )
    assert wrapped != document
    rewrite(drafts["plain"], tmp_path / "mc.docx", {"word/document.xml": wrapped.encode()})
    done = import_draft(tmp_path / "mc.docx", tmp_path / "inputs")
    assert done.skipped == []
    assert (tmp_path / "inputs" / EDITION / "figures" / "jnim-tuareg-separatists.png").is_file()


def test_unrecognised_footnote_parts_are_listed_for_the_analyst(drafts, tmp_path: Path) -> None:
    with zipfile.ZipFile(drafts["plain"]) as docx:
        notes = docx.read("word/footnotes.xml").decode()
    url = ">https://tass.com/politics/1652335<"
    assert notes.count(url) == 1
    # The words replace the linked address, hyperlink and all: a hyperlink left around them
    # would (rightly) give the note its address back.
    changed = re.sub(
        r'<w:hyperlink r:id="[^"]+">(<w:r>(?:(?!</w:r>).)*'
        + re.escape(url)
        + r".*?</w:r>)</w:hyperlink>",
        r"\1",
        notes,
    ).replace(url, ">Telephone interview with a Malian official, November 2023<")
    assert changed.count("<w:hyperlink") == notes.count("<w:hyperlink") - 1
    rewrite(drafts["plain"], tmp_path / "odd.docx", {"word/footnotes.xml": changed.encode()})
    (tmp_path / "inputs").mkdir()
    result = run(tmp_path, "import", "odd.docx")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "odd.docx: note 9: kept as text source 'telephone-interview-with-a', check it: "
        "Telephone interview with a Malian official, November 2023"
    ]
    notes_out = load_checked(tmp_path / "inputs", EDITION).notes
    assert notes_out[8].text.startswith(
        "Telephone interview with a Malian official, November 2023; "
    )
    assert run(tmp_path, "check", "--cutoff", EDITION).returncode == 0
