"""Pandoc citation syntax as analysts write it: prefixes, locators, suffixes, ``-@key``,
``@key says``, and no ``@`` left printed by accident."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest

from weekly.body.cites import read_bracket
from weekly.body.parse import markdown
from weekly.inputs.bibliography import Source
from weekly.pipeline import check
from weekly.resolve.notes import print_cite

HERE = Path("inputs/sources.yaml")


def cites(text: str) -> list[tuple[str, str, str, str, str, bool]]:
    bracket = read_bracket(text)
    assert bracket is not None
    return [
        (c.prefix, c.key, c.label, c.locator, c.suffix, c.suppress_author) for c in bracket.cites
    ]


# --- reading the syntax ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("@a", [("", "a", "", "", "", False)]),
        ("see @a, p. 3", [("see", "a", "page", "3", "", False)]),
        ("@a, pp. 50-52", [("", "a", "page", "50–52", "", False)]),
        ("@a, 50--52", [("", "a", "page", "50–52", "", False)]),
        ("@a, chap. 2", [("", "a", "chapter", "2", "", False)]),
        ("@a, sec. 4, emphasis added", [("", "a", "section", "4", "emphasis added", False)]),
        ("@a, emphasis added", [("", "a", "", "", "emphasis added", False)]),
        ("@a, p. iv", [("", "a", "page", "iv", "", False)]),
        ("@a, pp. 3, 7-9", [("", "a", "page", "3, 7–9", "", False)]),
        ("@a, {Annex B}", [("", "a", "page", "Annex B", "", False)]),
        ("-@a", [("", "a", "", "", "", True)]),
        ("@{odd key}, p. 1", None),
        ("@{odd:key}, p. 1", [("", "odd:key", "page", "1", "", False)]),
        (
            "see @thurston2023, 50-52; also @lebovich-2019, para. 4",
            [
                ("see", "thurston2023", "page", "50–52", "", False),
                ("also", "lebovich-2019", "paragraph", "4", "", False),
            ],
        ),
    ],
)
def test_bracketed_citations_are_read(content: str, expected: list | None) -> None:
    if expected is None:
        assert read_bracket(content) is None
    else:
        assert cites(content) == expected


def test_not_citations() -> None:
    assert read_bracket("write to press@example.org") is None
    assert read_bracket("sic") is None
    bracket = read_bracket("@a;")
    assert bracket is not None and (bracket.empty, bracket.stray) == (1, [])
    bracket = read_bracket("@a; and more")
    assert bracket is not None and bracket.stray == ["and more"]


def tokens(text: str, keys: set[str]) -> list[tuple[str, str]]:
    found = []
    for token in markdown().parse(text, {"source_keys": keys}):
        for child in token.children or []:
            if child.type in ("citation", "handle"):
                found.append((child.type, child.content))
    return found


def test_at_signs_in_prose() -> None:
    keys = {"crisis-group", "a"}
    text = (
        "@crisis-group [p. 4] warns; @crisis-group says; write press@example.org, "
        "<x@y.org>, \\@crisis-group, `@a`, https://x.com/@a, @someone, “@JNIM said”. [@a]"
    )
    assert tokens(text, keys) == [
        ("citation", "@crisis-group [p. 4]"),
        ("citation", "@crisis-group"),
        ("handle", "@someone"),
        ("handle", "@JNIM"),
        ("citation", "[@a]"),
    ]


# --- printing -------------------------------------------------------------------------


def source(**fields) -> Source:
    return Source(id=fields.pop("id", "s"), path=HERE, line=1, **fields)


ARTICLE = source(
    kind="article",
    publisher="Reuters",
    title="Mali army says it has taken control of rebel stronghold Kidal",
    date=dt.date(2023, 11, 14),
    url="https://www.reuters.com/kidal",
)
SUBSCRIPTION = source(
    kind="subscription",
    publisher="SITE Intelligence Group",
    title="JNIM Bombs FAMa Vehicles",
    date=dt.date(2023, 11, 24),
    subscription="www.siteintelgroup.com",
)
TEXT = source(kind="text", text="Author’s database of SIGACTs. Available by request.")
URL = source(kind="url", url="https://acleddata.com/dashboard")


def printed(src: Source, content: str, first: bool = True, last: bool = True, opens=True) -> str:
    bracket = read_bracket(content)
    assert bracket is not None
    return print_cite(src, bracket.cites[0], first, last, opens).text


@pytest.mark.parametrize(
    ("src", "content", "expected"),
    [
        (
            ARTICLE,
            "see @s, p. 3",
            "See Reuters, “Mali army says it has taken control of rebel stronghold Kidal,” "
            "November 14, 2023, https://www.reuters.com/kidal, p. 3",
        ),
        (
            ARTICLE,
            "-@s, pp. 50-52, emphasis added",
            "“Mali army says it has taken control of rebel stronghold Kidal,” November 14, "
            "2023, https://www.reuters.com/kidal, pp. 50–52, emphasis added",
        ),
        (
            SUBSCRIPTION,
            "@s, p. 2",
            "SITE Intelligence Group, “JNIM Bombs FAMa Vehicles,” November 24, 2023, available "
            "by subscription at www.siteintelgroup.com, p. 2",
        ),
        (
            TEXT,
            "cf. @s, chap. 2",
            "Cf. Author’s database of SIGACTs. Available by request, chap. 2",
        ),
        (URL, "@s, fig. 3", "https://acleddata.com/dashboard, fig. 3"),
    ],
)
def test_prefix_locator_and_suffix_print_the_same_way_for_every_kind(
    src: Source, content: str, expected: str
) -> None:
    assert printed(src, content) == expected


def test_suppressing_the_author_keeps_the_outlet_of_an_authored_article() -> None:
    authored = source(
        kind="article", authors=("Tiemoko Diallo",), publisher="Reuters", title="Kidal falls"
    )
    assert printed(authored, "-@s") == "Reuters, “Kidal falls.”"
    assert printed(authored, "@s") == "Tiemoko Diallo, Reuters, “Kidal falls.”"


def test_citation_in_a_lower_heading_prints_its_mark(held_out: Path, weekly) -> None:
    edit(held_out, "**JNIM is attacking", "### Mopti[@sigact]\n\n**JNIM is attacking")
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=held_out)
    assert result.returncode == 0, result.stderr
    html = (held_out / "output/2023-12-13" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert re.search(r"<h3>Mopti<a class=\"ref\" id=\"ref-2\" href=\"#note-2\"", html)


def test_short_form_takes_the_locator_after_its_title() -> None:
    assert printed(SUBSCRIPTION, "@s, p. 5", first=False) == (
        "SITE Intelligence Group, “JNIM Bombs FAMa Vehicles,” p. 5"
    )


def test_a_prefix_inside_a_note_keeps_its_case() -> None:
    assert printed(URL, "also @s", opens=False) == "also https://acleddata.com/dashboard"


def test_prefix_and_suffix_are_escaped_in_html() -> None:
    bracket = read_bracket("see <b>now</b> @s, p. 3, <i>x</i> & co")
    assert bracket is not None
    html = print_cite(URL, bracket.cites[0], True, True, True).html
    assert "See &lt;b&gt;now&lt;/b&gt;" in html and "&lt;i&gt;x&lt;/i&gt; &amp; co" in html


def test_prefix_and_suffix_may_use_emphasis() -> None:
    bracket = read_bracket("*see* @s, p. 3, *passim*")
    assert bracket is not None
    note = print_cite(URL, bracket.cites[0], True, True, True)
    assert note.text == "See https://acleddata.com/dashboard, p. 3, passim"
    assert note.html.startswith("<em>See</em> <a href=")
    assert note.html.endswith(", p. 3, <em>passim</em>")


# --- a held-out edition ---------------------------------------------------------------

BIB = r"""@article{thurston2023,
  author = {Thurston, Alexander and Lebovich, Andrew},
  title = {{JNIM} and the Politics of the {Sahel}},
  journaltitle = {Journal of Conflict Studies},
  volume = 12, number = {3}, pages = {45--67},
  year = 2023, month = nov,
  doi = {10.1000/jcs.2023.45},
}
@techreport{crisis-group,
  author = {{International Crisis Group}},
  title = {Mali: Avoiding Escalation},
  institution = {International Crisis Group},
  number = {Africa Report No. 312},
  date = {2023-10},
  url = {https://www.crisisgroup.org/africa/sahel/mali/312},
}
"""
CSL = [
    {
        "id": "lebovich-2019",
        "type": "report",
        "title": "Halting Ascent",
        "author": [{"family": "Lebovich", "given": "Andrew"}],
        "publisher": "European Council on Foreign Relations",
        "issued": {"date-parts": [[2019, 5]]},
        "URL": "https://ecfr.eu/special/sahel_mapping",
    },
    {"id": "doi-only", "DOI": "10.1000/xyz"},
]
SOURCES = """\
sigact:
  text: Author’s database of significant activity (SIGACT). Available by request.
reuters-kidal:
  publisher: Reuters
  title: Mali army says it has taken control of rebel stronghold Kidal
  date: 2023-11-14
  url: https://www.reuters.com/kidal
"""
UPDATE = """\
---
headline: JNIM Tightens Its Hold on Central Mali
authors: [Liam Karr]
cutoff: 2023-12-13 10:00
key_takeaway: >-
  @crisis-group expects more attacks around Mopti.
---

**JNIM is attacking central Mali more often.** The army moved north.[see @reuters-kidal, p. 3]

- Scholars trace the group's roots.[@thurston2023, 50–52; @lebovich-2019, chap. 2]
- @thurston2023 [p. 46] argue it recruits locally.[-@thurston2023, pp. 60-61, emphasis added]
- A DOI-only paper agrees.[@doi-only; @sigact;]
"""
SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


@pytest.fixture
def held_out(tree) -> Path:
    return tree(
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/sources.bib": BIB,
            "inputs/sources.json": json.dumps(CSL, indent=2),
            "inputs/2023-12-13/update.md": UPDATE,
        }
    )


def visible(html: str) -> str:
    body = re.search(r"<body.*</body>", html, re.S)
    assert body
    text = re.sub(r"<(style|script)\b.*?</\1>", " ", body[0], flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_held_out_edition_renders_every_note_with_its_locator(held_out: Path, weekly) -> None:
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=held_out)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "inputs/2023-12-13/update.md:13: warning: empty piece in citation 'doi-only' "
        "(a stray ';'); remove it [W702]",
    ]
    html = (held_out / "output/2023-12-13" / f"{SLUG}.html").read_text(encoding="utf-8")
    notes = [
        " ".join(unescape(re.sub(r"<[^>]+>", "", n)).split())
        for n in re.findall(r'<p class="note".*?</p>', html, re.S)
    ]
    assert notes == [
        "[1] International Crisis Group, “Mali: Avoiding Escalation,” Africa Report No. 312, "
        "October 2023, https://www.crisisgroup.org/africa/sahel/mali/312",
        "[2] See Reuters, “Mali army says it has taken control of rebel stronghold Kidal,” "
        "November 14, 2023, https://www.reuters.com/kidal, p. 3",
        "[3] Alexander Thurston and Andrew Lebovich, “JNIM and the Politics of the Sahel,” "
        "Journal of Conflict Studies 12, no. 3 (November 2023): 45–67, "
        "https://doi.org/10.1000/jcs.2023.45, pp. 50–52; Andrew Lebovich, “Halting Ascent,” "
        "European Council on Foreign Relations, May 2019, https://ecfr.eu/special/sahel_mapping, "
        "chap. 2",
        "[4] Alexander Thurston and Andrew Lebovich, “JNIM and the Politics of the Sahel,” "
        "Journal of Conflict Studies 12, no. 3 (November 2023): 45–67, "
        "https://doi.org/10.1000/jcs.2023.45, p. 46",
        "[5] “JNIM and the Politics of the Sahel,” Journal of Conflict Studies 12, no. 3 "
        "(November 2023): 45–67, https://doi.org/10.1000/jcs.2023.45, pp. 60–61, emphasis added",
        "[6] https://doi.org/10.1000/xyz; Author’s database of significant activity (SIGACT). "
        "Available by request.",
    ]
    assert '<a href="https://doi.org/10.1000/xyz">' in html
    assert 'International Crisis Group<a class="ref" id="ref-1" href="#note-1"' in html
    assert (
        '<meta name="description" content="International Crisis Group expects more attacks' in html
    )
    text = visible(html)
    assert "International Crisis Group [1] expects more attacks" in text
    assert "Thurston and Lebovich [4] argue it recruits locally. [5]" in text
    assert "@" not in text


def test_held_out_pdf_has_no_at_sign(held_out: Path, weekly) -> None:
    from pypdf import PdfReader

    result = weekly("render", "--cutoff", "2023-12-13", "--format", "pdf", cwd=held_out)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(held_out / "output/2023-12-13" / f"{SLUG}.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "pp. 50–52" in text and "https://doi.org/10.1000/xyz" in text
    assert "@" not in text


def findings(project: Path) -> list[str]:
    import os

    old = os.getcwd()
    os.chdir(project)
    try:
        return [p.with_level() for p in check(Path("inputs"), "2023-12-13")]
    finally:
        os.chdir(old)


def edit(project: Path, old: str, new: str, name: str = "inputs/2023-12-13/update.md") -> None:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


UPDATE_MD = "inputs/2023-12-13/update.md"


def test_stray_at_words_are_reported_at_their_lines(held_out: Path) -> None:
    edit(held_out, "The army moved north.", "The army moved north, says @nobody.")
    edit(held_out, "recruits locally.", "recruits locally, “as @JNIM_media put it,” and \\@x.")
    edit(held_out, "headline: JNIM Tightens", "headline: Per @sigact, JNIM Tightens")
    assert [f for f in findings(held_out) if "@" in f and "stray ';'" not in f] == [
        f"{UPDATE_MD}:2: error: '@sigact' in the headline would be printed as written: "
        "citations work in the body, notices and key takeaways; cite the source there",
        f"{UPDATE_MD}:9: warning: '@nobody' names no source and is printed as written; "
        "cite a source with [@key], or write \\@nobody for an address or handle",
    ]


def test_at_words_in_notices_and_figure_fields_are_reported(held_out: Path) -> None:
    edit(
        held_out,
        "key_takeaway: >-",
        "notices:\n  - Follow us at @CriticalThreats.\n"
        "figures:\n  mopti:\n    title: Attacks in Mopti\n    image: figures/mopti.png\n"
        "    source: Liam Karr, from [@sigact].\n"
        "key_takeaway: >-",
    )
    found = [f for f in findings(held_out) if "@" in f and "stray ';'" not in f]
    assert found == [
        f"{UPDATE_MD}:6: warning: '@CriticalThreats' names no source and is printed as "
        "written; cite a source with [@key], or write \\@CriticalThreats for an address "
        "or handle",
        f"{UPDATE_MD}:11: error: '@sigact' in figure 'mopti' source would be printed as "
        "written: citations work in the body, notices and key takeaways; cite the source there",
    ]


def test_unknown_keys_in_every_form_are_errors(held_out: Path) -> None:
    edit(held_out, "[see @reuters-kidal, p. 3]", "[see @reuters-kidl, p. 3]")
    edit(held_out, "[-@thurston2023, pp. 60-61", "[-@thurston2022, pp. 60-61")
    assert [f for f in findings(held_out) if "unknown" in f] == [
        f"{UPDATE_MD}:9: error: unknown source 'reuters-kidl'; did you mean 'reuters-kidal'?",
        f"{UPDATE_MD}:12: error: unknown source 'thurston2022'; did you mean 'thurston2023'?",
    ]


def test_source_key_inside_link_text_is_an_error(held_out: Path) -> None:
    edit(held_out, "The army moved north.", "The [army of @reuters-kidal](https://x.org) moved.")
    assert (
        f"{UPDATE_MD}:9: error: '@reuters-kidal' inside a link's text would be printed as "
        "written; put the citation after the link"
    ) in findings(held_out)


def test_citation_in_a_section_heading_is_an_error(held_out: Path) -> None:
    edit(held_out, "**JNIM is attacking", "## Mali[@sigact]\n\n**JNIM is attacking")
    assert (
        f"{UPDATE_MD}:9: error: a citation in a '## ' section heading would not be printed "
        "(headings become bookmarks); cite in the paragraph below"
    ) in findings(held_out)


def test_one_source_at_two_places_in_one_note_is_not_a_repeat(held_out: Path) -> None:
    edit(held_out, "[see @reuters-kidal, p. 3]", "[see @reuters-kidal, p. 3; @reuters-kidal, p. 9]")
    edit(held_out, "[@doi-only; @sigact;]", "[@doi-only; @sigact; @doi-only]")
    assert [f for f in findings(held_out) if "twice" in f] == [
        f"{UPDATE_MD}:13: warning: source 'doi-only' is cited twice in one note"
    ]


def test_piece_without_a_key_is_an_error(held_out: Path) -> None:
    edit(held_out, "[@doi-only; @sigact;]", "[@doi-only; and elsewhere]")
    assert (
        f"{UPDATE_MD}:13: error: 'and elsewhere' in a citation names no source; write '@key' "
        "in each piece between semicolons"
    ) in findings(held_out)


def test_in_text_citation_of_a_source_naming_nobody_is_an_error(held_out: Path) -> None:
    edit(held_out, "A DOI-only paper agrees.", "@doi-only agrees.")
    assert (
        f"{UPDATE_MD}:13: error: source 'doi-only' has no author or publisher to name in the "
        "text; cite it as [@doi-only]"
    ) in findings(held_out)


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (
            "inputs/sources.bib",
            "month = nov",
            "month = dec",
            "warning: source 'thurston2023' is dated 2023-12, which may be after the data "
            "cutoff 2023-12-13; give its day to be sure",
        ),
        (
            "inputs/sources.bib",
            "year = 2023, month = nov",
            "year = 2024, month = jan",
            "error: source 'thurston2023' is dated 2024-01, after the data cutoff 2023-12-13",
        ),
        (
            "inputs/sources.json",
            "[\n          2019,\n          5\n        ]",
            "[\n          2023,\n          12,\n          14\n        ]",
            "error: source 'lebovich-2019' is dated 2023-12-14, after the data cutoff 2023-12-13",
        ),
    ],
)
def test_cutoff_rule_for_every_format_and_partial_dates(
    held_out: Path, name: str, old: str, new: str, expected: str
) -> None:
    edit(held_out, old, new, name)
    assert f"{UPDATE_MD}:11: {expected}" in findings(held_out)


def test_malformed_bib_stops_render_with_its_line(held_out: Path, weekly) -> None:
    good = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=held_out)
    assert good.returncode == 0, good.stderr
    page = held_out / "output/2023-12-13" / f"{SLUG}.html"
    before = page.read_bytes()
    edit(held_out, "  volume = 12,", "  volume = {12,", "inputs/sources.bib")
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=held_out)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("inputs/sources.bib:1: error: malformed BibTeX: ")
    assert lines[0].endswith(" [E701]")
    assert lines[-1] == "weekly: 1 error; nothing written"
    assert page.read_bytes() == before
    checked = weekly("check", "--cutoff", "2023-12-13", cwd=held_out)
    assert checked.returncode == 2
    assert checked.stdout.startswith("inputs/sources.bib:1: error: malformed BibTeX: ")
