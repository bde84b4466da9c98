"""``weekly archive``: every changed edition, the index and the feed."""

from __future__ import annotations

from pathlib import Path

import click

from weekly.cli.options import (
    base_url_option,
    format_option,
    inputs_option,
    output_option,
)
from weekly.cli.render import build_archive


@click.command()
@inputs_option
@output_option
@format_option
@base_url_option
def archive(inputs: Path, output: Path, formats: str, base_url: str) -> None:
    """Render every changed edition, then output/index.html and output/feed.xml."""
    build_archive(inputs, output, formats, base_url)
