"""``weekly email --send`` to a server that offers PIPELINING: one write per envelope."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.mail import Handler, drop_once_after, ledger, mail_project, send_args, smtp_server

Run = Callable[..., Any]


@pytest.fixture
def project(edition: Path) -> Path:
    """The small edition, its series' mail settings and five recipients."""
    return mail_project(edition)


class PipeliningHandler(Handler):
    """The test server of ``support.mail``, announcing PIPELINING (aiosmtpd reads a pipelined
    group as it reads commands one by one)."""

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:  # noqa: ANN001
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]


@pytest.fixture
def smtp() -> Iterator[tuple[Handler, int]]:
    """An SMTP server on 127.0.0.1 that offers PIPELINING: (handler, port)."""
    with smtp_server(PipeliningHandler()) as served:
        yield served


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every write the SMTP client makes, in order."""
    seen: list[bytes] = []
    original = smtplib.SMTP.send

    def send(self: smtplib.SMTP, data: Any) -> None:
        seen.append(data.encode("ascii") if isinstance(data, str) else bytes(data))
        original(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", send)
    return seen


def test_envelopes_go_in_one_write_and_refusals_are_still_told_apart(
    project: Path,  # noqa: F811
    weekly: Run,
    smtp: tuple[Handler, int],
    writes: list[bytes],
) -> None:
    handler, port = smtp
    handler.refuse = {"bob@example.org": "550 5.1.1 <bob@example.org>: mailbox unavailable"}
    handler.soft_once = {"carol@example.net"}
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "recipients.csv:3: bob@example.org: not delivered (permanent): "
        "550 5.1.1 <bob@example.org>: mailbox unavailable",
        "weekly: 1 recipient not delivered",
    ]
    assert handler.per_recipient == {
        "jane@example.com": 1,
        "carol@example.net": 1,
        "dave@example.com": 1,
        "erin@example.com": 1,
    }
    assert handler.tries["carol@example.net"] == 2  # 451 the first time, then accepted
    envelopes = [w for w in writes if w.upper().startswith(b"MAIL FROM:")]
    assert len(envelopes) == 6  # five recipients, Carol twice
    assert all(w.upper().endswith(b"\r\nDATA\r\n") and b"RCPT TO:<" in w for w in envelopes)
    statuses = {r["email"]: r["status"] for r in ledger(project)}
    assert statuses["bob@example.org"] == "failed" and statuses["carol@example.net"] == "sent"


def test_a_hang_up_after_a_pipelined_envelope_is_reopened(
    project: Path,  # noqa: F811
    weekly: Run,
    smtp: tuple[Handler, int],
) -> None:
    handler, port = smtp
    drop_once_after(handler, 2)
    result = weekly(*send_args(port), cwd=project)
    assert result.returncode == 0, result.stderr
    assert handler.per_recipient == dict.fromkeys(handler.per_recipient, 1)
    assert len(handler.per_recipient) == 5
