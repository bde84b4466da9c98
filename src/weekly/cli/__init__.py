"""The ``weekly`` command line: parse options, call the core, report problems.

Each command lives in its own module and imports its core only when it runs, so
``weekly --help`` stays instant. Only this package imports click and prints.
"""

from __future__ import annotations

import click

from weekly.cli.archive import archive
from weekly.cli.check import check
from weekly.cli.email import email
from weekly.cli.import_ import import_
from weekly.cli.judgments import judgments
from weekly.cli.new import new
from weekly.cli.output import add_output_options
from weekly.cli.preview import preview
from weekly.cli.render import render
from weekly.cli.unsubscribe import unsubscribe


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="weekly")
def main() -> None:
    """Assemble a weekly intelligence update from curated inputs into HTML and PDF."""


for _command in (render, email, new, archive, check, preview, import_, unsubscribe, judgments):
    main.add_command(_command)

add_output_options(main)
