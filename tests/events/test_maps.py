"""Maps for every theatre: base maps, rows that cannot be placed, analysts' layers, choropleths."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from support.events import GEO, MAP, SOMALIA, chart_edition, draw, figure_line, geo_edition, table
from weekly.events import basemaps, layers, placing
from weekly.events.charts import Drawer
from weekly.events.maps import classes
from weekly.inputs.edition import load_edition

SYRIA = [
    ["2023-12-01", "Battles", "Islamic State", "Deir ez Zor", "Albu Kamal", 3, "Syria", 34.45, 40.92],
    ["2023-12-02", "Battles", "Islamic State", "Homs", "Tadmur", 2, "Syria", 34.56, 38.27],
    ["2023-12-03", "Battles", "Islamic State", "Ar-Raqqa", "Raqqa", 1, "Syria", 35.95, 39.01],
    ["2023-12-04", "Battles", "HTS", "Idleb", "Idlib", 0, "Syria", 35.93, 36.63],
    ["2023-12-05", "Battles", "Islamic State", "Dar'a", "Daraa", 2, "Syria", 32.62, 36.1],
]  # fmt: skip
#: Names only a Sahel map shows.
SAHEL_NAMES = ("Bamako", "Tessalit", "Kidal", "MOPTI", "TIMBUKTU", "Ouagadougou", "Niamey")


def svg_text(svg: bytes) -> str:
    """Return the text of an SVG's <text> elements' comments and content, joined."""
    text = svg.decode()
    return text.replace("&#39;", "'").replace("&apos;", "'")


def shown(items: list[object], root: Path) -> list[str]:
    """Return findings as printed from ``root``."""
    return [str(item).replace(f"{root}/", "") for item in items]


def facts_of(root: Path) -> placing.MapFacts:
    from weekly.errors import Problems

    problems = Problems()
    edition = load_edition(root / "inputs", "2023-12-13", problems)
    drawer = Drawer(edition)
    drawer(edition.figures["pace"], problems)
    return drawer.facts["pace"]


# -- base maps ------------------------------------------------------------------------------


def test_somalia_map_shows_somalia_as_acled_spells_it(tmp_path: Path) -> None:
    root = geo_edition(tmp_path, SOMALIA)
    figure, problems = draw(root)
    assert problems.errors == [] and problems.warnings == []
    svg = svg_text(figure.asset.data)
    for name in ("LOWER SHABELLE", "MIDDLE SHABELLE", "HIRAAN", "LOWER JUBA", "Mogadishu", "Kismayo",
                 "ETHIOPIA", "KENYA", "HORN OF AFRICA"):  # fmt: skip
        assert name in svg, name
    for name in SAHEL_NAMES:
        assert name not in svg, name
    facts = facts_of(root)
    assert facts.area == "Horn of Africa"
    assert facts.base_map == "theatres"
    assert facts.countries == ["Somalia"]
    assert facts.events == 5
    assert facts.towns[0] == ("Afgooye", 1)
    assert ("Banadir", 1) in facts.regions


def test_syria_map_shows_syria_as_acled_spells_it(tmp_path: Path) -> None:
    root = geo_edition(tmp_path, SYRIA)
    figure, problems = draw(root)
    assert problems.errors == [] and problems.warnings == []
    svg = svg_text(figure.asset.data)
    for name in ("DEIR EZ ZOR", "IDLEB", "HOMS", "Damascus", "Aleppo", "TURKEY", "IRAQ", "LEVANT"):
        assert name in svg, name
    for name in SAHEL_NAMES:
        assert name not in svg, name
    assert facts_of(root).area == "Levant"


def test_sahel_map_keeps_the_sahel_base_map(tmp_path: Path) -> None:
    rows = [["2023-12-01", "Battles", "JNIM", "Mopti", "Bandiagara", 2, "Mali", 14.35, -3.61]] * 3
    root = geo_edition(tmp_path, rows)
    figure, _ = draw(root)
    svg = svg_text(figure.asset.data)
    assert "MOPTI" in svg and "Bandiagara" in svg
    assert facts_of(root).base_map == "sahel"


@pytest.mark.parametrize(
    ("country", "spellings", "region"),
    [
        ("Syria", ["Deir-ez-Zor", "Deir ez-Zor", "Dayr az Zawr"], "Deir ez Zor"),
        ("Syria", ["Idlib"], "Idleb"),
        ("Somalia", ["Benadir", "banadir"], "Banadir"),
        ("Iraq", ["Nineveh", "Ninawa"], "Ninewa"),
        ("Mali", ["Menaka"], "Gao"),
    ],
)
def test_regions_are_found_by_acled_name_and_aliases(country: str, spellings: list[str],
                                                     region: str) -> None:  # fmt: skip
    base = basemaps.base_map("theatres")
    for spelling in spellings:
        found = base.region(country, spelling)
        assert found is not None and found.name == region, spelling
    assert base.region(country, "Atlantis") is None


def test_every_theatre_country_has_regions() -> None:
    covered = basemaps.base_map("theatres").covered
    wanted = {
        "Mali", "Burkina Faso", "Niger", "Nigeria", "Chad", "Cameroon", "Benin", "Togo", "Ghana",
        "Ivory Coast", "Libya", "Sudan", "South Sudan", "Somalia", "Ethiopia", "Kenya",
        "Democratic Republic of Congo", "Mozambique", "Yemen", "Syria", "Iraq", "Iran", "Israel",
        "Palestine", "Lebanon", "Jordan", "Afghanistan", "Pakistan",
    }  # fmt: skip
    assert wanted <= covered


def test_base_map_data_is_compact() -> None:
    from importlib import resources

    folder = resources.files("weekly") / "data"
    total = sum(len((folder / name).read_bytes()) for name in (
        "theatres-admin1.geojson", "theatres-countries.geojson", "theatres-places.csv"))  # fmt: skip
    assert total < 4_000_000
    assert "GeoNames" in (folder / "README.md").read_text()


# -- rows that cannot be placed -------------------------------------------------------------


def test_rows_that_cannot_be_placed_are_warned_at_their_line(tmp_path: Path, weekly) -> None:
    rows = [
        *SOMALIA,
        ["2023-12-07", "Battles", "al Shabaab", "Atlantis", "Nowhere", 1, "Somalia", 3.0, 45.0],
        ["2023-12-08", "Battles", "al Shabaab", "Banadir", "Pacific", 1, "Somalia", 10.0, -140.0],
    ]
    root = geo_edition(tmp_path, rows)
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines() + result.stderr.splitlines()
    assert (
        "inputs/events.csv:7: warning: figure 'pace' leaves this row off the map: "
        "admin1 'Atlantis' matches no region of Somalia on the base maps [W602]"
    ) in lines
    assert (
        "inputs/events.csv:8: warning: figure 'pace' leaves this row off the map: "
        "latitude 10, longitude -140 is outside every base map [W601]"
    ) in lines
    figure, _ = draw(root)
    assert "2 events could not be placed" in figure.provenance
    assert facts_of(root).events == 5


def test_map_of_rows_none_can_place_is_an_error(tmp_path: Path, weekly) -> None:
    rows = [["2023-12-07", "Battles", "X", "Atlantis", "Nowhere", 1, "Somalia", 3.0, 45.0]]
    root = geo_edition(tmp_path, rows)
    result = weekly("render", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2
    assert (
        f"inputs/2023-12-13/update.md:{figure_line(root)}: error: figure 'pace': "
        "none of the 1 events can be placed on a map [E302]"
    ) in result.stderr


# -- layers ---------------------------------------------------------------------------------

ZONE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[44.0, 1.5], [45.8, 1.5], [45.8, 3.2],
                                                         [44.0, 3.2], [44.0, 1.5]]]}}]}  # fmt: skip


def layer_figure(entries: str) -> str:
    return MAP + f"    layers: {entries}\n"


def test_support_zone_layer_draws_with_its_legend(tmp_path: Path) -> None:
    figure_text = layer_figure(
        "[{file: layers/zone.geojson, label: al Shabaab support zone, style: support-zone}]"
    )
    files = {"inputs/2023-12-13/layers/zone.geojson": json.dumps(ZONE)}
    root = geo_edition(tmp_path, SOMALIA, figure_text, files)
    figure, problems = draw(root)
    assert problems.errors == [] and problems.warnings == []
    svg = svg_text(figure.asset.data)
    assert "al Shabaab support zone" in svg
    assert "Layers" in svg
    assert "<pattern" in svg  # the hatch
    assert facts_of(root).layers == ["al Shabaab support zone"]
    # Changing the layer draws the map again.
    zone = json.loads(json.dumps(ZONE))
    zone["features"][0]["geometry"]["coordinates"][0][1][0] = 46.0
    (root / "inputs/2023-12-13/layers/zone.geojson").write_text(json.dumps(zone))
    again, _ = draw(root)
    assert again.asset.data != figure.asset.data


def test_front_line_and_route_layers(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[43.0, 1.0], [45.0, 3.0]]}
    figure_text = layer_figure(
        "[{file: layers/front.geojson, label: Front line, style: front-line},"
        " {file: layers/road.geojson, label: Supply route, style: route}]"
    )
    files = {"inputs/2023-12-13/layers/front.geojson": json.dumps(line),
             "inputs/2023-12-13/layers/road.geojson": json.dumps(line)}  # fmt: skip
    figure, problems = draw(geo_edition(tmp_path, SOMALIA, figure_text, files))
    assert problems.errors == []
    svg = svg_text(figure.asset.data)
    assert "Front line" in svg and "Supply route" in svg


def test_layer_outside_the_extent_is_a_warning(tmp_path: Path) -> None:
    far = {"type": "Point", "coordinates": [10.0, 50.0]}
    figure_text = layer_figure("[{file: far.geojson, label: Bases, style: sites}]")
    root = geo_edition(
        tmp_path, SOMALIA, figure_text, {"inputs/2023-12-13/far.geojson": json.dumps(far)}
    )
    figure, problems = draw(root)
    assert figure.asset is not None
    assert shown(problems.warnings, root) == [
        f"inputs/2023-12-13/update.md:{figure_line(root, 'layers')}: figure 'pace': "
        "layer 'far.geojson' lies outside the map's extent"
    ]
    assert problems.warnings[0].code == "W603"


def test_bad_geojson_names_the_file_and_line(tmp_path: Path, weekly) -> None:
    figure_text = layer_figure("[{file: layers/bad.geojson, label: Zone, style: control}]")
    bad = '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "geometry": null}\n]}\n'
    root = geo_edition(
        tmp_path, SOMALIA, figure_text, {"inputs/2023-12-13/layers/bad.geojson": bad}
    )
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    out = result.stdout + result.stderr
    assert (
        "inputs/2023-12-13/layers/bad.geojson:3: error: layer of figure 'pace': "
        "invalid JSON: Expecting ',' delimiter (column 22)"
    ) in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"type": "Feature", "geometry": {"type": "Circle", "coordinates": [1, 2]}}',
         "feature 1: unknown geometry type 'Circle'"),
        ('{"type": "Polygon", "coordinates": [[45, 2], [46, 3]]}',
         "feature 1 (Polygon): expected a position [longitude, latitude]"),
        ('{"type": "MultiPolygon", "coordinates": [45, 2]}',
         "feature 1 (MultiPolygon): coordinates nested wrongly for its type"),
        ('{"type": "Polygon", "coordinates": [[[450, 2], [46, 3], [45, 2]]]}',
         "feature 1 (Polygon): position [450, 2] is not longitude, latitude in degrees"),
        ('{"type": "Point", "coordinates": [45, 2]}',
         "feature 1 (Point): style control draws areas, not points"),
        ('{"type": "FeatureCollection", "features": []}', "no geometry to draw"),
        ('["not", "geojson"]', 'not a GeoJSON object (expected a "type" member)'),
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 16 levels"),
    ],
)  # fmt: skip
def test_bad_geojson_is_an_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    figure_text = layer_figure("[{file: zone.geojson, label: Zone, style: control}]")
    root = geo_edition(tmp_path, SOMALIA, figure_text, {"inputs/2023-12-13/zone.geojson": content})
    figure, problems = draw(root)
    assert figure.asset is None
    assert shown(problems.errors, root) == [
        f"inputs/2023-12-13/zone.geojson: layer of figure 'pace': {message}"
    ]


@pytest.mark.parametrize(
    ("entries", "message", "code"),
    [
        ("[{file: ../../events.csv, label: X, style: control}]",
         "layers: item 1: file '../../events.csv' is outside the edition folder", "E602"),
        ("[{file: /etc/passwd, label: X, style: control}]",
         "layers: item 1: file '/etc/passwd' is outside the edition folder", "E602"),
        ("[{file: link.geojson, label: X, style: control}]",
         "layers: item 1: file 'link.geojson' is outside the edition folder", "E602"),
        ("[{file: missing.geojson, label: X, style: control}]",
         "layers: item 1: file 'missing.geojson' not found", "E602"),
        ("[{file: zone.geojson, label: X, style: glow}]",
         "layers: item 1: style: expected one of control, contested, support-zone, influence, "
         "front-line, route, sites, got 'glow'", "E601"),
        ("[{file: zone.geojson, style: control}]",
         "layers: item 1: label: expected the text of its legend entry", "E601"),
        ("[{file: zone.geojson, label: X, style: control, url: http://example.org/x}]",
         "layers: item 1: unknown key 'url' (file, label, style)", "E601"),
        ("layers/zone.geojson", "layers: expected a list of {file, label, style}", "E601"),
    ],
)  # fmt: skip
def test_hostile_or_malformed_layers_are_refused(tmp_path: Path, entries: str, message: str,
                                                 code: str) -> None:  # fmt: skip
    root = geo_edition(tmp_path, SOMALIA, layer_figure(entries),
                       {"inputs/2023-12-13/zone.geojson": json.dumps(ZONE)})  # fmt: skip
    os.symlink(root / "inputs" / "events.csv", root / "inputs" / "2023-12-13" / "link.geojson")
    figure, problems = draw(root)
    assert figure.asset is None
    assert shown(problems.errors, root) == [
        f"inputs/2023-12-13/update.md:{figure_line(root, 'layers')}: figure 'pace': {message}"
    ]
    assert problems.errors[0].code == code


def test_huge_layer_file_is_refused_unread(tmp_path: Path) -> None:
    figure_text = layer_figure("[{file: big.geojson, label: Zone, style: control}]")
    root = geo_edition(tmp_path, SOMALIA, figure_text)
    with (root / "inputs" / "2023-12-13" / "big.geojson").open("wb") as stream:
        stream.truncate(layers.MAX_BYTES + 1)
    figure, problems = draw(root)
    assert figure.asset is None
    assert shown(problems.errors, root) == [
        "inputs/2023-12-13/big.geojson: layer of figure 'pace': "
        "layer file larger than 5 MB: simplify it first"
    ]


# -- choropleth -----------------------------------------------------------------------------


def test_choropleth_shades_regions_with_a_legend_of_classes(tmp_path: Path) -> None:
    rows = [SOMALIA[1]] * 8 + [SOMALIA[0]] * 3 + [SOMALIA[2]]
    root = geo_edition(tmp_path, rows, MAP + "    shade: count\n")
    figure, problems = draw(root)
    assert problems.errors == []
    svg = svg_text(figure.asset.data)
    assert "Events per region" in svg
    legend = re.findall(r">([^<>]+)</text>", svg.split("Events per region", 1)[1])
    assert legend[:5] == ["1", "2", "3–4", "5–6", "7–8"]
    assert "Events per town" not in svg  # no points on a choropleth
    assert facts_of(root).shade == "count"


def test_choropleth_counts_rows_without_coordinates(tmp_path: Path) -> None:
    rows = [["2023-12-01", "Battles", "al Shabaab", "Bay", "Somewhere", 4, "Somalia", "", ""]] * 2
    root = geo_edition(tmp_path, rows, MAP + "    shade: fatalities\n")
    figure, problems = draw(root)
    assert problems.errors == []
    assert "Fatalities per region" in svg_text(figure.asset.data)
    assert facts_of(root).fatalities == 8


def test_bad_shade_is_reported_at_its_line(tmp_path: Path) -> None:
    root = geo_edition(tmp_path, SOMALIA, MAP + "    shade: deaths\n")
    figure, problems = draw(root)
    assert shown(problems.errors, root) == [
        f"inputs/2023-12-13/update.md:{figure_line(root, 'shade')}: figure 'pace': "
        "shade: expected count or fatalities, got 'deaths'"
    ]
    assert problems.errors[0].code == "E601"


def test_classes_cover_the_values_in_whole_numbers() -> None:
    assert classes([1, 3]) == [(1, 1), (2, 2), (3, 3)]
    assert classes([8, 3, 1]) == [(1, 1), (2, 2), (3, 4), (5, 6), (7, 8)]
    assert classes([100])[-1] == (76, 100)
    assert classes([100])[0] == (1, 10)


def test_packed_shapes_match_the_geojson() -> None:
    from importlib import resources

    folder = resources.files("weekly") / "data"
    regions = json.loads((folder / "theatres-admin1.geojson").read_text())["features"]
    countries = json.loads((folder / "theatres-countries.geojson").read_text())["features"]
    base = basemaps.base_map("theatres")
    assert [a.name for a in base.regions] == [f["properties"]["admin1"] for f in regions]
    assert [a.name for a in base.countries] == [f["properties"]["name"] for f in countries]
    first = regions[0]["geometry"]
    ring = first["coordinates"][0] if first["type"] == "Polygon" else first["coordinates"][0][0]
    got = [v for point in base.regions[0].rings[0].tolist()[:3] for v in point]
    assert got == pytest.approx([v for point in ring[:3] for v in point], abs=1e-4)


def test_region_of_a_row_without_country_is_checked_in_the_country_it_lies_in(
    tmp_path: Path, weekly
) -> None:
    header = [name for name in GEO if name != "country"]
    rows = [[v for i, v in enumerate(row) if GEO[i] != "country"] for row in SOMALIA]
    rows.append(["2023-12-07", "Battles", "al Shabaab", "Atlantis", "Nowhere", 1, 3.0, 45.0])
    root = chart_edition(tmp_path, MAP)
    (root / "inputs" / "events.csv").write_text(table(rows, header), encoding="utf-8")
    result = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert (
        "inputs/events.csv:7: warning: figure 'pace' leaves this row off the map: "
        "admin1 'Atlantis' matches no region of Somalia on the base maps [W602]"
    ) in result.stdout.splitlines() + result.stderr.splitlines()


def test_labels_never_overlap() -> None:
    from matplotlib.figure import Figure

    from weekly.events.maps import Labels

    ax = Figure().add_subplot()
    labels = Labels(ax, (0.0, 0.0, 10.0, 10.0), (5.0, 5.0))
    assert labels.place(5, 5, "Mogadishu", 7)
    assert not labels.place(5.2, 5.05, "Afgooye", 7)  # would overlap the first
    assert not labels.place(9.9, 5, "Kismayo", 7)  # would cross the frame
    assert labels.place(5, 8, "Jawhar", 7)
    assert len(ax.texts) == 2
