"""The analytic integrity rules of ``weekly check``: typed numbers against the events table,
dates against the cutoff, sources against the events they report, stale text carried over
from last week, and judgments whose ICD 203 level changed without a recorded reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support import ROOT, SOURCES, write_tree

UPDATE_MD = "inputs/2023-12-13/update.md"
PREVIOUS_MD = "inputs/2023-12-06/update.md"
INTEGRITY = {"E411", "E416", "W410", "W412", "W413", "W414", "W415"}
#: Where render --draft writes draft pages: the default state folder, never under output/.
DRAFTS = "inputs/.weekly/drafts"

FRONT = """\
---
series: salafi-jihadi
headline: Al Qaeda Strengthens in Central Mali
authors: [Liam Karr]
cutoff: {day} 10:00
published: 2023-12-15
key_takeaway: >-
  {takeaway}
{extra}---

"""

PREVIOUS_BODY = """\
**JNIM will likely keep attacking civilians in central Mali over the coming weeks.** The group struck often.[@sigact]

- Security forces pulled back from several central Malian towns after the rainy season ended.[@acled-dashboard]
- Militants burned a market near Bandiagara.[@tamani-bandiagara]

**Security forces will likely fail to protect civilians.** Reuters reported the army's move toward Kidal.[@reuters-kidal]
"""

BODY = """\
**JNIM will likely keep attacking civilians in central Mali over the coming weeks.** The group struck again.[@sigact]

- The army moved two battalions north.[@acled-dashboard]
- Militants burned a market near Bandiagara.[@tamani-bandiagara]

**Security forces will likely fail to protect civilians.** Reuters reported the army's move north.[@reuters-kidal]
"""


def front(day: str, takeaway: str, extra: str = "") -> str:
    return FRONT.format(day=day, takeaway=takeaway, extra=extra)


def make(
    tmp_path: Path,
    body: str = BODY,
    extra: str = "",
    previous: str | None = PREVIOUS_BODY,
    takeaway: str = "Al Qaeda–linked militants are attacking central Mali more often.",
    sources: str = SOURCES,
) -> Path:
    """Write a two-edition series (December 6 and 13) with the example events table."""
    files = {"inputs/sources.yaml": sources, UPDATE_MD: front("2023-12-13", takeaway, extra) + body}
    if previous is not None:
        last_week = "Militants linked to al Qaeda keep up their pressure on central Mali."
        files[PREVIOUS_MD] = front("2023-12-06", last_week) + previous
    root = write_tree(tmp_path, files)
    shutil.copy(ROOT / "inputs/events.csv", root / "inputs/events.csv")
    return root


def findings(weekly, root: Path, cutoff: str = "2023-12-13") -> list[dict]:
    result = weekly("check", "--cutoff", cutoff, "--format", "json", cwd=root)
    assert result.stderr == ""
    return [f for f in json.loads(result.stdout) if f["code"] in INTEGRITY]


def line_of(root: Path, text: str) -> int:
    lines = (root / UPDATE_MD).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_clean_series_has_no_integrity_finding(tmp_path: Path, weekly) -> None:
    assert findings(weekly, make(tmp_path)) == []


# --- rule 1: typed numbers against the events -------------------------------------------

SEGOU = "JNIM conducted {n} attacks in the Segou region since November 19.[@sigact]\n"


def test_a_typed_count_the_table_contradicts(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, BODY + "\n" + SEGOU.format(n=19))
    [finding] = findings(weekly, root)
    assert finding["code"] == "W410"
    assert finding["line"] == line_of(root, "JNIM conducted 19")
    assert finding["column"] == len("JNIM conducted ") + 1
    assert finding["message"] == (
        "'19 attacks' disagrees with the events table, which gives 5 (JNIM, Segou, since "
        "November 19, 2023); write "
        '{{ events.count(actor1="JNIM", admin1="Segou", since="2023-11-19") }} in its place'
    )


def test_the_expression_to_paste_gives_the_table_s_number(tmp_path: Path, weekly) -> None:
    fixed = (
        'JNIM conducted {{ events.count(actor1="JNIM", admin1="Segou", since="2023-11-19") }} '
        "attacks in the Segou region since November 19.[@sigact]\n"
    )
    root = make(tmp_path, BODY + "\n" + fixed)
    assert findings(weekly, root) == []
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    html = next((root / "output/2023-12-13").glob("*.html")).read_text(encoding="utf-8")
    assert "JNIM conducted five attacks in the Segou region" in html


@pytest.mark.parametrize(
    "sentence",
    [
        SEGOU.format(n=5),
        SEGOU.format(n="five"),
        SEGOU.format(n="at least 4"),
        SEGOU.format(n="more than 3"),
        SEGOU.format(n="about 6"),
        # names no window, several places, or another time the number may be about
        "JNIM conducted 19 attacks in the Segou region.[@sigact]\n",
        "JNIM conducted 19 attacks in the Segou and Mopti regions since November 19.[@sigact]\n",
        "JNIM conducted 19 attacks in the Segou region since November 19, as in July 2023.[@sigact]\n",
        # no actor the table knows, and a rate rather than a count
        "The group conducted 19 attacks in the Segou region since November 19.[@sigact]\n",
        "JNIM averaged four to six attacks a week in the Segou region since November 19.[@sigact]\n",
    ],
)
def test_near_misses_of_the_typed_numbers(tmp_path: Path, weekly, sentence: str) -> None:
    assert findings(weekly, make(tmp_path, BODY + "\n" + sentence)) == []


def test_a_lower_bound_that_does_not_hold(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, BODY + "\n" + SEGOU.format(n="at least 12"))
    [finding] = findings(weekly, root)
    assert (
        "'at least 12 attacks' disagrees with the events table, which gives 5"
        in (finding["message"])
    )


def test_typed_fatalities_use_the_fatalities_helper(tmp_path: Path, weekly) -> None:
    sentence = "JNIM attacks caused 10 fatalities in the Segou region since November 19.[@sigact]\n"
    [finding] = findings(weekly, make(tmp_path, BODY + "\n" + sentence))
    assert "which gives 52" in finding["message"]
    assert (
        '{{ events.fatalities(actor1="JNIM", admin1="Segou", since="2023-11-19") }}'
        in (finding["message"])
    )


# --- rule 2: dates in the prose -----------------------------------------------------------


def test_a_date_after_the_cutoff_is_an_error(tmp_path: Path, weekly) -> None:
    body = BODY.replace("The army moved", "On December 14, the army moved")
    root = make(tmp_path, body)
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2
    line = line_of(root, "On December 14")
    assert result.stdout.splitlines()[0] == (
        f"{UPDATE_MD}:{line}: error: 'December 14' (2023-12-14) is after the data cutoff "
        "2023-12-13: an event of that day cannot be in this edition; correct the date or leave "
        "the event for the next edition [E411]"
    )
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["column"]) == ("E411", len("- On ") + 1)


@pytest.mark.parametrize(
    "words",
    [
        "On December 13, militants burned",  # the cutoff day itself
        "On December 12, 2023, militants burned",
        "On 2023-12-01 militants burned",
        "Militants, due to withdraw by December 31, burned",  # a date ahead, said as such
        "On January 3 militants burned",  # no year: taken as the January before the cutoff
        "Militants, whose truce ends March 26, 2024, burned",  # months ahead: a date to come
    ],
)
def test_near_misses_of_the_dates(tmp_path: Path, weekly, words: str) -> None:
    assert findings(weekly, make(tmp_path, BODY.replace("Militants burned", words))) == []


def test_a_weekday_that_may_be_the_cutoff_day_or_a_week_before(tmp_path: Path, weekly) -> None:
    # December 13, 2023 was a Wednesday.
    root = make(tmp_path, BODY.replace("The army moved", "On Wednesday the army moved"))
    [finding] = findings(weekly, root)
    assert finding["code"] == "W412"
    assert finding["message"] == (
        "'On Wednesday' may be the cutoff day, December 13, 2023, or December 6, 2023: write "
        "the date"
    )
    other_day = make(tmp_path / "b", BODY.replace("The army moved", "On Sunday the army moved"))
    assert findings(weekly, other_day) == []


# --- rule 3: sources older than the events they report ----------------------------------


def test_an_event_cited_to_an_older_source(tmp_path: Path, weekly) -> None:
    body = BODY.replace(
        "Reuters reported the army's move north.", "On November 30, the army moved north."
    )
    root = make(tmp_path, body)
    [finding] = findings(weekly, root)
    assert finding["code"] == "W413"
    assert finding["line"] == line_of(root, "On November 30")
    assert finding["message"] == (
        "the event of November 30, 2023 is cited only to 'reuters-kidal' (dated 2023-11-14), "
        "published before it: cite the report of that event"
    )


@pytest.mark.parametrize(
    "replacement",
    [
        "On November 14, the army moved north.[@reuters-kidal]",  # the same day
        "On November 30, the army moved north.[@reuters-kidal; @sigact]",  # an undated source
        "On November 30, the army moved north.[@tamani-bandiagara]",  # undated too
        "On November 10, the army moved north.[@reuters-kidal]",  # reported after
    ],
)
def test_near_misses_of_the_source_dates(tmp_path: Path, weekly, replacement: str) -> None:
    body = BODY.replace("Reuters reported the army's move north.[@reuters-kidal]", replacement)
    assert findings(weekly, make(tmp_path, body)) == []


# --- rule 4: stale text -----------------------------------------------------------------


def test_a_bullet_carried_over_unchanged(tmp_path: Path, weekly) -> None:
    stale = "- Security forces pulled back from several central Malian towns after the rainy season ended.[@acled-dashboard]\n"  # noqa: E501
    body = BODY.replace("- The army moved two battalions north.[@acled-dashboard]\n", stale)
    root = make(tmp_path, body.replace("[@acled-dashboard]", "[@acled-dashboard; @sigact]"))
    [finding] = findings(weekly, root)
    assert finding["code"] == "W414"
    assert finding["line"] == line_of(root, "Security forces pulled back")
    assert finding["message"] == (
        "bullet unchanged since the December 6, 2023 edition (inputs/2023-12-06/update.md:13): "
        "update it, or mark it {# standing #} on the line above if it is meant to stay"
    )


def test_standing_text_and_changed_text_are_not_stale(tmp_path: Path, weekly) -> None:
    standing = (
        "{# standing #}\n"
        "CTP tracks the Salafi-jihadi movement in the Sahel from open sources each week.[@sigact]\n"
    )
    previous = PREVIOUS_BODY + "\n" + standing
    body = BODY + "\n" + standing
    assert findings(weekly, make(tmp_path, body, previous=previous)) == []
    # one word changed is not stale; neither is a short bullet both weeks share
    tweaked = "- Security forces pulled back from several central Malian towns after the rains ended.[@acled-dashboard]\n"  # noqa: E501
    body = BODY.replace("- The army moved two battalions north.[@acled-dashboard]\n", tweaked)
    assert findings(weekly, make(tmp_path / "b", body)) == []


def test_a_key_takeaway_carried_over(tmp_path: Path, weekly) -> None:
    root = make(
        tmp_path, takeaway="Militants linked to al Qaeda keep up their pressure on central Mali."
    )
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["line"]) == ("W414", 7)
    assert finding["message"].startswith("key takeaway unchanged since the December 6, 2023")


def test_no_previous_edition_means_no_stale_text(tmp_path: Path, weekly) -> None:
    assert findings(weekly, make(tmp_path, PREVIOUS_BODY, previous=None)) == []


# --- rule 5: judgments over time --------------------------------------------------------


def test_a_judgment_whose_level_changed_without_a_reason(tmp_path: Path, weekly) -> None:
    body = BODY.replace(
        "Security forces will likely fail", "Security forces will almost certainly fail"
    )
    root = make(tmp_path, body)
    [finding] = findings(weekly, root)
    assert finding["code"] == "W415"
    assert finding["line"] == line_of(root, "Security forces will almost certainly")
    assert finding["message"] == (
        "judgment moved from 'likely' (likely, the December 6, 2023 edition, "
        "inputs/2023-12-06/update.md:16) to 'almost certainly' (almost certainly) with no "
        'reason recorded: say why under changes: in the front matter ("Security forces will '
        'almost certainly fail": why)'
    )


def test_a_recorded_reason_settles_the_change(tmp_path: Path, weekly) -> None:
    body = BODY.replace(
        "Security forces will likely fail", "Security forces will almost certainly fail"
    )
    extra = (
        "changes:\n"
        "  Security forces will almost certainly fail: >-\n"
        "    The last UN base in the region closed on December 9.\n"
    )
    assert findings(weekly, make(tmp_path, body, extra=extra)) == []


def test_a_malformed_changes_field(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, extra="changes: [one, two]\n")
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["line"]) == ("E416", 9)


@pytest.mark.parametrize(
    "old,new",
    [
        # a changed sentence that is not the judgment
        ("Reuters reported the army's move north.", "Reuters said the army went north."),
        # a reworded judgment at the same level
        ("Security forces will likely fail to protect", "Security forces will likely fail to shield"),
        # a different judgment altogether: last week's ended, this one is new
        ("**Security forces will likely fail to protect civilians.**",
         "**The junta will almost certainly postpone the elections.**"),
    ],
)  # fmt: skip
def test_near_misses_of_the_judgments(tmp_path: Path, weekly, old: str, new: str) -> None:
    assert findings(weekly, make(tmp_path, BODY.replace(old, new))) == []


# --- the real editions -------------------------------------------------------------------


def test_the_real_editions_gain_no_finding(tmp_path: Path, weekly) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "inputs", root / "inputs")
    for cutoff in ("2023-11-08", "2023-12-13"):
        assert findings(weekly, root, cutoff) == []


# --- weekly judgments ----------------------------------------------------------------------


def test_judgments_follows_each_judgment_across_editions(tmp_path: Path, weekly) -> None:
    body = BODY.replace(
        "**Security forces will likely fail to protect civilians.**",
        "**Security forces will almost certainly fail to protect civilians.**",
    )
    extra = "changes:\n  Security forces will almost certainly: Two more bases closed.\n"
    root = make(tmp_path, body, extra=extra)
    result = weekly("judgments", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    rows = [(r["date"], r["thread"], r["status"], r["kind"], r["level"], r["reason"])
            for r in json.loads(result.stdout)]  # fmt: skip
    assert rows == [
        ("2023-12-06", 1, "new", "takeaway", "", ""),
        ("2023-12-06", 2, "new", "lead", "likely", ""),
        ("2023-12-06", 3, "new", "lead", "likely", ""),
        # this week's takeaway is a new one: last week's ended
        ("2023-12-13", 4, "new", "takeaway", "", ""),
        ("2023-12-13", 2, "same", "lead", "likely", ""),
        ("2023-12-13", 3, "changed", "lead", "almost certainly", "Two more bases closed."),
        ("2023-12-13", 1, "ended", "takeaway", "", ""),
    ]


def test_judgments_as_csv_and_text(tmp_path: Path, weekly) -> None:
    root = make(tmp_path)
    result = weekly("judgments", "--series", "salafi-jihadi", "--format", "csv", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "series,date,thread,status,kind,section,level,text,reason"
    assert lines[2] == (
        "salafi-jihadi,2023-12-06,2,new,lead,,likely,JNIM will likely keep attacking civilians "
        "in central Mali over the coming weeks.,"
    )
    text = weekly("judgments", cwd=root).stdout.splitlines()
    assert text[0] == "series salafi-jihadi"
    assert text[-1] == (
        "2023-12-13  #1 ended   takeaway (no estimative term): Militants linked to al Qaeda "
        "keep up their pressure on central Mali."
    )


def test_judgments_of_an_unknown_series(tmp_path: Path, weekly) -> None:
    result = weekly("judgments", "--series", "nope", cwd=make(tmp_path))
    assert result.returncode == 2
    assert result.stderr == "weekly: error: no judgments for series 'nope' under inputs\n"


# --- where the findings show ----------------------------------------------------------------


def test_render_and_the_draft_panel_show_the_findings(tmp_path: Path, weekly) -> None:
    body = BODY.replace(
        "Security forces will likely fail", "Security forces will almost certainly fail"
    )
    root = make(tmp_path, body)
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", "--draft", cwd=root)
    assert result.returncode == 0, result.stderr
    line = line_of(root, "Security forces will almost certainly")
    assert f"{UPDATE_MD}:{line}: warning: judgment moved from 'likely'" in result.stderr
    draft = next((root / DRAFTS / "2023-12-13").glob("*.draft.html")).read_text(encoding="utf-8")
    panel = draft[draft.index('<ul class="draft-findings">') :]
    assert panel.startswith(
        f'<ul class="draft-findings">\n<li class="warning"><a href="#L{line}">'
        f'<span class="where">{UPDATE_MD}:{line}</span><span class="level">warning</span>'
        "judgment moved from &#39;likely&#39;"
    )


def test_preview_shows_the_findings(tmp_path: Path) -> None:
    from weekly.preview.state import Preview  # the draft server's rebuild, without the server

    body = BODY.replace("The army moved", "On December 14, the army moved")
    root = make(tmp_path, body)
    page = Preview(root / "inputs", "2023-12-13", pdf_enabled=False).build()
    [error] = page.errors
    assert (error.code, error.line) == ("E411", line_of(root, "On December 14"))
    assert b"is after the data cutoff 2023-12-13" in page.html


def test_the_archive_has_a_judgments_page_per_series(tmp_path: Path) -> None:
    from weekly.site.archive import build_archive

    body = BODY.replace(
        "Security forces will likely fail", "Security forces will almost certainly fail"
    )
    extra = "changes:\n  Security forces will almost certainly: Two <b>more</b> bases closed.\n"
    # the archive builds every edition: last week's may not cite a source of December 12
    sources = SOURCES.replace("date: 2023-12-12", "date: 2023-12-05")
    root = make(tmp_path, body, extra=extra, sources=sources)
    build_archive(root / "inputs", root / "output", ("html",))
    page = (root / "output/series/salafi-jihadi-judgments.html").read_text(encoding="utf-8")
    rows = page[page.index("<tbody>") : page.index("</tbody>")].splitlines()[1:]
    assert len(rows) == 7
    assert rows[5] == (
        '<tr class="changed"><td>2023-12-13</td><td>3</td><td>changed</td><td></td>'
        "<td>Security forces will almost certainly fail to protect civilians.</td>"
        "<td>almost certainly</td><td>Two &lt;b&gt;more&lt;/b&gt; bases closed.</td></tr>"
    )
    assert '<a href="../index.html">All editions</a>' in page


def test_the_judgments_pages_read_through_the_archive_s_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weekly.check import history
    from weekly.site.archive import build_archive

    sources = SOURCES.replace("date: 2023-12-12", "date: 2023-12-05")
    root = make(tmp_path, BODY, sources=sources)
    reads: list[str] = []
    real = history._read_written

    def counted(path: Path, caches):  # type: ignore[no-untyped-def]
        reads.append(path.parent.name)
        return real(path, caches)

    monkeypatch.setattr(history, "_read_written", counted)
    build_archive(root / "inputs", root / "output", ("html",), jobs=1)
    assert (root / "output/series/salafi-jihadi-judgments.html").is_file()
    # each edition read once: by the checks (the later one's W414) and then by the page
    assert sorted(reads) == ["2023-12-06", "2023-12-13"]


def test_an_acled_actor_is_named_by_the_part_before_its_colon(tmp_path: Path, weekly) -> None:
    root = make(
        tmp_path, BODY + "\nJNIM conducted 3 attacks in Mopti since November 19.[@sigact]\n"
    )
    jnim = "JNIM: Group for Support of Islam and Muslims"
    rows = [
        ("2023-11-20", jnim, "Mopti"),
        ("2023-11-25", jnim, "Mopti"),
        ("2023-11-10", jnim, "Mopti"),  # before the window
        ("2023-11-26", "ISSP", "Mopti"),
    ]
    (root / "inputs/events.csv").write_text(
        "event_date,event_type,actor1,admin1,location,country,fatalities\n"
        + "".join(f'{day},Battles,"{actor}",{place},Sevare,Mali,1\n' for day, actor, place in rows),
        encoding="utf-8",
    )
    [finding] = findings(weekly, root)
    assert finding["message"] == (
        f"'3 attacks' disagrees with the events table, which gives 2 ({jnim}, Mopti, since "
        f'November 19, 2023); write {{{{ events.count(actor1="{jnim}", admin1="Mopti", '
        'since="2023-11-19") }} in its place'
    )


# --- what weekly new carried over, marked in the draft ---------------------------------------


def test_new_records_what_it_carried_and_the_draft_marks_it(tmp_path: Path, weekly) -> None:
    extra = "notices:\n  - The update takes a break over the holidays.\n"
    root = make(tmp_path, previous=None)
    (root / UPDATE_MD).write_text(
        front("2023-12-13", "Militants keep up their pressure on central Mali.", extra) + BODY,
        encoding="utf-8",
    )
    result = weekly("new", "--cutoff", "2023-12-20", cwd=root)
    assert result.returncode == 0, result.stderr
    record = json.loads((root / "inputs/2023-12-20/carried.json").read_text(encoding="utf-8"))
    assert record == {
        "from": "2023-12-13",
        "notices": ["The update takes a break over the holidays."],
        "takeaways": ["Militants keep up their pressure on central Mali."],
        "leads": [
            "JNIM will likely keep attacking civilians in central Mali over the coming weeks.",
            "Security forces will likely fail to protect civilians.",
        ],
    }
    # The analyst keeps the notice (deleting the REVIEW marker `new` put above it) and
    # uncomments one of last week's judgments unchanged.
    new = root / "inputs/2023-12-20/update.md"
    text = new.read_text(encoding="utf-8").replace("TODO: headline", "A Headline")
    marker = "  # REVIEW: carried over from 2023-12-13\n"
    assert marker in text
    text = text.replace(marker, "")
    text = text.replace("TODO: key takeaway", "JNIM is besieging towns in central Mali.")
    text += (
        "\n**Security forces will likely fail to protect civilians.** Patrols stopped.[@sigact]\n"
    )
    new.write_text(text, encoding="utf-8")
    lead = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("**Security"))
    result = weekly("render", "--cutoff", "2023-12-20", "--format", "html", "--draft", cwd=root)
    assert result.returncode == 0, result.stderr
    draft = next((root / DRAFTS / "2023-12-20").glob("*.draft.html")).read_text(encoding="utf-8")
    panel = draft[
        draft.index("<h2>Carried over</h2>") : draft.index(
            "</style>", draft.index("weekly-carried-style")
        )
    ]
    assert "as in the 2023-12-13 edition" in panel
    assert "<li>Notice 1</li>" in panel
    assert f'<li><a href="#L{lead}">update.md line {lead}</a></li>' in panel
    assert f".draft .notices > p:nth-of-type(1), .draft #L{lead}, " in panel
    assert f'id="L{lead}"' in draft
    # neither the final page nor a rewritten edition carries the mark
    final = next(p for p in (root / "output/2023-12-20").glob("*.html") if ".draft." not in p.name)
    assert "Carried over" not in final.read_text(encoding="utf-8")
    new.write_text(
        text.replace(
            "Security forces will likely fail to protect civilians.", "Patrols ended."
        ).replace("The update takes a break over the holidays.", "The update is back."),
        encoding="utf-8",
    )
    weekly("render", "--cutoff", "2023-12-20", "--format", "html", "--draft", cwd=root)
    draft = next((root / DRAFTS / "2023-12-20").glob("*.draft.html")).read_text(encoding="utf-8")
    assert "<h2>Carried over</h2>" not in draft


def test_the_draft_shows_what_a_relative_date_means(tmp_path: Path, weekly) -> None:
    body = BODY.replace(
        "The army moved two battalions north.",
        "On Sunday the army moved two battalions north, and **yesterday** it moved on Sunday's plan.",
    )
    root = make(tmp_path, body)
    assert findings(weekly, root) == []  # December 13, 2023 was a Wednesday: no ambiguity
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", "--draft", cwd=root)
    assert result.returncode == 0, result.stderr
    draft = next((root / DRAFTS / "2023-12-13").glob("*.draft.html")).read_text(encoding="utf-8")
    line = line_of(root, "On Sunday")
    item = draft[draft.index(f'<li id="L{line}"') :]
    item = item[: item.index("</li>")]
    assert (
        '<span class="draft-date" title="On Sunday: December 10, 2023">On Sunday</span> the army'
    ) in item
    assert (
        '<strong><span class="draft-date" title="yesterday: December 12, 2023">yesterday</span>'
        "</strong>"
    ) in item
    final = next(p for p in (root / "output/2023-12-13").glob("*.html") if ".draft." not in p.name)
    assert "draft-date" not in final.read_text(encoding="utf-8")


def test_an_actor_alias_the_series_declares(tmp_path: Path, weekly) -> None:
    sentence = "The Macina Liberation Front conducted 19 attacks in the Segou region since November 19.[@sigact]\n"  # noqa: E501
    root = make(tmp_path, BODY + "\n" + sentence)
    assert findings(weekly, root) == []  # a name the table does not know
    (root / "inputs/series.yaml").write_text(
        "salafi-jihadi:\n  actor_aliases:\n    Macina Liberation Front: JNIM\n"
        "    Ansarul Islam: Ansaroul Islam\n",  # not an actor of the table: ignored
        encoding="utf-8",
    )
    [finding] = findings(weekly, root)
    assert finding["message"].startswith(
        "'19 attacks' disagrees with the events table, which gives 5"
    )
    (root / "inputs/series.yaml").write_text(
        "salafi-jihadi:\n  actor_aliases: [JNIM]\n", encoding="utf-8"
    )
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2
    assert (
        "inputs/series.yaml:2: error: series 'salafi-jihadi': actor_aliases must map a name to "
        "the events table's actor1"
    ) in result.stdout


def test_judgments_are_matched_within_their_section(tmp_path: Path, weekly) -> None:
    def body(mali: str, niger: str, week: str) -> str:
        return (
            f"## Mali\n\n**JNIM {mali} besiege more towns in central Mali this month.** "
            f"The group struck {week}.[@sigact]\n\n"
            f"## Niger\n\n**The junta {niger} expel more Western forces from Niger.** "
            f"It said so {week}.[@sigact]\n"
        )

    previous = body("will likely", "will likely", "last week")
    root = make(tmp_path, body("will likely", "is unlikely to", "again"), previous=previous)
    [finding] = findings(weekly, root)
    assert finding["code"] == "W415"
    assert finding["line"] == line_of(root, "**The junta is unlikely to")
    assert "moved from 'likely' (likely, the December 6, 2023 edition" in finding["message"]
    assert "to 'unlikely' (unlikely) with no reason recorded" in finding["message"]
    # the same judgment under another heading last week is another judgment
    elsewhere = previous.replace("## Niger", "## Burkina Faso")
    now = body("will likely", "is unlikely to", "again")
    assert findings(weekly, make(tmp_path / "b", now, previous=elsewhere)) == []


@pytest.mark.parametrize(
    "previous_text",
    [b"not an edition", b"---\nkey_takeaway: [unclosed\n---\nText.\n", b"\xff\xfe\x00bad"],
)
def test_a_broken_previous_edition_or_record_is_no_finding(
    tmp_path: Path, weekly, previous_text: bytes
) -> None:
    root = make(tmp_path, previous=None)
    (root / "inputs/2023-12-06").mkdir()
    (root / PREVIOUS_MD).write_bytes(previous_text)
    (root / "inputs/2023-12-13/carried.json").write_bytes(b'{"notices": [1, {"a": 2}], "from": 5')
    assert findings(weekly, root) == []
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", "--draft", cwd=root)
    assert result.returncode == 0, result.stderr
    assert weekly("judgments", cwd=root).returncode == 0


def test_check_suggest_lists_the_numbers_the_table_agrees_with(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, BODY + "\n" + SEGOU.format(n="five") + "\n" + SEGOU.format(n=9))
    result = weekly("check", "--cutoff", "2023-12-13", "--suggest", cwd=root)
    assert result.returncode == 0, result.stderr
    agreeing, disagreeing = line_of(root, "conducted five"), line_of(root, "conducted 9")
    expression = '{{ events.count(actor1="JNIM", admin1="Segou", since="2023-11-19") }}'
    assert result.stdout.splitlines() == [
        f"{UPDATE_MD}:{disagreeing}: warning: '9 attacks' disagrees with the events table, "
        f"which gives 5 (JNIM, Segou, since November 19, 2023); write {expression} in its place "
        "[W410]",
        f"{UPDATE_MD}:{agreeing}: suggestion: 'five attacks' agrees with the events table; "
        f"{expression} would keep it current",
        "0 errors, 1 warning",
    ]
    # --quiet prints errors only: neither the warning nor the suggestion
    hushed = weekly("check", "--cutoff", "2023-12-13", "--suggest", "--quiet", cwd=root)
    assert (hushed.returncode, hushed.stdout) == (0, "")
    listed = json.loads(
        weekly("check", "--cutoff", "2023-12-13", "--suggest", "--format", "json", cwd=root).stdout
    )
    assert [(f["level"], f["line"]) for f in listed] == [
        ("warning", disagreeing),
        ("suggestion", agreeing),
    ]
    assert listed[1]["column"] == 16 and listed[1]["message"].startswith("'five attacks' agrees")
    assert weekly("check", "--cutoff", "2023-12-13", cwd=root).stdout.count("suggestion") == 0


def test_the_previous_edition_is_read_once_whatever_the_number_of_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weekly import pipeline

    many = "".join(
        f"- Militants struck village number {i} near Bandiagara on the plateau.[@sigact]\n"
        for i in range(40)
    )
    root = make(tmp_path, BODY + "\n" + many, previous=PREVIOUS_BODY + "\n" + many)
    reads: list[Path] = []
    read_text = Path.read_text

    def counted(self: Path, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        reads.append(self)
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counted)
    found = pipeline.check(root / "inputs", "2023-12-13")
    assert len([f for f in found if f.code == "W414"]) == 40
    previous = (root / PREVIOUS_MD).resolve()
    # once for its series and date (E005's reader), once for its blocks and judgments
    assert [p for p in reads if p.resolve() == previous] == [root / PREVIOUS_MD] * 2


@pytest.mark.parametrize(
    "sentence,expected",
    [
        (
            "JNIM conducted 7 attacks in the Segou region between November 20 and December 1.[@sigact]\n",  # noqa: E501
            "which gives 2 (JNIM, Segou, between November 20, 2023 and December 1, 2023); write "
            '{{ events.count(actor1="JNIM", admin1="Segou", since="2023-11-20", '
            'until="2023-12-01") }}',
        ),
        (
            "JNIM conducted 9 attacks in the Mopti region last week.[@sigact]\n",
            "which gives 4 (JNIM, Mopti, last week (December 4, 2023 to December 10, 2023)); "
            'write {{ events.count(actor1="JNIM", admin1="Mopti", since="2023-12-04", '
            'until="2023-12-10") }}',
        ),
    ],
)
def test_the_windows_between_and_last_week(
    tmp_path: Path, weekly, sentence: str, expected: str
) -> None:
    [finding] = findings(weekly, make(tmp_path, BODY + "\n" + sentence))
    assert expected in finding["message"]
    agreeing = sentence.replace(" 7 ", " 2 ").replace(" 9 ", " four ")
    assert findings(weekly, make(tmp_path / "b", BODY + "\n" + agreeing)) == []


def test_a_date_after_the_cutoff_in_the_key_takeaway(tmp_path: Path, weekly) -> None:
    root = make(
        tmp_path, takeaway="On December 15 JNIM overran a base near Niono, in central Mali."
    )
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["line"], finding["column"]) == ("E411", 7, 0)
    assert finding["message"].startswith("'December 15' (2023-12-15) is after the data cutoff")


def test_an_event_in_the_key_takeaway_cited_to_an_older_source(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, takeaway="On November 30 the army moved north.[@reuters-kidal]")
    [finding] = findings(weekly, root)
    assert (finding["code"], finding["line"], finding["column"]) == ("W413", 7, 0)
    assert finding["message"] == (
        "the event of November 30, 2023 is cited only to 'reuters-kidal' (dated 2023-11-14), "
        "published before it: cite the report of that event"
    )
    # reported on the day of the event or later: no finding
    root = make(tmp_path / "same-day", takeaway="On November 14 the army moved.[@reuters-kidal]")
    assert findings(weekly, root) == []
