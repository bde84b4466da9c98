"""Options, error handling and progress shared by the commands: the only place that prints."""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
import click.shell_completion

F = TypeVar("F", bound=Callable[..., Any])
#: Errors of the file system that end a command with one line, not a traceback.
WRITE_ERRORS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EFBIG}


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


def complete_cutoff(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Offer ``latest`` and the edition dates under ``--inputs`` (shell completion)."""
    from click.shell_completion import CompletionItem

    from weekly.inputs.edition import list_editions

    inputs = ctx.params.get("inputs") or Path("inputs")
    choices = ["latest", *reversed(list_editions(Path(inputs)))]
    return [CompletionItem(c) for c in choices if c.startswith(incomplete)]


def state_option(func: F) -> F:
    """Add ``--state`` (the private state folder: mail drafts, ledgers, suppressions)."""
    return click.option(
        "--state",
        "state",
        type=click.Path(file_okay=False, path_type=Path),
        envvar="WEEKLY_STATE",
        show_envvar=True,
        default=None,
        help="Private state folder (drafts, delivery ledgers, suppressions); never under "
        "--output.  [default: INPUTS/.weekly]",
    )(func)


def cutoff_option(
    required: bool = True, latest: bool = True, meaning: str = ""
) -> Callable[[F], F]:
    """Return what adds ``--cutoff``, an edition's date, to a command: the one declaration.

    ``latest`` also accepts ``latest`` (and completes the dates under ``--inputs``): for the
    commands that read an existing edition, not for those that make a new one. ``meaning``
    replaces the usual text where the date means something more.
    """
    example = "e.g. 2023-12-13, or 'latest'" if latest else "e.g. 2023-12-20"
    return click.option(
        "--cutoff",
        required=required,
        default=None,
        metavar="DATE|latest" if latest else "DATE",
        shell_complete=complete_cutoff if latest else None,
        help=meaning or f"The edition's data cutoff date, {example}.",
    )


def report(problems: list[Any], with_level: bool = True) -> None:
    """Print findings one a line on stderr, as ``weekly check`` does (``with_level`` is kept
    for callers that still pass it: every finding prints with its level and code)."""
    from weekly.cli.output import print_problems

    print_problems(problems)


@contextmanager
def handled(outcome: str = "nothing written") -> Iterator[None]:
    """Turn a :class:`WeeklyError` into its lines, a summary and exit status 2.

    A write the file system refuses (a full disk, a read-only folder) is one such line too.
    """
    from weekly.errors import WeeklyError

    try:
        try:
            yield
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            from weekly.files import cannot_write

            raise cannot_write(Path(exc.filename or "."), exc) from None
    except WeeklyError as exc:
        errors = [p for p in exc.problems if p.level == "error"]
        report(exc.problems)
        count = len(errors) or 1
        click.echo(f"weekly: {count} error{'s' if count != 1 else ''}; {outcome}", err=True)
        sys.exit(2)


def parse_formats(formats: str) -> tuple[str, ...]:
    from weekly import pipeline as build

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
        help="Comma-separated output formats: html, pdf, fragment (the article for a web CMS).",
    )(func)


def _base_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse a ``--base-url`` that is not an absolute http(s) URL, in one line, status 2."""
    from weekly.site.feed import checked_base_url

    try:
        return checked_base_url(value)
    except ValueError as exc:
        click.echo(f"weekly: {exc}", err=True)
        sys.exit(2)


def base_url_option(func: F) -> F:
    """Add ``--base-url`` (where the archive is published, for the feed)."""
    return click.option(
        "--base-url",
        default="",
        metavar="URL",
        callback=_base_url,
        help="Where output/ is published: absolute links in feeds, share cards, sitemap.xml and a fragment's figures.",
    )(func)


def jobs_option(func: F) -> F:
    """Add ``--jobs`` (how many processes assemble and print editions; default: every core)."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help="Processes assembling editions and printing PDFs at once (default: every core).",
    )(func)


def accept_silent_edit_option(func: F) -> F:
    """Add ``--accept-silent-edit`` (republish a changed edition without a new correction)."""
    return click.option(
        "--accept-silent-edit",
        "accept_silent_edits",
        is_flag=True,
        help="Republish editions changed without a new correction, without warning (W080).",
    )(func)


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[], None]]:
    """Show a progress bar on stderr (a terminal only) while ``total`` steps run.

    The one progress reporter: commands pass it to the core as its
    :data:`weekly.pipeline.Progress`.
    """
    from weekly.cli.output import quiet

    if not total or not sys.stderr.isatty() or quiet():
        yield lambda: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
        yield lambda: bar.update(1)
