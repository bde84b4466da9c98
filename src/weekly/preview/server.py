"""Serve one application over HTTP: fixed routes, a JSON body for changes, and a
Server-Sent Events channel the pages follow.

The server knows nothing of editions. It is handed an :class:`App` (the preview) that
answers paths and changes, and a :class:`Channel` of named values that every open page
follows live; it enforces the rules of :mod:`weekly.preview.access` before the app sees
a request. Nothing is read from disk here, so no path can reach a file.
"""

from __future__ import annotations

import errno
import json
import socket
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import unquote

from weekly.preview.access import Access, host_names

EVENTS = "/__weekly/events"
#: Seconds between keep-alive comments on the reload channel.
KEEPALIVE = 15.0
#: Largest request body accepted, in bytes.
MAX_BODY = 16 * 1024
#: Channel values in the order a page receives them.
ORDER = ("build", "pdf", "comments")
FORBIDDEN = "Forbidden: weekly preview answers only its own page"


class PortBusy(Exception):
    """The address or port asked for cannot be listened on."""


@dataclass(frozen=True)
class Response:
    """One answer of the app."""

    status: HTTPStatus
    body: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)
    #: Entity tag: a matching ``If-None-Match`` gets 304.
    etag: str = ""

    @classmethod
    def json(cls, status: HTTPStatus, data: Any) -> Response:
        """Return ``data`` as a JSON response that is never cached."""
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return cls(status, body, "application/json; charset=utf-8", {"Cache-Control": "no-store"})

    @classmethod
    def text(cls, status: HTTPStatus, text: str) -> Response:
        """Return a one-line plain-text response."""
        body = (text + "\n").encode()
        return cls(status, body, "text/plain; charset=utf-8", {"Cache-Control": "no-store"})


class Channel:
    """Named values (``build``, ``pdf``, ``comments``) every open page follows."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.values: dict[str, str] = {}
        self.stopping = threading.Event()

    def publish(self, name: str, value: str) -> None:
        """Set ``name`` to ``value`` and wake every listener."""
        with self.changed:
            self.values[name] = value
            self.changed.notify_all()

    def wait(self, seen: dict[str, str], timeout: float) -> dict[str, str]:
        """Return the values once they differ from ``seen`` (or after ``timeout``)."""
        with self.changed:
            if self.values == seen and not self.stopping.is_set():
                self.changed.wait(timeout)
            return dict(self.values)

    def stop(self) -> None:
        """Wake every listener for good."""
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()


class App(Protocol):
    """What the server serves."""

    @property
    def channel(self) -> Channel:
        """Return the values the pages follow."""

    def get(self, path: str) -> Response | None:
        """Return the answer to ``GET path``, or None for 404."""

    def post(self, path: str, data: Any) -> Response:
        """Carry out a change sent as JSON ``data`` to ``path``."""


class Handler(BaseHTTPRequestHandler):
    """Check every request against the server's :class:`Access`, then ask the app."""

    server: Server
    #: Seconds a connection may stay silent (a slow or stalled client is dropped).
    timeout = 60
    server_version = "weekly-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the terminal shows builds, not requests."""

    def _target(self) -> tuple[str | None, str]:
        """Return the decoded path (None unless a plain ``/path``) and the query string."""
        target, _, query = self.path.split("#", 1)[0].partition("?")
        if not target.startswith("/") or target.startswith("//"):
            return None, query
        try:
            return unquote(target, errors="strict"), query
        except UnicodeDecodeError:
            return None, query

    def _send(self, response: Response, extra: dict[str, str] | None = None) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.media_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        if response.etag:
            self.send_header("ETag", f'"{response.etag}"')
        for name, value in {**response.headers, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _forbidden(self) -> None:
        self._send(Response.text(HTTPStatus.FORBIDDEN, FORBIDDEN))

    def _bare(self, status: HTTPStatus, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:
        """Answer like GET, without the body."""
        self.do_GET()

    def do_GET(self) -> None:
        """Serve what the app answers, or the reload channel."""
        access = self.server.access
        path, query = self._target()
        if not (access.host_ok(self.headers) and access.origin_ok(self.headers)):
            self._forbidden()
            return
        if path == EVENTS and self.headers.get("Sec-Fetch-Site", "same-origin") not in (
            "same-origin",
            "none",
        ):
            self._forbidden()
            return
        extra: dict[str, str] = {}
        if not access.cookie_ok(self.headers):
            if not access.query_ok(query):
                self._forbidden()
                return
            # The first visit: keep the token in a cookie, and out of the address bar.
            extra["Set-Cookie"] = access.set_cookie()
            if path == "/":
                self._bare(
                    HTTPStatus.SEE_OTHER,
                    {**extra, "Location": "/", "Cache-Control": "no-store"},
                )
                return
        if path == EVENTS:
            self._events()
            return
        if path == "/favicon.ico":
            self._bare(HTTPStatus.NO_CONTENT, {})
            return
        response = self.server.app.get(path) if path is not None else None
        if response is None:
            response = Response.text(HTTPStatus.NOT_FOUND, "Not found")
        if response.etag and self.headers.get("If-None-Match") == f'"{response.etag}"':
            self._bare(HTTPStatus.NOT_MODIFIED, {"ETag": f'"{response.etag}"'})
            return
        self._send(response, extra)

    def do_POST(self) -> None:
        """Carry out a change sent as JSON by the server's own page."""
        access = self.server.access
        path, _ = self._target()
        if not (access.host_ok(self.headers) and access.change_ok(self.headers)):
            self.close_connection = True
            self._forbidden()
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            status = (
                HTTPStatus.LENGTH_REQUIRED if length < 0 else HTTPStatus.REQUEST_ENTITY_TOO_LARGE
            )
            message = f"the request body must be at most {MAX_BODY // 1024} KiB"
            self._send(Response.json(status, {"error": message}))
            return
        raw = self.rfile.read(length)
        media_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            self._send(
                Response.json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send application/json"})
            )
            return
        try:
            data = json.loads(raw.decode("utf-8")) if raw else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            self._send(Response.json(HTTPStatus.BAD_REQUEST, {"error": "malformed JSON"}))
            return
        if path is None:
            self._send(Response.text(HTTPStatus.NOT_FOUND, "Not found"))
            return
        self._send(self.server.app.post(path, data))

    def _events(self) -> None:
        """Stream every channel value as an event when it changes, until closed."""
        channel = self.server.app.channel
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        sent: dict[str, str] = {}
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not channel.stopping.is_set():
                values = channel.wait(sent, KEEPALIVE)
                message = b""
                for name in ORDER:
                    if name in values and values[name] != sent.get(name):
                        message += f"event: {name}\ndata: {values[name]}\n\n".encode()
                sent = values
                self.wfile.write(message or b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


class Server(ThreadingHTTPServer):
    """An HTTP server on one address, answering for one :class:`App`."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, app: App, host: str, port: int, token: str | None = None) -> None:
        self.app = app
        try:
            super().__init__((host, port), Handler)
        except socket.gaierror as exc:
            raise PortBusy(f"cannot listen on {host}: {exc.strerror}; check --host") from None
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise PortBusy(f"{host} is not an address of this machine; check --host") from None
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                reason = "is in use" if exc.errno == errno.EADDRINUSE else "needs privileges"
                raise PortBusy(
                    f"port {port} on {host} {reason}; choose another with --port "
                    "(--port 0 picks a free one)"
                ) from None
            raise
        self.access = Access(tuple(host_names(host)), self.server_address[1], token)

    @property
    def url(self) -> str:
        """Return the address to open."""
        return self.access.url()
