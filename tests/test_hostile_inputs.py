"""Hostile and malformed inputs end in findings with a place, never in a traceback.

The fuzz-style test mutates a valid edition many ways (seeded, so a failure replays) and
asserts what users are promised: ``check`` either passes or reports problems as
``path:line:``; nothing escapes as an exception.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from support import SOURCES, UPDATE, write_tree
from weekly.errors import WeeklyError
from weekly.findings import CODES
from weekly.inputs.yamlfile import load_yaml
from weekly.pipeline import check

PATH = Path("inputs/2023-12-13/update.md")


def yaml_error(text: str) -> str:
    with pytest.raises(WeeklyError) as caught:
        load_yaml(text, PATH, first_line=2)
    [problem] = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("series: x\nheadline: A\x00B\n", ":3: malformed YAML: character U+0000 is not allowed"),
        ("series: x\nheadline: A\x1bB\n", ":3: malformed YAML: character U+001B is not allowed"),
        (
            'series: x\nheadline: "A\\aB"\n',
            ":3: malformed YAML: control character U+0007 in a value",
        ),
        ('headline: "A\\ud800B"\n', ":2: malformed YAML: control character U+D800 in a value"),
        ('headline: "A\\u2028B"\n', ":2: malformed YAML: control character U+2028 in a value"),
        (
            "series: x\ndate: 2023-02-30\n",
            ":3: malformed YAML: impossible value '2023-02-30': day is out of range for month",
        ),
        ("a: 0000-01-05\n", ":2: malformed YAML: impossible value '0000-01-05'"),
        ("a: &x [*x]\n", "malformed YAML: an alias refers to itself"),
    ],
)
def test_bad_yaml_is_one_line_at_its_place(text: str, expected: str) -> None:
    message = yaml_error(text)
    assert message.startswith(str(PATH))
    assert expected in message


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):  # 10**10 leaves once expanded
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    message = yaml_error("\n".join(lines) + "\n")
    assert "aliases expand to more than 100,000 values" in message


def test_modest_aliases_still_work() -> None:
    doc = load_yaml("base: &b {publisher: Reuters}\nx: *b\ny: *b\n", PATH)
    assert doc.data["y"] == {"publisher": "Reuters"}


SNIPPETS = [
    "\x00",
    "\x07",
    "\x1b",
    "\u2028",
    "\ud800",
    "{{",
    "}}",
    "{%",
    "[@",
    "]",
    "@",
    "---",
    "\n---\n",
    "&a [*a]",
    "*a",
    ": :",
    "\t",
    "**",
    "{{ 1e309|percent }}",
    '{{ "x"|truncate(-1) }}',
    "{{ figure('nope') }}",
    "[@sigact;]",
    "## Mali[@sigact]",
    "[x](data:image/png;base64,AA)",
    "date: 2023-02-30",
    "cutoff_time: '25:00'",
    "<script>",
    "\\",
    '"',
    "'",
    "%",
    "|",
    ">",
]


@pytest.mark.parametrize("seed", range(120))
def test_mutated_editions_give_findings_never_tracebacks(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    text = UPDATE
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(text))
        choice = rng.random()
        if choice < 0.6:
            text = text[:at] + rng.choice(SNIPPETS) + text[at:]
        elif choice < 0.8:
            text = text[:at] + text[at + rng.randint(1, 20) :]
        else:
            lines = text.split("\n")
            line = rng.randrange(len(lines))
            lines.insert(line, lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
    root = write_tree(tmp_path, {"inputs/sources.yaml": SOURCES})
    update = root / "inputs" / "2023-12-13" / "update.md"
    update.parent.mkdir(parents=True)
    update.write_bytes(text.encode("utf-8", "surrogatepass"))

    findings = check(root / "inputs", "2023-12-13")  # must not raise

    for finding in findings:
        # Each finding is a registered code placed in a file of this inputs tree, on one line.
        assert finding.code in CODES, finding
        assert Path(finding.path).resolve().is_relative_to(root / "inputs"), finding
        assert finding.message and "\n" not in finding.message, finding
        # Line 0 stands for the whole file (or a folder); any other line is one of the file's.
        place = Path(finding.path)
        lines = place.read_bytes().count(b"\n") + 1 if place.is_file() else 0
        assert 0 <= finding.line <= lines, finding


def edition_with(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(
        tmp_path, {"inputs/sources.yaml": SOURCES, "inputs/2023-12-13/update.md": UPDATE, **files}
    )


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ('salafi-jihadi:\n  cutoff_time: "25:00"\n', "cutoff_time must look like 10:00"),
        ("salafi-jihadi:\n  timezone: Mars/Olympus\n", "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_series_settings_are_findings(tmp_path: Path, series: str, expected: str) -> None:
    root = edition_with(tmp_path, {"inputs/series.yaml": series})
    findings = [str(f) for f in check(root / "inputs", "2023-12-13")]
    assert any(
        f.startswith(f"{root / 'inputs/series.yaml'}:2: ") and expected in f for f in findings
    )


def test_a_stray_folder_that_is_no_date_is_not_the_latest_edition(tmp_path: Path) -> None:
    root = edition_with(tmp_path, {"inputs/2024-13-45/update.md": "not an edition"})
    assert check(root / "inputs", "latest") == []


@pytest.mark.parametrize(
    ("image", "reason"),
    [("figures/" + "b" * 5000 + ".png", "File name too long"), ("figures/loop.png", "loop")],
)
def test_unreadable_figure_paths_are_findings(tmp_path: Path, image: str, reason: str) -> None:
    update = UPDATE.replace(
        "---\n\n**JNIM", f"figures:\n  m:\n    title: M\n    image: {image}\n---\n\n**JNIM"
    )
    root = edition_with(tmp_path, {"inputs/2023-12-13/update.md": update + '\n{{ figure("m") }}\n'})
    (root / "inputs/2023-12-13/figures").mkdir()
    (root / "inputs/2023-12-13/figures/loop.png").symlink_to("loop.png")
    findings = [str(f) for f in check(root / "inputs", "2023-12-13")]
    assert any("figure 'm': image cannot be read" in f and reason in f for f in findings), findings


def test_two_editions_of_one_series_may_not_share_a_date(tmp_path: Path) -> None:
    second = UPDATE.replace(
        "cutoff: 2023-12-13 10:00", "cutoff: 2023-12-14 10:00\ndate: 2023-12-13"
    )
    other_series = second.replace("series: salafi-jihadi", "series: africa-file")
    root = edition_with(tmp_path, {"inputs/2023-12-14/update.md": second})
    findings = [f.with_level() for f in check(root / "inputs", "2023-12-14")]
    assert any(
        f.startswith(
            f"{root / 'inputs/2023-12-14/update.md'}:6: error: edition date "
            "December 13, 2023 is also the date of "
        )
        and "inputs/2023-12-13/update.md (series 'salafi-jihadi')" in f
        for f in findings
    ), findings
    (root / "inputs/2023-12-14/update.md").write_text(other_series, encoding="utf-8")
    assert not any("is also the date of" in str(f) for f in check(root / "inputs", "2023-12-14"))
