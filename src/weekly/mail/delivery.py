"""Deliver the messages over SMTP: one reused connection, retries with backoff, a ledger.

Every outcome is recorded in the ledger (:mod:`weekly.mail.ledger`) so a rerun sends only to
those not yet delivered.
"""

from __future__ import annotations

import functools
import ipaddress
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from weekly.errors import WeeklyError
from weekly.mail.compose import Composer
from weekly.mail.ledger import ATTEMPT, DEFERRED, FAILED, SENT, UNCERTAIN, Ledger
from weekly.mail.message import MailEdition, local_now, message_id
from weekly.mail.options import Delivery, Security, SmtpOptions
from weekly.mail.recipients import Recipient, header_safe

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect. The password never appears in ``repr``."""

    host: str
    port: int
    security: Security
    user: str = ""
    password: str = field(default="", repr=False)
    ca_file: Path | None = None
    timeout: float = 60.0

    def redact(self, text: str) -> str:
        """Return ``text`` with the password (should a server echo it) masked."""
        return text.replace(self.password, "********") if self.password else text


def smtp_settings(options: SmtpOptions, environ: dict[str, str]) -> SmtpSettings:
    """Return the SMTP settings from the options; the password from the environment only."""
    user = options.user or ""
    password = environ.get("WEEKLY_SMTP_PASSWORD", "")
    if user and not password:
        raise WeeklyError(f"WEEKLY_SMTP_PASSWORD is not set (needed to log in as {user})")
    for name, value in (("smtp-host", options.host), ("smtp-user", user)):
        if not header_safe(str(value or "")):
            raise WeeklyError(f"--{name} contains a control character")
    return SmtpSettings(
        host=options.host,
        port=options.port or DEFAULT_PORTS[options.security],
        security=options.security,
        user=user,
        password=password if user else "",
        ca_file=options.ca_file,
        timeout=options.timeout,
    )


class Transient(Exception):
    """The server said 4xx or the connection broke before the message was handed over."""

    def __init__(self, detail: str, reconnect: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reconnect = reconnect


class Permanent(Exception):
    """The server refused this recipient or message for good (5xx)."""


class Uncertain(Exception):
    """The connection broke after the message was handed over and before the reply."""


class Fatal(Exception):
    """The batch cannot go on: TLS, login or configuration failure."""


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Connection:
    """One SMTP connection, opened on demand and reused for the whole batch."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        ca = self.settings.ca_file
        try:
            context = ssl.create_default_context()  # the system's CAs ...
            if ca:
                context.load_verify_locations(cafile=str(ca))  # ... and this one
            return context
        except (OSError, ssl.SSLError) as exc:
            raise Fatal(f"cannot read the CA file {ca}: {exc}") from None

    def open(self) -> smtplib.SMTP:
        """Return the open connection, connecting (TLS, login) when needed."""
        if self.smtp is not None:
            return self.smtp
        s = self.settings
        where = f"{s.host}:{s.port}"
        if s.user and s.security == "none" and not _is_loopback(s.host):
            raise Fatal(
                f"refusing to send the SMTP password unencrypted to {where}; "
                "use --smtp-security starttls or ssl"
            )
        try:
            smtp: smtplib.SMTP
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise Fatal(f"{where} does not offer STARTTLS (try --smtp-security ssl)")
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.user:
                self._login(smtp)
        except ssl.SSLCertVerificationError as exc:
            raise Fatal(
                f"TLS certificate of {where} not trusted: {exc.verify_message}"
                " (use --ca-file to trust a private CA)"
            ) from None
        except ssl.SSLError as exc:
            raise Fatal(f"TLS with {where} failed: {s.redact(str(exc))}") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise Fatal(
                f"login as {s.user} refused by {where}: {s.redact(_reply(exc.smtp_code, exc.smtp_error))}"
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise Fatal(f"{where} does not offer login (AUTH)") from None
        except smtplib.SMTPConnectError as exc:
            detail = _reply(exc.smtp_code, exc.smtp_error)
            if 400 <= exc.smtp_code < 500:
                raise Transient(f"{where}: {detail}", reconnect=True) from None
            raise Fatal(f"{where} refused the connection: {detail}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise Transient(
                f"cannot connect to {where}: {s.redact(str(exc)) or type(exc).__name__}",
                reconnect=True,
            ) from None
        self.smtp = smtp
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        """Log in with one mechanism the server offers (PLAIN, LOGIN or CRAM-MD5).

        Unlike :meth:`smtplib.SMTP.login`, a refused password is not tried again with the
        next mechanism: one failure is one failure.
        """
        if not smtp.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("AUTH not offered")
        offered = smtp.esmtp_features["auth"].upper().split()
        smtp.user, smtp.password = self.settings.user, self.settings.password
        if "PLAIN" in offered:
            smtp.auth("PLAIN", smtp.auth_plain)
        elif "LOGIN" in offered:
            smtp.auth("LOGIN", smtp.auth_login)
        elif "CRAM-MD5" in offered:
            smtp.auth("CRAM-MD5", smtp.auth_cram_md5)
        else:
            raise smtplib.SMTPNotSupportedError("no supported AUTH mechanism")

    def close(self) -> None:
        """Say goodbye if the server still listens; forget the connection."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _check(self, code: int, reply: bytes, ok: tuple[int, ...]) -> None:
        if code in ok:
            return
        detail = self.settings.redact(_reply(code, reply))
        if code == 421 or code == -1:
            raise Transient(detail, reconnect=True)
        if 400 <= code < 500:
            raise Transient(detail)
        raise Permanent(detail)

    def transmit(
        self, sender: str, rcpt: str, payload: bytes, before_body: Callable[[], None]
    ) -> str:
        """Deliver ``payload`` to ``rcpt``; return the server's reply.

        ``payload`` is the message as it goes after ``DATA``: CRLF line ends, leading dots
        doubled (:class:`~weekly.mail.compose.Composer` with ``smtp``).

        ``before_body`` runs once the server is ready for the message (it writes the
        ledger's ``attempt`` record). A broken connection before that point means the
        message was not delivered; after it, delivery is unknown (:class:`Uncertain`).
        """
        smtp = self.open()
        handed_over = False
        try:
            self._envelope(smtp, sender, rcpt)
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
            before_body()
            smtp.send(payload + b".\r\n")
            handed_over = True
            code, reply = smtp.getreply()
            self._check(code, reply, (250,))
            return _reply(code, reply)
        except (Transient, Permanent) as exc:
            if isinstance(exc, Transient) and exc.reconnect:
                self.close()
            else:
                self._reset()
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            detail = self.settings.redact(str(exc)) or type(exc).__name__
            if handed_over:
                raise Uncertain(f"connection lost before the server confirmed: {detail}") from None
            raise Transient(f"connection lost: {detail}", reconnect=True) from None

    def _envelope(self, smtp: smtplib.SMTP, sender: str, rcpt: str) -> None:
        """Send ``MAIL``, ``RCPT`` and ``DATA``; raise unless the server awaits the body.

        When the server offers ``PIPELINING`` (RFC 2920) the three go in one write and their
        replies are read after, saving two round trips a message.
        """
        expected = ((250,), (250, 251), (354,))
        if not smtp.has_extn("pipelining"):
            self._check(*smtp.mail(sender), expected[0])
            self._check(*smtp.rcpt(rcpt), expected[1])
            self._check(*smtp.docmd("DATA"), expected[2])
            return
        smtp.send(
            f"MAIL FROM:{smtplib.quoteaddr(sender)}\r\n"
            f"RCPT TO:{smtplib.quoteaddr(rcpt)}\r\nDATA\r\n"
        )
        replies: list[tuple[int, bytes]] = []
        try:
            for _ in expected:
                replies.append(smtp.getreply())
        except smtplib.SMTPServerDisconnected:
            for (code, reply), ok in zip(replies, expected, strict=False):
                self._check(code, reply, ok)  # the refusal that came before the hang-up
            raise
        try:
            for (code, reply), ok in zip(replies, expected, strict=True):
                self._check(code, reply, ok)
        except (Transient, Permanent):
            if replies[2][0] == 354:
                self.close()  # awaiting a body after a refusal: end the session instead
            raise

    def _reset(self) -> None:
        if self.smtp is None:
            return
        try:
            code, _ = self.smtp.rset()
            if code != 250:
                self.close()
        except (smtplib.SMTPException, OSError):
            self.close()


#: What happened to a recipient: see :func:`deliver`.
Status = Literal["sent", "failed", "deferred", "uncertain", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient in this run."""

    recipient: Recipient
    status: Status
    detail: str = ""


class Stop:
    """A flag the command line sets on SIGINT/SIGTERM: finish the current message, then stop."""

    def __init__(self) -> None:
        self.requested = False


def deliver(
    edition: MailEdition,
    recipients: list[Recipient],
    smtp: SmtpSettings,
    ledger: Ledger,
    options: Delivery,
    stop: Stop | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Send to ``recipients`` over one reused connection; record each outcome in ``ledger``.

    Returns one outcome per recipient: ``sent``, ``failed`` (5xx), ``deferred`` (4xx or a
    broken connection, retries used up), ``uncertain`` (connection lost after the handover)
    or ``skipped`` (the run stopped before it: fatal error or interrupt).
    """
    outcomes: list[Outcome] = []
    connection = Connection(smtp)
    sender = edition.settings.sender.addr_spec
    last_send = 0.0
    halted = ""
    composer = Composer(edition, local_now(), smtp=True)
    pdf_sha256 = edition.pdf_sha256

    def record(recipient: Recipient, status: str, detail: str, mid: str) -> None:
        ledger.append(
            status == ATTEMPT,  # only the attempt must be on disk before the body goes
            edition=edition.key,
            slug=edition.update.slug,
            email=recipient.email,
            status=status,
            message_id=mid,
            pdf_sha256=pdf_sha256,
            detail=detail,
        )

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        with ledger.opened():
            for recipient in recipients:
                if not halted and stop is not None and stop.requested:
                    halted = "interrupted"
                if halted:
                    done(Outcome(recipient, "skipped", halted))
                    continue
                data = composer.compose(recipient).data
                mid = message_id(edition, recipient)
                attempt = 0
                while True:
                    if options.rate > 0:
                        wait = last_send + 1.0 / options.rate - time.monotonic()
                        if wait > 0:
                            sleep(wait)
                    last_send = time.monotonic()
                    try:
                        reply = connection.transmit(
                            sender,
                            recipient.email,
                            data,
                            functools.partial(record, recipient, ATTEMPT, "", mid),
                        )
                    except Transient as exc:
                        attempt += 1
                        if attempt <= options.retries:
                            sleep(min(options.retry_delay * 2 ** (attempt - 1), 300.0))
                            if stop is not None and stop.requested:
                                halted = "interrupted"
                            else:
                                continue
                        record(recipient, DEFERRED, exc.detail, mid)
                        done(Outcome(recipient, "deferred", exc.detail))
                        if exc.reconnect and not halted:
                            halted = f"not tried: the server could not be reached ({exc.detail})"
                        break
                    except Permanent as exc:
                        record(recipient, FAILED, str(exc), mid)
                        done(Outcome(recipient, "failed", str(exc)))
                        break
                    except Uncertain as exc:
                        record(recipient, UNCERTAIN, str(exc), mid)
                        done(Outcome(recipient, "uncertain", str(exc)))
                        break
                    except Fatal as exc:
                        halted = str(exc)
                        done(Outcome(recipient, "skipped", halted))
                        break
                    record(recipient, SENT, reply, mid)
                    done(Outcome(recipient, "sent", reply))
                    break
    finally:
        connection.close()
    return outcomes
