"""``weekly render``: one edition (or every edition) to HTML and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from weekly.cli.options import (
    accept_silent_edit_option,
    base_url_option,
    cutoff_option,
    format_option,
    handled,
    inputs_option,
    jobs_option,
    output_option,
    parse_formats,
    report,
    state_option,
)
from weekly.cli.output import say

if TYPE_CHECKING:
    from weekly.render.pdf import PdfVariant


@click.command()
@cutoff_option(required=False)
@click.option("--all", "everything", is_flag=True, help="Render the archive (see weekly archive).")
@inputs_option
@output_option
@format_option
@click.option(
    "--draft",
    is_flag=True,
    help="Also write <slug>.draft.html with reviewer aids, into STATE/drafts/DATE/ "
    "(never under --output).",
)
@state_option
@base_url_option
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/ua-1", "pdf/a-3u"]),
    default="pdf/ua-1",
    show_default=True,
    help="PDF standard: pdf/ua-1 (accessible) or pdf/a-3u (archiving); both are tagged.",
)
@jobs_option
@accept_silent_edit_option
def render(
    cutoff: str | None,
    everything: bool,
    inputs: Path,
    output: Path,
    formats: str,
    draft: bool,
    state: Path | None,
    base_url: str,
    pdf_variant: str,
    jobs: int | None,
    accept_silent_edits: bool,
) -> None:
    """Render one edition to output/DATE/<slug>.html and .pdf (or every edition: --all)."""
    from weekly import pipeline as build

    if everything:
        if cutoff is not None or draft:
            raise click.UsageError("--all renders every edition: drop --cutoff and --draft")
        if pdf_variant != "pdf/ua-1":
            raise click.UsageError("--pdf-variant applies to one edition (--cutoff) only")
        from weekly.cli.archive import build_and_report

        build_and_report(inputs, output, formats, base_url, jobs, accept_silent_edits)
        return
    if cutoff is None:
        raise click.UsageError("give --cutoff DATE (or --all for every edition)")
    if jobs is not None:
        raise click.UsageError("--jobs applies to --all only")
    if accept_silent_edits:
        raise click.UsageError("--accept-silent-edit applies to --all only")
    chosen = parse_formats(formats)
    if base_url and "fragment" not in chosen:
        raise click.UsageError("--base-url applies to --all and to --format fragment only")
    with handled():
        variant = cast("PdfVariant", pdf_variant)  # one of the click.Choice values
        result = build.render(
            inputs,
            output,
            cutoff,
            chosen,
            draft,
            pdf_variant=variant,
            base_url=base_url,
            state=state,
        )
    report(result.warnings)
    for path in result.written:
        if path.suffix in (".html", ".pdf"):
            say(f"wrote {path}")
