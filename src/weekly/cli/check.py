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
from weekly.cli.output import print_findings, quiet

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

    Exit status: 0 without errors, 1 with --strict and warnings, 2 on any error.
    """
    import json

    from weekly.pipeline import check_update
    from weekly.site.published import site_findings

    update, problems = check_update(inputs, cutoff)
    problems.extend(site_findings(None if problems.errors else update, output))
    findings = problems.sorted()
    agreeing = suggested(inputs, cutoff) if suggest else []
    if form == "json":
        listed = [f.as_dict() for f in findings] + [
            {"file": a.path, "line": a.line, "column": a.column, "level": "suggestion",
             "code": "", "message": str(a).split(": suggestion: ", 1)[1]}
            for a in agreeing
        ]  # fmt: skip
        click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
    else:
        print_findings(findings, err=False)
        for one in agreeing:
            click.echo(str(one))
        if not quiet() or any(f.level == "error" for f in findings):
            click.echo(summary(findings))
    if any(f.level == "error" for f in findings):
        sys.exit(2)
    if strict and findings:
        sys.exit(1)


def suggested(inputs: Path, cutoff: str) -> list[Suggestion]:
    """Return the typed numbers the events table agrees with; none when the edition cannot
    be read (its errors are the findings)."""
    from weekly.check.integrity import suggestions
    from weekly.errors import WeeklyError
    from weekly.inputs.edition import resolve_cutoff

    try:
        return suggestions(inputs, resolve_cutoff(inputs, cutoff))
    except WeeklyError:
        return []


def summary(findings: list[Problem]) -> str:
    """Return ``2 errors, 3 warnings``, or ``no problems found``."""
    if not findings:
        return "no problems found"
    errors = sum(1 for f in findings if f.level == "error")
    warnings = len(findings) - errors
    return (
        f"{errors} error{'' if errors == 1 else 's'}, "
        f"{warnings} warning{'' if warnings == 1 else 's'}"
    )
