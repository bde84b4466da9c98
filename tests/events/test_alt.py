"""Alternative text that describes the data, the W501 warning, and the contrast of the
colours axe cannot see (text drawn inside chart and map SVGs, the striped draft banner)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from support import ROOT, UPDATE, write_tree
from support.events import KINDS, chart_edition, draw
from weekly import palette
from weekly.events import alt, plots
from weekly.events import table as events

UPDATE_MD = Path("inputs/2023-12-13/update.md")


# -- the words ------------------------------------------------------------------------------


def test_bar_chart_names_kind_count_place_span_range_peak_and_latest() -> None:
    starts = alt.periods(dt.date(2023, 11, 1), dt.date(2023, 11, 29), "week")
    assert starts[0] == dt.date(2023, 10, 30) and len(starts) == 5
    text = alt.describe_bars(
        "week",
        {"actor1": "JNIM", "admin1": ["Mopti", "Segou"]},
        dt.date(2023, 11, 1),
        dt.date(2023, 11, 29),
        starts,
        [2, 7, 3, 5, 1],
    )
    assert text == (
        "Bar chart of JNIM events per week in Mopti and Segou from November 1, 2023, to "
        "November 29, 2023: between 1 and 7 a week, highest in the week of November 6, 2023; "
        "5 in the last full week (the week of November 20, 2023); 18 events in all."
    )


def test_a_chart_ending_on_a_sunday_counts_its_last_week_as_full() -> None:
    starts = alt.periods(dt.date(2023, 11, 6), dt.date(2023, 11, 19), "week")
    text = alt.describe_bars(
        "week", {}, dt.date(2023, 11, 6), dt.date(2023, 11, 19), starts, [4, 9]
    )
    assert "; 9 in the last full week (the week of November 13, 2023);" in text


def test_stacked_and_monthly_charts_say_so() -> None:
    starts = alt.periods(dt.date(2023, 9, 1), dt.date(2023, 12, 13), "month")
    text = alt.describe_bars(
        "month",
        {"event_type": "Battles"},
        dt.date(2023, 9, 1),
        dt.date(2023, 12, 13),
        starts,
        [10, 30, 20, 4],
        [("JNIM", 50), ("ISSP", 14)],
        "actor1",
    )
    assert text.startswith(
        "Stacked bar chart of battles events per month from September 1, 2023, to "
        "December 13, 2023, by actor (JNIM 50, ISSP 14): between 4 and 30 a month, "
        "highest in October 2023; 20 in the last full month (November 2023);"
    )


def test_map_names_area_events_and_busiest_towns() -> None:
    text = alt.describe_map(
        ["Burkina Faso", "Mali"], 57, [("Djibo", 12), ("Bandiagara", 9), ("Mopti", 5)]
    )
    assert text == (
        "Map of 57 events in Burkina Faso and Mali, one circle per town sized by its events; "
        "the most events in Djibo (12), Bandiagara (9), and Mopti (5)."
    )
    sized = alt.describe_map(["Mali"], 3, [], "JNIM events", sized_by="fatalities",
                             coloured_by="actor1")  # fmt: skip
    assert sized == (
        "Map of 3 JNIM events in Mali, one circle per town sized by its fatalities and "
        "coloured by actor."
    )


def test_share_chart_lists_each_share_with_its_count() -> None:
    text = alt.describe_share(
        {"actor1": "JNIM"}, "admin1", dt.date(2023, 11, 19), dt.date(2023, 12, 13),
        [("Mopti", 11), ("Segou", 5)],
    )  # fmt: skip
    assert text == (
        "Bar chart of the share of 16 JNIM events by region from November 19, 2023, to "
        "December 13, 2023: Mopti 69 percent (11), Segou 31 percent (5)."
    )


def test_filters_without_a_word_of_their_own_are_named() -> None:
    assert alt.others({"civilian_targeting": "Civilian targeting", "admin1": "Mopti"}) == (
        " (civilian targeting: Civilian targeting)"
    )
    assert alt.counted({"actor1": ["JNIM", "ISSP", "FAMa"]}) == "JNIM, ISSP, or FAMa events"


# -- charts drawn from events ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "weekly",
            "Bar chart of JNIM events per week from October 1, 2023, to December 13, 2023: "
            "between 0 and 5 a week, highest in the week of November 20, 2023; 4 in the last "
            "full week (the week of December 4, 2023); 17 events in all.",
        ),
        (
            "weekly-by",
            "Stacked bar chart of events per week from October 1, 2023, to December 13, 2023, "
            "by region (Mopti 13, Segou 5, Menaka 1): between 0 and 6 a week, highest in the "
            "week of November 20, 2023; 4 in the last full week (the week of December 4, "
            "2023); 19 events in all.",
        ),
        (
            "share",
            "Bar chart of the share of 16 JNIM events by region from November 19, 2023, to "
            "December 13, 2023: Mopti 69 percent (11), Segou 31 percent (5).",
        ),
        (
            "map",
            "Map of 19 events in Mali from November 18, 2023, to December 13, 2023, one circle "
            "per town sized by its fatalities and coloured by actor; the most events in "
            "Bandiagara (16), Menaka (1), and Mopti (1).",
        ),
    ],
)
def test_chart_alt_text_describes_its_rows(tmp_path: Path, kind: str, expected: str) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS[kind]}")
    figure, problems = draw(root)
    assert problems.errors == []
    assert figure.alt == expected


def test_alt_text_agrees_with_the_bars_drawn() -> None:
    """The peak and the latest week in the words are those of the chart's own bars."""
    cutoff = dt.date(2023, 12, 13)
    table_ = events.table_for(ROOT / "inputs", cutoff)
    assert table_ is not None and table_.ok
    where = {"actor1": "JNIM", "admin1": ["Mopti", "Segou"]}
    frame = table_.frame(table_.select(where, "2022-09-01"), ["event_date"])
    first = dt.date(2022, 9, 1)
    data = plots.ChartData("weekly", frame, first, cutoff, cutoff)
    starts, _, _ = plots._periods(data)
    _, counts = plots.bar_counts(data, starts)
    totals = counts.sum(axis=0)
    peak = starts[int(totals.argmax())]
    text = alt.chart_alt("weekly", frame, where, first, cutoff)
    assert f"between {int(totals.min())} and {int(totals.max())} a week" in text
    assert f"highest in the week of {peak:%B} {peak.day}, {peak.year}" in text
    assert f"; {int(totals[-2])} in the last full week" in text  # the cutoff week is partial
    assert f"; {int(totals.sum())} events in all." in text


def test_explicit_alt_wins_over_the_description(tmp_path: Path, weekly) -> None:
    chart = f"  pace:\n    title: A Chart\n    alt: JNIM struck most in late November.\n{KINDS['weekly']}"
    root = chart_edition(tmp_path, chart)
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    (page,) = (root / "output/2023-12-13").glob("*.html")
    assert 'alt="JNIM struck most in late November."' in page.read_text(encoding="utf-8")


def test_rendered_page_carries_the_generated_alt_text(tmp_path: Path, weekly) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['weekly']}")
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    (page,) = (root / "output/2023-12-13").glob("*.html")
    assert 'alt="Bar chart of JNIM events per week from October 1, 2023,' in page.read_text()


# -- W501 -------------------------------------------------------------------------------------

PNG = (ROOT / "inputs/2023-11-08/figures/north-mali.png").read_bytes()


def image_edition(tmp_path: Path, extra: str = "") -> Path:
    front = f"figures:\n  north:\n    title: North\n    image: figures/n.png\n{extra}---\n"
    update = UPDATE.replace("---\n\n**JNIM", front + "\n**JNIM", 1) + '\n{{ figure("north") }}\n'
    from support import SOURCES

    return write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": update,
            "inputs/2023-12-13/figures/n.png": PNG,
        },
    )


def test_image_without_alt_is_a_warning(tmp_path: Path, weekly) -> None:
    root = image_edition(tmp_path)
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 0
    assert result.stdout == (
        f"{UPDATE_MD}:14: warning: figure 'north' has no alt text; add alt: describing what "
        "the image shows for readers who cannot see it [W501]\n0 errors, 1 warning\n"
    )
    assert weekly("check", "--cutoff", "2023-12-13", "--strict", cwd=root).returncode == 1


def test_image_with_alt_is_clean(tmp_path: Path, weekly) -> None:
    root = image_edition(tmp_path, "    alt: Towns of northern Mali and the bases around them.\n")
    result = weekly("check", "--cutoff", "2023-12-13", "--format", "json", cwd=root)
    assert (result.returncode, result.stdout.strip()) == (0, "[]")


# -- contrast of what axe cannot measure ------------------------------------------------------


def luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def over(colour: str, alpha: float, background: str) -> str:
    a, b = colour.lstrip("#"), background.lstrip("#")
    return "#" + "".join(
        f"{round(int(a[i : i + 2], 16) * alpha + int(b[i : i + 2], 16) * (1 - alpha)):02x}"
        for i in (0, 2, 4)
    )


def test_contrast_formula_matches_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


#: Every fill a map label can sit on: the page, the sea, a focus country, a neighbour, and
#: the most shaded region (the accent at 20 percent over a focus country).
MAP_BACKGROUNDS = ("#ffffff", "#e9eef1", "#fcfbf8", "#ebe7e0", over(palette.ACCENT, 0.2, "#fcfbf8"))


def text_colours(svg: str) -> set[str]:
    """Return the fill colours of the text in ``svg`` (black when a text sets none)."""
    texts = re.findall(r"<text[^>]*>", svg)
    assert texts, "no text in the SVG"
    found = (re.search(r"fill: (#[0-9a-f]{6})", text) for text in texts)
    return {match.group(1) if match else "#000000" for match in found}


def axes(svg: str) -> dict[str, str]:
    """Return the SVG of each matplotlib axes by id (``axes_1`` …)."""
    parts = re.split(r'(<g id="axes_\d+">)', svg)
    return {re.search(r"axes_\d+", parts[i]).group(0): parts[i + 1]  # type: ignore[union-attr]
            for i in range(1, len(parts), 2)}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_chart_and_map_text_has_aa_contrast(tmp_path: Path, kind: str) -> None:
    """Text on white (axes, keys, legends) and, on a map, text over the map itself."""
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS[kind]}")
    figure, _ = draw(root)
    svg = figure.asset.data.decode()
    for colour in text_colours(svg):
        assert contrast(colour, "#ffffff") >= 4.5, f"{kind}: text {colour} on white"
    if kind == "map":
        on_map = text_colours(axes(svg)["axes_1"])
        assert {palette.REGION_LABEL, palette.COUNTRY_LABEL} <= on_map
        for colour in on_map:
            worst = min(contrast(colour, bg) for bg in MAP_BACKGROUNDS)
            assert worst >= 4.5, f"map label {colour} is {worst:.2f}:1 on some fill"


def test_map_labels_of_regions_and_countries_are_aa() -> None:
    for colour in (palette.REGION_LABEL, palette.COUNTRY_LABEL, palette.INK, palette.MUTED):
        assert min(contrast(colour, bg) for bg in MAP_BACKGROUNDS[:4]) >= 4.5
    assert (
        min(contrast(c, MAP_BACKGROUNDS[4]) for c in (palette.REGION_LABEL, palette.COUNTRY_LABEL))
        >= 4.5
    )


def test_draft_banner_text_has_aa_contrast_on_both_stripes() -> None:
    template = (ROOT / "reports/templates/_draft.html").read_text(encoding="utf-8")
    gradient = re.search(
        r"\.draft \.draft-banner \{.*?repeating-linear-gradient\(([^;]*)\);", template, re.S
    )
    assert gradient
    stripes = re.findall(r"#[0-9a-f]{6}", gradient.group(1))
    assert len(stripes) == 2
    for stripe in stripes:
        assert contrast("#ffffff", stripe) >= 4.5
