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
def handled(outcome: str = "nothing written") -> Iterator[None]:
    """Turn a :class:`WeeklyError` into its lines, a summary and exit status 2."""
    from weekly.errors import WeeklyError

    try:
        yield
    except WeeklyError as exc:
        errors = [p for p in exc.problems if p.level == "error"]
        for problem in exc.problems:  # errors as path:line: message; warnings say so
            report([problem], with_level=problem.level == "warning")
        count = len(errors) or 1
        click.echo(f"weekly: {count} error{'s' if count != 1 else ''}; {outcome}", err=True)
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
@cutoff_option
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Subscriber list, CSV with a header: email,name (further columns allowed).",
)
@inputs_option
@output_option
@click.option("--send", is_flag=True, help="Deliver over SMTP (default: write .eml files only).")
@click.option("--resend", is_flag=True, help="Send again to recipients already delivered.")
@click.option(
    "--only",
    multiple=True,
    metavar="ADDRESS",
    help="Limit this run to these addresses from the list (repeatable).",
)
@click.option("--from", "sender", metavar="'NAME <ADDRESS>'", help="Sender (series mail_from).")
@click.option("--reply-to", metavar="ADDRESS", help="Reply-To address (series mail_reply_to).")
@click.option(
    "--web-url",
    metavar="URL",
    help="Link to the web version; {slug} and {date} filled in (series web_url).",
)
@click.option("--figure", metavar="ID", help="Show this figure (PNG, JPEG or GIF) in the mail.")
@click.option(
    "--smtp-host", envvar="WEEKLY_SMTP_HOST", default="localhost", show_default=True,
    show_envvar=True, help="SMTP server.",
)  # fmt: skip
@click.option(
    "--smtp-port", envvar="WEEKLY_SMTP_PORT", type=click.IntRange(1, 65535), show_envvar=True,
    help="SMTP port  [default: 25, 587 with starttls, 465 with ssl]",
)  # fmt: skip
@click.option(
    "--smtp-user", envvar="WEEKLY_SMTP_USER", default="", show_envvar=True,
    help="Log in as this user; the password is read from WEEKLY_SMTP_PASSWORD only.",
)  # fmt: skip
@click.option(
    "--smtp-security", envvar="WEEKLY_SMTP_SECURITY", type=click.Choice(["none", "starttls", "ssl"]),
    default="starttls", show_default=True, show_envvar=True,
    help="Connection security.",
)  # fmt: skip
@click.option(
    "--ca-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Trust this CA certificate (PEM) for STARTTLS/SSL, besides the system's.",
)
@click.option(
    "--rate", type=click.FloatRange(min=0), default=5.0, show_default=True,
    help="At most this many messages a second (0: no limit).",
)  # fmt: skip
@click.option(
    "--retries", type=click.IntRange(min=0), default=3, show_default=True,
    help="Retries of a temporary failure (4xx, dropped connection).",
)  # fmt: skip
@click.option(
    "--retry-delay", type=click.FloatRange(min=0), default=2.0, show_default=True,
    help="Seconds before the first retry; doubles each time.",
)  # fmt: skip
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True,
    help="Seconds to wait for the SMTP server.",
)  # fmt: skip
def email(cutoff: str, to: Path, inputs: Path, output: Path, **options: Any) -> None:
    """Email an edition's PDF to a subscriber list, at most once per recipient.

    Without --send, writes one .eml per recipient to output/DATE/mail/ and prints a
    summary. With --send, delivers them and records each delivery in
    output/DATE/mail/ledger.jsonl; a rerun sends only to those not yet delivered.
    Exit status: 0 all delivered, 1 someone not delivered, 2 bad input, 3 another run
    is sending.
    """
    from weekly import mail

    with handled("nothing sent"):
        status = mail.run(cutoff, to, inputs, output, options)
    sys.exit(status)


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


@main.command()
@cutoff_option
@inputs_option
@output_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1 to serve the draft on; 0 picks a free one.",
)
@click.option("--pdf", is_flag=True, help="Also print the PDF in the background and link it.")
def preview(cutoff: str, inputs: Path, output: Path, port: int, pdf: bool) -> None:
    """Serve the draft of one edition on 127.0.0.1 and rebuild it on every save."""
    import signal

    from weekly import preview as core

    def problems_out(problems: list[Any]) -> None:
        report(problems, with_level=True)

    with handled():
        try:
            running = core.start(
                inputs, cutoff, port, output, pdf, log=click.echo, log_problems=problems_out
            )
        except core.PortBusy as exc:
            click.echo(f"weekly: {exc}", err=True)
            sys.exit(2)

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        click.echo(f"Serving the draft of {running.preview.name} at {running.url}")
        click.echo("Edit the inputs and save: the page follows. Press Ctrl-C to stop.")
        running.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    click.echo("weekly: preview stopped")
