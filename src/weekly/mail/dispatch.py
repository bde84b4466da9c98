"""Email an edition: read the subscriber list, build one message each, write or send them.

Without sending, every message is written to ``output/DATE/mail/NNN-address.eml`` for a last
look. With sending, messages go out over one SMTP connection (:mod:`weekly.mail.delivery`), each
delivery recorded in the ledger (:mod:`weekly.mail.ledger`) so a rerun sends only to those not yet
delivered. Reading the list is :mod:`weekly.mail.recipients`; building the messages is
:mod:`weekly.mail.message`.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weekly.errors import WeeklyError, display_path
from weekly.mail.delivery import Delivery, SmtpSettings, Stop, deliver, smtp_settings
from weekly.mail.ledger import Ledger, LockedError, sending_lock
from weekly.mail.message import (
    FILE_POLICY,
    MailEdition,
    build_message,
    edition_pdf,
    eml_name,
    file_size,
    mail_settings,
    prepare,
)
from weekly.mail.recipients import Recipient, check_address, read_recipients

#: Gmail clips a message whose HTML is larger than about 102 KB.
HTML_LIMIT = 100 * 1024


@dataclass
class Plan:
    """Who gets a message this run, and who does not and why."""

    send: list[Recipient]
    already: list[Recipient]
    uncertain: list[Recipient]


def plan(recipients: list[Recipient], ledger: Ledger, resend: bool) -> Plan:
    """Split ``recipients`` by the ledger: to send, already delivered, delivery unknown."""
    result = Plan([], [], [])
    for recipient in recipients:
        state = ledger.state(recipient.email)
        if resend:
            result.send.append(recipient)
        elif state.sent:
            result.already.append(recipient)
        elif state.uncertain:
            result.uncertain.append(recipient)
        else:
            result.send.append(recipient)
    return result


def check_only(recipients: list[Recipient], only: Iterable[str], path: Path) -> None:
    """Raise when an ``--only`` address is not on the list."""
    known = {r.email.lower() for r in recipients}
    missing = [o for o in only if check_address(o)[0].lower() not in known]
    if missing:
        raise WeeklyError.many(f"--only: {m} is not in {display_path(path)}" for m in missing)


def write_drafts(
    edition: MailEdition, recipients: list[Recipient], folder: Path
) -> tuple[list[Path], int]:
    """Write one ``.eml`` per recipient under ``folder``; return the paths and largest HTML."""
    from weekly.render.write import write_atomically

    files: dict[str, bytes] = {}
    largest = 0
    now = dt.datetime.now(dt.UTC).astimezone()
    for index, recipient in enumerate(recipients, 1):
        msg, html_size = build_message(edition, recipient, now)
        largest = max(largest, html_size)
        files[eml_name(index, recipient)] = msg.as_bytes(policy=FILE_POLICY)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.eml"):
        if stale.name not in files:
            stale.unlink()
    return write_atomically(folder, files), largest


def _echo(text: str = "", err: bool = False) -> None:
    import click

    click.echo(text, err=err)


def _where(to: Path, recipient: Recipient) -> str:
    return f"{display_path(to)}:{recipient.line}: {recipient.email}"


def refuse_open_comments(inputs: Path, cutoff: str) -> None:
    """Raise :class:`WeeklyError` while the edition's review.yaml has open comments (W804)."""
    from dataclasses import replace

    from weekly.errors import WeeklyError
    from weekly.inputs.edition import resolve_cutoff
    from weekly.inputs.review import FILE_NAME, ReviewError, open_comments, read_review

    folder = inputs / resolve_cutoff(inputs, cutoff)
    try:
        still_open = open_comments(read_review(folder))
    except ReviewError as exc:
        raise WeeklyError([replace(p, level="error") for p in exc.problems]) from None
    if still_open:
        count = len(still_open)
        raise WeeklyError.at(
            folder / FILE_NAME,
            0,
            f"{count} review comment{'s are' if count != 1 else ' is'} still open; resolve "
            f"{'them' if count != 1 else 'it'} in 'weekly preview' or pass --ignore-open-comments",
            "W804",
        )


def run(cutoff: str, to: Path, inputs: Path, output: Path, options: dict[str, Any]) -> int:
    """Carry out ``weekly email``; return the exit status (input errors raise)."""
    from weekly.cli.options import report
    from weekly.pipeline import load_checked

    if options["send"] and not options.get("ignore_open_comments"):
        refuse_open_comments(inputs, cutoff)
    recipients = read_recipients(to)
    # --only is matched here, once, on the normalised address (as the list stores it).
    only = tuple(options["only"])
    if only:
        check_only(recipients, only, to)
        chosen = {check_address(o)[0].lower() for o in only}
        recipients = [r for r in recipients if r.email.lower() in chosen]
    smtp = smtp_settings(options, dict(os.environ)) if options["send"] else None
    update = load_checked(inputs, cutoff)
    settings = mail_settings(
        update, options["sender"], options["reply_to"], options["web_url"], options["figure"]
    )
    report(update.problems.warnings, with_level=True)
    pdf_path, pdf, written = edition_pdf(update, output)
    if written:
        _echo(f"rendered {display_path(pdf_path)}")
    edition = prepare(update, settings, pdf)
    folder = output / update.edition.key / "mail"
    if smtp is None:
        return _dry_run(edition, recipients, folder, pdf_path, options["resend"])

    try:
        with sending_lock(folder):
            return _send(edition, recipients, folder, smtp, options, to)
    except LockedError as exc:
        holder = f", pid {exc.args[0]}" if exc.args and exc.args[0] else ""
        _echo(
            f"weekly: another 'weekly email --send' is sending {edition.key} "
            f"(lock {display_path(folder / '.lock')} held{holder}); nothing sent",
            err=True,
        )
        return 3


def _dry_run(
    edition: MailEdition,
    recipients: list[Recipient],
    folder: Path,
    pdf_path: Path,
    resend: bool,
) -> int:
    paths, largest = write_drafts(edition, recipients, folder)
    chosen = plan(recipients, Ledger.read(folder), resend)
    _echo(
        f"wrote {len(paths)} message{'s' if len(paths) != 1 else ''} to "
        f"{display_path(folder)}/ (dry run: nothing sent)"
    )
    _echo(f"  Subject: {edition.subject}")
    _echo(f"  From: {edition.settings.sender}")
    if edition.settings.reply_to is not None:
        _echo(f"  Reply-To: {edition.settings.reply_to}")
    _echo(f"  Attachment: {edition.pdf_name} ({file_size(len(edition.pdf))})")
    _echo(f"  HTML body: {file_size(largest)}")
    _echo(f"  Web version: {edition.settings.web_url or '(none: no web_url or --web-url)'}")
    _echo(
        f"with --send{' --resend' if resend else ''}: {len(chosen.send)} to send, "
        f"{len(chosen.already)} already delivered, {len(chosen.uncertain)} delivery unknown"
    )
    if largest > HTML_LIMIT:
        _echo(
            f"warning: the HTML body is {file_size(largest)}; Gmail clips messages over 102 KB",
            err=True,
        )
    return 0


def _send(
    edition: MailEdition,
    recipients: list[Recipient],
    folder: Path,
    smtp: SmtpSettings,
    options: dict[str, Any],
    to: Path,
) -> int:
    from tqdm import tqdm

    ledger = Ledger.read(folder)
    chosen = plan(recipients, ledger, options["resend"])
    for recipient in chosen.uncertain:
        _echo(
            f"{_where(to, recipient)}: delivery unknown (a run stopped while the server had the"
            " message); not sent again: check, then use --resend --only ADDRESS",
            err=True,
        )
    stop = Stop()
    previous: dict[signal.Signals, Any] = {}

    def request_stop(signum: int, frame: Any) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, request_stop)
    bar = tqdm(
        total=len(chosen.send),
        unit="msg",
        desc="sending",
        file=sys.stderr,
        disable=None,
        leave=False,
    )
    try:
        outcomes = deliver(
            edition,
            chosen.send,
            smtp,
            ledger,
            Delivery(options["retries"], options["retry_delay"], options["rate"]),
            stop,
            on_outcome=lambda outcome: bar.update(1),
        )
    finally:
        bar.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sent = [o for o in outcomes if o.status == "sent"]
    missed = [o for o in outcomes if o.status != "sent"]
    labels = {
        "failed": "not delivered (permanent)",
        "deferred": "not delivered (temporary; a rerun tries again)",
        "uncertain": "delivery unknown (not sent again without --resend)",
        "skipped": "not tried",
    }
    for outcome in missed:
        _echo(
            f"{_where(to, outcome.recipient)}: {labels[outcome.status]}: {outcome.detail}", err=True
        )
    _echo(
        f"sent {len(sent)} of {len(chosen.send)} message{'s' if len(chosen.send) != 1 else ''}"
        f" for {edition.key} ({edition.pdf_name}); {len(chosen.already)} already delivered"
        f"{f', {len(chosen.uncertain)} delivery unknown' if chosen.uncertain else ''}"
    )
    if stop.requested:
        _echo("weekly: interrupted; rerun to send to the rest", err=True)
    undelivered = len(missed) + len(chosen.uncertain)
    if undelivered:
        _echo(
            f"weekly: {undelivered} recipient{'s' if undelivered != 1 else ''} not delivered",
            err=True,
        )
        return 1
    return 0
