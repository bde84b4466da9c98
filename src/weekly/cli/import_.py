"""``weekly import``: turn a Word draft into an edition's inputs."""

from __future__ import annotations

from pathlib import Path

import click

from weekly.cli.options import cutoff_option, handled, inputs_option
from weekly.cli.output import quiet


@click.command(name="import")
@click.argument("draft", type=click.Path(path_type=Path, dir_okay=True))
@cutoff_option(
    required=False,
    latest=False,
    meaning="The edition's cutoff date; default: the draft's 'Data Cutoff:' line.",
)
@click.option(
    "--series",
    "series",
    metavar="KEY",
    default=None,
    help="The series the draft belongs to; default: the one its title names.",
)
@click.option("--force", is_flag=True, help="Replace an existing edition folder.")
@inputs_option
def import_(draft: Path, cutoff: str | None, series: str | None, force: bool, inputs: Path) -> None:
    """Import a Word draft (.docx with footnotes and figures) into inputs/DATE/."""
    from weekly.authoring.edition import import_draft
    from weekly.errors import display_path, one_line

    with handled():
        done = import_draft(draft, inputs, cutoff, series, force)
    name = one_line(display_path(draft))
    if quiet():  # the draft's comments and notes are for reading, not errors
        return
    for remark in done.comments:
        click.echo(
            f"{remark.location}: comment by {one_line(remark.author)}: {one_line(remark.text)}",
            err=True,
        )
        if remark.excerpt:
            click.echo(f"    on: {one_line(remark.excerpt)}", err=True)
    for part in done.unclassified:
        click.echo(
            f"{name}: note {part.note}: kept as text source '{part.id}', check it: "
            f"{one_line(part.part)}",
            err=True,
        )
    for reason in done.skipped:
        click.echo(f"{name}: {one_line(reason)}", err=True)
    changes = done.changes
    if changes.insertions or changes.deletions:
        click.echo(
            f"{name}: accepted {_count(changes.insertions, 'tracked insertion')} "
            f"and {_count(changes.deletions, 'tracked deletion')}",
            err=True,
        )
    click.echo(
        f"imported {name} into {display_path(done.folder)}: {_count(done.notes, 'note')}, "
        f"{_count(done.new_sources, 'new source')}, {done.reused_sources} reused from "
        f"{display_path(done.folder.parent / 'sources.yaml')}, "
        f"{_count(len(done.comments), 'comment')}"
    )
    if done.tally is not None:
        click.echo(f"took in {done.tally}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
