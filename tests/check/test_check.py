"""``weekly check``: each finding with its message, line and column; exit codes; JSON;
and ``weekly render`` running the same checks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from support import ROOT, SOURCES, UPDATE, write_tree

UPDATE_MD = "inputs/2023-12-13/update.md"
HEDGE_HINT = (
    "say how likely with almost no chance, very unlikely, unlikely, roughly even chance, "
    "likely, very likely, or almost certainly"
)
SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


def make(tmp_path: Path, update: str = UPDATE, sources: str = SOURCES) -> Path:
    """Write the standard edition, ``update.md`` and the shared sources replaced."""
    return write_tree(tmp_path, {"inputs/sources.yaml": sources, UPDATE_MD: update})


def check(weekly, root: Path, *args: str):
    return weekly("check", "--cutoff", "2023-12-13", *args, cwd=root)


def findings(weekly, root: Path) -> list[dict]:
    result = check(weekly, root, "--format", "json")
    return json.loads(result.stdout)


# --- the clean edition and exit codes -------------------------------------------------


@pytest.mark.e2e
def test_clean_edition_prints_only_the_summary(edition: Path, weekly) -> None:
    result = check(weekly, edition)
    assert result.returncode == 0
    assert result.stdout == "no problems found\n"
    assert result.stderr == ""


def test_clean_edition_is_clean_even_when_strict(edition: Path, weekly) -> None:
    assert check(weekly, edition, "--strict").returncode == 0


def test_clean_edition_json_is_an_empty_list(edition: Path, weekly) -> None:
    result = check(weekly, edition, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []


def test_latest_cutoff(edition: Path, weekly) -> None:
    result = weekly("check", "--cutoff", "latest", cwd=edition)
    assert (result.returncode, result.stdout) == (0, "no problems found\n")


# --- the "done when" scenario ---------------------------------------------------------


def test_planted_hedge_in_a_lead(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, UPDATE.replace("will likely fail", "will perhaps fail"))
    result = check(weekly, root)
    assert result.returncode == 0
    assert result.stdout == (
        f"{UPDATE_MD}:18: warning: vague hedge 'perhaps' is not on the ICD 203 scale; "
        f"{HEDGE_HINT} [W201]\n"
        "0 errors, 1 warning\n"
    )
    assert check(weekly, root, "--strict").returncode == 1
    [finding] = findings(weekly, root)
    assert (finding["line"], finding["column"], finding["code"]) == (18, 24, "W201")


def test_bullet_without_citation(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, UPDATE.replace("pulled back.[@acled-dashboard]", "pulled back."))
    result = check(weekly, root)
    assert result.returncode == 0
    assert result.stdout == (
        f"{UPDATE_MD}:16: warning: evidence bullet has no citation; add [@source] [W101]\n"
        "0 errors, 1 warning\n"
    )
    assert check(weekly, root, "--strict").returncode == 1


@pytest.mark.e2e
def test_cited_source_dated_after_the_cutoff(tmp_path: Path, weekly) -> None:
    root = make(tmp_path)
    sources = root / "inputs/sources.yaml"
    sources.write_text(SOURCES.replace("date: 2023-11-14", "date: 2023-12-14"), encoding="utf-8")
    result = check(weekly, root)
    assert result.returncode == 2
    assert result.stdout == (
        f"{UPDATE_MD}:18: error: source 'reuters-kidal' is dated 2023-12-14, "
        "after the data cutoff 2023-12-13 [E102]\n"
        "1 error, 0 warnings\n"
    )
    [finding] = findings(weekly, root)
    assert finding["code"] == "E102"
    assert finding["column"] == len("**Security forces will likely fail to protect civilians.** "
                                     "Reuters reported the army's move north.") + 1  # fmt: skip


def test_uncited_edition_source(tmp_path: Path, weekly) -> None:
    root = make(tmp_path)
    (root / "inputs/2023-12-13/sources.yaml").write_text(
        "extra-report:\n  url: https://example.org/report\n", encoding="utf-8"
    )
    result = check(weekly, root)
    assert result.returncode == 0
    assert result.stdout == (
        "inputs/2023-12-13/sources.yaml:1: warning: source 'extra-report' is defined in "
        "this edition's sources.yaml but never cited [W301]\n"
        "0 errors, 1 warning\n"
    )
    assert check(weekly, root, "--strict").returncode == 1


def test_cited_edition_source_is_fine(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, UPDATE.replace("[@acled-dashboard]", "[@extra-report]"))
    (root / "inputs/2023-12-13/sources.yaml").write_text(
        "extra-report:\n  url: https://example.org/report\n", encoding="utf-8"
    )
    assert check(weekly, root).stdout == "no problems found\n"


def test_findings_are_sorted_and_summed(tmp_path: Path, weekly) -> None:
    update = UPDATE.replace("will likely fail", "will perhaps fail").replace(
        "pulled back.[@acled-dashboard]", "pulled back.[@nowhere]"
    )
    root = make(tmp_path, update)
    (root / "inputs/2023-12-13/sources.yaml").write_text(
        "extra-report:\n  url: https://example.org/report\n", encoding="utf-8"
    )
    result = check(weekly, root, "--strict")
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert lines == [
        "inputs/2023-12-13/sources.yaml:1: warning: source 'extra-report' is defined in "
        "this edition's sources.yaml but never cited [W301]",
        f"{UPDATE_MD}:16: error: unknown source 'nowhere' [E101]",
        f"{UPDATE_MD}:18: warning: vague hedge 'perhaps' is not on the ICD 203 scale; "
        f"{HEDGE_HINT} [W201]",
        "1 error, 2 warnings",
    ]


# --- sourcing -------------------------------------------------------------------------

BODY = """\
---
headline: Test
authors: [Liam Karr]
cutoff: 2023-12-13 10:00
---

{body}"""


def body(text: str) -> str:
    return BODY.format(body=text)


def test_supporting_paragraph_without_citation(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body("**JNIM attacks.**\n\nIt struck 16 times.\n"))
    result = check(weekly, root)
    assert result.stdout.splitlines()[0] == (
        f"{UPDATE_MD}:9: warning: supporting paragraph has no citation; add [@source] [W102]"
    )
    assert findings(weekly, root)[0]["code"] == "W102"


def test_bold_lead_alone_needs_no_citation(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body("**JNIM will likely attack.**\n\n- It struck.[@sigact]\n"))
    assert check(weekly, root).stdout == "no problems found\n"


def test_lead_with_uncited_supporting_sentences(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body("**JNIM will likely attack.** It struck 16 times.\n"))
    assert check(weekly, root).stdout.splitlines()[0] == (
        f"{UPDATE_MD}:7: warning: the sentences after the bold lead judgment have no "
        "citation; add [@source] [W103]"
    )
    assert findings(weekly, root)[0]["code"] == "W103"


def test_same_source_twice_in_one_note(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body("**A.** B.[@sigact; @acled-dashboard; @sigact]\n"))
    assert check(weekly, root).stdout.splitlines()[0] == (
        f"{UPDATE_MD}:7: warning: source 'sigact' is cited twice in one note [W402]"
    )
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["column"]) == ("W402", 10)


# --- estimative language --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "column"),
    [
        ("**JNIM will possibly attack.**", "possibly", 13),
        ("**Maybe JNIM attacks.**", "Maybe", 3),
        ("**JNIM conceivably attacks.**", "conceivably", 8),
        ("**It seems JNIM attacks.**", "It seems", 3),
    ],
)
def test_each_default_hedge(tmp_path: Path, weekly, text: str, word: str, column: int) -> None:
    root = make(tmp_path, body(text + "\n"))
    [finding] = findings(weekly, root)
    assert finding == {
        "file": UPDATE_MD,
        "line": 7,
        "column": column,
        "level": "warning",
        "code": "W201",
        "message": f"vague hedge '{word}' is not on the ICD 203 scale; {HEDGE_HINT}",
    }


def test_hedge_columns_on_a_line_with_several(tmp_path: Path, weekly) -> None:
    text = "**Perhaps A.** B {{ 1 + 1 }} perhaps, [perhaps](https://x.org/perhaps).[@sigact]\n"
    root = make(tmp_path, body(text))
    found = [(f["line"], f["column"], f["message"].split("'")[1]) for f in findings(weekly, root)]
    assert found == [(7, 3, "Perhaps"), (7, 30, "perhaps"), (7, 40, "perhaps")]


def test_hedge_across_a_line_break_points_at_its_first_word(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body("**A.** The group, it\nseems, attacks.[@sigact]\n"))
    [finding] = findings(weekly, root)
    assert (finding["line"], finding["column"]) == (7, 19)
    assert finding["message"].startswith("vague hedge 'it seems' is not")


def test_words_in_urls_citations_and_code_are_not_hedges(tmp_path: Path, weekly) -> None:
    sources = SOURCES + "maybe-later:\n  url: https://example.org/perhaps-maybe\n"
    text = (
        "**A.** See <https://x.org/maybe> and [the report](https://x.org/possibly) "
        "and https://y.org/perhaps and `maybe`.[@maybe-later]\n"
    )
    root = make(tmp_path, body(text), sources)
    assert check(weekly, root).stdout == "no problems found\n"


def test_hedges_in_front_matter_point_at_the_word(tmp_path: Path, weekly) -> None:
    update = UPDATE.replace("  - CTP has paused", "  - CTP has perhaps paused").replace(
        "  Al Qaeda–linked militants are attacking",
        "  Al Qaeda–linked militants are maybe attacking",
    )
    root = make(tmp_path, update)
    found = [(f["line"], f["column"], f["code"]) for f in findings(weekly, root)]
    assert found == [(8, 13, "W201"), (10, 33, "W201")]


def test_mixing_the_two_term_sets(tmp_path: Path, weekly) -> None:
    text = "**JNIM will likely attack.**\n\n**JNIM will probably win.**\n"
    root = make(tmp_path, body(text))
    result = check(weekly, root)
    assert result.stdout.splitlines()[0] == (
        f"{UPDATE_MD}:9: warning: estimative term 'probably' mixes the two ICD 203 term sets: "
        "this edition first uses 'likely' (line 7); keep to almost no chance, very unlikely, "
        "unlikely, roughly even chance, likely, very likely, or almost certainly [W202]"
    )
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["column"]) == ("W202", 13)


def test_one_term_set_is_fine_and_remote_areas_are_not_a_term(tmp_path: Path, weekly) -> None:
    text = "**JNIM will very likely attack remote areas; it is almost certainly able to.**\n"
    root = make(tmp_path, body(text))
    assert check(weekly, root).stdout == "no problems found\n"


SERIES_ALTERNATE = """\
salafi-jihadi:
  estimative_scale: alternate
  hedges: [could, might]
"""


def test_series_sets_the_scale_and_the_hedges(tmp_path: Path, weekly) -> None:
    text = "**JNIM will likely attack and might win; perhaps.**\n"
    root = make(tmp_path, body(text))
    (root / "inputs/series.yaml").write_text(SERIES_ALTERNATE, encoding="utf-8")
    messages = [(f["column"], f["code"], f["message"]) for f in findings(weekly, root)]
    alternate = (
        "remote, highly improbable, improbable, roughly even odds, probable, highly probable, "
        "or nearly certain"
    )
    assert messages == [
        (
            13,
            "W202",
            "estimative term 'likely' mixes the two ICD 203 term sets: series 'salafi-jihadi' "
            f"uses the alternate set; keep to {alternate}",
        ),
        (31, "W201", f"vague hedge 'might' is not on the ICD 203 scale; say how likely with {alternate}"),
    ]  # fmt: skip


def test_empty_hedge_list_turns_the_check_off(tmp_path: Path, weekly) -> None:
    series = "salafi-jihadi:\n  hedges: []\n"
    root = make(tmp_path, body("**Perhaps.**\n"))
    (root / "inputs/series.yaml").write_text(series, encoding="utf-8")
    assert check(weekly, root).stdout == "no problems found\n"


def test_bad_estimative_scale_is_an_error(tmp_path: Path, weekly) -> None:
    root = make(tmp_path)
    (root / "inputs/series.yaml").write_text(
        "salafi-jihadi:\n  estimative_scale: loose\n", encoding="utf-8"
    )
    result = check(weekly, root)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == (
        "inputs/series.yaml:2: error: series 'salafi-jihadi': estimative_scale must be "
        "standard, alternate or either [E002]"
    )


# --- loose ends -----------------------------------------------------------------------


def test_figure_defined_but_never_placed(tmp_path: Path, weekly) -> None:
    update = UPDATE.replace(
        "key_takeaway:", "figures:\n  north-mali:\n    title: North\n    image: figures/n.png\nkey_takeaway:"
    )  # fmt: skip
    root = make(tmp_path, update)
    result = check(weekly, root)
    assert result.stdout.splitlines()[0] == (
        f"{UPDATE_MD}:10: warning: figure 'north-mali' is defined but never placed; "
        'add {{ figure("north-mali") }} to the body [W302]'
    )
    assert findings(weekly, root)[0]["code"] == "W302"


REGIONS = """\
---
headline: Test
authors: [Liam Karr]
cutoff: 2023-12-13 10:00
key_takeaways:
  Mali: JNIM attacks.
  Burkina Faso: JNIM besieges.
---

## Mali

**JNIM attacks.**

## Somalia

**Al Shabaab attacks.**
"""


def test_takeaway_regions_and_sections_must_match(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, REGIONS)
    assert check(weekly, root).stdout.splitlines()[:2] == [
        f"{UPDATE_MD}:7: warning: key takeaway 'Burkina Faso' has no '## Burkina Faso' "
        "section in the body [W303]",
        f"{UPDATE_MD}:14: warning: section '## Somalia' has no entry in key_takeaways [W304]",
    ]
    assert [f["code"] for f in findings(weekly, root)] == ["W303", "W304"]


# --- urls -----------------------------------------------------------------------------


def test_source_url_not_well_formed(tmp_path: Path, weekly) -> None:
    root = make(tmp_path)
    (root / "inputs/sources.yaml").write_text(
        SOURCES.replace("url: https://acleddata.com", "url: htps//acleddata.com"),
        encoding="utf-8",
    )
    assert check(weekly, root).stdout.splitlines()[0] == (
        "inputs/sources.yaml:4: warning: source 'acled-dashboard': url "
        "'htps//acleddata.com/dashboard/#/dashboard' is not well formed "
        "(expected http:// or https:// and a host name) [W401]"
    )


def test_uncited_shared_source_with_a_bad_url_is_not_this_editions_problem(
    tmp_path: Path, weekly
) -> None:
    root = make(tmp_path)
    (root / "inputs/sources.yaml").write_text(
        SOURCES + "old:\n  url: not a url\n", encoding="utf-8"
    )
    assert check(weekly, root).stdout == "no problems found\n"


def test_body_link_not_well_formed(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body("**A.** See [the map](maps/mali.html).[@sigact]\n"))
    [finding] = findings(weekly, root)
    assert finding == {
        "file": UPDATE_MD,
        "line": 7,
        "column": 22,
        "level": "warning",
        "code": "W401",
        "message": "link 'maps/mali.html' is not well formed "
        "(expected http:// or https:// and a host name)",
    }


# --- errors ---------------------------------------------------------------------------


def test_render_errors_are_check_errors(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, body('**A.**[@nowhere]\n\n{{ figure("ghost") }}\n'))
    result = check(weekly, root)
    assert result.returncode == 2
    assert result.stdout == (
        f"{UPDATE_MD}:7: error: unknown source 'nowhere' [E101]\n"
        f"{UPDATE_MD}:9: error: unknown figure 'ghost' [E201]\n"
        "2 errors, 0 warnings\n"
    )


def test_errors_that_stop_assembly_are_printed_as_findings(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, "---\nheadline: [unclosed\n---\n")
    result = check(weekly, root)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    assert re.fullmatch(rf"{UPDATE_MD}:\d+: error: malformed YAML: .+ \[E001\]", lines[0])
    assert lines[-1] == "1 error, 0 warnings"
    [finding] = findings(weekly, root)
    assert (finding["level"], finding["code"]) == ("error", "E001")


def test_missing_edition_is_an_error(edition: Path, weekly) -> None:
    result = weekly("check", "--cutoff", "2023-12-20", cwd=edition)
    assert result.returncode == 2
    assert result.stdout == (
        "inputs/2023-12-20/update.md: error: no edition for cutoff 2023-12-20\n"
        "1 error, 0 warnings\n"
    )


def test_json_shape(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, UPDATE.replace("pulled back.[@acled-dashboard]", "pulled back."))
    result = check(weekly, root, "--format", "json", "--strict")
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "file": UPDATE_MD,
            "line": 16,
            "column": 0,
            "level": "warning",
            "code": "W101",
            "message": "evidence bullet has no citation; add [@source]",
        }
    ]


# --- render runs the same checks ------------------------------------------------------


def test_render_shows_warnings_and_still_renders(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, UPDATE.replace("will likely fail", "will perhaps fail"))
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 0
    assert result.stderr == (
        f"{UPDATE_MD}:18: warning: vague hedge 'perhaps' is not on the ICD 203 scale; "
        f"{HEDGE_HINT} [W201]\n"
    )
    assert (root / "output/2023-12-13" / f"{SLUG}.html").is_file()


def test_render_refuses_on_errors_and_keeps_previous_output(tmp_path: Path, weekly) -> None:
    root = make(tmp_path)
    assert weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root).returncode == 0
    html = root / "output/2023-12-13" / f"{SLUG}.html"
    before = html.read_bytes()
    (root / "inputs/sources.yaml").write_text(
        SOURCES.replace("date: 2023-11-14", "date: 2023-12-14"), encoding="utf-8"
    )
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 2
    assert result.stderr == (
        f"{UPDATE_MD}:18: error: source 'reuters-kidal' is dated 2023-12-14, after the data "
        "cutoff 2023-12-13 [E102]\n"
        "weekly: 1 error; nothing written\n"
    )
    assert html.read_bytes() == before


def test_failed_body_does_not_make_everything_look_unused(tmp_path: Path, weekly) -> None:
    update = UPDATE.replace(
        "key_takeaway:", "figures:\n  north-mali:\n    title: North\n    image: figures/n.png\nkey_takeaway:"
    ).replace("more often.**", "more often.** {{ evnts }}")  # fmt: skip
    root = make(tmp_path, update)
    (root / "inputs/2023-12-13/sources.yaml").write_text(
        "extra-report:\n  url: https://example.org/report\n", encoding="utf-8"
    )
    result = check(weekly, root)
    assert result.returncode == 2
    assert result.stdout == (
        f"{UPDATE_MD}:17: error: template error: 'evnts' is undefined [E020]\n1 error, 0 warnings\n"
    )


# --- the bundled examples -------------------------------------------------------------


@pytest.mark.parametrize("cutoff", ["2023-11-08", "2023-12-13"])
def test_bundled_examples_check_clean(weekly, cutoff: str) -> None:
    result = weekly("check", "--cutoff", cutoff, "--inputs", ROOT / "inputs", "--strict", cwd=ROOT)
    assert (result.returncode, result.stdout, result.stderr) == (0, "no problems found\n", "")


# --- docs -----------------------------------------------------------------------------


def test_every_code_is_documented() -> None:
    from weekly.findings import CODES

    used = set()
    for path in (ROOT / "src/weekly").rglob("*.py"):
        used |= set(re.findall(r"\"([EW]\d{3})\"", path.read_text(encoding="utf-8")))
    documented = set(CODES)  # the registry the docs' code reference is generated from
    assert used, "no codes found in src/"
    assert sorted(used - documented) == []
