"""Series layouts: every field of the masthead, takeaways and bylines is configuration,
and a series changes layout from a date on. The two published Africa Files in
``tests/data/africa-file`` are rendered from one inputs tree and compared with the pages."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from support import ROOT, SOURCES, TESTS, UPDATE
from weekly.errors import Problems
from weekly.inputs.series import load_series
from weekly.pipeline import check
from weekly.render.html import render_html
from weekly.resolve.update import Update, assemble

DATA = TESTS / "data" / "africa-file"
ATOM = "{http://www.w3.org/2005/Atom}"

#: A two-region edition with a region key in each front matter mapping.
REGIONS = """\
---
series: brief
headline: Juntas Tighten Their Grip
authors: [Liam Karr]
cutoff: 2024-05-02 10:00
key_takeaways:
  Mali: JNIM is attacking central Mali more often.
  Togo: The ruling party changed the constitution.
---

## Mali

**JNIM is attacking central Mali more often.** It struck 16 times.[@sigact]

## Togo

**The ruling party changed the constitution.** Reuters reported it.[@reuters-kidal]
"""


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").strip()


def _assemble(root: Path, cutoff: str) -> tuple[Update, Problems]:
    problems = Problems()
    return assemble(root / "inputs", cutoff, problems), problems


def _html(root: Path, cutoff: str) -> str:
    update, problems = _assemble(root, cutoff)
    assert not problems.errors, problems.errors
    return render_html(update)


def _findings(root: Path, cutoff: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(root)
    return [p.with_level() for p in check(Path("inputs"), cutoff)]


def _brief(tree, series: str = "", update: str = REGIONS, day: str = "2024-05-02") -> Path:
    return tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "brief:\n  name: Sahel Brief\n" + series,
            f"inputs/{day}/update.md": update,
        }
    )


# --- The published editions -------------------------------------------------------------


@pytest.fixture(scope="module")
def africa_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the two published Africa Files (one inputs tree) with ``weekly archive``."""
    from support import run_weekly

    root = tmp_path_factory.mktemp("africa-file")
    shutil.copytree(DATA / "inputs", root / "inputs")
    result = run_weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


def _page(root: Path, cutoff: str) -> str:
    (page,) = (root / "output" / cutoff).glob("*.html")
    return page.read_text(encoding="utf-8")


def _masthead(html: str) -> list[str]:
    header = html[html.index('<header class="masthead">') : html.index("</header>")]
    return [_text(line) for line in header.splitlines()[1:] if _text(line)]


def test_africa_file_2024_layout_as_published(africa_files: Path) -> None:
    html = _page(africa_files, "2024-04-25")
    title = (
        "Africa File, April 25, 2024: IS Somalia Expansion Benefits IS Global Network; "
        "Togo Constitutional Changes"
    )
    # criticalthreats.org: date, title, contributor, data cutoff, subscription line.
    assert _masthead(html) == [
        "April 25, 2024",
        title,
        "Contributor: Josie Von Fischer",
        "Data Cutoff: April 25, 2024, at 9 a.m.",
        "To receive the Africa File via email, please subscribe here. "
        "Follow CTP on Twitter, LinkedIn, and Facebook.",
    ]
    assert f"<title>{title}</title>" in html
    assert '<ul class="takeaways">\n<li><strong>Somalia.</strong> The Islamic State says' in html
    assert _text(html).count("Somalia. The Islamic State says") == 1
    assert (
        '<p class="part-label"><strong>Assessments:</strong></p>\n'
        '<section class="region" id="somalia">\n<h2 id="somalia-heading">Somalia</h2>\n'
        '<p class="section-byline">Author: Liam Karr</p>\n'
        '<p class="section-contributors">Contributor: Josie Von Fischer</p>\n'
    ) in html
    assert '<meta name="author" content="Liam Karr">' in html


def test_africa_file_2025_layout_as_published(africa_files: Path) -> None:
    html = _page(africa_files, "2025-11-06")
    title = (
        "Impending Offensives in Central Sudan; Ethnic Cleansing in el Fasher; "
        "Deadly Crackdown in Tanzania: Africa File, November 6, 2025"
    )
    assert _masthead(html) == [
        "November 6, 2025",
        title,
        # As on the page: the subscription line, then the contributors.
        "To receive the weekly Africa File or triweekly Congo War Security Review via "
        "email, please subscribe here. Follow CTP on X, LinkedIn, and BlueSky.",
        "Contributor: Femi Omotayo",
    ]
    assert "Data Cutoff" not in html and "Assessments:" not in html
    assert '<ul class="takeaways">\n<li><strong>Sudan.</strong> Both the Rapid' in html
    assert (
        '<h2 id="sudan-heading">Sudan</h2>\n<p class="section-byline">Authors: Michael DeAngelo and Liam Karr</p>\n'
    ) in html
    assert '<meta name="author" content="Michael DeAngelo and Liam Karr">' in html
    assert (africa_files / "output/2025-11-06/africa-file-november-6-2025.html").is_file()


def test_one_tree_feeds_both_layouts_into_the_archive(africa_files: Path) -> None:
    feed = ET.parse(africa_files / "output/feed.xml").getroot()
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == [
        "Impending Offensives in Central Sudan; Ethnic Cleansing in el Fasher; "
        "Deadly Crackdown in Tanzania: Africa File, November 6, 2025",
        "Africa File, April 25, 2024: IS Somalia Expansion Benefits IS Global Network; "
        "Togo Constitutional Changes",
    ]
    authors = [
        [name.text for name in entry.iter(f"{ATOM}name")] for entry in feed.iter(f"{ATOM}entry")
    ]
    assert authors == [["Michael DeAngelo", "Liam Karr"], ["Liam Karr"]]
    index = (africa_files / "output/index.html").read_text(encoding="utf-8")
    assert "africa-file-november-6-2025.html" in index
    assert "africa-file-april-25-2024.html" in index


def test_published_editions_check_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for cutoff in ("2024-04-25", "2025-11-06"):
        assert _findings(DATA, cutoff, monkeypatch) == []


# --- The title template -----------------------------------------------------------------


def test_title_template_is_used_for_page_pdf_and_mail(tree) -> None:
    from pypdf import PdfReader

    from weekly.mail.message import subject_of
    from weekly.render.pdf import write_pdf

    root = _brief(tree, '  title: "{headline}: {series}, {date}"\n')
    update, problems = _assemble(root, "2024-05-02")
    assert not problems.errors
    title = "Juntas Tighten Their Grip: Sahel Brief, May 2, 2024"
    assert update.title == title
    html = render_html(update)
    assert f"<title>{title}</title>" in html and f"<h1>{title}</h1>" in html
    assert subject_of(update, "{title}") == title
    pdf = write_pdf(html, [])
    assert PdfReader(io.BytesIO(pdf)).metadata["/Title"] == title
    assert update.slug == "sahel-brief-may-2-2024"


def test_title_without_headline_makes_headline_optional(tree) -> None:
    update = REGIONS.replace("headline: Juntas Tighten Their Grip\n", "")
    root = _brief(tree, '  title: "{series}, {date}"\n', update)
    assert "<h1>Sahel Brief, May 2, 2024</h1>" in _html(root, "2024-05-02")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{headlin}: {series}", "title: unknown placeholder '{headlin}' (known: {series}, {date}, {headline})"),
        ("{series}, {date:%Y}", "title: unknown placeholder '{date:%Y}' (known: {series}, {date}, {headline})"),
        ("{series} {", "title has an unmatched '{' or '}' (write {{ or }} for a literal brace)"),
    ],
)  # fmt: skip
def test_bad_title_template_names_its_line(tree, monkeypatch, template, message) -> None:
    root = _brief(tree, f'  title: "{template}"\n')
    assert f"inputs/series.yaml:3: error: series 'brief': {message}" in _findings(
        root, "2024-05-02", monkeypatch
    )


# --- The cutoff line --------------------------------------------------------------------


def test_cutoff_line_false_prints_none_but_the_cutoff_still_governs(tree, monkeypatch) -> None:
    root = _brief(tree, "  cutoff_line: false\n")
    html = _html(root, "2024-05-02")
    assert 'class="cutoff"' not in html and "Data Cutoff" not in html
    late = SOURCES + "late:\n  url: https://example.org/late\n  date: 2024-05-03\n"
    (root / "inputs/sources.yaml").write_text(late, encoding="utf-8")
    update = REGIONS.replace("Reuters reported it.[@reuters-kidal]", "Reported.[@late]")
    (root / "inputs/2024-05-02/update.md").write_text(update, encoding="utf-8")
    assert any(
        "error: source 'late' is dated 2024-05-03, after the data cutoff" in f
        for f in _findings(root, "2024-05-02", monkeypatch)
    )


def test_empty_cutoff_label_is_refused_and_leaves_the_output(tree, weekly) -> None:
    root = _brief(tree)
    assert weekly("render", "--cutoff", "2024-05-02", "--format", "html", cwd=root).returncode == 0
    (page,) = (root / "output/2024-05-02").glob("*.html")
    before = page.read_bytes()
    (root / "inputs/series.yaml").write_text(
        'brief:\n  name: Sahel Brief\n  cutoff_label: ""\n', encoding="utf-8"
    )
    result = weekly("render", "--cutoff", "2024-05-02", "--format", "html", cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "inputs/series.yaml:3: error: series 'brief': cutoff_label is empty; "
        "to print no cutoff line, set cutoff_line: false [E040]"
    )
    assert "Traceback" not in result.stderr
    assert page.read_bytes() == before


# --- Bylines ----------------------------------------------------------------------------


def test_missing_byline_names_the_real_problem(tree, monkeypatch) -> None:
    root = _brief(tree, update=REGIONS.replace("authors: [Liam Karr]", "authors: []"))
    findings = _findings(root, "2024-05-02", monkeypatch)
    assert findings == [
        "inputs/2024-05-02/update.md:4: error: no byline: give authors, or section_authors "
        "for every '## ' section, or set byline: false in series 'brief'"
    ]
    assert not any("missing required field 'authors'" in f for f in findings)


def test_no_authors_with_byline_false(tree) -> None:
    update = REGIONS.replace("authors: [Liam Karr]\n", "")
    root = _brief(tree, "  byline: false\n", update)
    html = _html(root, "2024-05-02")
    assert 'class="byline"' not in html
    assert not [line for line in _masthead(html) if "Author" in line]


def test_byline_false_hides_the_edition_authors_but_keeps_them_in_metadata(tree) -> None:
    html = _html(_brief(tree, "  byline: false\n"), "2024-05-02")
    assert 'class="byline"' not in html
    assert '<meta name="author" content="Liam Karr">' in html


def test_every_section_signed_needs_no_edition_authors(tree) -> None:
    update = REGIONS.replace("authors: [Liam Karr]", "authors: []").replace(
        "---\n\n## Mali",
        "section_authors:\n  Mali: [Liam Karr]\n  Togo: [Matthew Gianitsos]\n"
        "section_contributors:\n  Togo: [Josie Von Fischer, Halkano Boru]\n---\n\n## Mali",
    )
    html = _html(_brief(tree, update=update), "2024-05-02")
    assert 'class="byline"' not in html
    assert (
        '<h2 id="togo-heading">Togo</h2>\n<p class="section-byline">Author: Matthew Gianitsos</p>\n'
        '<p class="section-contributors">Contributors: Josie Von Fischer and Halkano Boru</p>'
    ) in html
    assert '<meta name="author" content="Liam Karr and Matthew Gianitsos">' in html


def test_an_unsigned_section_is_named(tree, monkeypatch) -> None:
    update = REGIONS.replace("authors: [Liam Karr]", "authors: []").replace(
        "---\n\n## Mali", "section_authors:\n  Mali: [Liam Karr]\n---\n\n## Mali"
    )
    root = _brief(tree, update=update)
    assert _findings(root, "2024-05-02", monkeypatch) == [
        "inputs/2024-05-02/update.md:17: error: section '## Togo' has no byline: the edition "
        "has no authors, so add 'Togo' to section_authors (or give authors)"
    ]


def test_section_contributors_must_name_a_section(tree, monkeypatch) -> None:
    update = REGIONS.replace(
        "---\n\n## Mali", "section_contributors:\n  Niger: [A B]\n---\n\n## Mali"
    )
    findings = _findings(_brief(tree, update=update), "2024-05-02", monkeypatch)
    assert findings == [
        "inputs/2024-05-02/update.md:10: error: section_contributors: no section '## Niger' "
        "in the body"
    ]


# --- Key takeaways ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("paragraphs", '<p class="region-takeaway"><strong>Mali.</strong> JNIM is'),
        ("bullets", '<ul class="takeaways">\n<li><strong>Mali.</strong> JNIM is'),
        ("numbered", '<ol class="takeaways">\n<li><strong>Mali.</strong> JNIM is'),
    ],
)
def test_key_takeaways_style(tree, style: str, expected: str) -> None:
    html = _html(_brief(tree, f"  key_takeaways_style: {style}\n"), "2024-05-02")
    assert expected in html
    assert "<strong>Key Takeaways:</strong>" in html


def test_a_bulleted_list_of_takeaways_has_no_region_labels(tree) -> None:
    update = REGIONS.replace(
        "  Mali: JNIM is attacking central Mali more often.\n"
        "  Togo: The ruling party changed the constitution.\n",
        "  - JNIM is attacking central Mali more often.\n  - The constitution changed.\n",
    )
    html = _html(_brief(tree, "  key_takeaways_style: bullets\n", update), "2024-05-02")
    assert '<ul class="takeaways">\n<li>JNIM is attacking' in html


def test_old_takeaway_style_name_still_reads(tree) -> None:
    html = _html(_brief(tree, "  takeaway_style: paragraph\n"), "2024-05-02")
    assert '<p class="region-takeaway"><strong>Mali.</strong>' in html


@pytest.mark.parametrize(
    "text", ["Togo. The ruling party", '"**Togo.** The ruling party', "TOGO. The ruling party"]
)
def test_takeaway_repeating_its_region_is_printed_once_and_warned(
    tree, monkeypatch, text: str
) -> None:
    line = "Togo: The ruling party changed the constitution."
    wanted = line.replace("The ruling party", text) + ('"' if text.startswith('"') else "")
    update = REGIONS.replace(line, wanted)
    root = _brief(tree, update=update)
    html = _html(root, "2024-05-02")
    assert "<strong>Togo.</strong> The ruling party changed the constitution." in html
    assert "Togo. Togo" not in _text(html) and "Togo.</strong> <strong>" not in html
    assert _findings(root, "2024-05-02", monkeypatch) == [
        "inputs/2024-05-02/update.md:8: warning: key takeaway 'Togo' repeats its region's "
        "name, which is printed before the text already; 'Togo.' was left out: "
        "delete it from the text"
    ]


def test_takeaway_that_merely_starts_with_the_region_word_is_kept(tree, monkeypatch) -> None:
    update = REGIONS.replace(
        "Togo: The ruling party", "Togo: Togolese leaders and the ruling party"
    )
    root = _brief(tree, update=update)
    assert "<strong>Togo.</strong> Togolese leaders" in _html(root, "2024-05-02")
    assert not any(
        "W040" in f or "repeats" in f for f in _findings(root, "2024-05-02", monkeypatch)
    )


# --- Body -------------------------------------------------------------------------------


def test_paragraph_before_the_first_lead_opens_its_section(tree, monkeypatch) -> None:
    update = REGIONS.replace("## Togo\n\n", "## Togo\n\nTogo votes on April 29.\n\n")
    root = _brief(tree, update=update)
    html = _html(root, "2024-05-02")
    assert (
        '<h2 id="togo-heading">Togo</h2>\n<section class="assessment">\n<p>Togo votes on April 29.</p>\n\n'
        '</section>\n<section class="assessment">\n<p class="lead">'
    ) in html
    assert _findings(root, "2024-05-02", monkeypatch) == [
        "inputs/2024-05-02/update.md:17: warning: supporting paragraph has no citation; "
        "add [@source]"
    ]


# --- Masthead lines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "line"),
    [("weekday", "Thursday, May 2, 2024"), ("date", "May 2, 2024"), ("none", None)],
)
def test_date_line(tree, setting: str, line: str | None) -> None:
    html = _html(_brief(tree, f"  date_line: {setting}\n"), "2024-05-02")
    if line is None:
        assert 'class="published"' not in html
    else:
        assert f'<time datetime="2024-05-02">{line}</time>' in html


def test_kicker_switch(tree) -> None:
    assert '<p class="kicker">' in _html(_brief(tree), "2024-05-02")
    assert '<p class="kicker">' not in _html(_brief(tree, "  kicker: false\n"), "2024-05-02")


# --- Layouts over time ------------------------------------------------------------------

LAYOUTS = """\
  layouts:
    - since: 2025-01-01
      title: "{headline}: {series}, {date}"
      cutoff_line: false
    - since: 2025-06-01
      key_takeaways_style: bullets
"""


def test_layouts_apply_from_their_date_on_in_turn(tree) -> None:
    root = _brief(tree, LAYOUTS)
    series = load_series(root / "inputs", Problems())["brief"]
    old, mid, new = (series.on(dt.date(*d)) for d in ((2024, 12, 31), (2025, 1, 1), (2025, 7, 1)))
    assert (old.title, old.cutoff_line, old.key_takeaways_style) == (
        "{series}, {date}: {headline}", True, "paragraphs",
    )  # fmt: skip
    assert (mid.title, mid.cutoff_line, mid.key_takeaways_style) == (
        "{headline}: {series}, {date}", False, "paragraphs",
    )  # fmt: skip
    assert (new.title, new.cutoff_line, new.key_takeaways_style) == (
        "{headline}: {series}, {date}", False, "bullets",
    )  # fmt: skip


def test_one_series_renders_each_edition_in_its_own_layout(tree) -> None:
    root = _brief(tree, LAYOUTS)
    later = REGIONS.replace("2024-05-02", "2025-07-03")
    (root / "inputs/2025-07-03").mkdir()
    (root / "inputs/2025-07-03/update.md").write_text(later, encoding="utf-8")
    old, new = _html(root, "2024-05-02"), _html(root, "2025-07-03")
    assert "<h1>Sahel Brief, May 2, 2024: Juntas Tighten Their Grip</h1>" in old
    assert "Data Cutoff: May 2, 2024, at 10 a.m." in old
    assert "<h1>Juntas Tighten Their Grip: Sahel Brief, July 3, 2025</h1>" in new
    assert "Data Cutoff" not in new and '<ul class="takeaways">' in new


@pytest.mark.parametrize(
    ("layouts", "message"),
    [
        ("  layouts: {since: 2025-01-01}\n",
         "3: error: series 'brief': layouts must be a list of mappings, each with since: DATE"),
        ("  layouts:\n    - title: x\n",
         "4: error: series 'brief': layouts[0]: since must be a date like 2025-07-10"),
        ("  layouts:\n    - since: soon\n",
         "4: error: series 'brief': layouts[0]: since must be a date like 2025-07-10, got 'soon'"),
        ("  layouts:\n    - since: 2025-06-01\n    - since: 2025-01-01\n",
         "5: error: series 'brief': layouts must be in date order; 2025-01-01 does not come "
         "after 2025-06-01"),
        ("  layouts:\n    - since: 2025-01-01\n      cutoff_line: no way\n",
         "5: error: series 'brief': layouts[0]: cutoff_line must be true or false"),
        ("  layouts:\n    - since: 2025-01-01\n      colour: red\n",
         "5: error: series 'brief': layouts[0]: unknown field 'colour'"),
        ("  layouts:\n    - since: 2025-01-01\n      key_takeaways_style: dots\n",
         "5: error: series 'brief': layouts[0]: key_takeaways_style must be paragraphs, "
         "bullets or numbered"),
        ("  takeaway_style: numbered\n  key_takeaways_style: bullets\n",
         "3: error: series 'brief': give key_takeaways_style or takeaway_style, not both"),
        ("  kicker: off please\n", "3: error: series 'brief': kicker must be true or false"),
        ("  kicker: false\n  kicker: true\n",
         "4: error: series 'brief': field 'kicker' is given twice; the last one would win"),
        ("  date_line: long\n", "3: error: series 'brief': date_line must be weekday, date or none"),
    ],
)  # fmt: skip
def test_bad_layout_fields_name_their_line(tree, monkeypatch, layouts, message) -> None:
    root = _brief(tree, layouts)
    assert f"inputs/series.yaml:{message}" in _findings(root, "2024-05-02", monkeypatch)


def test_user_layouts_replace_the_builtin_ones(tree) -> None:
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "africa-file:\n  layouts: []\n",
            "inputs/2025-11-06/update.md": UPDATE.replace(
                "series: salafi-jihadi", "series: africa-file"
            )
            .replace("2023-12-13", "2025-11-06")
            .replace("published: 2023-12-15\n", ""),
        }
    )
    html = _html(root, "2025-11-06")
    assert "<h1>Africa File, November 6, 2025: Al Qaeda Strengthens in Central Mali</h1>" in html
    assert "Data Cutoff: November 6, 2025, at 10 a.m." in html


def test_new_edition_carries_section_contributors(tmp_path: Path) -> None:
    from support import run_weekly

    shutil.copytree(DATA / "inputs", tmp_path / "inputs")
    result = run_weekly("new", "--cutoff", "2025-11-13", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    started = (tmp_path / "inputs/2025-11-13/update.md").read_text(encoding="utf-8")
    assert "authors: []\n" in started
    assert "section_authors:\n  # REVIEW: carried over from 2025-11-06\n  Sudan: [" in started
    result = run_weekly("new", "--cutoff", "2024-05-02", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    started = (tmp_path / "inputs/2024-05-02/update.md").read_text(encoding="utf-8")
    assert (
        "section_contributors:\n  # REVIEW: carried over from 2024-04-25\n"
        "  Somalia: [Josie Von Fischer]\n"
    ) in started


def test_every_series_field_is_documented_with_an_example() -> None:
    import importlib.util

    from weekly.inputs.schema import FIELD_NAMES

    docs = ROOT / "docs"
    spec = importlib.util.spec_from_file_location("weekly_docs_hooks", docs / "hooks.py")
    assert spec and spec.loader
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    # The table of series fields is generated into the series page from the schema.
    series = hooks.expand((docs / "guide/series.md").read_text("utf-8"))
    rows = {m[1]: m[0] for m in re.finditer(r"^\| `(\w+)` \|.*$", series, re.M)}
    for name in sorted(FIELD_NAMES):
        assert name in rows, f"series field {name} is not in docs/guide/series.md"
        assert f"`{name}:" in rows[name] or name == "layouts", f"{name} has no example"
    guide = (docs / "guide/layouts.md").read_text("utf-8")
    for code in ("E040", "E041", "W040"):
        assert f"| `{code}` |" in guide


def test_iran_update_follows_its_november_2025_layout(tree) -> None:
    update = """\
---
series: iran-update
authors: [Andie Parry]
cutoff: 2025-11-14 14:00
key_takeaways:
  - The IRGC Navy seized a tanker in the Strait of Hormuz.
---

**The IRGC Navy seized a tanker.** It diverted the ship into Iranian waters.[@sigact]
"""
    root = tree({"inputs/sources.yaml": SOURCES, "inputs/2025-11-14/update.md": update})
    html = _html(root, "2025-11-14")
    assert "<title>Iran Update, November 14, 2025</title>" in html
    assert _masthead(html)[:2] == ["November 14, 2025", "Iran Update, November 14, 2025"]
    assert "Information Cutoff" not in html and '<p class="kicker">' not in html


def test_old_field_name_overrides_a_builtin_series(tree) -> None:
    update = REGIONS.replace("series: brief", "series: africa-file")
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "africa-file:\n  takeaway_style: paragraph\n",
            "inputs/2024-05-02/update.md": update,
        }
    )
    assert '<p class="region-takeaway"><strong>Mali.</strong>' in _html(root, "2024-05-02")


def test_mail_uses_the_title_and_drops_the_cutoff_line(tmp_path: Path) -> None:
    import email
    import email.policy

    from support import run_weekly

    shutil.copytree(DATA / "inputs", tmp_path / "inputs")
    (tmp_path / "recipients.csv").write_text("email,name\njane@example.com,Jane\n", "utf-8")
    result = run_weekly("email", "--cutoff", "2025-11-06", "--to", "recipients.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (eml,) = (tmp_path / "inputs/.weekly/mail/2025-11-06").glob("*.eml")
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert str(msg["Subject"]) == (
        "Impending Offensives in Central Sudan; Ethnic Cleansing in el Fasher; "
        "Deadly Crackdown in Tanzania: Africa File, November 6, 2025"
    )
    plain = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Contributor: Femi Omotayo" in plain and "Contributor: Femi Omotayo" in html
    assert "Cutoff" not in plain and 'class="cell cutoff"' not in html
    assert re.search(r"<br>\s*<span[^>]*>Contributor: Femi", html) is None  # no empty byline
