"""Mail: write an edition's messages as ``.eml`` drafts for a last look (a run without ``--send``).

The drafts go to ``STATE/mail/DATE/NNN-address.eml`` in the private state folder
(:mod:`weekly.state`), never under ``output/``, through a staging folder, so a run that
fails leaves the previous drafts as they were.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from pathlib import Path

from weekly.mail.compose import Composer
from weekly.mail.ledger import Ledger, Plan, plan
from weekly.mail.message import MailEdition, eml_name, local_now
from weekly.mail.recipients import Recipient

#: Prefix of the folder the drafts of a dry run are written to before they replace the old.
STAGING = ".drafts-"
#: Gmail clips a message whose HTML is larger than about 102 KB.
HTML_LIMIT = 100 * 1024


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
