"""The options of one ``weekly email`` run, typed: what to send, to whom, over which server.

The command line fills these in; the mail core reads nothing else (no options dict).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

#: How the SMTP connection is secured.
Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpOptions:
    """Where the SMTP server is and how to log in; the password comes from the environment."""

    host: str = "localhost"
    #: None: the usual port of ``security`` (25, 587 or 465).
    port: int | None = None
    user: str = ""
    security: Security = "starttls"
    #: A CA certificate (PEM) to trust besides the system's.
    ca_file: Path | None = None
    #: Seconds to wait for the server.
    timeout: float = 60.0


@dataclass(frozen=True)
class Delivery:
    """Knobs of a sending run."""

    retries: int = 3
    retry_delay: float = 2.0
    #: Messages per second at most (0: no limit).
    rate: float = 0.0


@dataclass(frozen=True)
class EmailOptions:
    """One run of ``weekly email``: dry run or send, and what overrides the series."""

    #: Deliver over SMTP; otherwise write one ``.eml`` per recipient.
    send: bool = False
    #: Send again to recipients the ledger has as delivered.
    resend: bool = False
    #: Send even while review comments are open in ``inputs/DATE/review.yaml``.
    ignore_open_comments: bool = False
    #: Limit the run to these addresses of the list.
    only: tuple[str, ...] = ()
    #: ``Name <address>`` of the sender (else the series' ``mail_from``).
    sender: str | None = None
    #: Reply-To address (else the series' ``mail_reply_to``).
    reply_to: str | None = None
    #: Link to the web version, ``{slug}`` and ``{date}`` filled in (else the series').
    web_url: str | None = None
    #: Id of a figure (PNG, JPEG or GIF) to show in the mail body.
    figure: str | None = None
    #: Mail the edition's latest correction, only to those the ledger says received it.
    correction: bool = False
    #: The private state folder (``--state``); None: ``$WEEKLY_STATE`` or ``inputs/.weekly``.
    state: Path | None = None
    #: The suppression list (``--suppressions``); None: ``STATE/suppressed.txt``.
    suppressions: Path | None = None
    smtp: SmtpOptions = field(default_factory=SmtpOptions)
    delivery: Delivery = field(default_factory=Delivery)
