"""``weekly new``: start an edition from the previous one."""

from __future__ import annotations

from pathlib import Path

import click

from weekly.cli.options import (
    cutoff_option,
    handled,
    inputs_option,
)
from weekly.cli.output import quiet, say


@click.command()
@cutoff_option(latest=False, meaning="The new edition's data cutoff date, e.g. 2023-12-20.")
@click.option(
    "--from",
    "base",
    metavar="DATE",
    default=None,
    help="Start from this edition instead of the latest earlier one.",
)
@click.option(
    "--series",
    "series",
    metavar="KEY",
    default=None,
    help="Start from the latest earlier edition of this series (several series in one tree).",
)
@inputs_option
def new(cutoff: str, base: str | None, series: str | None, inputs: Path) -> None:
    """Start inputs/DATE/update.md from the previous edition."""
    from weekly.authoring.new import start_edition
    from weekly.errors import display_path

    with handled():
        started = start_edition(inputs, cutoff, base, series)
    base_path = display_path(inputs / started.base / "update.md")
    say(f"created {display_path(started.path)} from {base_path}")
    for path in started.copied:
        say(f"copied {display_path(path)}")
    for reason in started.dropped:
        if not quiet():
            click.echo(f"left out figure {reason}", err=True)
