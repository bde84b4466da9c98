"""Decide who may talk to the preview server: Host names, origins, the share token.

Without ``--share`` the server listens on 127.0.0.1 and answers any request that names it
(``Host: 127.0.0.1:PORT`` or ``localhost:PORT``). With ``--share`` it also demands the
access token: in the query of the first visit (``/?token=…``), which turns it into an
HttpOnly, SameSite=Strict cookie, and in that cookie on every later request. Requests
that change anything need the cookie (never the query) and must come from the page
itself: a same-origin ``Origin`` header, or without one the ``X-Weekly-Review`` header,
which no other site can send without a CORS preflight this server never grants.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets
import socket
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

LOCAL = "127.0.0.1"
#: Header a page's own scripts send with every change (the alternative to ``Origin``).
CSRF_HEADER = "X-Weekly-Review"
#: Bits of randomness in a share token (``secrets.token_urlsafe`` of 32 bytes).
TOKEN_BYTES = 32


def new_token() -> str:
    """Return a fresh access token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def host_names(host: str) -> list[str]:
    """Return the names a browser may use for the address ``host`` serves on, best first.

    For every interface (``0.0.0.0`` or empty), the machine's fully qualified name, its
    short name, its addresses, then ``localhost`` and ``127.0.0.1``.
    """
    if host not in ("", "0.0.0.0"):
        names = [host]
        if host in (LOCAL, "localhost"):
            names += [LOCAL, "localhost"]
        return list(dict.fromkeys(names))
    names = [socket.getfqdn(), socket.gethostname()]
    with contextlib.suppress(OSError):
        names += socket.gethostbyname_ex(socket.gethostname())[2]
    names += ["localhost", LOCAL]
    return list(dict.fromkeys(n.lower() for n in names if n))


@dataclass(frozen=True)
class Access:
    """The rules of one server: which ``Host`` values it answers and which token it wants."""

    #: Names (without port) the server answers to.
    names: tuple[str, ...]
    port: int
    #: The share token, or None when the preview is not shared.
    token: str | None = None
    hosts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "hosts", frozenset(f"{n}:{self.port}" for n in self.names))

    @property
    def cookie_name(self) -> str:
        """Return the cookie that carries the token (one per port: cookies ignore ports)."""
        return f"weekly_review_{self.port}"

    def set_cookie(self) -> str:
        """Return the ``Set-Cookie`` value that stores the token in the browser."""
        return f"{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict"

    def host_ok(self, headers: Message) -> bool:
        """Return whether ``Host`` names this server (no DNS rebinding)."""
        return headers.get("Host", "").lower() in self.hosts

    def origin_ok(self, headers: Message) -> bool:
        """Return whether the request carries no ``Origin``, or the one its ``Host`` names."""
        origin = headers.get("Origin")
        return origin is None or self.same_origin(headers)

    def same_origin(self, headers: Message) -> bool:
        """Return whether ``Origin`` is exactly ``http://`` and the (allowed) ``Host``."""
        host = headers.get("Host", "").lower()
        origin = (headers.get("Origin") or "").lower()
        return host in self.hosts and origin == f"http://{host}"

    def _matches(self, offered: str | None) -> bool:
        if not offered or self.token is None:
            return False
        return hmac.compare_digest(offered.encode(), self.token.encode())

    def cookie_ok(self, headers: Message) -> bool:
        """Return whether the token cookie is present and right (always, when not shared)."""
        if self.token is None:
            return True
        cookie = SimpleCookie()
        for header in headers.get_all("Cookie") or []:
            try:
                cookie.load(header)
            except CookieError:
                continue
        morsel = cookie.get(self.cookie_name)
        return self._matches(morsel.value if morsel else None)

    def query_ok(self, query: str) -> bool:
        """Return whether the query string carries the right ``token``."""
        if self.token is None:
            return False
        offered = parse_qs(query, keep_blank_values=True).get("token", [])
        return len(offered) == 1 and self._matches(offered[0])

    def change_ok(self, headers: Message) -> bool:
        """Return whether a state-changing request comes from this server's own page."""
        if not self.cookie_ok(headers):
            return False
        if headers.get("Sec-Fetch-Site", "same-origin") != "same-origin":
            return False
        if headers.get("Origin") is not None:
            return self.same_origin(headers)
        return headers.get(CSRF_HEADER) == "1"

    def url(self) -> str:
        """Return the address to open (with the token, when shared)."""
        base = f"http://{self.names[0]}:{self.port}/"
        return f"{base}?token={self.token}" if self.token else base
