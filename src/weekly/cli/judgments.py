"""``weekly judgments``: each lead judgment and key takeaway across the editions of a series."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from weekly.cli.options import inputs_option


@click.command()
@inputs_option
@click.option(
    "--series",
    "series",
    metavar="KEY",
    default=None,
    help="Only the editions of this series (its key, as in series: of the front matter); "
    "default every series under --inputs.",
)
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
    help="text: one judgment a line, grouped by series; csv: one row a judgment; json: a list.",
)
def judgments(inputs: Path, series: str | None, form: str) -> None:
    """Show each judgment's history: date, section, text, estimative level and reason.

    A judgment is matched with the most similar one of the same section in the edition before
    (its thread); its status is new, same, changed (its ICD 203 level moved) or ended (it has
    no counterpart in this edition).
    """
    import csv
    import io
    import json

    from weekly.check.judgments import HISTORY_FIELDS, judgment_history

    if not inputs.is_dir():
        click.echo(f"weekly: error: no inputs folder {inputs}", err=True)
        sys.exit(2)
    rows = judgment_history(inputs, series)
    if series is not None and not rows:
        click.echo(f"weekly: error: no judgments for series '{series}' under {inputs}", err=True)
        sys.exit(2)
    if form == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
    elif form == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=HISTORY_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r.as_dict() for r in rows)
        click.echo(out.getvalue(), nl=False)
    else:
        shown = ""
        for row in rows:
            if row.series != shown:
                if shown:
                    click.echo("")
                click.echo(f"series {row.series}")
                shown = row.series
            where = f"{row.section}: " if row.section else ""
            what = "takeaway" if row.kind == "takeaway" else "judgment"
            level = row.level or "no estimative term"
            click.echo(
                f"{row.date}  #{row.thread} {row.status:<7} {what} ({level}): {where}{row.text}"
            )
            if row.reason:
                click.echo(f"{'':12}  reason: {row.reason}")
