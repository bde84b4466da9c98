"""Every bibliography format a reference manager exports, read into one entry model."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from weekly.errors import Problems, WeeklyError
from weekly.inputs.bibliography import load_sources, print_source
from weekly.inputs.bibliography.dates import parse_date_text


def load(folder: Path, files: dict[str, str]) -> tuple[dict, list[str]]:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    problems = Problems()
    sources = load_sources([(folder, False)], problems)
    return sources, [str(p) for p in problems]


def refused(folder: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(WeeklyError) as caught:
        load(folder, files)
    return [str(p) for p in caught.value.problems]


def note(sources: dict, key: str) -> str:
    return print_source(sources[key], first=True, last=True).text


# --- partial dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed", "first", "last"),
    [
        ("2023-11-14", "November 14, 2023", "2023-11-14", "2023-11-14"),
        ("2023-11", "November 2023", "2023-11-01", "2023-11-30"),
        ("2024-02", "February 2024", "2024-02-01", "2024-02-29"),
        ("2023", "2023", "2023-01-01", "2023-12-31"),
        ("Fall 2023", "Autumn 2023", "2023-09-01", "2023-11-30"),
        ("Winter 2023", "Winter 2023", "2023-12-01", "2024-02-29"),
        ("2023-11-14/2023-11-16", "November 14–16, 2023", "2023-11-14", "2023-11-16"),
        ("2023-11-28/2023-12-02", "November 28–December 2, 2023", "2023-11-28", "2023-12-02"),
        ("2023-11/2024-01", "November 2023–January 2024", "2023-11-01", "2024-01-31"),
    ],
)
def test_partial_dates_print_and_span(text: str, printed: str, first: str, last: str) -> None:
    date = parse_date_text(text)
    assert date.printed() == printed
    assert (date.first_day(), date.last_day()) == (
        dt.date.fromisoformat(first),
        dt.date.fromisoformat(last),
    )


@pytest.mark.parametrize("text", ["2023-13", "2023-02-30", "November", "2023-12/2023-11"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date_text(text)


# --- house YAML -----------------------------------------------------------------------


def test_yaml_journal_article_prints_volume_issue_pages_and_doi(tmp_path: Path) -> None:
    sources, problems = load(
        tmp_path,
        {
            "sources.yaml": (
                "thurston:\n"
                "  authors: [{family: Thurston, given: Alexander}]\n"
                "  title: Jihadists of North Africa\n"
                "  container: Survival\n"
                "  volume: 65\n"
                "  issue: 2\n"
                "  pages: 7--30\n"
                "  date: 2023-04\n"
                "  doi: https://doi.org/10.1080/00396338.2023.2193092\n"
            )
        },
    )
    assert problems == []
    assert sources["thurston"].kind == "journal"
    assert note(sources, "thurston") == (
        "Alexander Thurston, “Jihadists of North Africa,” Survival 65, no. 2 (April 2023): "
        "7–30, https://doi.org/10.1080/00396338.2023.2193092"
    )


def test_yaml_doi_only_source_prints_its_doi_link(tmp_path: Path) -> None:
    sources, problems = load(tmp_path, {"sources.yaml": "paper:\n  doi: 10.1000/182\n"})
    assert problems == []
    printed = print_source(sources["paper"], first=True, last=True)
    assert printed.text == "https://doi.org/10.1000/182"
    assert printed.html == '<a href="https://doi.org/10.1000/182">https://doi.org/10.1000/182</a>'


def test_yaml_bad_partial_date_is_reported_at_its_line(tmp_path: Path) -> None:
    _, problems = load(tmp_path, {"sources.yaml": "a:\n  url: https://x.org\n  date: 2023-13\n"})
    assert problems == [
        f"{tmp_path}/sources.yaml:3: source 'a': date must look like 2023-11-24 "
        "(or 2023-11, 2023, Fall 2023), got '2023-13'"
    ]


# --- CSL-JSON and CSL-YAML ------------------------------------------------------------

CSL_ITEMS = [
    {
        "id": "lebovich-2019",
        "type": "report",
        "title": "Halting Ascent: Mapping Jihadist Groups in the Sahel",
        "author": [{"family": "Lebovich", "given": "Andrew"}],
        "publisher": "European Council on Foreign Relations",
        "issued": {"date-parts": [[2019, 5]]},
        "URL": "https://ecfr.eu/special/sahel_mapping",
    },
    {
        "id": "survival",
        "type": "article-journal",
        "title": "The Sahel After France",
        "author": [
            {"family": "Berg", "given": "Jan", "non-dropping-particle": "van den"},
            {"literal": "Crisis Group Sahel Team"},
        ],
        "editor": [{"family": "Guichaoua", "given": "Yvan"}],
        "container-title": "Survival",
        "volume": 65,
        "issue": "6",
        "page": "55-70",
        "DOI": "10.1080/00396338.2023.2285",
        "URL": "https://www.tandfonline.com/doi/full/10.1080/00396338.2023.2285",
        "issued": {"date-parts": [[2023]], "season": 4},
        "accessed": {"date-parts": [[2023, 12, 1]]},
    },
    {"id": "doi-only", "DOI": "10.1000/xyz"},
    {
        "id": "ranged",
        "title": "Conference on the Sahel",
        "container-title": "Reuters",
        "issued": {"date-parts": [[2023, 11, 14], [2023, 11, 16]]},
    },
    {"id": "words", "title": "Undated memo", "issued": {"literal": "early winter 2023"}},
    {"id": "raw", "title": "Raw date", "issued": {"raw": "2023-11"}},
    {
        "id": "web",
        "type": "webpage",
        "title": "Dashboard",
        "URL": "https://acleddata.com/dashboard",
        "accessed": {"date-parts": [[2023, 12, 12]]},
    },
]


def test_csl_json_keeps_every_field_a_note_prints(tmp_path: Path) -> None:
    sources, problems = load(tmp_path, {"sources.json": json.dumps(CSL_ITEMS, indent=2)})
    assert problems == []
    assert note(sources, "lebovich-2019") == (
        "Andrew Lebovich, “Halting Ascent: Mapping Jihadist Groups in the Sahel,” European "
        "Council on Foreign Relations, May 2019, https://ecfr.eu/special/sahel_mapping"
    )
    survival = sources["survival"]
    assert (survival.volume, survival.issue, survival.pages) == ("65", "6", "55–70")
    assert [n.full() for n in survival.editors] == ["Yvan Guichaoua"]
    assert survival.accessed.printed() == "December 1, 2023"
    assert note(sources, "survival") == (
        "Jan van den Berg and Crisis Group Sahel Team, “The Sahel After France,” Survival 65, "
        "no. 6 (Winter 2023): 55–70, https://doi.org/10.1080/00396338.2023.2285"
    )
    assert note(sources, "doi-only") == "https://doi.org/10.1000/xyz"
    assert note(sources, "ranged") == "Reuters, “Conference on the Sahel,” November 14–16, 2023"
    assert note(sources, "words") == "“Undated memo,” early winter 2023"
    assert sources["raw"].when.printed() == "November 2023"
    assert (
        note(sources, "web")
        == "“Dashboard,” accessed December 12, 2023, https://acleddata.com/dashboard"
    )
    assert sources["survival"].line == 24
    assert sources["ranged"].line == 72


def test_csl_json_id_twice_names_both_lines(tmp_path: Path) -> None:
    items = [{"id": "a", "title": "One"}, {"id": "b", "title": "Two"}, {"id": "a", "title": "3"}]
    _, problems = load(tmp_path, {"sources.json": json.dumps(items, indent=1)})
    assert problems == [
        f"{tmp_path}/sources.json:11: source 'a' is already defined at {tmp_path}/sources.json:3"
    ]


def test_csl_month_only_date_is_kept(tmp_path: Path) -> None:
    items = [
        {"id": "m", "title": "T", "container-title": "AP", "issued": {"date-parts": [[2023, 11]]}}
    ]
    sources, problems = load(tmp_path, {"sources.json": json.dumps(items)})
    assert problems == []
    assert sources["m"].when.printed() == "November 2023"
    assert sources["m"].date is None  # not known to the day


def test_csl_yaml_under_references_is_read_with_lines(tmp_path: Path) -> None:
    text = (
        "references:\n"
        "- id: ag\n"
        "  type: article-newspaper\n"
        "  title: Mali junta takes Kidal\n"
        "  container-title: Reuters\n"
        "  issued: 2023-11-14\n"
        "  author:\n"
        "    - family: Diallo\n"
        "      given: Tiemoko\n"
        "- id: journal\n"
        "  type: article-journal\n"
        "  title: Sahel\n"
        "  container-title: Afr. Aff.\n"
        "  volume: '122'\n"
        "  issued:\n"
        "    date-parts: [[2023, 7]]\n"
    )
    sources, problems = load(tmp_path, {"sources.yaml": text})
    assert problems == []
    assert (
        note(sources, "ag")
        == "Tiemoko Diallo, Reuters, “Mali junta takes Kidal,” November 14, 2023"
    )
    assert note(sources, "journal") == "“Sahel,” Afr. Aff. 122 (July 2023)"
    assert (sources["ag"].line, sources["journal"].line) == (2, 10)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"author": [{"family": 5}]}, "author 1: family must be text, got int"),
        ({"author": "Karr"}, "author must be a list of names"),
        ({"issued": {"date-parts": [[2023, 17]]}}, "issued: month 17 is out of range"),
        ({"issued": {"date-parts": [[2023, 2, 30]]}}, "issued: day is out of range"),
        ({"issued": {"date-parts": "2023"}}, "issued: date-parts must be a list"),
        ({"issued": {"date-parts": [[2023, "x"]]}}, "issued: date part 'x' is not a number"),
        ({"title": ["a", "b"]}, "title must be text, got list"),
        ({"volume": {"x": 1}}, "volume must be text, got dict"),
    ],
)
def test_bad_csl_fields_are_findings_not_tracebacks(
    tmp_path: Path, item: dict, message: str
) -> None:
    entry = {"id": "bad", "title": "T", **item}
    _, problems = load(tmp_path, {"sources.json": json.dumps([entry])})
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path}/sources.json:1: source 'bad': {message}")


def test_csl_json_nested_100000_deep_is_a_clear_error(tmp_path: Path) -> None:
    deep = '[{"id": "x", "title": ' + "[" * 100_000 + "]" * 100_000 + "}]"
    assert refused(tmp_path, {"sources.json": deep}) == [
        f"{tmp_path}/sources.json:1: malformed JSON: nested too deeply"
    ]


def test_csl_yaml_nested_deep_is_a_clear_error(tmp_path: Path) -> None:
    deep = "- id: x\n  title: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert refused(tmp_path, {"sources.yaml": deep}) == [
        f"{tmp_path}/sources.yaml:1: malformed YAML: nested too deeply"
    ]


def test_huge_bibliography_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "sources.json"
    with path.open("wb") as handle:
        handle.truncate(40 * 1024 * 1024)  # sparse: nothing is written, nothing read
    with pytest.raises(WeeklyError) as caught:
        load_sources([(tmp_path, False)], Problems())
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:1: bibliography file is too large (40 MiB; the limit is 32 MiB)"
    ]


def test_bibliography_linking_outside_the_inputs_is_refused(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    secret = tmp_path / "secret.bib"
    secret.write_text("@misc{s, title = {Secret}}\n", encoding="utf-8")
    (inputs / "sources.bib").symlink_to(secret)
    with pytest.raises(WeeklyError) as caught:
        load_sources([(inputs, False)], Problems())
    assert [str(p) for p in caught.value.problems] == [
        f"{inputs}/sources.bib: bibliography file links outside the inputs"
    ]


# --- BibTeX ---------------------------------------------------------------------------

BIB = r"""% exported by Better BibTeX
@string{ecfr = "European Council on Foreign Relations"}

@article{thurston2023,
  author = {Thurston, Alexander and Dupr{\'e}, J{\"o}rg and van der Berg, Jan},
  title = {{JNIM} and the Politics of the {Sahel}},
  journaltitle = {Journal of Conflict Studies},
  volume = 12, number = {3},
  pages = {45--67},
  year = 2023, month = nov,
  doi = {10.1000/jcs.2023.45},
}

@techreport{lebovich2019,
  author = {Lebovich, Andrew},
  title = {Halting Ascent},
  institution = ecfr,
  date = {2019-05},
  url = {https://ecfr.eu/special/sahel_mapping/?a=1&b=2%20c},
}

@online{reuters,
  author = {{Reuters Staff}},
  title = {Mali army takes Kidal},
  organization = {Reuters},
  date = {2023-11-14},
  urldate = {2023-11-20},
  url = {https://www.reuters.com/kidal},
}

@book{book,
  editor = {Guichaoua, Yvan},
  title = {Sahel Wars},
  publisher = {Hurst},
  address = {London},
  year = {2022},
}
"""


def test_bibtex_entries_print_in_house_style(tmp_path: Path) -> None:
    sources, problems = load(tmp_path, {"sources.bib": BIB})
    assert problems == []
    assert note(sources, "thurston2023") == (
        "Alexander Thurston, Jörg Dupré, and Jan van der Berg, “JNIM and the Politics of the "
        "Sahel,” Journal of Conflict Studies 12, no. 3 (November 2023): 45–67, "
        "https://doi.org/10.1000/jcs.2023.45"
    )
    assert note(sources, "lebovich2019") == (
        "Andrew Lebovich, “Halting Ascent,” European Council on Foreign Relations, May 2019, "
        "https://ecfr.eu/special/sahel_mapping/?a=1&b=2%20c"
    )
    assert note(sources, "reuters") == (
        "Reuters Staff, Reuters, “Mali army takes Kidal,” November 14, 2023, "
        "https://www.reuters.com/kidal"
    )
    assert sources["reuters"].accessed.printed() == "November 20, 2023"
    printed = print_source(sources["book"], first=True, last=True)
    assert printed.text == "Yvan Guichaoua, ed., Sahel Wars (London: Hurst, 2022)"
    assert "<em>Sahel Wars</em>" in printed.html
    assert [(k, s.line) for k, s in sources.items()] == [
        ("thurston2023", 4), ("lebovich2019", 14), ("reuters", 22), ("book", 31),
    ]  # fmt: skip


def test_malformed_bibtex_names_its_line(tmp_path: Path) -> None:
    text = "@article{ok, title = {Fine}, year = 2023}\n\n@misc{broken,\n  title = {unclosed\n"
    text += "@article{next, title = {Next}}\n"
    assert refused(tmp_path, {"sources.bib": text}) == [
        f"{tmp_path}/sources.bib:3: malformed BibTeX: Unexpected block start: '@article'. "
        "Was still looking for field-value closing '}'"
    ]
    text = "@misc{a title = {One}}\n@misc{b, title = {Two}, title = {Again}}\n"
    assert refused(tmp_path, {"sources.bib": text}) == [
        f"{tmp_path}/sources.bib:1: malformed BibTeX: Expected comma after entry key, but found =",
        f"{tmp_path}/sources.bib:2: malformed BibTeX: field title given twice in one entry",
    ]


def test_bibtex_key_twice_in_one_file_names_both_lines(tmp_path: Path) -> None:
    text = "@misc{a, title = {One}}\n@misc{b, title = {Two}}\n@misc{a, title = {Three}}\n"
    assert refused(tmp_path, {"sources.bib": text}) == [
        f"{tmp_path}/sources.bib:3: source 'a' is already defined at {tmp_path}/sources.bib:1"
    ]


def test_bibtex_field_nested_too_deeply_is_a_finding(tmp_path: Path) -> None:
    deep = "\\relax{" * 100_000 + "x" + "}" * 100_000
    text = f"@misc{{ok, title = {{Fine}}}}\n@misc{{deep,\n  title = {{{deep}}},\n}}\n"
    sources, problems = load(tmp_path, {"sources.bib": text})
    assert problems == [f"{tmp_path}/sources.bib:2: source 'deep': nested too deeply to read"]
    assert list(sources) == ["ok"]


def test_deep_braces_alone_are_just_braces(tmp_path: Path) -> None:
    deep = "{" * 100_000 + "x" + "}" * 100_000
    sources, problems = load(tmp_path, {"sources.bib": f"@misc{{a, title = {{{deep}}}}}\n"})
    assert (problems, sources["a"].title) == ([], "x")


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Dupr{\'e}, J{\"o}rg", "Dupré, Jörg"),
        (r"\c{c}a \c c \v{S}ar\'{\i}", "ça ç Šarí"),
        (r"{JNIM} and the {Sahel}", "JNIM and the Sahel"),
        (r"45--67 --- A~B", "45–67 — A B"),
        (r"50\% \& \$5 \_x \{y\}", "50% & $5 _x {y}"),
        (r"\emph{\textbf{Bold}} \aa{}ngstr\"om \o", "Bold ångström ø"),
        (r"G\"{u}ler \H{o} \u{g} {\"U}ber \ss", "Güler ő ğ Über ß"),
        (r"\textsuperscript{th} caf\'e", "th café"),  # an unusual macro: pylatexenc reads it
    ],
)
def test_latex_in_bibtex_fields_becomes_plain_text(latex: str, text: str) -> None:
    from weekly.inputs.bibliography.latex import LatexText

    assert LatexText().text(latex) == text


def test_bibtex_bad_month_is_reported(tmp_path: Path) -> None:
    text = "@misc{a,\n  title = {One},\n  year = 2023,\n  month = {Brumaire},\n}\n"
    _, problems = load(tmp_path, {"sources.bib": text})
    assert problems == [f"{tmp_path}/sources.bib:1: source 'a': month 'brumaire' is not a month"]


# --- RIS ------------------------------------------------------------------------------

RIS = """TY  - JOUR
ID  - thurston-ris
AU  - Thurston, Alexander
TI  - Jihadists of North Africa
T2  - Survival
VL  - 65
IS  - 2
SP  - 7
EP  - 30
PY  - 2023/04//
DO  - 10.1080/00396338.2023.2193092
ER  -

TY  - NEWS
AU  - Diallo, Tiemoko
TI  - Mali junta takes Kidal
T2  - Reuters
DA  - 2023/11/14
UR  - https://www.reuters.com/kidal
ER  -
"""


def test_ris_records_print_and_keep_lines(tmp_path: Path) -> None:
    sources, problems = load(tmp_path, {"sources.ris": RIS})
    assert problems == []
    assert note(sources, "thurston-ris") == (
        "Alexander Thurston, “Jihadists of North Africa,” Survival 65, no. 2 (April 2023): "
        "7–30, https://doi.org/10.1080/00396338.2023.2193092"
    )
    # A record without an ID tag is keyed by its first author's family name and year.
    assert note(sources, "diallo2023") == (
        "Tiemoko Diallo, Reuters, “Mali junta takes Kidal,” November 14, 2023, "
        "https://www.reuters.com/kidal"
    )
    assert (sources["thurston-ris"].line, sources["diallo2023"].line) == (1, 14)


def test_malformed_ris_names_its_lines(tmp_path: Path) -> None:
    text = "TI  - stray\nTY  - JOUR\nTI  - Open\n"
    assert refused(tmp_path, {"sources.ris": text}) == [
        f"{tmp_path}/sources.ris:1: malformed RIS: expected 'TY  - ' to open a record",
        f"{tmp_path}/sources.ris:2: malformed RIS: record is not closed by 'ER  -'",
    ]


def test_ris_impossible_date_is_a_finding_at_its_record(tmp_path: Path) -> None:
    text = RIS + "\nTY  - RPRT\nID  - bad\nTI  - Report\nDA  - 2023/13/40\nER  - \n"
    sources, problems = load(tmp_path, {"sources.ris": text})
    assert problems == [f"{tmp_path}/sources.ris:22: source 'bad': month 13 is out of range"]
    assert set(sources) == {"thurston-ris", "diallo2023"}


# --- all formats together -------------------------------------------------------------


def test_every_format_is_read_together_and_a_key_twice_names_both_places(
    tmp_path: Path,
) -> None:
    edition = tmp_path / "2023-12-13"
    edition.mkdir()
    (tmp_path / "sources.yaml").write_text("sigact:\n  text: Database.\n", encoding="utf-8")
    (tmp_path / "sources.json").write_text(json.dumps(CSL_ITEMS[:1]), encoding="utf-8")
    (tmp_path / "sources.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "sources.ris").write_text(RIS, encoding="utf-8")
    (edition / "sources.bib").write_text(
        "\n@misc{sigact, title = {Again}}\n@misc{own, title = {Own}}\n", encoding="utf-8"
    )
    problems = Problems()
    sources = load_sources([(tmp_path, False), (edition, True)], problems)
    assert [str(p) for p in problems] == [
        f"{edition}/sources.bib:2: source 'sigact' is already defined at {tmp_path}/sources.yaml:1"
    ]
    assert {"sigact", "lebovich-2019", "thurston2023", "thurston-ris", "own"} <= set(sources)
    assert sources["own"].edition_only and not sources["thurston2023"].edition_only
    assert sources["sigact"].kind == "text"


def test_bibtex_and_ris_parsers_load_only_when_such_a_file_exists(tmp_path: Path) -> None:
    from support import run_script

    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs/sources.yaml").write_text("a:\n  text: A.\n", encoding="utf-8")
    script = (
        "import sys\nfrom pathlib import Path\nfrom weekly.errors import Problems\n"
        "from weekly.inputs.bibliography import load_sources\n"
        "load_sources([(Path('inputs'), False)], Problems())\n"
        "print(sorted(m for m in ('bibtexparser', 'rispy', 'pylatexenc') if m in sys.modules))"
    )
    assert run_script(tmp_path, script) == "[]"
    (tmp_path / "inputs/sources.bib").write_text("@misc{b, title={B}}\n", encoding="utf-8")
    assert "bibtexparser" in run_script(tmp_path, script)


@pytest.mark.parametrize("name", ["sources.bib", "sources.ris"])
def test_archive_rebuilds_when_a_bibtex_or_ris_file_changes(tmp_path: Path, name: str) -> None:
    from weekly.site.archive import shared_hash

    (tmp_path / name).write_text("one\n", encoding="utf-8")
    before = shared_hash(tmp_path)
    (tmp_path / name).write_text("two\n", encoding="utf-8")
    assert shared_hash(tmp_path) != before


def test_reading_and_printing_every_format_opens_no_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a bibliography must never reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    sources, problems = load(
        tmp_path,
        {
            "sources.json": json.dumps(CSL_ITEMS),
            "sources.bib": BIB,
            "sources.ris": RIS,
            "sources.yaml": "paper:\n  doi: 10.1000/182\n",
        },
    )
    assert problems == []
    printed = [print_source(s, first=True, last=True).text for s in sources.values()]
    assert len(printed) == len(CSL_ITEMS) + 4 + 2 + 1
