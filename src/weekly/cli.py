"""The ``weekly`` command line: parse options, call the core, report problems.

Each command imports its core only when it runs, so ``weekly --help`` stays instant.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def inputs_option(func: F) -> F:
    """Add ``--inputs`` (the inputs root)."""
    return click.option(
        "--inputs",
        "inputs",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("inputs"),
        show_default=True,
        help="Folder holding series.yaml, sources.yaml, events and one folder per edition.",
    )(func)


def output_option(func: F) -> F:
    """Add ``--output`` (the output root)."""
    return click.option(
        "--output",
        "output",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("output"),
        show_default=True,
        help="Folder the rendered editions are written to.",
    )(func)


def cutoff_option(func: F) -> F:
    """Add ``--cutoff`` (an edition date or ``latest``)."""
    return click.option(
        "--cutoff",
        required=True,
        metavar="DATE|latest",
        help="The edition's data cutoff date, e.g. 2023-12-13, or 'latest'.",
    )(func)


def report(problems: list[Any], with_level: bool = False) -> None:
    """Print problems one a line on stderr."""
    for problem in problems:
        click.echo(problem.with_level() if with_level else str(problem), err=True)


@contextmanager
def handled() -> Iterator[None]:
    """Turn a :class:`WeeklyError` into its lines, a summary and exit status 2."""
    from weekly.errors import WeeklyError

    try:
        yield
    except WeeklyError as exc:
        errors = [p for p in exc.problems if p.level == "error"]
        for problem in exc.problems:  # errors as path:line: message; warnings say so
            report([problem], with_level=problem.level == "warning")
        count = len(errors) or 1
        click.echo(f"weekly: {count} error{'s' if count != 1 else ''}; nothing written", err=True)
        sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="weekly")
def main() -> None:
    """Assemble a weekly intelligence update from curated inputs into HTML and PDF."""


def _formats(formats: str) -> tuple[str, ...]:
    from weekly import build

    try:
        return build.parse_formats(formats)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None


def format_option(func: F) -> F:
    """Add ``--format`` (html, pdf or both)."""
    return click.option(
        "--format",
        "formats",
        default="html,pdf",
        show_default=True,
        help="Comma-separated output formats: html, pdf.",
    )(func)


def base_url_option(func: F) -> F:
    """Add ``--base-url`` (where the archive is published, for the feed)."""
    return click.option(
        "--base-url",
        default="",
        metavar="URL",
        help="Where output/ is published; makes the feed's links and ids absolute.",
    )(func)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[], None]]:
    """Show a progress bar on stderr (a terminal only) while ``total`` steps run."""
    if not total or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def build_archive(inputs: Path, output: Path, formats: str, base_url: str) -> None:
    """Run the archive build and report what it did."""
    from weekly.archive import build_archive as run

    chosen = _formats(formats)
    with handled():
        result = run(inputs, output, chosen, base_url, progress_bar)
    report(result.warnings, with_level=True)
    for key, reason in result.rendered:
        click.echo(f"rendered {key} ({reason})")
    for key in result.skipped:
        click.echo(f"skipped {key} (unchanged)")
    for path in result.written:
        click.echo(f"wrote {path}")


@main.command()
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
def render(
    cutoff: str | None,
    everything: bool,
    inputs: Path,
    output: Path,
    formats: str,
    draft: bool,
    base_url: str,
) -> None:
    """Render one edition to output/DATE/<slug>.html and .pdf (or every edition: --all)."""
    from weekly import build

    if everything:
        if cutoff is not None or draft:
            raise click.UsageError("--all renders every edition: drop --cutoff and --draft")
        build_archive(inputs, output, formats, base_url)
        return
    if cutoff is None:
        raise click.UsageError("give --cutoff DATE (or --all for every edition)")
    if base_url:
        raise click.UsageError("--base-url applies to --all only")
    chosen = _formats(formats)
    with handled():
        result = build.render(inputs, output, cutoff, chosen, draft)
    report(result.warnings, with_level=True)
    for path in result.written:
        if path.suffix in (".html", ".pdf"):
            click.echo(f"wrote {path}")


@main.command()
@click.option(
    "--cutoff",
    required=True,
    metavar="DATE",
    help="The new edition's data cutoff date, e.g. 2023-12-20.",
)
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
    from weekly.errors import display_path
    from weekly.new import start_edition

    with handled():
        started = start_edition(inputs, cutoff, base, series)
    base_path = display_path(inputs / started.base / "update.md")
    click.echo(f"created {display_path(started.path)} from {base_path}")
    for path in started.copied:
        click.echo(f"copied {display_path(path)}")
    for reason in started.dropped:
        click.echo(f"left out figure {reason}", err=True)


@main.command()
@inputs_option
@output_option
@format_option
@base_url_option
def archive(inputs: Path, output: Path, formats: str, base_url: str) -> None:
    """Render every changed edition, then output/index.html and output/feed.xml."""
    build_archive(inputs, output, formats, base_url)


@main.command()
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
