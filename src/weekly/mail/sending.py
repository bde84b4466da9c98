"""Mail: deliver an edition's messages over SMTP to those the ledger has not seen yet."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from weekly.mail.delivery import Outcome, SmtpSettings, Stop, deliver
from weekly.mail.ledger import Ledger, Plan, plan
from weekly.mail.message import MailEdition
from weekly.mail.options import EmailOptions
from weekly.mail.recipients import Recipient
from weekly.pipeline import Progress, no_progress


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
