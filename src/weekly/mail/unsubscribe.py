"""Signed unsubscribe links and the suppression list that ``weekly email`` honours.

A series' ``unsubscribe_url`` may carry ``{token}``: each recipient's link then holds an
opaque token, the HMAC-SHA256 of the normalised address under the secret in
``WEEKLY_UNSUBSCRIBE_SECRET`` (base64url, no padding), so nobody can unsubscribe someone
else by editing a link, and the address never appears in the URL. An HMAC cannot be turned
back into an address: ``weekly unsubscribe TOKEN --to LIST`` finds the recipient whose token
it is and adds the address to the suppression list (``STATE/suppressed.txt``), which every
later ``weekly email`` reads: suppressed addresses are skipped and counted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from weekly.mail.recipients import Recipient

#: The environment variable holding the secret the tokens are signed with.
SECRET_ENV = "WEEKLY_UNSUBSCRIBE_SECRET"
#: The placeholders ``unsubscribe_url`` may use.
TOKEN, EMAIL = "{token}", "{email}"
#: A token's length: 32 bytes of HMAC in base64url without padding.
TOKEN_LENGTH = 43


def secret_of(environ: Mapping[str, str]) -> bytes:
    """Return the signing secret from the environment (empty when it is not set)."""
    return environ.get(SECRET_ENV, "").encode("utf-8")


def normalise(address: str) -> str:
    """Return ``address`` as tokens and the suppression list compare it: trimmed, lower case."""
    return address.strip().lower()


def token(address: str, secret: bytes) -> str:
    """Return the unsubscribe token of ``address`` under ``secret``."""
    if not secret:
        raise ValueError(f"no secret: set {SECRET_ENV}")
    digest = hmac.new(secret, normalise(address).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def verify(candidate: str, address: str, secret: bytes) -> bool:
    """Return whether ``candidate`` is the token of ``address`` (in constant time)."""
    return hmac.compare_digest(
        candidate.encode("ascii", "replace"), token(address, secret).encode()
    )


def owner(candidate: str, recipients: Iterable[Recipient], secret: bytes) -> Recipient | None:
    """Return the recipient whose token ``candidate`` is, or None (tampered, or not listed)."""
    candidate = candidate.strip()
    if len(candidate) != TOKEN_LENGTH:
        return None
    for recipient in recipients:
        if verify(candidate, recipient.email, secret):
            return recipient
    return None


def read_suppressed(path: Path) -> set[str]:
    """Return the addresses of the suppression list at ``path`` (none when there is no file).

    One address a line; blank lines and lines starting with ``#`` are ignored.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    return {
        normalise(line)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }


def suppress(path: Path, address: str) -> bool:
    """Add ``address`` to the suppression list at ``path``; return False if it was there."""
    address = normalise(address)
    if address in read_suppressed(path):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            os.write(fd, b"\n")
        os.write(fd, f"{address}\n".encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return True
