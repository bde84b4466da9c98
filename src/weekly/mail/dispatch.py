"""Email an edition: read the subscriber list, build one message each, write or send them.

Without sending, every message is written to ``STATE/mail/DATE/NNN-address.eml`` for a last
look, in the private state folder (:mod:`weekly.state`), never under ``output/``. With sending, messages go out over one SMTP connection (:mod:`weekly.mail.delivery`), each
delivery recorded in the ledger (:mod:`weekly.mail.ledger`) so a rerun sends only to those not yet
delivered. Reading the list is :mod:`weekly.mail.recipients`; building the messages is
:mod:`weekly.mail.message`.

:func:`load` checks everything first (list, edition, settings, SMTP options) and brings the
PDF up to date through the pipeline; :func:`run` then writes or sends and returns an
:class:`EmailReport`. Nothing here prints: ``weekly.cli.email`` reports what happened.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weekly.errors import Problem, WeeklyError, display_path
from weekly.mail.compose import Composer
from weekly.mail.delivery import Outcome, SmtpSettings, Stop, deliver, smtp_settings
from weekly.mail.ledger import Ledger, LockedError, adopt_legacy_mail, sending_lock
from weekly.mail.message import MailEdition, eml_name, local_now, prepare, prepare_correction
from weekly.mail.options import EmailOptions
from weekly.mail.recipients import Recipient, check_address, read_recipients
from weekly.mail.settings import MailSettings, mail_settings
from weekly.mail.unsubscribe import normalise, read_suppressed
from weekly.pipeline import Progress, no_progress
from weekly.state import ensure, mail_folder, state_dir, suppression_path

if TYPE_CHECKING:
    from weekly.resolve.update import Update

#: Prefix of the folder the drafts of a dry run are written to before they replace the old.
STAGING = ".drafts-"
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
) -> tuple[int, int]:
    """Write one ``.eml`` per recipient under ``folder``; return how many and the largest HTML.

    Each message is written as soon as it is built (:func:`weekly.files.write_atomically`
    takes them one at a time), so memory stays the same whatever the list's length. Only
    when all are written do they replace the previous drafts (stale ones removed); a
    failure before that leaves the previous drafts as they were.
    """
    import shutil

    from weekly.files import write_atomically

    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob(f"{STAGING}*"):
        if not _running(leftover.name.removeprefix(STAGING)):
            shutil.rmtree(leftover, ignore_errors=True)  # left by an earlier version's dry run
    largest = 0
    written: set[str] = set()
    composer = Composer(edition, local_now())

    def drafts() -> Iterator[tuple[str, list[bytes]]]:
        nonlocal largest
        for index, recipient in enumerate(recipients, 1):
            composed = composer.compose(recipient)
            largest = max(largest, composed.html_size)
            written.add(eml_name(index, recipient))
            yield eml_name(index, recipient), composed.pieces

    write_atomically(folder, drafts())
    for stale in folder.glob("*.eml"):
        if stale.name not in written:
            stale.unlink()
    return len(written), largest


def _running(pid: str) -> bool:
    """Return whether process ``pid`` (the suffix of a staging folder) is still alive."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


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
class DryRun:
    """What a run without ``--send`` wrote, and what ``--send`` would do."""

    folder: Path
    #: How many ``.eml`` files were written.
    count: int
    subject: str
    sender: Address
    reply_to: Address | None
    pdf_name: str
    pdf_size: int
    #: The largest HTML body of the messages, in bytes.
    largest_html: int
    web_url: str
    plan: Plan
    resend: bool
    #: Recipients left out because they are on the suppression list.
    suppressed: int = 0

    @property
    def clipped(self) -> bool:
        """Return whether Gmail would clip the HTML body."""
        return self.largest_html > HTML_LIMIT


@dataclass
class Sent:
    """What a run with ``--send`` did, recipient by recipient."""

    key: str
    pdf_name: str
    plan: Plan
    outcomes: list[Outcome]
    interrupted: bool
    #: Recipients left out because they are on the suppression list.
    suppressed: int = 0

    @property
    def delivered(self) -> list[Outcome]:
        """Return the outcomes of the messages the server accepted."""
        return [o for o in self.outcomes if o.status == "sent"]

    @property
    def missed(self) -> list[Outcome]:
        """Return the outcomes of the messages not delivered in this run."""
        return [o for o in self.outcomes if o.status != "sent"]

    @property
    def undelivered(self) -> int:
        """Return how many recipients are not known to have their message."""
        return len(self.missed) + len(self.plan.uncertain)


@dataclass
class Locked:
    """Another run holds the sending lock of this edition: nothing was sent."""

    key: str
    lock: Path
    pid: str


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


def refuse_open_comments(inputs: Path, cutoff: str) -> None:
    """Raise :class:`WeeklyError` while the edition's review.yaml has open comments (E804).

    A review.yaml that cannot be read holds the mail back too (E803): its comments may be open.
    """
    from dataclasses import replace

    from weekly.errors import WeeklyError
    from weekly.inputs.edition import resolve_cutoff
    from weekly.inputs.review import FILE_NAME, ReviewError, open_comments, read_review

    folder = inputs / resolve_cutoff(inputs, cutoff)
    try:
        still_open = open_comments(read_review(folder))
    except ReviewError as exc:
        raise WeeklyError([replace(p, level="error", code="E803") for p in exc.problems]) from None
    if still_open:
        count = len(still_open)
        raise WeeklyError.at(
            folder / FILE_NAME,
            0,
            f"{count} review comment{'s are' if count != 1 else ' is'} still open; resolve "
            f"{'them' if count != 1 else 'it'} in 'weekly preview' or pass --ignore-open-comments",
            "E804",
        )


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
    return found


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


def dry_run(
    edition: MailEdition, recipients: list[Recipient], folder: Path, resend: bool
) -> DryRun:
    """Write one ``.eml`` per recipient; return what was written and what a send would do.

    A correction's drafts go to a folder of their own beside the edition's,
    ``correction-2023-12-16/``.
    """
    drafts = folder / f"correction-{edition.correction}" if edition.correction else folder
    count, largest = write_drafts(edition, recipients, drafts)
    return DryRun(
        folder=drafts,
        count=count,
        subject=edition.subject,
        sender=edition.settings.sender,
        reply_to=edition.settings.reply_to,
        pdf_name=edition.pdf_name,
        pdf_size=len(edition.pdf),
        largest_html=largest,
        web_url=edition.settings.web_url,
        plan=plan(recipients, Ledger.read(folder, edition.correction), resend),
        resend=resend,
    )


def send(
    edition: MailEdition,
    recipients: list[Recipient],
    folder: Path,
    smtp: SmtpSettings,
    options: EmailOptions,
    progress: Progress = no_progress,
) -> Sent:
    """Deliver to those the ledger has not seen; a first SIGINT/SIGTERM stops after a message."""
    ledger = Ledger.read(folder, edition.correction)
    chosen = plan(recipients, ledger, options.resend)
    stop = Stop()
    previous: dict[signal.Signals, Any] = {}

    def request_stop(signum: int, frame: Any) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, request_stop)
    try:
        with progress("sending", len(chosen.send)) as step:
            outcomes = deliver(
                edition,
                chosen.send,
                smtp,
                ledger,
                options.delivery,
                stop,
                on_outcome=lambda outcome: step(),
            )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return Sent(edition.key, edition.pdf_name, chosen, outcomes, stop.requested)
