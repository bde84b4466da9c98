"""Events tables and the editions that chart and map them, for the events, charts, maps and
memo tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from support import SOURCES, UPDATE, write_tree

HEADER = ["event_date", "event_type", "actor1", "admin1", "location", "fatalities", "country"]
#: ``HEADER`` with coordinates, for maps.
GEO = [*HEADER, "latitude", "longitude"]
SOMALIA = [
    ["2023-12-01", "Battles", "al Shabaab", "Lower Shabelle", "Afgooye", 3, "Somalia", 2.14, 45.12],
    ["2023-12-02", "Explosions/Remote violence", "al Shabaab", "Banadir", "Mogadishu", 5, "Somalia", 2.04, 45.34],
    ["2023-12-03", "Battles", "al Shabaab", "Middle Shabelle", "Jawhar", 1, "Somalia", 2.78, 45.5],
    ["2023-12-04", "Battles", "SNA", "Hiraan", "Beledweyne", 0, "Somalia", 4.74, 45.2],
    ["2023-12-06", "Battles", "al Shabaab", "Lower Juba", "Kismayo", 2, "Somalia", -0.36, 42.55],
]  # fmt: skip
#: A map figure named ``pace``, in the YAML under ``figures:``.
MAP = "  pace:\n    title: Map\n    chart: map\n"
#: A chart figure's options per kind, under a figure's title.
KINDS = {
    "weekly": "    chart: weekly\n    where: {actor1: JNIM}\n    since: 2023-10-01\n",
    "weekly-by": "    chart: weekly\n    by: admin1\n    since: 2023-10-01\n",
    "monthly": "    chart: monthly\n    where: {actor1: [JNIM, FAMa]}\n    by: actor1\n",
    "share": "    chart: share\n    by: admin1\n    where: {actor1: JNIM}\n    since: 2023-11-19\n",
    "map": "    chart: map\n    color: actor1\n    size: fatalities\n",
}
#: A sentence of the body that counts events (the memo keeps its answer).
FACT = 'JNIM struck {{ events.count(actor1="JNIM", since="2023-11-19") }} times.[@sigact]\n'


def table(rows: list[list[object]], header: list[str] = HEADER, bom: bool = False) -> str:
    """Return CSV text for ``rows`` under ``header``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "") + out.getvalue()


def held_out_rows() -> list[list[object]]:
    """16 JNIM events from November 19 to the cutoff (11 in Mopti), and others around them."""
    days = [f"2023-11-{d}" for d in (19, 20, 21, 23, 24, 26, 27, 29)]
    days += [f"2023-12-{d:02d}" for d in (1, 2, 4, 6, 8, 9, 11, 13)]
    rows: list[list[object]] = []
    for index, day in enumerate(days):
        region = "Segou" if index % 3 == 2 else "Mopti"
        rows.append([day, "Violence against civilians", "JNIM", region, "Bandiagara", 2, "Mali"])
    rows += [
        ["2023-11-18", "Battles", "JNIM", "Mopti", "Mopti", 1, "Mali"],  # before the window
        ["2023-12-14", "Battles", "JNIM", "Mopti", "Mopti", 9, "Mali"],  # after the cutoff
        ["2024-01-05", "Battles", "JNIM", "Segou", "Segou", 9, "Mali"],  # after the cutoff
        ["2023-11-25", "Battles", "FAMa", "Mopti", "Sevare", 3, "Mali"],
        ["2023-12-01", "Battles", "ISSP", "Menaka", "Menaka", 5, "Mali"],
    ]
    return rows


def render_errors(root: Path, weekly: Any) -> list[str]:
    """Render ``root`` expecting bad input: return the error lines (nothing was written)."""
    result = weekly("render", "--cutoff", "2023-12-13", cwd=root)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert not (root / "output").exists()
    return result.stderr.splitlines()


def chart_edition(tmp_path: Path, figure: str, rows: list[list[object]] | None = None) -> Path:
    """Write an edition whose front matter defines ``figure`` (YAML under ``figures:``)."""
    front = "figures:\n" + figure + "---\n"
    update = UPDATE.replace("---\n\n**JNIM", front + "\n**JNIM", 1)
    update += '\n{{ figure("pace") }}\n'
    return write_tree(
        tmp_path,
        {
            "inputs/sources.yaml": SOURCES,
            "inputs/2023-12-13/update.md": update,
            "inputs/events.csv": table(rows if rows is not None else held_out_rows()),
        },
    )


def figure_line(root: Path, key: str = "chart") -> int:
    """Return the line of the update where the figure's ``key:`` is."""
    lines = (root / "inputs" / "2023-12-13" / "update.md").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(f"{key}:"))


def draw(root: Path) -> tuple[object, Any]:
    """Assemble the edition: return its figure ``pace`` and the problems found."""
    from weekly.errors import Problems
    from weekly.resolve.update import assemble

    problems = Problems()
    update = assemble(root / "inputs", "2023-12-13", problems)
    return update.figures["pace"], problems


def geo_edition(tmp_path: Path, rows: list[list[object]], figure: str = MAP,
                files: dict[str, str] | None = None) -> Path:  # fmt: skip
    """Write an edition with a map figure over ``rows`` (with coordinates) and extra files."""
    root = chart_edition(tmp_path, figure)
    (root / "inputs" / "events.csv").write_text(table(rows, GEO), encoding="utf-8")
    write_tree(root, files or {})
    return root


def memo_edition(tmp_path: Path) -> Path:
    """Write a charted edition whose body also counts events (:data:`FACT`)."""
    root = chart_edition(tmp_path, f"  pace:\n    title: A Chart\n{KINDS['weekly-by']}")
    update = root / "inputs/2023-12-13/update.md"
    update.write_text(update.read_text(encoding="utf-8") + "\n" + FACT, encoding="utf-8")
    return root
