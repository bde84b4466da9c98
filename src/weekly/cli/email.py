"""``weekly email``: one edition's PDF to a subscriber list, at most once each."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from weekly.cli.options import (
    cutoff_option,
    handled,
    inputs_option,
    output_option,
    progress_bar,
    report,
    state_option,
)
from weekly.cli.output import quiet, say
from weekly.errors import display_path

if TYPE_CHECKING:
    from weekly.mail.dispatch import EmailReport
    from weekly.mail.drafts import DryRun
    from weekly.mail.options import Security
    from weekly.mail.sending import Sent


@click.command()
@cutoff_option()
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Subscriber list, CSV with a header: email,name (further columns allowed).",
)
@inputs_option
@output_option
@state_option
@click.option(
    "--suppressions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Addresses never to mail, one a line (default: STATE/suppressed.txt).",
)
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
    "--correction",
    is_flag=True,
    help="Mail the edition's latest correction, only to those the ledger says received it.",
)
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
def email(
    cutoff: str,
    to: Path,
    inputs: Path,
    output: Path,
    state: Path | None,
    suppressions: Path | None,
    send: bool,
    ignore_open_comments: bool,
    resend: bool,
    only: tuple[str, ...],
    sender: str | None,
    reply_to: str | None,
    web_url: str | None,
    figure: str | None,
    correction: bool,
    smtp_host: str,
    smtp_port: int | None,
    smtp_user: str,
    smtp_security: Security,
    ca_file: Path | None,
    rate: float,
    retries: int,
    retry_delay: float,
    timeout: float,
) -> None:
    """Email an edition's PDF to a subscriber list, at most once per recipient.

    Without --send, writes one .eml per recipient to STATE/mail/DATE/ (the private state
    folder, inputs/.weekly by default; never under --output) and prints a summary. With
    --send, delivers them and records each delivery in STATE/mail/DATE/ledger.jsonl; a
    rerun sends only to those not yet delivered.
    --send holds back while review comments are open (see --ignore-open-comments).
    With --correction, the message is the latest correction (subject "Correction: …", the
    notice, the link, the corrected PDF), sent once to each recipient of the edition.
    Addresses on the suppression list (weekly unsubscribe) are skipped and counted.
    Exit status: 0 all delivered, 1 someone not delivered, 2 bad input, 3 another run
    is sending.
    """
    import os

    from weekly.mail import dispatch as mail
    from weekly.mail.options import Delivery, EmailOptions, SmtpOptions

    options = EmailOptions(
        send=send,
        resend=resend,
        ignore_open_comments=ignore_open_comments,
        only=tuple(only),
        sender=sender,
        reply_to=reply_to,
        web_url=web_url,
        figure=figure,
        correction=correction,
        state=state,
        suppressions=suppressions,
        smtp=SmtpOptions(smtp_host, smtp_port, smtp_user, smtp_security, ca_file, timeout),
        delivery=Delivery(retries, retry_delay, rate),
    )
    with handled("nothing sent"):
        loaded = mail.load(cutoff, to, inputs, output, options, dict(os.environ))
        report(loaded.warnings)
        if loaded.rendered:
            say(f"rendered {display_path(loaded.pdf_path)}")
        result = mail.run(loaded, to, output, options, progress_bar)
    print_report(result)
    sys.exit(result.status)


def print_report(result: EmailReport) -> None:
    """Print what a run of ``weekly email`` did."""
    if result.correction:
        count = result.received
        click.echo(
            f"correction of {result.correction}: {count} recipient{'s' if count != 1 else ''}"
            " on the list received the edition"
        )
    if result.dry_run is not None:
        print_dry_run(result.dry_run)
    if result.sent is not None:
        print_sent(result.sent, result.to)
    if result.locked is not None:
        locked = result.locked
        holder = f", pid {locked.pid}" if locked.pid else ""
        click.echo(
            f"weekly: another 'weekly email --send' is sending {locked.key} "
            f"(lock {display_path(locked.lock)} held{holder}); nothing sent",
            err=True,
        )


def print_dry_run(run: DryRun) -> None:
    """Print the summary of a dry run (nothing under --quiet)."""
    from weekly.mail.message import file_size

    if quiet():
        return
    count = run.count
    click.echo(
        f"wrote {count} message{'s' if count != 1 else ''} to "
        f"{display_path(run.folder)}/ (dry run: nothing sent)"
    )
    click.echo(f"  Subject: {run.subject}")
    click.echo(f"  From: {run.sender}")
    if run.reply_to is not None:
        click.echo(f"  Reply-To: {run.reply_to}")
    click.echo(f"  Attachment: {run.pdf_name} ({file_size(run.pdf_size)})")
    click.echo(f"  HTML body: {file_size(run.largest_html)}")
    click.echo(f"  Web version: {run.web_url or '(none: no web_url or --web-url)'}")
    plan = run.plan
    click.echo(
        f"with --send{' --resend' if run.resend else ''}: {len(plan.send)} to send, "
        f"{len(plan.already)} already delivered, {len(plan.uncertain)} delivery unknown"
        f"{unsubscribed(run.suppressed)}"
    )
    if run.clipped:
        click.echo(
            f"warning: the HTML body is {file_size(run.largest_html)}; "
            "Gmail clips messages over 102 KB",
            err=True,
        )


#: How each outcome other than ``sent`` is reported.
MISSED = {
    "failed": "not delivered (permanent)",
    "deferred": "not delivered (temporary; a rerun tries again)",
    "uncertain": "delivery unknown (not sent again without --resend)",
    "skipped": "not tried",
}


def print_sent(sent: Sent, to: Path) -> None:
    """Print who was not delivered and why, then the summary of a sending run."""
    plan = sent.plan
    for recipient in plan.uncertain:
        click.echo(
            f"{display_path(to)}:{recipient.line}: {recipient.email}: delivery unknown (a run"
            " stopped while the server had the message); not sent again: check, then use"
            " --resend --only ADDRESS",
            err=True,
        )
    for outcome in sent.missed:
        where = f"{display_path(to)}:{outcome.recipient.line}: {outcome.recipient.email}"
        click.echo(f"{where}: {MISSED[outcome.status]}: {outcome.detail}", err=True)
    total = len(plan.send)
    say(
        f"sent {len(sent.delivered)} of {total} message{'s' if total != 1 else ''}"
        f" for {sent.key} ({sent.pdf_name}); {len(plan.already)} already delivered"
        f"{f', {len(plan.uncertain)} delivery unknown' if plan.uncertain else ''}"
        f"{unsubscribed(sent.suppressed)}"
    )
    if sent.interrupted:
        click.echo("weekly: interrupted; rerun to send to the rest", err=True)
    if sent.undelivered:
        count = sent.undelivered
        click.echo(f"weekly: {count} recipient{'s' if count != 1 else ''} not delivered", err=True)


def unsubscribed(count: int) -> str:
    """Return ``, 2 unsubscribed (skipped)`` for the summary line, or nothing."""
    return f", {count} unsubscribed (skipped)" if count else ""
