"""Every built-in layout, one published edition each: the masthead read back from the page
and from the PDF, word for word as the published page prints it.

The editions are entered with only ``update.md`` (no ``series.yaml``): the built-in
series must know their own history. ``docs/guide/layouts.md`` lists the published pages
and compares them point by point. The fields behind the layouts (``masthead``,
``date_format``, ``clock_format``, ``author_label``, ``region_mark``, ``smart_quotes``)
are tested one by one below.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import SOURCES, TESTS, run_in_process
from weekly.apstyle import curly_quotes

DATA = TESTS / "data"

SJ_2023 = [
    "August 10, 2023",
    "Salafi-Jihadi Movement Weekly Update, August 9, 2023",
    "Authors: Brian Carter, Kathryn Tyson, Liam Karr, and Peter Mills",
    "To receive the Salafi-Jihadi Movement Weekly Update via email, please subscribe here. "
    "Follow CTP on Twitter, LinkedIn, and Facebook.",
    "Data Cutoff: August 8, 2023, at 10 a.m.",
    "Contributors: Mike DeAngelo and Franklin Zheng",
]
SJ_NOVEMBER_2023 = [
    "Thursday, November 9, 2023",
    "Salafi-Jihadi Movement Weekly Update, November 8, 2023: Malian and Wagner Forces at a "
    "Crossroads in Battle with Separatist and al Qaeda Insurgents in Northern Mali",
    "Author: Liam Karr",
    "Data Cutoff: November 8, 2023, at 10 a.m.",
    # The page of November 8 prints no subscription line; that of December 13 does.
    "To receive the Salafi-Jihadi Movement Weekly Update via email, please subscribe here.",
]
AFRICA_2024 = [
    "April 25, 2024",
    "Africa File, April 25, 2024: IS Somalia Expansion Benefits IS Global Network; "
    "Togo Constitutional Changes",
    "Contributor: Josie Von Fischer",
    "Data Cutoff: April 25, 2024, at 9 a.m.",
    "To receive the Africa File via email, please subscribe here. "
    "Follow CTP on Twitter, LinkedIn, and Facebook.",
]
AFRICA_2025 = [
    "November 6, 2025",
    "Impending Offensives in Central Sudan; Ethnic Cleansing in el Fasher; Deadly Crackdown "
    "in Tanzania: Africa File, November 6, 2025",
    "To receive the weekly Africa File or triweekly Congo War Security Review via email, "
    "please subscribe here. Follow CTP on X, LinkedIn, and BlueSky.",
    # The page prints "Contributors:" for one name; weekly keeps the singular.
    "Contributor: Femi Omotayo",
]
IRAN_JANUARY_2024 = [
    "January 24, 2024",
    "Iran Update, January 24, 2024",
    "Ashka Jhaveri, Annika Ganzeveld, Alexandra Braverman, Johanna Moore, Kathryn Tyson, "
    "and Brian Carter",
    "Information Cutoff: 2:00pm ET",
]
IRAN_FEBRUARY_2024 = [
    "February 26, 2024",
    "Iran Update, February 26, 2024",
    "Andie Parry, Annika Ganzeveld, Peter Mills, Alexandra Braverman, Ahmad Omid Arman, "
    "and Nicholas Carl",
    "Information Cutoff: 2:00pm ET",
]

#: (inputs tree, cutoff, masthead as published; the kicker line is left out).
EDITIONS = {
    "salafi-jihadi-2023": (DATA / "mastheads", "2023-08-08", SJ_2023),
    "salafi-jihadi-november-2023": (DATA / "mastheads", "2023-11-08", SJ_NOVEMBER_2023),
    "africa-file-2024": (DATA / "africa-file", "2024-04-25", AFRICA_2024),
    "africa-file-2025": (DATA / "africa-file", "2025-11-06", AFRICA_2025),
    "iran-update-january-2024": (DATA / "mastheads", "2024-01-24", IRAN_JANUARY_2024),
    "iran-update-february-2024": (DATA / "mastheads", "2024-02-26", IRAN_FEBRUARY_2024),
}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".").strip()


def _masthead(html: str) -> list[str]:
    """Return the masthead's lines as the page shows them, the kicker left out."""
    header = html[html.index('<header class="masthead">') : html.index("</header>")]
    lines = [line for line in header.splitlines()[1:] if 'class="kicker"' not in line]
    return [_text(line) for line in lines if _text(line)]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """Render every edition to HTML and PDF; return its page and its PDF's text."""
    out: dict[str, tuple[str, str]] = {}
    for name, (tree, cutoff, _) in EDITIONS.items():
        root = tmp_path_factory.mktemp(name)
        shutil.copytree(tree / "inputs", root / "inputs")
        assert not (root / "inputs" / "series.yaml").exists()  # the built-in series alone
        result = run_in_process("render", "--cutoff", cutoff, "--format", "html,pdf", cwd=root)
        assert result.returncode == 0, result.stderr
        (page,) = (root / "output" / cutoff).glob("*.html")
        (pdf,) = (root / "output" / cutoff).glob("*.pdf")
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        out[name] = (page.read_text(encoding="utf-8"), text)
    return out


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_masthead_in_the_page_as_published(name: str, rendered) -> None:
    html, _ = rendered[name]
    assert _masthead(html) == EDITIONS[name][2]


@pytest.mark.parametrize("name", sorted(EDITIONS))
def test_masthead_in_the_pdf_as_published(name: str, rendered) -> None:
    _, text = rendered[name]
    squashed = _squash(text)
    # The lines follow one another in the PDF's text, in the published order.
    masthead = " ".join(EDITIONS[name][2])
    assert masthead in squashed, (masthead, squashed[:600])
    assert squashed.index(masthead) < squashed.index("Key Takeaway")


def test_the_2023_layout_prints_no_kicker_and_labels_the_assessments(rendered) -> None:
    html, text = rendered["salafi-jihadi-2023"]
    assert '<p class="kicker">' not in html
    assert '<p class="part-label"><strong>Assessments:</strong></p>' in html
    body = _text(html)
    assert "Key Takeaways: Global Movement. The Islamic State’s regional branches" in body
    assert "ISIS said on August 3 that its “caliph” had been killed" in body
    assert "Assessments: Global Movement The Islamic State’s branches" in _squash(text)


def test_the_iran_update_of_2024_bullets_regions_with_a_colon(rendered) -> None:
    html, text = rendered["iran-update-january-2024"]
    assert "<li><strong>Northern Gaza Strip:</strong> An Israeli artillery brigade" in html
    assert "• Northern Gaza Strip: An Israeli artillery brigade" in _squash(text)
    assert "[1]" in _text(html) and "[i]" not in _text(html)
    feb, _ = rendered["iran-update-february-2024"]
    assert "[i]" in _text(feb) and "[1]" not in _text(feb)


def test_a_headline_no_layout_prints_is_reported(tree, weekly) -> None:
    update = (DATA / "mastheads/inputs/2024-01-24/update.md").read_text(encoding="utf-8")
    update = update.replace("published: 2024-01-24\n", "published: 2024-01-24\nheadline: Gaza\n")
    root = tree({"inputs/sources.yaml": SOURCES, "inputs/2024-01-24/update.md": update})
    shutil.copy(DATA / "mastheads/inputs/sources.yaml", root / "inputs/sources.yaml")
    result = weekly("check", "--cutoff", "2024-01-24", cwd=root)
    assert (
        "inputs/2024-01-24/update.md:4: warning: headline 'Gaza' is not printed: the title of "
        "series 'iran-update' on 2024-01-24 is '{series}, {date}'"
    ) in result.stdout + result.stderr


# --- The fields, one by one ---------------------------------------------------------------

BRIEF = """\
---
series: brief
headline: Juntas Tighten Their Grip
authors: [Liam Karr, Alison O'Neil]
contributors: [Josie Von Fischer]
cutoff: 2024-05-02 09:30
published: 2024-05-03
notices: [CTP has paused the Togo section.]
key_takeaways:
  Mali: JNIM is attacking "central" Mali more often.
---

## Mali

**JNIM's attacks are rising.** It struck 16 times, the army's "worst" month.[@sigact] See
`code "as typed"` and <https://example.org/a'b>.
"""


def _brief_page(tree, weekly, series: str, update: str = BRIEF) -> str:
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "brief:\n  name: Sahel Brief\n" + series,
            "inputs/2024-05-02/update.md": update,
        }
    )
    result = weekly("render", "--cutoff", "2024-05-02", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    (page,) = (root / "output/2024-05-02").glob("*.html")
    return page.read_text(encoding="utf-8")


def test_masthead_order_puts_notices_inside_the_masthead(tree, weekly) -> None:
    html = _brief_page(
        tree,
        weekly,
        "  kicker: false\n"
        "  subscribe: Subscribe.\n"
        "  masthead: [title, date_line, subscribe, notices, cutoff, byline, contributors]\n",
    )
    assert _masthead(html) == [
        "Sahel Brief, May 2, 2024: Juntas Tighten Their Grip",
        "Friday, May 3, 2024",
        "Subscribe.",
        "CTP has paused the Togo section.",
        "Data Cutoff: May 2, 2024, at 9:30 a.m.",
        "Authors: Liam Karr and Alison O’Neil",
        "Contributor: Josie Von Fischer",
    ]
    assert html.count('<section class="notices"') == 1


def test_default_masthead_keeps_the_notices_after_it(tree, weekly) -> None:
    html = _brief_page(tree, weekly, "")
    assert '</header>\n<section class="notices" aria-label="Notices">' in html


def test_a_part_left_out_of_the_masthead_is_not_printed(tree, weekly) -> None:
    html = _brief_page(tree, weekly, "  masthead: [title, byline]\n  kicker: false\n")
    assert _masthead(html) == [
        "Sahel Brief, May 2, 2024: Juntas Tighten Their Grip",
        "Authors: Liam Karr and Alison O’Neil",
    ]
    assert "CTP has paused the Togo section." in html  # notices still print, after it


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ("  date_line: date\n  date_format: padded\n", "May 03, 2024"),
        ("  date_format: padded\n", "Friday, May 03, 2024"),
        ("  date_line: date\n", "May 3, 2024"),
    ],
)
def test_date_format(tree, weekly, fields: str, line: str) -> None:
    html = _brief_page(tree, weekly, "  kicker: false\n" + fields)
    assert _masthead(html)[0] == line


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ("", "Data Cutoff: May 2, 2024, at 9:30 a.m."),
        ("  clock_format: dotted\n", "Data Cutoff: May 2, 2024, at 9:30 a.m."),
        ("  clock_format: compact\n", "Data Cutoff: May 2, 2024, at 9:30am"),
        ("  cutoff_style: clock\n", "Data Cutoff: 9:30 a.m. ET"),
        ("  cutoff_style: clock\n  clock_format: compact\n", "Data Cutoff: 9:30am ET"),
        (
            "  cutoff_style: clock\n  clock_format: spaced\n  zone_label: EST\n",
            "Data Cutoff: 9:30 am EST",
        ),
        ("  cutoff_style: clock\n  clock_format: ap\n", "Data Cutoff: 9:30 a.m. ET"),
    ],
)
def test_clock_format(tree, weekly, fields: str, line: str) -> None:
    html = _brief_page(tree, weekly, fields)
    assert f'<p class="cutoff">{line}</p>' in html


def test_clock_format_of_whole_hours(tree, weekly) -> None:
    update = BRIEF.replace("09:30", "14:00")
    ap = _brief_page(tree, weekly, "  cutoff_style: clock\n  clock_format: ap\n", update)
    assert '<p class="cutoff">Data Cutoff: 2 p.m. ET</p>' in ap


def test_unlabelled_author_line(tree, weekly) -> None:
    html = _brief_page(tree, weekly, "  author_label: false\n")
    assert '<p class="byline">Liam Karr and Alison O’Neil</p>' in html
    assert '<p class="contributors">Contributor: Josie Von Fischer</p>' in html


def test_region_mark(tree, weekly) -> None:
    html = _brief_page(tree, weekly, '  region_mark: ":"\n')
    assert '<p class="region-takeaway"><strong>Mali:</strong> JNIM is attacking' in html


def test_curly_quotes_in_text_but_not_in_code_or_addresses(tree, weekly) -> None:
    html = _brief_page(tree, weekly, "")
    assert "JNIM is attacking “central” Mali more often." in html
    assert "<strong>JNIM’s attacks are rising.</strong>" in html
    assert "the army’s “worst” month." in html
    assert "<code>code &quot;as typed&quot;</code>" in html
    assert "<a href=\"https://example.org/a'b\">https://example.org/a'b</a>" in html
    # Attribute values keep what was typed.
    assert '<meta name="author" content="Liam Karr and Alison O&#39;Neil">' in html


def test_smart_quotes_false_keeps_straight_quotes(tree, weekly) -> None:
    html = _brief_page(tree, weekly, "  smart_quotes: false\n")
    assert "JNIM is attacking &quot;central&quot; Mali more often." in html
    assert "<strong>JNIM&#x27;s attacks are rising.</strong>" in html or (
        "<strong>JNIM's attacks are rising.</strong>" in html
    )


def test_headline_quotes_curl_in_the_title(tree, weekly) -> None:
    update = BRIEF.replace("Juntas Tighten Their Grip", 'Mali\'s "New" Army')
    html = _brief_page(tree, weekly, "", update)
    assert "<title>Sahel Brief, May 2, 2024: Mali’s “New” Army</title>" in html


@pytest.mark.parametrize(
    ("text", "curled"),
    [
        ('He said "no," then left.', "He said “no,” then left."),
        ("CTP's view of the groups' leaders", "CTP’s view of the groups’ leaders"),
        ("'Hello,' she said", "‘Hello,’ she said"),
        ("the '90s", "the ’90s"),
        ('("quoted")', "(“quoted”)"),
        ('a—"b"', "a—“b”"),
        ("already “curly” and ‘single’", "already “curly” and ‘single’"),
    ],
)
def test_curly_quotes(text: str, curled: str) -> None:
    assert curly_quotes(text) == curled


def test_curly_quotes_continue_after_markup() -> None:
    assert curly_quotes('" said', before="d") == "” said"
    assert curly_quotes("'s", before="S") == "’s"


@pytest.mark.parametrize(
    ("series", "message"),
    [
        (
            "  masthead: [title, subscription]\n",
            "inputs/series.yaml:3: error: series 'brief': masthead: unknown part 'subscription' "
            "(known: date_line, title, byline, contributors, cutoff, subscribe, notices) [E042]",
        ),
        (
            "  masthead: [title, byline, title]\n",
            "inputs/series.yaml:3: error: series 'brief': masthead: 'title' is given twice [E042]",
        ),
        (
            "  masthead: [byline, cutoff]\n",
            "inputs/series.yaml:3: error: series 'brief': masthead must include title [E042]",
        ),
        (
            "  masthead: title\n",
            "inputs/series.yaml:3: error: series 'brief': masthead must be a list of text [E042]",
        ),
    ],
)
def test_bad_masthead_is_an_error_at_its_line(tree, weekly, series: str, message: str) -> None:
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "brief:\n  name: Sahel Brief\n" + series,
            "inputs/2024-05-02/update.md": BRIEF,
        }
    )
    result = weekly("render", "--cutoff", "2024-05-02", cwd=root)
    assert result.returncode == 2
    assert message in result.stderr.splitlines()
    assert not (root / "output").exists()


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ("  date_format: zero\n", "date_format must be plain or padded"),
        ("  clock_format: 24h\n", "clock_format must be auto, ap, dotted, compact or spaced"),
        ("  author_label: no label\n", "author_label must be true or false"),
        ('  region_mark: ";"\n', "region_mark must be . or :"),
        ("  smart_quotes: sometimes\n", "smart_quotes must be true or false"),
    ],
)
def test_bad_layout_field_is_reported(tree, weekly, series: str, message: str) -> None:
    root = tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/series.yaml": "brief:\n  name: Sahel Brief\n" + series,
            "inputs/2024-05-02/update.md": BRIEF,
        }
    )
    result = weekly("render", "--cutoff", "2024-05-02", cwd=root)
    assert result.returncode == 2
    line = f"inputs/series.yaml:3: error: series 'brief': {message} [E040]"
    assert line in result.stderr.splitlines()


# --- Accessibility of the new mastheads ---------------------------------------------------


@pytest.fixture(scope="module")
def masthead_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The 2023 and 2024 editions and a masthead holding the notices, as HTML and PDF files."""
    out: dict[str, tuple[Path, Path]] = {}
    for name in ("salafi-jihadi-2023", "iran-update-january-2024"):
        tree, cutoff, _ = EDITIONS[name]
        root = tmp_path_factory.mktemp(f"a11y-{name}")
        shutil.copytree(tree / "inputs", root / "inputs")
        result = run_in_process("render", "--cutoff", cutoff, "--format", "html,pdf", cwd=root)
        assert result.returncode == 0, result.stderr
        folder = root / "output" / cutoff
        out[name] = (next(folder.glob("*.html")), next(folder.glob("*.pdf")))
    root = tmp_path_factory.mktemp("a11y-notices")
    files = {
        "inputs/sources.yaml": SOURCES,
        "inputs/series.yaml": "brief:\n  name: Sahel Brief\n  subscribe: Subscribe.\n"
        "  masthead: [date_line, title, subscribe, notices, cutoff, byline, contributors]\n",
        "inputs/2024-05-02/update.md": BRIEF,
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    result = run_in_process("render", "--cutoff", "2024-05-02", "--format", "html,pdf", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "output" / "2024-05-02"
    out["notices in the masthead"] = (next(folder.glob("*.html")), next(folder.glob("*.pdf")))
    return out


A11Y = ["salafi-jihadi-2023", "iran-update-january-2024", "notices in the masthead"]


@pytest.mark.browser
@pytest.mark.parametrize("name", A11Y)
def test_masthead_page_has_no_axe_violations(
    name: str, masthead_pages, browser, axe_source: str
) -> None:
    from support.checkers import axe, described

    results = axe(browser, axe_source, masthead_pages[name][0])
    assert results["passes"], "axe ran no checks at all"
    assert results["violations"] == [], described(results["violations"])


@pytest.mark.parametrize("name", A11Y)
def test_masthead_pdf_is_tagged(name: str, masthead_pages) -> None:
    from support.pdfstructure import structure

    pdf = masthead_pages[name][1]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.M)
    tree = structure(pdf)
    roles = [element.role for element in tree.walk()]
    assert roles.count("H1") == 1
    assert roles.count("P") >= 4  # the masthead's lines are paragraphs


def test_mail_follows_the_layout(tmp_path: Path) -> None:
    import email
    import email.policy

    shutil.copytree(DATA / "mastheads/inputs", tmp_path / "inputs")
    (tmp_path / "recipients.csv").write_text("email,name\njane@example.com,Jane\n", "utf-8")
    texts = {}
    for cutoff in ("2023-08-08", "2024-01-24"):
        result = run_in_process("email", "--cutoff", cutoff, "--to", "recipients.csv", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        (eml,) = (tmp_path / "inputs" / ".weekly" / "mail" / cutoff).glob("*.eml")
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        plain = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
        texts[cutoff] = (str(msg["Subject"]), _squash(plain), html)
    subject, plain, html = texts["2024-01-24"]
    assert subject == "Iran Update, January 24, 2024"
    assert "Northern Gaza Strip: An Israeli artillery brigade" in plain
    assert "<strong>Northern Gaza Strip:</strong> An Israeli artillery brigade" in html
    assert "Ashka Jhaveri, Annika Ganzeveld" in plain and "Authors:" not in plain
    subject, plain, html = texts["2023-08-08"]
    assert subject == "Salafi-Jihadi Movement Weekly Update, August 9, 2023"
    assert "Global Movement. The Islamic State’s regional branches" in plain
    assert "its “caliph” had been killed" in plain


def test_new_edition_asks_for_a_headline_only_where_the_layout_prints_one(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mastheads/inputs", tmp_path / "inputs")
    for cutoff, series in (("2024-01-25", "iran-update"), ("2023-08-15", "salafi-jihadi")):
        result = run_in_process("new", "--cutoff", cutoff, "--series", series, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        text = (tmp_path / "inputs" / cutoff / "update.md").read_text(encoding="utf-8")
        assert "headline:" not in text, text
    # Across the switch of November 2023 the new layout's title wants one.
    result = run_in_process("new", "--cutoff", "2023-11-15", "--from", "2023-08-08", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "inputs/2023-11-15/update.md").read_text(encoding="utf-8")
    assert "headline: 'TODO: headline'" in text, text


def test_a_project_field_holds_across_the_built_in_layouts(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mastheads/inputs", tmp_path / "inputs")
    (tmp_path / "inputs/series.yaml").write_text(
        "salafi-jihadi:\n  subscribe: Write to us for the update.\n"
        "iran-update:\n  note_style: arabic\n",
        encoding="utf-8",
    )
    pages = {}
    for cutoff in ("2023-08-08", "2023-11-08", "2024-02-26"):
        result = run_in_process("render", "--cutoff", cutoff, "--format", "html", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        (page,) = (tmp_path / "output" / cutoff).glob("*.html")
        pages[cutoff] = page.read_text(encoding="utf-8")
    for cutoff in ("2023-08-08", "2023-11-08"):
        assert '<p class="subscribe">Write to us for the update.</p>' in pages[cutoff]
    # The layouts still change what the project left alone.
    assert (
        _masthead(pages["2023-08-08"])[1] == "Salafi-Jihadi Movement Weekly Update, August 9, 2023"
    )
    assert '<p class="kicker">' in pages["2023-11-08"]
    assert "[1]" in _text(pages["2024-02-26"]) and "[i]" not in _text(pages["2024-02-26"])


@pytest.mark.parametrize("cutoff", ["2023-08-08", "2023-11-08", "2024-01-24", "2024-02-26"])
def test_the_entered_editions_check_clean(cutoff: str, tmp_path: Path) -> None:
    shutil.copytree(DATA / "mastheads/inputs", tmp_path / "inputs")
    result = run_in_process("check", "--cutoff", cutoff, "--strict", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems found" in result.stdout
