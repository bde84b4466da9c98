"""``weekly render``: one edition (or every edition) to HTML and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from weekly.cli.options import (
    accept_silent_edit_option,
    base_url_option,
    complete_cutoff,
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

if TYPE_CHECKING:
    from weekly.render.pdf import PdfVariant


def build_archive(
    inputs: Path,
    output: Path,
    formats: str,
    base_url: str,
    jobs: int | None = None,
    accept_silent_edits: bool = False,
) -> None:
    """Run the archive build and report what it did."""
    from weekly.render.worker import cpu_count
    from weekly.site.archive import build_archive as run

    chosen = parse_formats(formats)
    with handled():
        result = run(
            inputs, output, chosen, base_url, progress_bar, jobs or cpu_count(), accept_silent_edits
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
@click.option(
    "--cutoff",
    default=None,
    metavar="DATE|latest",
    shell_complete=complete_cutoff,
    help="The edition's data cutoff date, e.g. 2023-12-13, or 'latest'.",
)
@click.option("--all", "everything", is_flag=True, help="Render the archive (see weekly archive).")
@inputs_option
@output_option
@format_option
@click.option("--draft", is_flag=True, help="Also write <slug>.draft.html with reviewer aids.")
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
        build_archive(inputs, output, formats, base_url, jobs, accept_silent_edits)
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
            inputs, output, cutoff, chosen, draft, pdf_variant=variant, base_url=base_url
        )
    report(result.warnings)
    for path in result.written:
        if path.suffix in (".html", ".pdf"):
            say(f"wrote {path}")
