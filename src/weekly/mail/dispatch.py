"""Email an edition: read the subscriber list, build one message each, write or send them.

:func:`load` checks everything first (list, edition, settings, SMTP options, open review
comments: :mod:`weekly.review.hold`) and brings the PDF up to date through the pipeline;
:func:`run` then writes the drafts (:mod:`weekly.mail.drafts`, in the private state folder,
never under ``output/``) or sends (:mod:`weekly.mail.sending`, over one SMTP connection,
each delivery recorded in :mod:`weekly.mail.ledger` so a rerun sends only to those not yet
delivered) and returns an :class:`EmailReport`. Reading the list is
:mod:`weekly.mail.recipients`; building the messages is :mod:`weekly.mail.message`.
Nothing here prints: ``weekly.cli.email`` reports what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from weekly.errors import Problem, WeeklyError, display_path
from weekly.mail.delivery import SmtpSettings, smtp_settings
from weekly.mail.drafts import DryRun, dry_run
from weekly.mail.ledger import Ledger, LockedError, adopt_legacy_mail, sending_lock
from weekly.mail.message import MailEdition, prepare, prepare_correction
from weekly.mail.options import EmailOptions
from weekly.mail.recipients import Recipient, check_address, read_recipients
from weekly.mail.sending import Locked, Sent, send
from weekly.mail.settings import MailSettings, mail_settings
from weekly.mail.unsubscribe import normalise, read_suppressed
from weekly.pipeline import Progress, no_progress
from weekly.state import ensure, mail_folder, state_dir, suppression_path

if TYPE_CHECKING:
    from weekly.resolve.update import Update


def check_only(recipients: list[Recipient], only: Iterable[str], path: Path) -> None:
    """Raise when an ``--only`` address is not on the list."""
    known = {r.email.lower() for r in recipients}
    missing = [o for o in only if check_address(o)[0].lower() not in known]
    if missing:
        raise WeeklyError.many(f"--only: {m} is not in {display_path(path)}" for m in missing)


@dataclass
class Loaded:
    """An edition ready to mail: checked, its settings settled, its PDF current on disk."""

    update: Update
    settings: MailSettings
    recipients: list[Recipient]
    smtp: SmtpSettings | None
    pdf_path: Path
    pdf: bytes
    #: Files rendered to bring the PDF up to date (none when it was current).
    rendered: list[Path]
    #: The private state folder the drafts and the ledger live in (:func:`weekly.state.state_dir`).
    state: Path = Path("inputs/.weekly")
    #: Recipients of the list on the suppression list (unsubscribed): left out of this run.
    suppressed: list[Recipient] = field(default_factory=list)
    #: Warnings about the mail settings (W051, W052).
    notices: list[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        """Return the checks' warnings about the edition, then those about the mail."""
        return self.update.problems.warnings + self.notices


@dataclass
class EmailReport:
    """The outcome of a run: exactly one of ``dry_run``, ``sent`` and ``locked``."""

    to: Path
    dry_run: DryRun | None = None
    sent: Sent | None = None
    locked: Locked | None = None
    #: A correction's mail: its date (``2023-12-16``), and how many on the list received
    #: the edition (the only ones it goes to).
    correction: str = ""
    received: int = 0

    @property
    def status(self) -> int:
        """Return the exit status: 0 all done, 1 someone not delivered, 3 locked out."""
        if self.locked is not None:
            return 3
        if self.sent is not None and self.sent.undelivered:
            return 1
        return 0


def load(
    cutoff: str,
    to: Path,
    inputs: Path,
    output: Path,
    options: EmailOptions,
    environ: dict[str, str],
) -> Loaded:
    """Read the list, check the edition and the settings, bring its PDF up to date."""
    from weekly.pipeline import current_pdf, load_checked
    from weekly.review.hold import refuse_open_comments

    if options.send and not options.ignore_open_comments:
        refuse_open_comments(inputs, cutoff)
    recipients = read_recipients(to)
    # --only is matched here, once, on the normalised address (as the list stores it).
    if options.only:
        check_only(recipients, options.only, to)
        chosen = {check_address(o)[0].lower() for o in options.only}
        recipients = [r for r in recipients if r.email.lower() in chosen]
    smtp = smtp_settings(options.smtp, environ) if options.send else None
    update = load_checked(inputs, cutoff)
    if options.correction and not update.edition.corrections:
        edition = update.edition
        raise WeeklyError.at(
            edition.path,
            edition.line("corrections") if "corrections" in edition.front.data else 1,
            "--correction: the edition has no corrections to mail",
            "E820",
        )
    settings = mail_settings(
        update, options.sender, options.reply_to, options.web_url, options.figure, environ
    )
    state = state_dir(inputs, options.state, environ)
    if state.resolve().is_relative_to(output.resolve()):
        raise WeeklyError(
            f"the state folder {display_path(state)} is inside the output folder "
            f"{display_path(output)}, which is published: choose one outside it (--state)"
        )
    suppressed = read_suppressed(options.suppressions or suppression_path(state))
    skipped = [r for r in recipients if normalise(r.email) in suppressed]
    recipients = [r for r in recipients if normalise(r.email) not in suppressed]
    pdf = current_pdf(update, output)
    return Loaded(
        update, settings, recipients, smtp, pdf.path, pdf.data, pdf.written, state, skipped,
        settings_warnings(update, settings, options.send),
    )  # fmt: skip


def settings_warnings(update: Update, settings: MailSettings, send: bool) -> list[Problem]:
    """Warn about an unsubscribe link that carries the address (W051), or a dry run with no
    one-click link at all (W052)."""
    from weekly.mail.unsubscribe import EMAIL, TOKEN

    where, line = _unsubscribe_place(update)
    found: list[Problem] = []
    if EMAIL in settings.unsubscribe_url:
        found.append(Problem(display_path(where), line, 0, "warning", "W051",
            f"unsubscribe_url carries the address ({EMAIL}): anyone can unsubscribe anyone; "
            f"use {TOKEN}, a signed token"))  # fmt: skip
    if not send and not settings.unsubscribe_url:
        found.append(Problem(display_path(where), line, 0, "warning", "W052",
            "no one-click unsubscribe link (unsubscribe_url): large mail providers expect "
            "one from bulk senders"))  # fmt: skip
    # The series or the edition may accept either (accept_warnings).
    return [p for p in found if p.code not in update.problems.accepted_codes]


def _unsubscribe_place(update: Update) -> tuple[Path, int]:
    """Return series.yaml and the line of its ``unsubscribe_url`` (0 when not found)."""
    path = update.edition.inputs / "series.yaml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return path, 0
    for number, text in enumerate(lines, 1):
        if text.strip().startswith("unsubscribe_url:"):
            return path, number
    return path, 0


def run(
    loaded: Loaded, to: Path, output: Path, options: EmailOptions, progress: Progress = no_progress
) -> EmailReport:
    """Write the messages of ``loaded`` (or send them with ``options.send``); report what happened.

    With ``options.correction`` the messages carry the latest correction and go only to
    those on the list the ledger has as having received the edition.
    """
    make = prepare_correction if options.correction else prepare
    edition = make(loaded.update, loaded.settings, loaded.pdf)
    folder = edition_mail_folder(loaded.state, output, edition.key)
    if loaded.smtp is None:
        chosen = received(loaded.recipients, folder, edition)
        drafts = dry_run(edition, chosen, folder, options.resend)
        drafts.suppressed = len(loaded.suppressed)
        return EmailReport(to, dry_run=drafts, correction=edition.correction, received=len(chosen))
    try:
        with sending_lock(folder):
            chosen = received(loaded.recipients, folder, edition)
            sent = send(edition, chosen, folder, loaded.smtp, options, progress)
            sent.suppressed = len(loaded.suppressed)
    except LockedError as exc:
        holder = str(exc.args[0]) if exc.args and exc.args[0] else ""
        return EmailReport(to, locked=Locked(edition.key, folder / ".lock", holder))
    return EmailReport(to, sent=sent, correction=edition.correction, received=len(chosen))


def received(recipients: list[Recipient], folder: Path, edition: MailEdition) -> list[Recipient]:
    """Return the recipients a mail of ``edition`` may go to.

    A correction goes only to those the edition's ledger (in ``folder``) has as delivered:
    someone added to the list since, or never reached, gets nothing.
    """
    if not edition.correction:
        return recipients
    ledger = Ledger.read(folder)
    return [r for r in recipients if ledger.state(r.email).sent]


def edition_mail_folder(state: Path, output: Path, key: str) -> Path:
    """Return edition ``key``'s mail folder in ``state``, moving one an earlier version left in ``output``.

    Every run that reads or writes the ledger comes through here, so a ledger written under
    ``output/DATE/mail/`` is taken over (its records kept) before anyone reads the new one.
    """
    folder = mail_folder(ensure(state), key)
    adopt_legacy_mail(output, key, folder)
    return folder
