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
)


@click.command()
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

    from weekly.preview import serve as core

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
