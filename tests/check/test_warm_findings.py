"""Findings are a function of the inputs: ``check`` says the same with a cold and a warm cache.

Every finding code a cached stage (the events table and its columnar copy, the memo of facts
and charts, the chart SVGs, the bibliographies) can report is run through both paths: a
check with no cache at all, then a render that fills the caches on disk, then checks again
(twice). What a command keeps in memory lives in its own :class:`weekly.caches.Caches` and
goes when the command ends, so a check in this process starts as a new process would.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from support import SOURCES
from support.events import GEO, MAP, SOMALIA, chart_edition, geo_edition, table
from weekly.events import table as events

PACIFIC = ["2023-12-08", "Battles", "al Shabaab", "Banadir", "Pacific", 1, "Somalia", 10.0, -140.0]
ATLANTIS = ["2023-12-07", "Battles", "al Shabaab", "Atlantis", "Nowhere", 1, "Somalia", 3.0, 45.0]
FAR = json.dumps({"type": "Point", "coordinates": [10.0, 50.0]})
BAD_JSON = '{"type": "FeatureCollection",\n "features": [\n  {"type": "Feature" "geometry": null}\n'
WEEKLY = "  pace:\n    title: Pace\n    chart: weekly\n"


def _geo(rows: list[list[object]], figure: str = MAP, files: dict[str, str] | None = None):
    return lambda tmp: geo_edition(tmp, rows, figure, files)


def _chart(figure: str, events: str | None = None):
    def make(tmp: Path) -> Path:
        root = chart_edition(tmp, figure)
        if events is None:
            (root / "inputs" / "events.csv").unlink()
        else:
            (root / "inputs" / "events.csv").write_text(events, encoding="utf-8")
        return root

    return make


def _layer(entry: str) -> str:
    return MAP + f"    layers: [{entry}]\n"


#: code -> an edition (made in a folder) whose check reports it.
SCENARIOS = {
    "W601": _geo([*SOMALIA, PACIFIC]),
    "W601 more": _geo([*SOMALIA, *[PACIFIC] * 8]),
    "W602": _geo([*SOMALIA, ATLANTIS]),
    "W603": _geo(SOMALIA, _layer("{file: far.geojson, label: Bases, style: sites}"),
                 {"inputs/2023-12-13/far.geojson": FAR}),
    "E300": _chart(WEEKLY, None),
    "E301": _chart(WEEKLY, "event_date,actor1\n2023-12-01,JNIM\n"),
    "E302": _chart(WEEKLY + "    where: {actor1: Nobody}\n", table(SOMALIA, GEO)),
    "E303": _chart(WEEKLY, table([*SOMALIA, ["someday", *SOMALIA[0][1:]]], GEO)),
    "E304": _chart(WEEKLY + "    colour: red\n", table(SOMALIA, GEO)),
    "E601": _geo(SOMALIA, MAP + "    shade: wealth\n"),
    "E602": _geo(SOMALIA, _layer("{file: gone.geojson, label: Zone, style: control}")),
    "E603": _geo(SOMALIA, _layer("{file: bad.geojson, label: Zone, style: control}"),
                 {"inputs/2023-12-13/bad.geojson": BAD_JSON}),
    "E011": lambda tmp: chart_edition(tmp, WEEKLY),
}  # fmt: skip


def _sources_twice(root: Path) -> None:
    """Define the first source of ``sources.yaml`` twice (a bibliography finding, E011)."""
    first = SOURCES.split("\n", 3)
    (root / "inputs" / "sources.yaml").write_text(SOURCES + "\n".join(first[:3]) + "\n")


def _check(weekly, root: Path) -> list[dict[str, object]]:
    result = weekly("check", "--cutoff", "2023-12-13", "--format", "json", cwd=root)
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_check_is_the_same_cold_and_warm(tmp_path: Path, weekly, name: str) -> None:
    root = SCENARIOS[name](tmp_path)
    if name == "E011":
        _sources_twice(root)
    shutil.rmtree(root / "inputs" / events.CACHE_DIR, ignore_errors=True)
    cold = _check(weekly, root)
    assert name.split()[0] in {f["code"] for f in cold}, cold
    weekly("render", "--cutoff", "2023-12-13", cwd=root)  # fills the caches (when it can)
    assert _check(weekly, root) == cold  # warm
    assert _check(weekly, root) == cold  # and again


@pytest.mark.slow
def test_a_map_and_chart_edition_warns_the_same_after_a_render(tmp_path: Path, weekly) -> None:
    """The case of the report: a map that leaves a row off warns on every check."""
    root = geo_edition(
        tmp_path,
        [*SOMALIA, PACIFIC, ATLANTIS],
        MAP + "  pace-weekly:\n    title: Pace\n    chart: weekly\n",
    )
    update = root / "inputs" / "2023-12-13" / "update.md"
    update.write_text(update.read_text() + '\n{{ figure("pace-weekly") }}\n')
    cold = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert "latitude 10, longitude -140 is outside every base map" in cold.stdout
    assert weekly("render", "--cutoff", "2023-12-13", cwd=root).returncode == 0
    warm = weekly("check", "--cutoff", "2023-12-13", cwd=root)
    assert warm.stdout == cold.stdout
    assert warm.stdout.splitlines()[-1] == "0 errors, 2 warnings"
