"""``weekly archive``: every changed edition, then the site: index, feeds, search, topics."""

from __future__ import annotations

from pathlib import Path

import click

from weekly.cli.options import (
    accept_silent_edit_option,
    base_url_option,
    format_option,
    inputs_option,
    jobs_option,
    output_option,
)
from weekly.cli.render import build_archive


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
    build_archive(inputs, output, formats, base_url, jobs, accept_silent_edits)
