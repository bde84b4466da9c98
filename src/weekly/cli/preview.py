"""``weekly preview``: serve a draft and rebuild it on every save."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from weekly.cli.options import (
    cutoff_option,
    handled,
    inputs_option,
    output_option,
    report,
    state_option,
)


@click.command()
@cutoff_option()
@inputs_option
@output_option
@state_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to serve the draft on; 0 picks a free one.",
)
@click.option("--pdf", is_flag=True, help="Also print the PDF in the background and link it.")
@click.option(
    "--share",
    is_flag=True,
    help="Serve the draft to the team: on --host, behind a random access token in the URL.",
)
@click.option(
    "--host",
    metavar="ADDR",
    help="With --share: the address or name to listen on  [default: every interface]",
)
def preview(
    cutoff: str,
    inputs: Path,
    output: Path,
    state: Path | None,
    port: int,
    pdf: bool,
    share: bool,
    host: str | None,
) -> None:
    """Serve the draft of one edition on 127.0.0.1 and rebuild it on every save.

    With --share, reviewers on other machines open the printed URL (it carries the
    access token) to read the draft, comment on its paragraphs and see what changed
    since the last review; comments are kept in inputs/DATE/review.yaml.
    """
    import signal

    from weekly.preview import serve as core

    def problems_out(problems: list[Any]) -> None:
        report(problems)

    if host is not None and not share:
        raise click.UsageError("--host needs --share (without it the preview stays on 127.0.0.1)")
    with handled():
        try:
            running = core.start(
                inputs,
                cutoff,
                port,
                output,
                pdf,
                log=click.echo,
                log_problems=problems_out,
                share=share,
                host=host,
                state=state,
            )
        except core.PortBusy as exc:
            click.echo(f"weekly: {exc}", err=True)
            sys.exit(2)

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        click.echo(f"Serving the draft of {running.preview.name} at {running.url}")
        if share:
            click.echo(
                "Anyone with this URL can read and comment on the draft: share it only with reviewers."
            )
        click.echo("Edit the inputs and save: the page follows. Press Ctrl-C to stop.")
        running.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()
    click.echo("weekly: preview stopped")
