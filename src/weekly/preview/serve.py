"""Preview an edition: build its draft, serve it, and rebuild it whenever an input changes.

This module puts the pieces together, as MkDocs' ``serve`` hands its build to a
livereload server: :mod:`~weekly.preview.state` builds and keeps the pages,
:mod:`~weekly.preview.watch` rebuilds on save, :mod:`~weekly.preview.app` answers the
paths, and :mod:`~weekly.preview.server` serves them under the rules of
:mod:`~weekly.preview.access` (127.0.0.1 alone, or ``--share`` with a token).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from weekly.errors import Problem
from weekly.preview.access import LOCAL, new_token
from weekly.preview.app import PreviewApp
from weekly.preview.server import EVENTS, PortBusy, Server
from weekly.preview.state import Preview
from weekly.preview.watch import Watcher

__all__ = ["EVENTS", "PortBusy", "Preview", "Running", "start"]


@dataclass
class Running:
    """A started preview: its server and the threads that keep it current."""

    preview: Preview
    server: Server
    app: PreviewApp
    watcher: Watcher
    threads: list[threading.Thread] = field(default_factory=list)
    _serving: bool = False

    @property
    def url(self) -> str:
        """Return the address to open (with the access token when shared)."""
        return self.server.url

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` (or Ctrl-C in the calling thread)."""
        self._serving = True
        self.server.serve_forever(poll_interval=0.05)  # stop answers within 50 ms

    def stop(self) -> None:
        """Stop serving, watching and printing; close the socket."""
        self.preview.stop()
        if self._serving:
            self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start(
    inputs: Path,
    cutoff: str,
    port: int = 8000,
    output: Path | None = None,
    pdf: bool = False,
    log: Callable[[str], None] | None = None,
    log_problems: Callable[[list[Problem]], None] | None = None,
    serve: bool = False,
    share: bool = False,
    host: str | None = None,
    state: Path | None = None,
) -> Running:
    """Build the draft once, open the server and start watching.

    Without ``share`` the server listens on 127.0.0.1 only. With it, on ``host``
    (default: every interface), and every request needs the access token in
    :attr:`Running.url`. With ``serve`` the server runs in a background thread too
    (tests, embedding); otherwise call :meth:`Running.serve_forever`. Raises
    :class:`PortBusy` and :class:`~weekly.errors.WeeklyError` (no such edition).
    """
    preview = Preview(
        inputs,
        cutoff,
        output,
        pdf,
        log or (lambda text: None),
        log_problems or (lambda problems: None),
        state=state,
    )
    app = PreviewApp(preview)
    bind = (host if host is not None else "0.0.0.0") if share else LOCAL
    server = Server(app, bind, port, new_token() if share else None)
    watcher = Watcher(preview, on_review=app.review.changed)
    running = Running(preview, server, app, watcher)
    try:
        watcher.first_snapshot = watcher.snapshot()
        preview.build()
    except BaseException:
        running.stop()
        raise
    workers: list[tuple[Callable[[], None], str]] = [(watcher.run, "weekly-watch")]
    if pdf:
        workers.append((preview.pdf_worker, "weekly-pdf"))
    if serve:
        workers.append((running.serve_forever, "weekly-serve"))
    for target, name in workers:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        running.threads.append(thread)
    watcher.ready.wait(10)
    return running
