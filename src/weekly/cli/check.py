"""``weekly check``: an editor's checks on one edition."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from weekly.cli.options import (
    cutoff_option,
    inputs_option,
    output_option,
)
from weekly.cli.output import print_problems, print_suggestions, quiet

if TYPE_CHECKING:
    from weekly.check.integrity import Suggestion
    from weekly.errors import Problem


@click.command()
@cutoff_option()
@inputs_option
@output_option
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one finding a line and a summary; json: a list of findings.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings (and no errors).")
@click.option(
    "--suggest",
    is_flag=True,
    help="Also list typed numbers the events table agrees with, each with the expression "
    "that would keep it current (not findings: the exit status ignores them).",
)
def check(cutoff: str, inputs: Path, output: Path, form: str, strict: bool, suggest: bool) -> None:
    """Check one edition: sources, data cutoff, estimative language, loose ends.

    Warns about files under --output that are not the site's (they would be published). An
    edition the archive in --output published is compared with its inputs now: each block
    changed since is reported (W081), so a correction can say what it covers.

    Warnings the series or the edition accepts (accept_warnings) are not printed; the
    summary counts them ("1 accepted"), and --strict ignores them.

    Exit status: 0 without errors, 1 with --strict and warnings, 2 on any error.
    """
    import json

    from weekly.pipeline import Findings, check_update
    from weekly.site.published import site_findings

    update, found = check_update(inputs, cutoff)
    found.extend(site_findings(None if found.errors else update, output))
    problems = Findings(found.sorted(), found.accepted)
    agreeing = suggested(inputs, cutoff) if suggest else []
    if form == "json":
        listed = [f.as_dict() for f in problems]
        listed += [{**f.as_dict(), "level": "accepted"} for f in problems.accepted]
        listed += [
            {"file": a.path, "line": a.line, "column": a.column, "level": "suggestion",
             "code": "", "message": a.message}
            for a in agreeing
        ]  # fmt: skip
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
    else:
        print_problems(problems, err=False)
        print_suggestions(agreeing)
        if not quiet() or any(p.level == "error" for p in problems):
            click.echo(summary(problems, len(problems.accepted)))
    if any(p.level == "error" for p in problems):
        sys.exit(2)
    if strict and problems:
        sys.exit(1)


def suggested(inputs: Path, cutoff: str) -> list[Suggestion]:
    """Return the typed numbers the events table agrees with; none when the edition cannot
    be read (its errors are the problems)."""
    from weekly.check.integrity import suggestions
    from weekly.errors import WeeklyError
    from weekly.inputs.edition import resolve_cutoff

    try:
        return suggestions(inputs, resolve_cutoff(inputs, cutoff))
    except WeeklyError:
        return []


def summary(problems: list[Problem], accepted: int = 0) -> str:
    """Return ``2 errors, 3 warnings`` (``, 1 accepted`` added when warnings were accepted),
    or ``no problems found``."""
    said = ", ".join(
        f"{count} {word}{'' if count == 1 else 's'}"
        for count, word in (
            (sum(1 for p in problems if p.level == "error"), "error"),
            (sum(1 for p in problems if p.level != "error"), "warning"),
        )
    )
    said = said if problems else "no problems found"
    return f"{said}, {accepted} accepted" if accepted else said
