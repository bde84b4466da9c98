"""``weekly import`` of drafts in the shapes desks send, with nothing lost silently (issue 25).

Every draft is built by :mod:`docx_shapes`, paragraph by paragraph; the tests import it with
no options and compare what lands in ``inputs/DATE/`` with what the draft held: every note's
text and link, every takeaway, lead, bullet, section and figure caption. Each silent loss the
issue lists has a test that now keeps it or reports it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from support import run_in_process
from support.docx_shapes import Docx, para, run, standard, table, text_box
from weekly.pipeline import load_checked

EDITION = "2023-11-07"
NOTES = [
    ("Reuters, “Mali Army Takes Kidal,” November 6, 2023.", "https://www.reuters.com/world/kidal"),
    (
        "Associated Press, “Wagner Leaves Tessalit,” November 2, 2023.",
        "https://apnews.com/tessalit",
    ),
    (
        "Garowe Online, “Al Shabaab Attacks Base,” November 5, 2023.",
        "https://garoweonline.com/base",
    ),
    ("Hiiraan Online, “Troops Advance,” November 4, 2023.", "https://hiiraan.com/advance"),
]


def imported(root: Path, doc: Docx, *args: str) -> subprocess.CompletedProcess[str]:
    (root / "inputs").mkdir(exist_ok=True)
    doc.save(root / "draft.docx")
    return run_in_process("import", "draft.docx", *args, cwd=root)


def front(root: Path) -> dict:
    text = (root / "inputs" / EDITION / "update.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def body(root: Path) -> str:
    text = (root / "inputs" / EDITION / "update.md").read_text(encoding="utf-8")
    return text.split("---\n", 2)[2]


def sources(root: Path) -> dict:
    return yaml.safe_load((root / "inputs" / EDITION / "sources.yaml").read_text()) or {}


def note(doc: Docx, number: int, endnote: bool = False) -> str:
    """Return the mark of note ``number`` of NOTES: its title hyperlinked, as Word writes it."""
    text, url = NOTES[number]
    head, title, tail = text.partition("“")[0], "“" + text.split("“")[1].split("”")[0] + "”", ""
    tail = text.split("”", 1)[1]
    runs = (run(head), doc.link(url, run(title), in_note=True), run(tail))
    return doc.endnote(*runs) if endnote else doc.footnote(*runs)


def africa_file(doc: Docx, *, endnotes: bool = False, bold_regions: bool = False) -> Docx:
    """Write the Africa File draft every shape shares, in ``doc``."""

    def region(name: str) -> str:
        return para(run(name, bold=True)) if bold_regions else para(run(name), style="Heading2")

    doc.add(
        para(run("Africa File, November 8, 2023: Wagner Group Retreats"), style="Title"),
        para(run("Liam Karr, Kathryn Tyson, and Yale Ford")),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("Key Takeaways:", bold=True)),
        para(run("Mali. The army took Kidal from the rebels.")),
        para(run("Somalia. Al Shabaab struck a base near Mogadishu.")),
        para(run("Assessments:", bold=True)),
        region("Mali"),
        para(run("Authors: Liam Karr")),
        para(
            run("The junta took Kidal. ", bold=True),
            run("The army entered the town."),
            note(doc, 0, endnotes),
        ),
        para(run("Wagner left Tessalit."), note(doc, 1, endnotes), level=0),
        para(run("Rebels regrouped in the north."), level=0),
        region("Somalia"),
        para(run("Author: Kathryn Tyson")),
        para(
            run("Al Shabaab remains strong. ", bold=True),
            run("It attacked a base."),
            note(doc, 2, endnotes),
            run(" Troops advanced elsewhere."),
            note(doc, 3, endnotes),
        ),
    )
    return doc


def assert_round_trip(root: Path, result: subprocess.CompletedProcess[str]) -> None:
    """Check that every part of :func:`africa_file` landed where it belongs."""
    assert result.returncode == 0, result.stderr
    matter = front(root)
    assert matter["headline"] == "Wagner Group Retreats"
    assert matter["authors"] == ["Liam Karr", "Kathryn Tyson", "Yale Ford"]
    assert matter["cutoff"] == "2023-11-07 10:00"
    assert matter["key_takeaways"] == {
        "Mali": "The army took Kidal from the rebels.",
        "Somalia": "Al Shabaab struck a base near Mogadishu.",
    }
    assert matter["section_authors"] == {"Mali": ["Liam Karr"], "Somalia": ["Kathryn Tyson"]}
    text = body(root)
    assert "Assessments" not in text and "Authors:" not in text and "Author:" not in text
    assert "## Mali\n\n**The junta took Kidal.** The army entered the town.[@" in text
    assert "\n- Wagner left Tessalit.[@" in text
    assert "\n- Rebels regrouped in the north.\n" in text
    assert "## Somalia\n\n**Al Shabaab remains strong.** It attacked a base.[@" in text
    assert " Troops advanced elsewhere.[@" in text
    found = {s["url"]: s for s in sources(root).values()}
    for words, url in NOTES:
        source = found[url]
        assert words.startswith(f"{source['publisher']}, “{source['title']},” ")
    update = load_checked(root / "inputs", EDITION)
    printed = [n.text for n in update.notes]
    assert printed == [words[:-1] + f", {url}" for words, url in NOTES]
    assert "took in 4 notes citing 4 sources (4 articles), 0 figures, 2 takeaways, 2 sections" in (
        result.stdout
    )


def test_word_footnotes(tmp_path: Path) -> None:
    assert_round_trip(tmp_path, imported(tmp_path, africa_file(Docx())))


def test_word_endnotes(tmp_path: Path) -> None:
    doc = africa_file(Docx(), endnotes=True)
    assert not doc.footnotes and len(doc.endnotes) == 4
    assert_round_trip(tmp_path, imported(tmp_path, doc))


def test_google_docs_export(tmp_path: Path) -> None:
    """Google Docs: the notes' hyperlinks live in the footnotes part's own relationships."""
    doc = africa_file(Docx())
    assert doc.note_rels and not any(kind == "hyperlink" for kind, _ in doc.rels.values())
    assert_round_trip(tmp_path, imported(tmp_path, doc))


def test_section_bylines_and_bold_region_names(tmp_path: Path) -> None:
    assert_round_trip(tmp_path, imported(tmp_path, africa_file(Docx(), bold_regions=True)))


@pytest.mark.parametrize("holder", ["table", "text box"])
def test_floating_figure_captions(tmp_path: Path, holder: str) -> None:
    doc = africa_file(Docx())
    caption = para(run("Figure 1. Control of Terrain in Northern Mali"))
    source = para(run("Source: Liam Karr."))
    picture = doc.image(alt="A map of northern Mali")
    if holder == "table":
        doc.add(table(para(picture) + caption + source))
    else:  # a floating box anchored in the picture's paragraph
        doc.add(para(picture, text_box(caption, source)))
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    figures = front(tmp_path)["figures"]
    assert list(figures.values()) == [
        {
            "title": "Control of Terrain in Northern Mali",
            "image": "figures/control-terrain-northern.png",
            "source": "Liam Karr.",
            "alt": "A map of northern Mali",
        }
    ]
    assert body(tmp_path).rstrip().endswith('{{ figure("control-terrain-northern") }}')
    assert (tmp_path / "inputs" / EDITION / "figures" / "control-terrain-northern.png").exists()


# --- each silent loss, now kept or reported -------------------------------------------------


def test_a_url_loses_a_typed_final_period_or_bracket(tmp_path: Path) -> None:
    doc = standard()
    doc.add(
        para(run("One."), doc.footnote("https://www.example.org/2023/11/05/report.")),
        para(run("Two."), doc.footnote("See the map; (https://www.example.org/map)")),
        para(run("Three."), doc.footnote("https://en.wikipedia.org/wiki/Kidal_(town)")),
    )
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    urls = [s.get("url") for s in sources(tmp_path).values()]
    assert "https://www.example.org/2023/11/05/report" in urls
    assert "https://www.example.org/map" in urls
    assert "https://en.wikipedia.org/wiki/Kidal_(town)" in urls


def test_empty_notes_and_orphan_marks_are_reported(tmp_path: Path) -> None:
    doc = standard()
    doc.add(
        para(run("Empty."), doc.footnote("")),
        para(run("Orphan."), '<w:r><w:footnoteReference w:id="40"/></w:r>'),
    )
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "draft.docx: footnote 2 is empty: its mark is left out, the notes after it move up",
        "draft.docx: a footnote mark refers to footnote 40, which the file does not have: left out",
    ]


def test_nested_bullets_are_reported(tmp_path: Path) -> None:
    doc = standard()
    doc.add(para(run("Top."), level=0), para(run("Under it."), level=1))
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    assert "- Top.\n- Under it.\n" in body(tmp_path)
    assert result.stderr.splitlines() == [
        "draft.docx: a bullet at list level 2 became a top-level bullet: “Under it.”"
    ]


def test_a_missing_footnotes_part_is_refused(tmp_path: Path) -> None:
    doc = standard()
    doc.drop_footnotes = True
    result = imported(tmp_path, doc)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "draft.docx: error: the text has footnote marks but the file has no footnotes part; "
        "save it again from Word",
        "weekly: 1 error; nothing written",
    ]
    assert list((tmp_path / "inputs").iterdir()) == []


def test_strict_open_xml_is_read_and_reported(tmp_path: Path) -> None:
    doc = standard()
    doc.strict = True
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    assert front(tmp_path)["headline"] == "Wagner Group Retreats"
    assert "[@reuters-2023-11-06]" in body(tmp_path)
    assert result.stderr.splitlines() == [
        "draft.docx: read as Strict Open XML (its namespaces mapped to Word's usual ones)"
    ]


# --- the title follows the series ---------------------------------------------------------


def test_headline_first_title_of_a_later_layout(tmp_path: Path) -> None:
    doc = standard(title="Wagner Group Retreats: Africa File, November 8, 2023")
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    matter = front(tmp_path)
    assert (matter["series"], matter["headline"], str(matter["date"])) == (
        "africa-file",
        "Wagner Group Retreats",
        "2023-11-08",
    )


@pytest.mark.parametrize(
    ("line", "cutoff"),
    [
        ("Data Cutoff: November 7, 2023, at 10 a.m.", "2023-11-07 10:00"),
        ("Information Cutoff: 2:00pm ET", "2023-11-08 14:00"),
        ("Data Cutoff: November 7, 2023, 2:00 pm EST", "2023-11-07 14:00"),
        ("Information Cutoff: November 7, 2023, at noon.", "2023-11-07 12:00"),
    ],
)
def test_headline_less_titles_of_a_configured_series_and_every_cutoff_clock(
    tmp_path: Path, line: str, cutoff: str
) -> None:
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "series.yaml").write_text(
        'iran-update:\n  name: Iran Update\n  title: "{series}, {date}"\n', encoding="utf-8"
    )
    doc = Docx()
    doc.add(
        para(run("Iran Update, November 8, 2023"), style="Title"),
        para(run("Annika Ganzeveld, Amin Soltani, and Nicholas Carl")),
        para(run(line)),
        para(run("Iran is arming its partners. ", bold=True), run("More follows.")),
    )
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "inputs" / cutoff[:10]
    text = (folder / "update.md").read_text(encoding="utf-8")
    matter = yaml.safe_load(text.split("---\n")[1])
    assert matter["series"] == "iran-update"
    assert "headline" not in matter
    assert matter["authors"] == ["Annika Ganzeveld", "Amin Soltani", "Nicholas Carl"]
    assert f"cutoff: {cutoff}\n" in text
    assert "**Iran is arming its partners.** More follows." in text


def test_note_marks_outside_the_text_are_reported(tmp_path: Path) -> None:
    doc = Docx()
    doc.add(
        para(run("Africa File, November 8, 2023: Headline"), doc.footnote("https://a.example/t")),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("The junta is winning. ", bold=True), run("More.")),
        para(doc.image()),
        para(run("Figure 1. Map of Mali"), doc.footnote("https://a.example/map")),
    )
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "draft.docx: left out 1 note mark with “Africa File, November 8, 2023: Headline”, which "
        "is not part of the text; move the note into a paragraph",
        "draft.docx: left out 1 note mark with “Figure 1. Map of Mali”, which is not part of the "
        "text; move the note into a paragraph",
    ]


def test_note_variants_stay_structured_and_dated(tmp_path: Path) -> None:
    doc = standard()
    variants = [
        'Reuters, "Mali Army Takes Kidal," November 6, 2023, https://www.reuters.com/a',
        "Reuters, 'Wagner Leaves Tessalit,' November 2, 2023, https://www.reuters.com/b",
        "“Troops Advance,” Hiiraan Online, November 4, 2023, https://hiiraan.com/c",
        "Garowe Online, “Base Attacked,” 3 November 2023, https://garoweonline.com/d",
        "Associated Press, “Junta Holds,” Nov. 5, 2023, https://apnews.com/e",
        "https://www.studiotamani[.]org/151388-insecurite",
    ]
    for number, text in enumerate(variants):
        doc.add(para(run(f"Claim {number}."), doc.footnote(text)))
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    found = sources(tmp_path)
    dated = {s["url"]: str(s.get("date")) for s in found.values() if "title" in s}
    assert dated == {
        "https://www.reuters.com/mali-kidal": "2023-11-06",
        "https://www.reuters.com/a": "2023-11-06",
        "https://www.reuters.com/b": "2023-11-02",
        "https://hiiraan.com/c": "2023-11-04",
        "https://garoweonline.com/d": "2023-11-03",
        "https://apnews.com/e": "2023-11-05",
    }
    assert found["hiiraan-online-2023-11-04"]["publisher"] == "Hiiraan Online"
    assert found["studiotamani-151388-insecurite"] == {
        "url": "https://www.studiotamani.org/151388-insecurite",
        "link": False,
    }
    lines = result.stderr.splitlines()
    assert len(lines) == 6
    assert lines[2] == (
        "draft.docx: note 4: put in the project's note form: Hiiraan Online, “Troops Advance,” "
        "November 4, 2023, https://hiiraan.com/c (the draft has: “Troops Advance,” Hiiraan "
        "Online, November 4, 2023, https://hiiraan.com/c)"
    )
    update = load_checked(tmp_path / "inputs", EDITION)
    assert (
        update.notes[5].text
        == "Associated Press, “Junta Holds,” November 5, 2023, https://apnews.com/e"
    )


def test_only_the_line_under_the_title_is_an_unlabelled_byline(tmp_path: Path) -> None:
    doc = Docx().add(
        para(run("Africa File, November 8, 2023: Headline"), style="Title"),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("Special Edition")),
        para(run("The junta is winning. ", bold=True), run("More.")),
    )
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    assert front(tmp_path)["authors"] == []
    assert front(tmp_path)["notices"] == ["Special Edition"]


def test_bulleted_region_colon_takeaways(tmp_path: Path) -> None:
    doc = Docx().add(
        para(run("Africa File, November 8, 2023: Headline"), style="Title"),
        para(run("Data Cutoff: November 7, 2023, at 10 a.m.")),
        para(run("Key Takeaways:", bold=True)),
        para(run("Iran: ", bold=True), run("Tehran armed its partners."), level=0),
        para(run("Iraq: ", bold=True), run("Militias struck a base."), level=0),
        para(run("The junta is winning. ", bold=True), run("More.")),
    )
    result = imported(tmp_path, doc)
    assert result.returncode == 0, result.stderr
    assert front(tmp_path)["key_takeaways"] == {
        "Iran": "Tehran armed its partners.",
        "Iraq": "Militias struck a base.",
    }
