"""Accepting a known warning: ``accept_warnings`` in a series or an edition's front matter.

An accepted warning is printed by no command (check, render, preview, archive), does not
count for ``check --strict``, and is counted in check's summary; a code that cannot be
accepted (an error, an unknown code) is itself an error at its line.
"""

from __future__ import annotations

import json
from pathlib import Path

from support import SOURCES, UPDATE, write_tree

UPDATE_MD = "inputs/2023-12-13/update.md"
#: The standard edition with two warnings: a vague hedge (W201, line 18) and an evidence
#: bullet without a citation (W101, line 16).
WARNED = UPDATE.replace("will likely fail", "will perhaps fail").replace(
    "pulled back.[@acled-dashboard]", "pulled back."
)
W101 = f"{UPDATE_MD}:16: warning: evidence bullet has no citation; add [@source] [W101]"


def make(tmp_path: Path, update: str = WARNED, series: str | None = None) -> Path:
    files = {"inputs/sources.yaml": SOURCES, UPDATE_MD: update}
    if series is not None:
        files["inputs/series.yaml"] = series
    return write_tree(tmp_path, files)


def accepting(front: str, update: str = WARNED) -> str:
    """Return ``update`` with ``front`` (front matter lines) after its first line."""
    return update.replace("---\n", "---\n" + front, 1)


def check(weekly, root: Path, *args: str):
    return weekly("check", "--cutoff", "2023-12-13", *args, cwd=root)


def test_without_accepting_both_warnings_are_printed(tmp_path: Path, weekly) -> None:
    result = check(weekly, make(tmp_path))
    assert result.stdout.splitlines()[-1] == "0 errors, 2 warnings"
    assert check(weekly, make(tmp_path), "--strict").returncode == 1


def test_an_edition_accepts_a_warning_and_check_counts_it(tmp_path: Path, weekly) -> None:
    # The field is on line 2, so the body's lines move down by one.
    root = make(tmp_path, accepting("accept_warnings: [W201]\n"))
    result = check(weekly, root)
    assert result.returncode == 0
    assert result.stdout == (
        f"{UPDATE_MD}:17: warning: evidence bullet has no citation; add [@source] [W101]\n"
        "0 errors, 1 warning, 1 accepted\n"
    )
    assert check(weekly, root, "--strict").returncode == 1  # W101 is still a warning


def test_all_warnings_accepted_is_clean_even_when_strict(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, accepting("accept_warnings:\n  - W101\n  - W201\n"))
    result = check(weekly, root, "--strict")
    assert (result.returncode, result.stdout) == (0, "no problems found, 2 accepted\n")


def test_json_lists_accepted_warnings_after_the_findings(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, accepting("accept_warnings: [W201]\n"))
    listed = json.loads(check(weekly, root, "--format", "json").stdout)
    assert [(f["level"], f["code"], f["line"]) for f in listed] == [
        ("warning", "W101", 17),
        ("accepted", "W201", 19),
    ]
    assert listed[1]["message"].startswith("vague hedge 'perhaps' is not on the ICD 203 scale")


def test_a_series_accepts_for_every_edition(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, series="salafi-jihadi:\n  accept_warnings: [W101]\n")
    result = check(weekly, root)
    assert result.stdout.splitlines()[-1] == "0 errors, 1 warning, 1 accepted"
    assert "[W101]" not in result.stdout and "[W201]" in result.stdout


def test_the_series_and_the_edition_accept_together(tmp_path: Path, weekly) -> None:
    root = make(
        tmp_path,
        accepting("accept_warnings: [W201]\n"),
        series="salafi-jihadi:\n  accept_warnings: [W101]\n",
    )
    assert check(weekly, root).stdout == "no problems found, 2 accepted\n"


def test_a_layout_accepts_from_its_date_on(tmp_path: Path, weekly) -> None:
    series = (
        "brief:\n  name: Brief\n  layouts:\n"
        "    - since: 2023-12-01\n      accept_warnings: [W101]\n"
        "    - since: 2024-01-01\n      accept_warnings: []\n"
    )
    update = WARNED.replace("series: salafi-jihadi", "series: brief")
    root = make(tmp_path, update, series=series)
    assert check(weekly, root).stdout.splitlines()[-1] == "0 errors, 1 warning, 1 accepted"
    later = series.replace("2023-12-01", "2023-12-20").replace("2024-01-01", "2024-02-01")
    (root / "inputs/series.yaml").write_text(later, encoding="utf-8")
    assert check(weekly, root).stdout.splitlines()[-1] == "0 errors, 2 warnings"


def test_an_error_code_or_an_unknown_code_is_an_error_at_its_line(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, accepting("accept_warnings:\n  - W201\n  - E101\n  - W999\n"))
    result = check(weekly, root)
    assert result.returncode == 2
    assert result.stdout.splitlines()[:2] == [
        f"{UPDATE_MD}:4: error: accept_warnings: E101 is an error; only a warning can be "
        "accepted [E090]",
        f"{UPDATE_MD}:5: error: accept_warnings: unknown code 'W999' [E090]",
    ]
    # A list with a bad code accepts nothing: both warnings still show.
    assert result.stdout.splitlines()[-1] == "2 errors, 2 warnings"


def test_a_bad_code_in_the_series_is_an_error_at_its_line(tmp_path: Path, weekly) -> None:
    series = "salafi-jihadi:\n  accept_warnings:\n    - W101\n    - W1\n"
    result = check(weekly, make(tmp_path, series=series))
    assert (
        "inputs/series.yaml:4: error: series 'salafi-jihadi': accept_warnings: unknown code "
        "'W1' [E090]"
    ) in result.stdout.splitlines()
    assert result.returncode == 2


def test_accept_warnings_must_be_a_list(tmp_path: Path, weekly) -> None:
    result = check(weekly, make(tmp_path, accepting("accept_warnings: W201\n")))
    assert (
        f"{UPDATE_MD}:2: error: accept_warnings must be a list of text [E090]"
        in result.stdout.splitlines()
    )
    series = "salafi-jihadi:\n  accept_warnings: {W201: yes}\n"
    result = check(weekly, make(tmp_path, series=series))
    assert (
        "inputs/series.yaml:2: error: series 'salafi-jihadi': accept_warnings must be a list "
        "of text [E090]"
    ) in result.stdout.splitlines()


def test_render_prints_only_the_warnings_not_accepted(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, accepting("accept_warnings: [W201]\n"))
    result = weekly("render", "--cutoff", "2023-12-13", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [W101.replace(":16:", ":17:")]


def test_the_preview_neither_logs_nor_shows_an_accepted_warning(tmp_path: Path) -> None:
    from weekly.preview.state import Preview

    root = make(tmp_path, accepting("accept_warnings: [W201]\n"))
    logged: list = []
    preview = Preview(root / "inputs", "2023-12-13", log_problems=logged.extend)
    page = preview.build().html.decode("utf-8")
    assert [(p.code, p.line) for p in logged] == [("W101", 17)]
    assert "vague hedge" not in page and "evidence bullet has no citation" in page


def test_the_archive_prints_only_the_warnings_not_accepted(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, accepting("accept_warnings: [W201]\n"))
    result = weekly("archive", "--format", "html", cwd=root)
    assert result.returncode == 0, result.stderr
    printed = [line for line in result.stderr.splitlines() if "warning:" in line]
    assert printed == [W101.replace(":16:", ":17:")]


def test_a_silent_edit_is_accepted_one_archive_at_a_time_not_here(tmp_path: Path, weekly) -> None:
    root = make(tmp_path, accepting("accept_warnings: [W080]\n"))
    result = check(weekly, root)
    assert result.returncode == 2
    assert result.stdout.splitlines()[0] == (
        f"{UPDATE_MD}:2: error: accept_warnings: W080 is accepted one archive at a time, "
        "with archive --accept-silent-edit [E090]"
    )


def test_email_honours_an_accepted_mail_warning(tmp_path: Path, weekly) -> None:
    series = "salafi-jihadi:\n  mail_from: CTP <updates@example.org>\n"
    root = make(tmp_path, UPDATE, series=series)
    (root / "recipients.csv").write_text("email,name\njane@example.com,Jane\n", encoding="utf-8")
    args = ("email", "--cutoff", "2023-12-13", "--to", "recipients.csv")
    warned = weekly(*args, cwd=root)
    assert warned.returncode == 0, warned.stderr
    assert "no one-click unsubscribe link" in warned.stderr and "[W052]" in warned.stderr
    series += "  accept_warnings: [W052]\n"
    (root / "inputs/series.yaml").write_text(series, encoding="utf-8")
    accepted = weekly(*args, cwd=root)
    assert accepted.returncode == 0, accepted.stderr
    assert "warning" not in accepted.stderr
