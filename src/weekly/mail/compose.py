"""Write the bytes of each message of an edition: what all share once, per recipient the rest.

:func:`weekly.mail.message.build_message` defines a message with the email package, part by
part; doing that for every recipient re-encodes the PDF, the figure and every body line each
time. A :class:`Composer` serialises one message of that definition once, with the text and
HTML bodies cut out and the multipart boundaries fixed for the run, and keeps the pieces
around them. For each recipient it then renders only the bodies (templates compiled once),
encodes their lines quoted-printable (lines every recipient shares are encoded once) and folds
the headers; everything else is reused byte for byte. The result is the message
``build_message`` gives, boundaries aside (a test holds them to it).
"""

from __future__ import annotations

import datetime as dt
import email.quoprimime
import re
import secrets
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from weekly.mail.message import (
    FILE_POLICY,
    LINE_LIMIT,
    PERSONAL_HEADERS,
    MailEdition,
    build_message,
    message_headers,
    render_bodies,
)
from weekly.mail.recipients import Recipient

#: A recipient only used to lay out the shared parts; never written anywhere.
PROBE = Recipient("probe@weekly.invalid", "Probe", 0)
_TEXT, _HTML = "\x00weekly-text-body\x00", "\x00weekly-html-body\x00"
_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class Composed:
    """One message as the pieces to write one after the other, and its HTML body's size."""

    pieces: list[bytes]
    html_size: int

    @property
    def data(self) -> bytes:
        """Return the whole message."""
        return b"".join(self.pieces)


class Composer:
    """Write the messages of ``edition`` dated ``now``, for a file or for SMTP.

    ``smtp`` gives CRLF line ends and the leading dots of lines doubled, ready to follow an
    SMTP ``DATA`` command (RFC 5321 4.5.2); otherwise lines end in LF, as ``.eml`` files do.
    """

    def __init__(self, edition: MailEdition, now: dt.datetime, smtp: bool = False) -> None:
        self.edition = edition
        self.now = now
        self.smtp = smtp
        self._headers: dict[tuple[str, str], bytes] = {}
        self._kinds: dict[str, Any] = {}
        msg, _ = build_message(edition, PROBE, now)
        text_part, html_part = _bodies(msg)
        # Lines of the probe's bodies: those every recipient shares are encoded once.
        text, html = render_bodies(edition, PROBE)
        self._lines = {
            line: _qp_line(line) for body in (text, html) for line in _lines(body.encode())
        }
        for part in msg.walk():
            if part.is_multipart():
                part.set_boundary(_boundary())
        text_part.set_payload(_TEXT)
        html_part.set_payload(_HTML)
        whole = msg.as_bytes(policy=FILE_POLICY)
        end = whole.index(b"\n\n") + 1
        head, rest = whole[:end], whole[end:]
        own = b"".join(self._fold(n, v) for n, v in message_headers(edition, PROBE, now))
        if not head.startswith(own) or rest.count(_TEXT.encode()) != 1:
            raise AssertionError("the message layout is not the one the composer knows")
        before, after = rest.split(_TEXT.encode())
        middle, last = after.split(_HTML.encode())
        self._frames = [self._wire(head[len(own) :] + before), self._wire(middle)]
        self._frames.append(self._wire(last))

    def _wire(self, data: bytes) -> bytes:
        """Return ``data`` (whole lines) as it goes to a file or over SMTP."""
        if not self.smtp:
            return data
        return _DOT.sub(b"..", data.replace(b"\n", b"\r\n"))

    def _fold(self, name: str, value: Any) -> bytes:
        """Return the header ``name: value`` as the email package writes it."""
        key = (name, str(value))
        folded = self._headers.get(key)
        if folded is None:
            # What ``FILE_POLICY.header_store_parse`` does, with the header class made once:
            # the registry makes a new class on every look-up, garbage only a full
            # collection frees.
            kind = self._kinds.get(name)
            if kind is None:
                registry: Any = FILE_POLICY.header_factory  # a HeaderRegistry
                kind = self._kinds[name] = registry[name]
            folded = FILE_POLICY.fold_binary(name, kind(name, value))
            if name not in PERSONAL_HEADERS:
                self._headers[key] = folded
        return folded

    def _encode(self, body: bytes) -> bytes:
        """Return ``body`` quoted-printable, as :meth:`EmailMessage.set_content` encodes it."""
        lines = _lines(body)
        if not lines:
            return b"\n"
        known = self._lines
        return "".join(known.get(line) or _qp_line(line) for line in lines).encode("ascii")

    def compose(self, recipient: Recipient) -> Composed:
        """Return the message to ``recipient``."""
        text, html = render_bodies(self.edition, recipient)
        html_bytes = html.encode("utf-8")
        headers = b"".join(
            self._fold(n, v) for n, v in message_headers(self.edition, recipient, self.now)
        )
        frames = self._frames
        pieces = [
            self._wire(headers),
            frames[0],
            self._wire(self._encode(text.encode("utf-8"))),
            frames[1],
            self._wire(self._encode(html_bytes)),
            frames[2],
        ]
        return Composed(pieces, len(html_bytes))


def _bodies(msg: EmailMessage) -> tuple[EmailMessage, EmailMessage]:
    """Return the text and the HTML part of a message of :func:`build_message`."""
    found = {part.get_content_type(): part for part in msg.walk() if not part.is_multipart()}
    text, html = found.get("text/plain"), found.get("text/html")
    if not isinstance(text, EmailMessage) or not isinstance(html, EmailMessage):
        raise AssertionError("a message without both a text and an HTML body")
    return text, html


def _lines(body: bytes) -> list[bytes]:
    """Return the lines of a body as :meth:`EmailMessage.set_content` splits them."""
    return body.splitlines()


def _qp_line(line: bytes) -> str:
    """Return one body line quoted-printable, with its line end (lines encode independently)."""
    return email.quoprimime.body_encode(line.decode("latin-1") + "\n", LINE_LIMIT)


def _boundary() -> str:
    """Return a multipart boundary of the form the email package makes (``=`` never occurs
    unescaped in quoted-printable or base64 bodies, so it cannot collide with a body line)."""
    width = len(repr(sys.maxsize - 1))
    return "=" * 15 + f"{secrets.randbelow(sys.maxsize):0{width}d}" + "=="
