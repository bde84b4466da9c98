"""``weekly archive``: every changed edition, then the site: index, feeds, search, topics."""

from __future__ import annotations

from pathlib import Path

import click

from weekly.cli.options import (
    accept_silent_edit_option,
    base_url_option,
    format_option,
    handled,
    inputs_option,
    jobs_option,
    output_option,
    parse_formats,
    progress_bar,
    report,
)
from weekly.cli.output import say
from weekly.errors import display_path


def build_and_report(
    inputs: Path,
    output: Path,
    formats: str,
    base_url: str,
    jobs: int | None = None,
    accept_silent_edits: bool = False,
) -> None:
    """Build the archive (:func:`weekly.site.archive.build_archive`) and say what it did.

    ``weekly archive`` and ``weekly render --all`` both call it.
    """
    from weekly.site.archive import build_archive

    chosen = parse_formats(formats)
    with handled():
        result = build_archive(
            inputs, output, chosen, base_url, progress_bar, jobs, accept_silent_edits
        )
    report(result.warnings)
    for key, reason in result.rendered:
        say(f"rendered {key} ({reason})")
    for path in result.kept:
        say(f"kept {display_path(path)} (the version published before a correction)")
    for key in result.skipped:
        say(f"skipped {key} (unchanged)")
    for path in result.written:
        say(f"wrote {path}")
    if result.searched is not None:
        pages = f"{result.indexed} edition{'s' if result.indexed != 1 else ''}"
        say(f"indexed {pages} for search in {result.searched}")


@click.command()
@inputs_option
@output_option
@format_option
@base_url_option
@jobs_option
@accept_silent_edit_option
def archive(
    inputs: Path,
    output: Path,
    formats: str,
    base_url: str,
    jobs: int | None,
    accept_silent_edits: bool,
) -> None:
    """Render every changed edition, then the site around them: index, feeds, search, topics.

    A published edition given a new correction keeps the version published before it
    beside the corrected one (<slug>.before-DATE.html and .pdf).
    """
    build_and_report(inputs, output, formats, base_url, jobs, accept_silent_edits)
