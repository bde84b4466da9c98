"""Charts and maps drawn from the events table: kinds, options, errors, cache, determinism."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from support import ROOT, run_script
from support.events import (
    KINDS,
    chart_edition,
    draw,
    figure_line,
    held_out_rows,
    render_errors,
    table,
)
from weekly.events import basemaps, plots
from weekly.events import table as events


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_draws_svg_with_text_kept_as_text(tmp_path: Path, kind: str) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS[kind]}")
    figure, problems = draw(root)
    assert problems.errors == []
    svg = figure.asset.data.decode()
    assert figure.asset.name == "figures/pace.svg"
    assert figure.asset.media_type == "image/svg+xml"
    assert svg.startswith("<?xml") and "<text" in svg
    assert "font-family: 'Open Sans'" in svg
    assert "<dc:date>" not in svg
    expected = {"share": "Mopti", "map": "Bandiagara", "monthly": "FAMa"}.get(kind, "Dec. 13")
    assert expected in svg


def test_provenance_names_filters_count_and_cutoff(tmp_path: Path, monkeypatch) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['weekly']}")
    monkeypatch.chdir(root)
    figure, _ = draw(Path("."))
    assert figure.provenance == (
        "Chart: weekly, drawn from 17 events in inputs/events.csv "
        "(actor1 = JNIM; 2023-10-01 to 2023-12-13); data cutoff December 13, 2023."
    )


def test_weekly_chart_counts_weeks_up_to_the_cutoff(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"event_date": pd.to_datetime(["2023-12-04", "2023-12-13", "2023-11-27"])})
    data = plots.ChartData("weekly", frame, dt.date(2023, 11, 27), dt.date(2023, 12, 13),
                           dt.date(2023, 12, 13))  # fmt: skip
    starts, ends, period = plots._periods(data)
    assert starts == [dt.date(2023, 11, 27), dt.date(2023, 12, 4), dt.date(2023, 12, 11)]
    assert ends[-1] == dt.date(2023, 12, 17) and period == "week"
    svg = plots.draw(data).decode()
    assert "Data cutoff, Dec. 13" in svg and "(partial week hatched)" in svg


def test_stacked_bars_count_each_group_in_each_week() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "event_date": pd.to_datetime(
                ["2023-11-20", "2023-11-22", "2023-11-26", "2023-11-28", "2023-12-13", "2023-11-19"]
            ),
            "actor1": ["JNIM", "JNIM", "ISSP", "JNIM", "ISSP", "JNIM"],
        }
    )
    data = plots.ChartData("weekly", frame, dt.date(2023, 11, 20), dt.date(2023, 12, 13),
                           dt.date(2023, 12, 13), by="actor1")  # fmt: skip
    starts, _, _ = plots._periods(data)
    order, counts = plots.bar_counts(data, starts)
    # The Nov. 19 row falls before the first week shown (the week of Nov. 20).
    assert order == ["JNIM", "ISSP"]
    assert counts.tolist() == [[2, 1, 0, 0], [1, 0, 0, 1]]


def test_each_bar_series_is_one_path_of_closed_rectangles() -> None:
    import numpy as np
    from matplotlib.path import Path as MplPath

    path = plots._bars(np.array([0.0, 7.0, 14.0]), 5.0, np.array([0.0, 1.0, 0.0]),
                       np.array([3.0, 0.0, 2.0]))  # fmt: skip
    rectangles = [poly.tolist() for poly in path.to_polygons(closed_only=True)]
    assert rectangles == [
        [[0, 0], [5, 0], [5, 3], [0, 3], [0, 0]],
        [[14, 0], [19, 0], [19, 2], [14, 2], [14, 0]],
    ]  # the empty week draws nothing
    assert list(path.codes).count(MplPath.CLOSEPOLY) == 2


def test_chart_is_byte_identical_when_drawn_twice(tmp_path: Path) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['map']}")
    first, _ = draw(root)
    cache = root / "inputs" / ".weekly-cache" / "charts"
    for path in cache.glob("*.svg"):
        path.unlink()
    second, _ = draw(root)
    assert first.asset.data == second.asset.data
    assert len(list(cache.glob("*.svg"))) == 1


def test_map_maps_menaka_to_the_gao_polygon(tmp_path: Path) -> None:
    assert basemaps.region_names()["Menaka"] == "Gao"
    assert basemaps.region_names()["Taoudeni"] == "Timbuktu"
    rows = [["2023-12-01", "Battles", "ISSP", "Menaka", "Menaka", 5, "Mali"]] * 3
    rows += [["2023-12-02", "Battles", "ISSP", "Gao", "Ansongo", 1, "Mali"]]
    root = chart_edition(tmp_path, "  pace:\n    title: Map\n    chart: map\n", rows)
    figure, problems = draw(root)
    assert problems.errors == []
    assert "(INCL. MENAKA)" in figure.asset.data.decode()


def test_map_renders_to_png(tmp_path: Path) -> None:
    """Draw the example map to PNG (kept in the test's folder for a look)."""
    table_ = events.table_for(ROOT / "inputs", dt.date(2023, 12, 13))
    assert table_ is not None and table_.ok
    mask = table_.select({"actor1": "JNIM", "admin1": ["Mopti", "Segou"]}, "2023-11-19")
    frame = table_.frame(mask, ["event_date", "latitude", "longitude", "location", "admin1",
                                "event_type", "country", "fatalities"])  # fmt: skip
    data = plots.ChartData("map", frame, dt.date(2023, 11, 19), dt.date(2023, 12, 13),
                           dt.date(2023, 12, 13), color="event_type")  # fmt: skip
    png = plots.draw(data, image_format="png")
    (tmp_path / "map.png").write_bytes(png)
    assert png.startswith(b"\x89PNG")
    assert len(png) > 20_000


@pytest.mark.slow
def test_cached_rerender_does_not_import_matplotlib(tmp_path: Path) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['weekly-by']}")
    script = (
        "import sys\nfrom pathlib import Path\nfrom weekly.resolve.update import assemble\n"
        "from weekly.errors import Problems\n"
        "update = assemble(Path('inputs'), '2023-12-13', Problems())\n"
        "assert update.figures['pace'].asset is not None\n"
        "print('matplotlib' in sys.modules)\n"
    )
    assert run_script(root, script) == "True"  # first render draws
    assert run_script(root, script) == "False"  # unchanged: read from the cache


def test_changed_rows_draw_again(tmp_path: Path) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['weekly']}")
    first, _ = draw(root)
    rows = [*held_out_rows(), ["2023-12-12", "Battles", "JNIM", "Segou", "Niono", 40, "Mali"]]
    (root / "inputs" / "events.csv").write_text(table(rows), encoding="utf-8")
    second, _ = draw(root)
    assert first.asset.data != second.asset.data
    assert "18 events" in second.provenance


# -- bad charts ---------------------------------------------------------------------------


def test_chart_over_zero_events_is_an_error(tmp_path: Path, weekly) -> None:
    figure = "  pace:\n    title: A Chart\n    chart: weekly\n    where: {actor1: Nobody}\n"
    root = chart_edition(tmp_path, figure)
    errors = render_errors(root, weekly)
    assert errors[0] == (
        f"inputs/2023-12-13/update.md:{figure_line(root)}: error: figure 'pace': "
        "no events to chart (actor1 = Nobody; through 2023-12-13) [E302]"
    )


@pytest.mark.parametrize(
    ("option", "key", "message"),
    [
        ("    by: admin9\n", "by", "by: unknown events column 'admin9'; did you mean 'admin1'?"),
        ("    colour: red\n", "colour", "unknown option 'colour' for chart: weekly (by, since, top, until, where)"),
        ("    where: JNIM\n", "where", "where: expected a mapping of column to value or list"),
        ("    where: {admin9: Mopti}\n", "where", "where: unknown events column 'admin9'; did you mean 'admin1'?"),
        ("    since: 19/11/2023\n", "since", "since: expected a date like 2023-11-19, got '19/11/2023'"),
        ("    top: 0\n", "top", "top: expected a whole number from 1 to 12"),
    ],
)  # fmt: skip
def test_bad_chart_options_are_reported_at_their_line(
    tmp_path: Path, weekly, option: str, key: str, message: str
) -> None:
    root = chart_edition(tmp_path, "  pace:\n    title: A Chart\n    chart: weekly\n" + option)
    errors = render_errors(root, weekly)
    assert errors[0] == (
        f"inputs/2023-12-13/update.md:{figure_line(root, key)}: error: figure 'pace': {message}"
        " [E304]"
    )


def test_bad_map_options(tmp_path: Path, weekly) -> None:
    figure = "  pace:\n    title: Map\n    chart: map\n    size: big\n    extent: [1, 2]\n"
    root = chart_edition(tmp_path, figure)
    errors = render_errors(root, weekly)
    assert errors[0] == (
        f"inputs/2023-12-13/update.md:{figure_line(root, 'size')}: error: figure 'pace': "
        "size: expected count or fatalities, got 'big' [E304]"
    )


def test_chart_without_a_table(tmp_path: Path, weekly) -> None:
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['weekly']}")
    (root / "inputs" / "events.csv").unlink()
    errors = render_errors(root, weekly)
    assert errors[0] == (
        f"inputs/2023-12-13/update.md:{figure_line(root)}: error: figure 'pace': no events "
        "table (expected inputs/events.csv, events.xlsx or events.parquet) [E300]"
    )


def test_map_data_ships_in_the_package() -> None:
    from importlib import resources

    folder = resources.files("weekly") / "data"
    for name in ("sahel-admin1.geojson", "sahel-countries.geojson", "sahel-places.csv",
                 "README.md"):  # fmt: skip
        assert (folder / name).is_file()
    assert "also_covers" in (folder / "README.md").read_text()
