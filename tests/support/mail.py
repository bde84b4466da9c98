"""The mail tests' SMTP servers (aiosmtpd on 127.0.0.1), their inputs and the send command."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import ssl
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from support import SLUG, SRC, UNSUBSCRIBE_SECRET

__all__ = ["SLUG"]

SUBJECT = (
    "Salafi-Jihadi Movement Weekly Update, December 13, 2023: Al Qaeda Strengthens in Central Mali"
)
RECIPIENTS = """\
email,name,organisation
jane@example.com,Jane Doe,State
bob@example.org,"Müller, Zoë",Defense
carol@example.net,Carol,
dave@example.com,,Press
erin@example.com,Erin Ó Briain,
"""
SERIES = """\
salafi-jihadi:
  mail_from: Critical Threats Project <updates@example.org>
  mail_reply_to: editors@example.org
  unsubscribe_url: https://example.org/unsubscribe?t={token}
  unsubscribe_mailto: mailto:unsubscribe@example.org
  web_url: https://example.org/analysis/{slug}
"""
#: The login of the STARTTLS server (:func:`tls_smtp_server`): user ``mailer``.
PASSWORD = "s3cret-Pa55word"
#: The environment of a desk that signs its unsubscribe links.
SECRET_ENV = {"WEEKLY_UNSUBSCRIBE_SECRET": UNSUBSCRIBE_SECRET}

# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
#: An update with two regions and a figure, for the teasers of the email.
REGIONS = """\
---
series: salafi-jihadi
headline: Militants Press on Two Fronts
authors: [Liam Karr, Kathryn Tyson]
cutoff: 2023-12-13 10:00
key_takeaway: JNIM and al Shabaab both escalated this week.
figures:
  map:
    title: Attacks in Central Mali
    image: figures/map.png
    source: Liam Karr.
---

## Mali

**JNIM is attacking central Mali more often.** The group struck 16 times.[@sigact]

{{ figure("map") }}

## Somalia

**Al Shabaab will likely retake towns in central Somalia.** Clan militias withdrew.[@sigact]
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Handler:
    """Stores every message; ``behaviour`` hooks let a test make the server misbehave."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse: dict[str, str] = {}  # address -> reply to RCPT
        self.soft_once: set[str] = set()  # addresses answered 451 the first time
        self.drop_after: int | None = None  # drop connections at MAIL once this many stored
        self.drop_in_data: set[str] = set()  # store, then drop before replying
        self.tries: Counter[str] = Counter()

    @property
    def per_recipient(self) -> Counter[str]:
        return Counter(r for rcpts, _ in self.messages for r in rcpts)

    def parsed(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[misc]
            for _, data in self.messages
        ]

    async def handle_MAIL(self, server, session, envelope, address, options) -> str:  # noqa: ANN001
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 4.3.2 closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:  # noqa: ANN001
        self.tries[address] += 1
        if address in self.refuse:
            return self.refuse[address]
        if address in self.soft_once and self.tries[address] == 1:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        if set(envelope.rcpt_tos) & self.drop_in_data:
            server.transport.close()
        return "250 2.0.0 Message accepted"


@contextmanager
def smtp_server(handler: Handler) -> Iterator[tuple[Handler, int]]:
    """Serve ``handler`` as an SMTP server on a free port of 127.0.0.1: (handler, port)."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@contextmanager
def tls_smtp_server(folder: Path) -> Iterator[tuple[Handler, int, Path]]:
    """A server that requires STARTTLS with a certificate of a CA made here, and a login:
    (handler, port, the CA's certificate written into ``folder``)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:  # noqa: ANN001
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login == b"mailer" and auth_data.password == PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)

    handler = Handler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    controller.start()
    try:
        yield handler, port, ca_file
    finally:
        controller.stop()


def mail_project(edition: Path) -> Path:
    """Add a series override with mail settings and five recipients to the small edition."""
    (edition / "inputs" / "series.yaml").write_text(SERIES, encoding="utf-8")
    (edition / "recipients.csv").write_text(RECIPIENTS, encoding="utf-8")
    return edition


def send_args(port: int, *extra: str) -> list[str]:
    return [
        "email", "--cutoff", "2023-12-13", "--to", "recipients.csv", "--send",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--smtp-security", "none",
        "--rate", "0", "--retry-delay", "0", "--timeout", "10", *extra,
    ]  # fmt: skip


def ledger(project: Path) -> list[dict[str, Any]]:
    path = project / "inputs" / ".weekly" / "mail" / "2023-12-13" / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def drop_once_after(handler: Handler, messages: int) -> None:
    """Make ``handler`` hang up once, after ``messages`` messages, then serve normally."""
    handler.drop_after = messages
    original = handler.handle_MAIL

    async def drop_once(*args: Any) -> str:
        reply = await original(*args)
        handler.drop_after = None
        return reply

    handler.handle_MAIL = drop_once  # type: ignore[method-assign]


def start_weekly(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """Start ``python -m weekly ARGS`` in ``cwd`` without waiting for it (to signal it)."""
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-m", "weekly", *args],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
