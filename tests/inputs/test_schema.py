"""The series schema: every field declared once (type, default, doc, example), and
``series.yaml`` read against it with each bad value reported word for word at its line."""

from __future__ import annotations

from dataclasses import MISSING, fields
from pathlib import Path
from typing import get_origin

import pytest

from weekly.errors import Problems
from weekly.findings import CODES
from weekly.inputs.schema import FIELD_NAMES, Series, choices, declared
from weekly.inputs.series import load_series


def read(tmp_path: Path, text: str) -> tuple[dict[str, Series], list[tuple[str, int, str]]]:
    """Return the series ``text`` (an ``inputs/series.yaml``) gives, and its problems."""
    (tmp_path / "series.yaml").write_text(text, encoding="utf-8")
    problems = Problems()
    found = load_series(tmp_path, problems)
    return found, [(p.code, p.line, p.message) for p in problems.sorted()]


def test_every_field_but_the_key_is_declared_with_a_doc_and_an_example() -> None:
    assert [f.name for f in fields(Series)][0] == "key"
    assert set(declared()) == FIELD_NAMES == {f.name for f in fields(Series)} - {"key"}
    for name, (_, _, about) in declared().items():
        assert about.doc.strip() and "\n" not in about.doc, name
        assert about.example.startswith(f"{name}: ") or name == "layouts", name
        assert CODES[about.code].level == "error", name


def test_every_choice_field_is_a_literal() -> None:
    literal = {name for name, (_, kind, _) in declared().items() if choices(kind)}
    assert literal == {
        "note_style", "cutoff_style", "key_takeaways_style", "date_line", "date_format",
        "clock_format", "region_mark", "estimative_scale",
    }  # fmt: skip
    _, masthead, _ = declared()["masthead"]
    assert get_origin(masthead) is tuple and "title" in choices(masthead.__args__[0])


def test_a_series_that_gives_only_its_name_gets_every_declared_default(tmp_path: Path) -> None:
    found, problems = read(tmp_path, "brief:\n  name: Brief\n")
    assert problems == []
    for name, (dataclass_field, _, _) in declared().items():
        if dataclass_field.default is not MISSING:
            assert getattr(found["brief"], name) == dataclass_field.default, name
    assert found["brief"].name == "Brief"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "brief:\n  name: B\n  note_style: greek\n",
            ("E002", 3, "series 'brief': note_style must be arabic or roman"),
        ),
        (
            "brief:\n  name: B\n  estimative_scale: 3\n",
            ("E002", 3, "series 'brief': estimative_scale must be text"),
        ),
        (
            "brief:\n  name: B\n  kicker: maybe\n",
            ("E040", 3, "series 'brief': kicker must be true or false"),
        ),
        (
            "brief:\n  name: B\n  cutoff_label: ''\n",
            (
                "E040",
                3,
                "series 'brief': cutoff_label is empty; to print no cutoff line, set "
                "cutoff_line: false",
            ),
        ),
        (
            "brief:\n  name: B\n  title: '{headlin}'\n",
            (
                "E040",
                3,
                "series 'brief': title: unknown placeholder '{headlin}' (known: {series}, "
                "{date}, {headline})",
            ),
        ),
        (
            "brief:\n  name: B\n  masthead: [byline]\n",
            ("E042", 3, "series 'brief': masthead must include title"),
        ),
        (
            "brief:\n  name: B\n  timezone: Mars/Base\n",
            ("E002", 3, "series 'brief': unknown time zone 'Mars/Base'"),
        ),
        (
            "brief:\n  name: B\n  cutoff_time: '25:00'\n",
            ("E002", 3, "series 'brief': cutoff_time must look like 10:00"),
        ),
        (
            "brief:\n  name: B\n  language: english!\n",
            (
                "E002",
                3,
                "series 'brief': language must be a language tag such as en, fr or ar "
                "(got 'english!')",
            ),
        ),
        (
            "brief:\n  name: B\n  actor_aliases: [JNIM]\n",
            (
                "E002",
                3,
                "series 'brief': actor_aliases must map a name to the events table's actor1",
            ),
        ),
        (
            "brief:\n  name: B\n  hedges: perhaps\n",
            ("E002", 3, "series 'brief': hedges must be a list of text"),
        ),
        (
            "brief:\n  name: B\n  takeaway_style: lists\n",
            ("E040", 3, "series 'brief': takeaway_style must be paragraphs, bullets or numbered"),
        ),
        (
            "brief:\n  name: B\n  nonesuch: 1\n",
            ("E002", 3, "series 'brief': unknown field 'nonesuch'"),
        ),
        (
            "brief:\n  name: B\n  layouts:\n    - since: 2024-01-01\n      date_line: yes\n",
            ("E040", 5, "series 'brief': layouts[0]: date_line must be text"),
        ),
        (
            "brief:\n  name: B\n  layouts:\n    - since: 2024-01-01\n      layouts: []\n",
            ("E002", 5, "series 'brief': layouts[0]: unknown field 'layouts'"),
        ),
        (
            "brief:\n  name: B\n  accept_warnings:\n    - W201\n    - E102\n",
            (
                "E090",
                5,
                "series 'brief': accept_warnings: E102 is an error; only a warning can be accepted",
            ),
        ),
        (
            "brief:\n  name: B\n  layouts:\n    - since: 2024-01-01\n"
            "      accept_warnings: [W2O1]\n",
            ("E090", 5, "series 'brief': layouts[0]: accept_warnings: unknown code 'W2O1'"),
        ),
    ],
)
def test_a_bad_value_is_reported_word_for_word_at_its_line(
    tmp_path: Path, text: str, expected: tuple[str, int, str]
) -> None:
    found, problems = read(tmp_path, text)
    assert problems == [expected]
    assert "brief" in found  # the series is read; the bad field only is left out


def test_a_layout_sets_a_declared_field_from_its_date_on(tmp_path: Path) -> None:
    import datetime as dt

    text = (
        "brief:\n  name: B\n  layouts:\n"
        "    - since: 2024-01-01\n      clock_format: compact\n      accept_warnings: [W414]\n"
    )
    found, problems = read(tmp_path, text)
    assert problems == []
    before, after = found["brief"].on(dt.date(2023, 12, 31)), found["brief"].on(dt.date(2024, 1, 1))
    assert (before.clock_format, before.accept_warnings) == ("auto", ())
    assert (after.clock_format, after.accept_warnings) == ("compact", ("W414",))
