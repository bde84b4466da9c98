"""``weekly render``: one edition (or every edition) to HTML and PDF."""

from __future__ import annotations

from pathlib import Path

import click

from weekly.cli.options import (
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


def build_archive(
    inputs: Path, output: Path, formats: str, base_url: str, jobs: int | None = None
) -> None:
    """Run the archive build and report what it did."""
    from weekly.site.archive import build_archive as run
    from weekly.site.pool import cpu_count

    chosen = parse_formats(formats)
    with handled():
        result = run(inputs, output, chosen, base_url, progress_bar, jobs or cpu_count())
    report(result.warnings, with_level=True)
    for key, reason in result.rendered:
        click.echo(f"rendered {key} ({reason})")
    for key in result.skipped:
        click.echo(f"skipped {key} (unchanged)")
    for path in result.written:
        click.echo(f"wrote {path}")
    if result.searched is not None:
        pages = f"{result.indexed} edition{'s' if result.indexed != 1 else ''}"
        click.echo(f"indexed {pages} for search in {result.searched}")


@click.command()
@click.option(
    "--cutoff",
    default=None,
    metavar="DATE|latest",
    help="The edition's data cutoff date, e.g. 2023-12-13, or 'latest'.",
)
@click.option("--all", "everything", is_flag=True, help="Render the archive (see weekly archive).")
@inputs_option
@output_option
@format_option
@click.option("--draft", is_flag=True, help="Also write <slug>.draft.html with reviewer aids.")
@base_url_option
@jobs_option
def render(
    cutoff: str | None,
    everything: bool,
    inputs: Path,
    output: Path,
    formats: str,
    draft: bool,
    base_url: str,
    jobs: int | None,
) -> None:
    """Render one edition to output/DATE/<slug>.html and .pdf (or every edition: --all)."""
    from weekly import pipeline as build

    if everything:
        if cutoff is not None or draft:
            raise click.UsageError("--all renders every edition: drop --cutoff and --draft")
        build_archive(inputs, output, formats, base_url, jobs)
        return
    if cutoff is None:
        raise click.UsageError("give --cutoff DATE (or --all for every edition)")
    if base_url or jobs is not None:
        raise click.UsageError("--base-url and --jobs apply to --all only")
    chosen = parse_formats(formats)
    with handled():
        result = build.render(inputs, output, cutoff, chosen, draft)
    report(result.warnings, with_level=True)
    for path in result.written:
        if path.suffix in (".html", ".pdf"):
            click.echo(f"wrote {path}")
