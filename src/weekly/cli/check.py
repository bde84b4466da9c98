"""``weekly check``: an editor's checks on one edition."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from weekly.cli.options import (
    cutoff_option,
    inputs_option,
)


@click.command()
@cutoff_option
@inputs_option
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one finding a line and a summary; json: a list of findings.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings (and no errors).")
def check(cutoff: str, inputs: Path, form: str, strict: bool) -> None:
    """Check one edition: sources, data cutoff, estimative language, loose ends.

    Exit status: 0 without errors, 1 with --strict and warnings, 2 on any error.
    """
    import json

    from weekly.check import check as run_check
    from weekly.check import summary

    findings = run_check(inputs, cutoff)
    if form == "json":
        click.echo(json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            click.echo(finding.with_level())
        click.echo(summary(findings))
    if any(f.level == "error" for f in findings):
        sys.exit(2)
    if strict and findings:
        sys.exit(1)
