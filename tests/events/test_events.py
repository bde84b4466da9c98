"""The events table: reading, date forms, the cutoff, the body helpers and their errors."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from support import SOURCES, UPDATE, run_script, write_tree
from support.events import HEADER, held_out_rows, render_errors, table
from weekly.errors import Problems
from weekly.events import helpers as facts
from weekly.events import table as events
from weekly.resolve.update import assemble

SLUG = "salafi-jihadi-movement-weekly-update-december-13-2023"


def make(
    tmp_path: Path, events_text: str | bytes, body: str = "", name: str = "events.csv"
) -> Path:
    """Write the fixture edition with ``body`` appended and an events table; return the root."""
    return write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": UPDATE + body,
            f"inputs/{name}": events_text,
        },
    )


def helpers(root: Path) -> facts.EventHelpers:
    problems = Problems()
    update = assemble(root / "inputs", "2023-12-13", problems)
    helper = facts.body_helpers(update.edition, problems)["events"]
    assert isinstance(helper, facts.EventHelpers)
    return helper


def test_held_out_rows_are_right() -> None:
    rows = [
        r for r in held_out_rows() if r[2] == "JNIM" and "2023-11-19" <= str(r[0]) <= "2023-12-13"
    ]
    assert len(rows) == 16
    assert sum(r[3] == "Mopti" for r in rows) == 11


def test_count_per_week_share_fatalities(tmp_path: Path) -> None:
    ev = helpers(make(tmp_path, table(held_out_rows())))
    assert ev.count(actor1="JNIM", since="2023-11-19") == 16
    assert ev.count(actor1="JNIM") == 17
    assert ev.count() == 19  # the two events after the cutoff are invisible
    assert ev.count(until="2030-01-01") == 19  # until never reaches past the cutoff
    assert ev.count(actor1=["JNIM", "FAMa"], since="2023-11-19") == 17
    assert ev.count(admin1="Mopti", actor1="JNIM", since="2023-11-19", until="2023-11-30") == 6
    assert ev.count(since="2023-11-19", until="2023-11-19") == 1  # both ends inclusive
    assert ev.count(fatalities=5) == 1  # numeric columns compare as numbers
    assert round(ev.per_week(actor1="JNIM", since="2023-11-19"), 4) == round(16 / (25 / 7), 4)
    assert str(ev.per_week(actor1="JNIM", since="2023-11-19")) == "4.5"
    share = ev.share({"admin1": "Mopti"}, actor1="JNIM", since="2023-11-19")
    assert share == 11 / 16
    assert str(share) == "69 percent"
    assert ev.fatalities(actor1="JNIM", since="2023-11-19") == 32
    assert ev.fatalities(actor1="JNIM") == 33


def test_numbers_print_in_ap_style(tmp_path: Path) -> None:
    ev = helpers(make(tmp_path, table(held_out_rows())))
    assert str(ev.count(actor1="FAMa")) == "one"
    assert str(ev.count(actor1="JNIM")) == "17"
    assert str(ev.per_week(actor1="JNIM", since="2023-12-07")) == "four"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-19", "2023-11-19"),
        ("19 November 2023", "2023-11-19"),
        ("01-January-2023", "2023-01-01"),
        ("16 May 2023", "2023-05-16"),
        ("16 Nov 2023", "2023-11-16"),
        (" 2023-11-19 ", "2023-11-19"),
    ],
)
def test_date_forms(tmp_path: Path, value: str, expected: str) -> None:
    ev = helpers(make(tmp_path, table([[value, "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"]])))
    assert ev.count(since=expected, until=expected) == 1


def test_utf8_with_bom_and_accents(tmp_path: Path) -> None:
    rows = [["2023-11-19", "Battles", "JNIM", "Ségou", "Niono", 0, "Mali"]]
    ev = helpers(make(tmp_path, table(rows, bom=True)))
    assert ev.count(admin1="Ségou") == 1


def test_xlsx_table(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([dt.datetime(2023, 11, 20), "Battles", "JNIM", "Mopti", "Mopti", 3, "Mali"])
    sheet.append(["21 November 2023", "Battles", "JNIM", "Segou", "Segou", 1, "Mali"])
    sheet.append(["2023-12-20", "Battles", "JNIM", "Segou", "Segou", 1, "Mali"])
    out = io.BytesIO()
    book.save(out)
    ev = helpers(make(tmp_path, out.getvalue(), name="events.xlsx"))
    assert ev.count(actor1="JNIM") == 2
    assert ev.fatalities(admin1="Mopti") == 3


def test_parquet_table(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    data = pa.table(
        {
            "event_date": pa.array([dt.date(2023, 11, 20), dt.date(2023, 12, 20)]),
            "event_type": ["Battles", "Battles"],
            "actor1": ["JNIM", "JNIM"],
            "admin1": ["Mopti", "Mopti"],
            "location": ["Mopti", "Mopti"],
            "fatalities": pa.array([4, 6], pa.int64()),
        }
    )
    out = io.BytesIO()
    pq.write_table(data, out)
    ev = helpers(make(tmp_path, out.getvalue(), name="events.parquet"))
    assert ev.count() == 1
    assert ev.fatalities() == 4


def test_extra_columns_are_kept_and_filterable(tmp_path: Path) -> None:
    header = [*HEADER, "analyst_tag"]
    rows = [["2023-11-19", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali", "offensive"]]
    ev = helpers(make(tmp_path, table(rows, header)))
    assert ev.count(analyst_tag="offensive") == 1


def test_cache_is_written_and_refreshed_when_the_source_changes(tmp_path: Path) -> None:
    root = make(tmp_path, table(held_out_rows()))
    assert helpers(root).count(actor1="FAMa") == 1
    cache = root / "inputs" / ".weekly-cache" / "events.csv.parquet"
    assert cache.is_file()
    assert (root / "inputs" / ".weekly-cache" / ".gitignore").read_text().endswith("*\n")
    rows = [*held_out_rows(), ["2023-12-02", "Battles", "FAMa", "Mopti", "Mopti", 0, "Mali"]]
    (root / "inputs" / "events.csv").write_text(table(rows), encoding="utf-8")
    assert helpers(root).count(actor1="FAMa") == 2


def test_cached_copy_is_used_when_current(tmp_path: Path) -> None:
    root = make(tmp_path, table(held_out_rows()))
    helpers(root).count()
    source = root / "inputs" / "events.csv"
    data, problems = events.read_table(source)
    assert problems == []
    assert hasattr(data, "schema_arrow")  # a ParquetFile: the cache, not the CSV


def test_cached_copy_answers_as_the_source_does(tmp_path: Path) -> None:
    root = make(tmp_path, table(held_out_rows()))

    def answers() -> list[object]:
        found = helpers(root)  # a fresh Caches: the table is read from the cache once it exists
        return [
            found.count(actor1="JNIM", admin1=["Mopti", "Segou"], since="2023-11-19"),
            found.per_week(actor1="JNIM", since="2023-11-19"),
            found.share({"admin1": "Mopti"}, actor1="JNIM", since="2023-11-19"),
            found.fatalities(country="Mali"),
            found.count(fatalities=0),
        ]

    cache = root / "inputs" / ".weekly-cache" / "events.csv.parquet"
    first = answers()
    assert cache.is_file()
    data, _ = events.read_table(root / "inputs" / "events.csv")
    text = data.read(columns=["actor1"])["actor1"]
    assert str(text.type) == "dictionary<values=string, indices=int32, ordered=0>"
    assert answers() == first


@pytest.mark.slow
def test_edition_without_events_does_not_import_pandas(edition: Path) -> None:
    script = (
        "import sys\nfrom pathlib import Path\nfrom weekly.resolve.update import assemble\n"
        "from weekly.errors import Problems\n"
        "assemble(Path('inputs'), '2023-12-13', Problems())\n"
        "print(sorted(m for m in ('pandas', 'pyarrow', 'matplotlib') if m in sys.modules))\n"
    )
    assert run_script(edition, script) == "[]"


# -- held-out edition, end to end ---------------------------------------------------------

HELD_OUT_BODY = """
**The pace held.** JNIM carried out at least {{ events.count(actor1="JNIM", since="2023-11-19") }} attacks since November 19, or {{ events.per_week(actor1="JNIM", since="2023-11-19") }} attacks per week, roughly {{ events.share({"admin1": "Mopti"}, actor1="JNIM", since="2023-11-19") | percent }} of them in Mopti.[@sigact]

{{ figure("pace") }}
"""
HELD_OUT_FIGURE = """\
figures:
  pace:
    title: JNIM Attacks per Week
    chart: weekly
    where: {actor1: JNIM}
    since: 2023-10-01
    source: Liam Karr.
---
"""


def held_out_edition(tmp_path: Path) -> Path:
    update = UPDATE.replace("---\n\n**JNIM", HELD_OUT_FIGURE + "\n**JNIM", 1)
    return write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": update + HELD_OUT_BODY,
            "inputs/events.csv": table(held_out_rows()),
        },
    )


def test_held_out_edition_renders_facts_and_chart(tmp_path: Path, weekly) -> None:
    root = held_out_edition(tmp_path)
    result = weekly("render", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 0, result.stderr
    folder = root / "output" / "2023-12-13"
    expected = "at least 16 attacks since November 19, or 4.5 attacks per week, roughly 69 percent"
    html = (folder / f"{SLUG}.html").read_text(encoding="utf-8")
    assert expected in html
    assert 'src="figures/pace.svg"' in html
    svg = (folder / "figures" / "pace.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<text" in svg and "Data cutoff, Dec. 13" in svg
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / f"{SLUG}.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert expected in flat
    assert "Figure 1. JNIM Attacks per Week" in flat
    assert "Data cutoff, Dec. 13" in flat  # chart text stays text in the PDF


# -- bad input ----------------------------------------------------------------------------


USES_EVENTS = '\nJNIM struck {{ events.count(actor1="JNIM") }} times.[@sigact]\n'
BODY_LINE = UPDATE.count("\n") + 2  # the line of USES_EVENTS' sentence


def test_bad_date_names_file_line_column_and_value(tmp_path: Path, weekly) -> None:
    rows = [["2023-11-19", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"]] * 49
    rows.append(["14/3/2023", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"])
    errors = render_errors(make(tmp_path, table(rows), USES_EVENTS), weekly)
    assert errors[0] == (
        "inputs/events.csv:51: error: event_date: expected a date like 2023-11-19, got '14/3/2023' [E303]"
    )


def test_day_month_order_is_never_guessed(tmp_path: Path, weekly) -> None:
    rows = [
        ["03/04/2023", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
        ["2023-13-01", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
        ["", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
    ]
    errors = render_errors(make(tmp_path, table(rows), USES_EVENTS), weekly)
    assert errors[:3] == [
        "inputs/events.csv:2: error: event_date: expected a date like 2023-11-19, got '03/04/2023' [E303]",
        "inputs/events.csv:3: error: event_date: expected a date like 2023-11-19, got '2023-13-01' [E303]",
        "inputs/events.csv:4: error: event_date: expected a date like 2023-11-19, got '' [E303]",
    ]


def test_impossible_dates_are_refused_not_rolled_over(tmp_path: Path, weekly) -> None:
    rows = [
        ["2023-02-30", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
        ["2023-02-29", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
        ["0000-01-05", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
        ["31 April 2023", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
        ["2024-02-29", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"],
    ]
    errors = render_errors(make(tmp_path, table(rows), USES_EVENTS), weekly)
    assert errors[:4] == [
        "inputs/events.csv:2: error: event_date: expected a date like 2023-11-19, got '2023-02-30' [E303]",
        "inputs/events.csv:3: error: event_date: expected a date like 2023-11-19, got '2023-02-29' [E303]",
        "inputs/events.csv:4: error: event_date: expected a date like 2023-11-19, got '0000-01-05' [E303]",
        "inputs/events.csv:5: error: event_date: expected a date like 2023-11-19, got '31 April 2023' [E303]",
    ]
    assert not any("events.csv:6:" in line for line in errors)  # 2024 was a leap year


def test_bad_date_line_counts_quoted_newlines(tmp_path: Path, weekly) -> None:
    header = [*HEADER, "notes"]
    rows = [
        ["2023-11-19", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali", "two\nlines"],
        ["19.11.2023", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali", ""],
    ]
    errors = render_errors(make(tmp_path, table(rows, header), USES_EVENTS), weekly)
    assert errors[0] == (
        "inputs/events.csv:4: error: event_date: expected a date like 2023-11-19, got '19.11.2023' [E303]"
    )


def test_many_bad_dates_are_summed_up(tmp_path: Path, weekly) -> None:
    rows = [["bad", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"]] * 8
    errors = render_errors(make(tmp_path, table(rows), USES_EVENTS), weekly)
    assert (
        errors[5]
        == "inputs/events.csv:7: error: event_date: 3 more rows like these not shown [E303]"
    )


def test_bad_number(tmp_path: Path, weekly) -> None:
    rows = [["2023-11-19", "Battles", "JNIM", "Mopti", "Mopti", "many", "Mali"]]
    errors = render_errors(make(tmp_path, table(rows), USES_EVENTS), weekly)
    assert (
        errors[0] == "inputs/events.csv:2: error: fatalities: expected a number, got 'many' [E303]"
    )


def test_missing_required_column(tmp_path: Path, weekly) -> None:
    header = [h for h in HEADER if h != "actor1"]
    rows = [["2023-11-19", "Battles", "Mopti", "Mopti", 0, "Mali"]]
    errors = render_errors(make(tmp_path, table(rows, header), USES_EVENTS), weekly)
    assert errors[0] == "inputs/events.csv:1: error: missing required column 'actor1' [E301]"


def test_row_with_wrong_number_of_fields(tmp_path: Path, weekly) -> None:
    text = table([["2023-11-19", "Battles", "JNIM", "Mopti", "Mopti", 0, "Mali"]])
    text += "2023-11-20,Battles,JNIM\n"
    errors = render_errors(make(tmp_path, text, USES_EVENTS), weekly)
    assert (
        errors[0] == "inputs/events.csv:3: error: expected 7 fields as in the header, got 3 [E303]"
    )


def test_not_utf8(tmp_path: Path, weekly) -> None:
    data = table([["2023-11-19", "Battles", "JNIM", "Ségou", "Niono", 0, "Mali"]])
    errors = render_errors(make(tmp_path, data.encode("latin-1"), USES_EVENTS), weekly)
    assert (
        errors[0] == "inputs/events.csv:2: error: not UTF-8 text (invalid continuation byte) [E303]"
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('events.count(admin9="Mopti")', "events.count: unknown events column 'admin9'; did you mean 'admin1'?"),
        ('events.count(since="19/11/2023")', "events.count: since: expected a date like 2023-11-19, got '19/11/2023'"),
        ('events.count(since="2023-12-01", until="2023-11-01")', "events.count: since 2023-12-01 is after until 2023-11-01"),
        ("events.count(actor1={'a': 1})", "events.count: actor1: expected a value or a list of values, got {'a': 1}"),
        ('events.count(fatalities="many")', "events.count: fatalities: expected numbers, got ['many']"),
        ('events.per_week(actor1="JNIM")', "events.per_week: needs since= (the first day of the window)"),
        ('events.share(actor1="JNIM")', 'events.share: needs a mapping of columns first, like {"admin1": "Mopti"}'),
        ('events.share({"admin1": "Mopti"}, actor1="Nobody")', "events.share: no events match the filters, so there is no share"),
        ('events.share({"admin9": "Mopti"}, actor1="JNIM")', "events.share: unknown events column 'admin9'; did you mean 'admin1'?"),
    ],
)  # fmt: skip
def test_helper_misuse_is_reported_at_its_body_line(
    tmp_path: Path, weekly, call: str, message: str
) -> None:
    body = "\nA first paragraph.[@sigact]\n\nJNIM struck {{ " + call + " }} times.[@sigact]\n"
    errors = render_errors(make(tmp_path, table(held_out_rows()), body), weekly)
    assert errors[0] == f"inputs/2023-12-13/update.md:{BODY_LINE + 2}: error: {message} [E022]"


def test_fatalities_needs_the_column(tmp_path: Path, weekly) -> None:
    header = [h for h in HEADER if h != "fatalities"]
    rows = [["2023-11-19", "Battles", "JNIM", "Mopti", "Mopti", "Mali"]]
    body = "\nIt killed {{ events.fatalities() }} people.[@sigact]\n"
    errors = render_errors(make(tmp_path, table(rows, header), body), weekly)
    assert errors[0] == (
        f"inputs/2023-12-13/update.md:{BODY_LINE}: error: "
        "events.fatalities: the events table has no 'fatalities' column [E022]"
    )


def test_helpers_without_a_table(edition: Path, weekly) -> None:
    (edition / "inputs" / "2023-12-13" / "update.md").write_text(UPDATE + USES_EVENTS)
    errors = render_errors(edition, weekly)
    assert errors[0] == (
        f"inputs/2023-12-13/update.md:{BODY_LINE}: error: events.count: no events table "
        "(expected inputs/events.csv, events.xlsx or events.parquet) [E022]"
    )


def test_one_caches_reads_a_changed_events_table_again_and_an_unchanged_one_once(
    tmp_path: Path,
) -> None:
    """The staleness rule of weekly.caches: an entry is kept for the file's path, size and
    modification time (and the cutoff), so a rewritten events.csv is read afresh."""
    import datetime as dt
    import os

    from weekly.caches import Caches

    root = make(tmp_path, table(held_out_rows()))
    inputs, cutoff = root / "inputs", dt.date(2023, 12, 13)
    caches = Caches()
    first = events.table_for(inputs, cutoff, caches)
    assert first is not None and first.ok
    assert events.table_for(inputs, cutoff, caches) is first  # unchanged: not read again
    assert events.table_for(inputs, cutoff, Caches()) is not first  # another run reads afresh
    earlier = events.table_for(inputs, dt.date(2023, 12, 1), caches)
    assert earlier is not None and earlier is not first  # another cutoff, another entry

    source = inputs / "events.csv"
    stamp = source.stat().st_mtime_ns
    rows = [*held_out_rows(), ["2023-12-12", "Battles", "JNIM", "Segou", "Niono", 40, "Mali"]]
    source.write_text(table(rows), encoding="utf-8")
    os.utime(source, ns=(stamp + 10**9, stamp + 10**9))  # a later mtime, whatever the clock
    changed = events.table_for(inputs, cutoff, caches)
    assert changed is not None and changed is not first  # same path, new version: read again
    jnim = {"actor1": "JNIM"}
    assert int(changed.select(jnim).sum()) == int(first.select(jnim).sum()) + 1
    assert events.table_for(inputs, cutoff, caches) is changed  # and kept in its turn
    for day in range(1, 5):  # four more cutoffs push the oldest out: memory stays bounded
        events.table_for(inputs, dt.date(2023, 11, day), caches)
    assert events.table_for(inputs, cutoff, caches) is not changed
