"""``weekly import`` under hostile and unlucky drafts: escaping, crashes, full disks, odd files.

Each test is the repro of a finding of the second adversarial pass (issue 24): it failed
before the importer was changed. Drafts come from :mod:`docx_shapes`.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from support import SRC, run_in_process
from support.docx_shapes import NOTE, TITLE, Docx, para, run, standard
from support.publish import killed
from weekly.body.template import render_body
from weekly.errors import Problems
from weekly.pipeline import check

EDITION = "2023-11-07"


def project(tmp_path: Path) -> Path:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    return tmp_path


def entries(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def imported(root: Path, doc: Docx, *args: str) -> subprocess.CompletedProcess[str]:
    doc.save(root / "draft.docx")
    return run_in_process("import", "draft.docx", *args, cwd=root)


def refused(root: Path, doc: Docx | None = None, *args: str) -> str:
    """Import a draft that must be refused; return the one error line."""
    if doc is not None:
        doc.save(root / "draft.docx")
    before = entries(root)
    result = run_in_process("import", "draft.docx", *args, cwd=root)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "weekly: 1 error; nothing written", lines
    assert len(lines) == 2, lines
    assert entries(root) == before
    return lines[0]


def front(root: Path) -> dict:
    text = (root / "inputs" / EDITION / "update.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def body(root: Path) -> str:
    return (
        (root / "inputs" / EDITION / "update.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    )


# --- 1: nothing from the draft is a template ------------------------------------------------


def test_link_targets_and_split_runs_stay_inert_in_the_body(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard()
    hidden = doc.link("https://example.com/a{%if(0)%}", run("first link"))
    shown = doc.link("https://example.com/b{%endif%}", run("second link"))
    doc.add(
        para(run("Seen before "), hidden, run(" hidden text"), doc.footnote(NOTE), run(" "), shown),
        # "{" and "%" in runs of different emphasis, and around empty runs
        para(run("Bold {", bold=True), run(""), run("% if 0 %", italic=True), run("} gone {")),
        # a note mark whose note does not exist sits between "{" and "#"
        para(run("Comment {"), '<w:r><w:footnoteReference w:id="77"/></w:r>', run("# x #} end")),
    )
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    text = body(root)
    problems = Problems()
    evaluated = render_body(text, root / "update.md", 1, {}, problems)
    assert not problems.errors, [str(p) for p in problems.errors]
    assert evaluated is not None
    assert "hidden text" in evaluated
    assert "https://example.com/a{%if(0)%}" in evaluated
    assert "https://example.com/b{%endif%}" in evaluated
    assert "{% if 0 %" in evaluated.replace("*", "")
    assert "{# x #}" in evaluated


# --- 5 and 7: one unit, or nothing ----------------------------------------------------------


def test_a_killed_forced_import_leaves_the_old_edition_or_the_new_one(tmp_path: Path) -> None:
    root = project(tmp_path)
    old = standard()
    old.comment("Ann", "check this")
    old.body[-1] = old.body[-1].replace("</w:p>", old.comment("Ann", "and this") + "</w:p>")
    old.save(root / "old.docx")
    assert run_in_process("import", "old.docx", cwd=root).returncode == 0
    edition = root / "inputs" / EDITION
    before = {p.name: p.read_bytes() for p in edition.iterdir() if p.is_file()}
    assert "import-comments.yaml" in before
    new = standard(title="Africa File, November 8, 2023: Kidal Falls")
    new.footnotes[0] = new.footnotes[0].replace("reuters.com/mali-kidal", "apnews.com/kidal")
    new.save(root / "new.docx")
    limit = 1
    while True:
        result = killed(root, ["import", "--force", "new.docx"], limit, counted=("unlink",))
        died = result.returncode == -signal.SIGKILL
        if died and not edition.exists():
            # Only where renameat2 is missing: the crash fell between the two renames of the
            # fallback, and the old folder waits aside for the next publish to put it back.
            assert (edition.parent / f".{EDITION}.old").is_dir()
            assert run_in_process("import", "--force", "old.docx", cwd=root).returncode == 0
            limit += 1
            continue
        now = {p.name: p.read_bytes() for p in edition.iterdir() if p.is_file()}
        if died and now == before:
            pass  # the crash came before the swap: the old edition, whole
        else:
            assert b"Kidal Falls" in now["update.md"], (limit, result.stderr)
            assert b"apnews.com/kidal" in now["sources.yaml"]
            assert "import-comments.yaml" not in now  # the old comments went with the old draft
        leftovers = [p.name for p in edition.parent.iterdir() if p.name.endswith(".tmp")]
        assert leftovers == []
        if not died:
            assert result.returncode == 0, result.stderr
            break
        # put the old edition back for the next step
        if now != before:
            assert run_in_process("import", "--force", "old.docx", cwd=root).returncode == 0
        limit += 1
    assert limit > 3  # the crash really hit the publish at several points
    assert sorted(p.name for p in edition.parent.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("force", [False, True])
def test_a_full_disk_leaves_nothing_and_a_retry_works(
    tmp_path: Path, monkeypatch, force: bool
) -> None:
    root = project(tmp_path)
    if force:
        standard().save(root / "draft.docx")
        assert run_in_process("import", "draft.docx", cwd=root).returncode == 0
    standard(title="Africa File, November 8, 2023: Second").save(root / "draft.docx")
    real = Path.write_bytes
    calls = [0]

    def full(self: Path, data: bytes) -> int:
        calls[0] += 1
        if calls[0] > 1:  # the first file goes through, the second finds the disk full
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    before = {p: p.read_bytes() for p in (root / "inputs").rglob("*") if p.is_file()}
    monkeypatch.setattr(Path, "write_bytes", full)
    args = ("--force",) if force else ()
    result = run_in_process("import", "draft.docx", *args, cwd=root)
    monkeypatch.undo()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        f"inputs/{EDITION}: error: cannot write: No space left on device (ENOSPC) [E004]"
    )
    after = {p: p.read_bytes() for p in (root / "inputs").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in (root / "inputs").iterdir() if ".stage-" in p.name or ".tmp" in p.name]
    assert (root / "inputs" / EDITION).exists() == force
    retry = run_in_process("import", "draft.docx", *args, cwd=root)
    assert retry.returncode == 0, retry.stderr
    assert front(root)["headline"] == "Second"


# --- 8: every failure is one line ----------------------------------------------------------


def _replace_part(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, value in parts.items():
            archive.writestr(key, value)


def _patch_zip_entry(path: Path, name: str, flag: int = 0, method: int | None = None) -> None:
    """Set a flag bit (1: encrypted) or the compression method of ``name``'s headers."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, flags_at, method_at, name_at in (
        (b"PK\x03\x04", 6, 8, 30),
        (b"PK\x01\x02", 8, 10, 46),
    ):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            length = struct.unpack_from("<H", data, at + (26 if name_at == 30 else 28))[0]
            if bytes(data[at + name_at : at + name_at + length]) != encoded:
                continue
            bits = struct.unpack_from("<H", data, at + flags_at)[0] | flag
            struct.pack_into("<H", data, at + flags_at, bits)
            if method is not None:
                struct.pack_into("<H", data, at + method_at, method)
    path.write_bytes(bytes(data))


def _deep(depth: int) -> Docx:
    doc = standard()
    doc.add(para("<w:smartTag>" * depth + run("deep") + "</w:smartTag>" * depth))
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: standard(Docx(), title="Africa File, November 31, 2023: Headline"),
            "draft.docx: error: no such day: November 31, 2023 (in the title)",
        ),
        (
            lambda d: Docx(
                body=[b.replace("November 7, 2023", "November 31, 2023") for b in standard().body],
                footnotes=standard().footnotes,
            ),
            "draft.docx: error: no such day: November 31, 2023 (in the cutoff line)",
        ),
        (
            lambda d: Docx(
                body=[para(run("Friday, February 30, 2024")), *standard().body],
                footnotes=standard().footnotes,
            ),
            "draft.docx: error: no such day: February 30, 2024 (in the date line)",
        ),
        (
            lambda d: Docx(
                body=standard().body,
                footnotes=[f.replace("November 6", "November 31") for f in standard().footnotes],
            ),
            "draft.docx: error: note 1: no such day: November 31, 2023",
        ),
        (
            lambda d: _deep(1500),
            "draft.docx: error: word/document.xml nests elements more than 256 deep",
        ),
        (
            lambda d: _deep(5000),
            "draft.docx: error: word/document.xml nests elements more than 256 deep",
        ),
    ],
    ids=["title", "cutoff", "date-line", "note", "nested-1500", "nested-5000"],
)
def test_bad_drafts_are_one_line(tmp_path: Path, change, message: str) -> None:
    assert refused(project(tmp_path), change(None)) == message


def test_bad_packages_are_one_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = standard().save(root / "draft.docx")
    document = zipfile.ZipFile(path).read("word/document.xml")
    bogus = document.replace(b'encoding="UTF-8"', b'encoding="x-bogus"')
    _replace_part(path, "word/document.xml", bogus)
    assert refused(root) == (
        "draft.docx: error: word/document.xml is not well-formed XML (unknown encoding 'x-bogus')"
    )
    standard().save(path)
    _patch_zip_entry(path, "word/document.xml", flag=1)
    assert (
        refused(root)
        == "draft.docx: error: word/document.xml is encrypted; save an unprotected copy"
    )
    standard().save(path)
    _patch_zip_entry(path, "word/document.xml", method=9)
    assert refused(root) == (
        "draft.docx: error: word/document.xml is compressed with a method this reader does not "
        "support (Deflate64?); save the file again from Word"
    )


def test_an_encrypted_or_deflate64_image_is_left_out_and_reported(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard()
    doc.add(para(run("Figure 1. Map of Mali")), para(doc.image()))
    path = doc.save(root / "draft.docx")
    _patch_zip_entry(path, "word/media/image1.png", method=9)
    result = run_in_process("import", "draft.docx", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "draft.docx: figure 'map-mali': image part is damaged; left out" in result.stderr


def test_a_status_id_too_large_for_a_date_is_kept_undated(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard()
    doc.footnotes[0] = doc.footnotes[0].replace(
        "https://www.reuters.com/mali-kidal", "https://x.com/a/status/" + "9" * 40
    )
    doc.add(para(run("More."), doc.footnote("https://twitter.com/b/status/" + "8" * 40)))
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    sources = yaml.safe_load((root / "inputs" / EDITION / "sources.yaml").read_text())
    assert [s.get("url") for s in sources.values()] == [
        "https://x.com/a/status/" + "9" * 40,
        "https://twitter.com/b/status/" + "8" * 40,
    ]


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    root = project(tmp_path)
    os.mkfifo(root / "draft.docx")
    result = subprocess.run(
        [sys.executable, "-m", "weekly", "import", "draft.docx"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "draft.docx: error: not a regular file (a .docx is a file)",
        "weekly: 1 error; nothing written",
    ]


# --- 6: nothing dropped silently -----------------------------------------------------------


def test_two_takeaways_for_one_region_are_both_kept(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = Docx()
    doc.add(
        para(run(TITLE), style="Title"),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("Key Takeaways:", bold=True)),
        para(run("Mali. The army took Kidal.")),
        para(run("Niger. The junta holds.")),
        para(run("Mali. Wagner left Tessalit.")),
        para(run("The junta is winning. ", bold=True), run("Fighting continued.")),
    )
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    assert front(root)["key_takeaways"] == {
        "Mali": "The army took Kidal. Wagner left Tessalit.",
        "Niger": "The junta holds.",
    }
    assert "draft.docx: two takeaways name 'Mali': joined into one" in result.stderr


def test_a_note_on_a_heading_moves_to_the_sections_first_paragraph(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard()
    doc.add(
        para(
            run("Burkina Faso"),
            doc.footnote("https://www.example.org/2023/11/05/burkina"),
            style="Heading2",
        ),
        para(run("The army lost Djibo."), doc.footnote("https://www.example.org/djibo")),
    )
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    text = body(root)
    assert "## Burkina Faso\n\nThe army lost Djibo.[@example-djibo][@example-burkina]\n" in text
    sources = yaml.safe_load((root / "inputs" / EDITION / "sources.yaml").read_text())
    assert sources["example-burkina"]["url"] == "https://www.example.org/2023/11/05/burkina"
    assert (
        "draft.docx: note 2 on the heading “Burkina Faso” moved to the end of the "
        "section's first paragraph" in result.stderr
    )


# --- 14: an import passes its own check ----------------------------------------------------


def test_windows_1252_mojibake_is_repaired_and_check_is_clean(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard(title="Africa File, November 8, 2023: Wagner\x92s \x93Retreat\x94")
    doc.add(para(run("The junta\xe2\x80\x99s gains\x81 held.")))
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    assert front(root)["headline"] == "Wagner’s “Retreat”"
    assert "The junta’s gains held." in body(root)
    assert "draft.docx: repaired 5 C1 control characters (Windows-1252 text read as Latin-1)" in (
        result.stderr
    )
    assert "removed 1 control character" in result.stderr
    assert [str(p) for p in check(root / "inputs", EDITION) if p.level == "error"] == []


def test_a_note_citing_300_sources_passes_check(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard()
    pages = "; ".join(f"https://www.example.org/reports/page-{n}" for n in range(1, 301))
    doc.add(para(run("Many pages."), doc.footnote(pages)))
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    text = body(root)
    cited = re.findall(r"@example-page-(\d+)", text)
    assert cited == [str(n) for n in range(1, 301)]
    assert "draft.docx: note 2 cites 300 sources: split into" in result.stderr
    assert [str(p) for p in check(root / "inputs", EDITION) if p.level == "error"] == []


# --- 16: the terminal shows names, never lines made by them -----------------------------------


def test_a_comment_author_cannot_forge_lines(tmp_path: Path) -> None:
    root = project(tmp_path)
    doc = standard()
    anchor = doc.comment("Eve\nupdate.md:1: error: forged\x9b2J", "fine\rupdate.md:2: error: x")
    doc.body[-1] = doc.body[-1].replace("</w:p>", anchor + "</w:p>")
    result = imported(root, doc)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert not [line for line in lines if line.startswith("update.md:")]
    assert "\x9b" not in result.stderr and "\r" not in result.stderr
    # the author's newline and CSI are shown as escapes; the comment's own line breaks were
    # already joined with spaces when the comment was read
    shown = "comment by Eve\\nupdate.md:1: error: forged\\x9b2J: fine update.md:2: error: x"
    assert any(line.endswith(shown) for line in lines), lines


def test_a_draft_with_nothing_under_its_title_is_refused(tmp_path: Path) -> None:
    doc = Docx().add(
        para(run(TITLE), style="Title"), para(run("Data Cutoff: November 7, 2023, at 10 a.m."))
    )
    line = refused(project(tmp_path), doc)
    assert line == "draft.docx: error: no text under the title: nothing to import"


def test_a_linked_edition_folder_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "elsewhere").mkdir()
    (root / "inputs" / EDITION).symlink_to(root / "elsewhere")
    line = refused(root, standard(), "--force")
    assert (
        line
        == f"inputs/{EDITION}: error: cannot write: a link, not a folder; import writes a real folder"
    )
    assert list((root / "elsewhere").iterdir()) == []
