"""``weekly email``: one edition's PDF to a subscriber list, at most once each."""

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
)


@click.command()
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
@click.option(
    "--ignore-open-comments",
    is_flag=True,
    help="Send even while review comments are open in inputs/DATE/review.yaml.",
)
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
    --send holds back while review comments are open (see --ignore-open-comments).
    Exit status: 0 all delivered, 1 someone not delivered, 2 bad input, 3 another run
    is sending.
    """
    from weekly.mail import dispatch as mail

    with handled("nothing sent"):
        status = mail.run(cutoff, to, inputs, output, options)
    sys.exit(status)
