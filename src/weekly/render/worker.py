"""Print the PDF in a forked helper process that imports WeasyPrint while the parent assembles.

Importing WeasyPrint takes about half a second, as long as everything else ``weekly render``
does before printing (reading the inputs, parsing Markdown, running the templates). On a
machine with a second core the two can overlap: the render forks a child first thing; the
child imports WeasyPrint (:mod:`weekly.render.pdf`) and waits for the page; the parent sends the
HTML and its assets down a pipe and reads the PDF bytes back. The child prints with the
very same :func:`weekly.render.pdf.write_pdf`, so the same :class:`~weekly.render.pdf.AssetFetcher`
sandbox applies.

It falls back to printing in-process whenever the helper cannot be used: no ``fork`` on
this platform, other threads running (forking a threaded process is unsafe), the
``WEEKLY_PDF_WORKER=0`` environment variable, or a child that died. An exception raised
while printing in the child is raised again in the parent. The child is always reaped.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import threading
import traceback
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weekly.assets import Asset
    from weekly.render.pdf import PdfVariant

_HEADER = struct.Struct("!Q")


def _write_message(fd: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_message(fd: int) -> Any:
    """Return the next message on ``fd``, or raise EOFError when the other side is gone."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        raise EOFError
    data = _read_exactly(fd, _HEADER.unpack(header)[0])
    if data is None:
        raise EOFError
    return pickle.loads(data)


def _in_process(html: str, assets: Iterable[Asset], variant: PdfVariant | None = None) -> bytes:
    from weekly.render.pdf import DEFAULT_VARIANT, write_pdf

    return write_pdf(html, assets, variant or DEFAULT_VARIANT)


def _serve(requests: int, replies: int) -> None:
    """The child: import WeasyPrint, print the one page it is sent, send the PDF back."""
    try:
        import weekly.render.pdf  # noqa: F401  (the half second this process exists for)
    except BaseException:  # the parent will see EOF and print in-process
        return
    try:
        html, assets, variant = _read_message(requests)
    except EOFError:  # the parent stopped before printing (an input error)
        return
    try:
        reply: tuple[str, Any] = ("pdf", _in_process(html, assets, variant))
    except BaseException as exc:
        try:
            pickle.dumps(exc)
            reply = ("error", exc)
        except Exception:
            reply = ("error", RuntimeError("".join(traceback.format_exception(exc)).strip()))
    _write_message(replies, reply)


def can_fork() -> bool:
    """Return True when a helper process may be forked here and now."""
    return (
        hasattr(os, "fork")
        and os.environ.get("WEEKLY_PDF_WORKER", "1") != "0"
        and threading.active_count() == 1
    )


class PdfWorker:
    """A forked child importing WeasyPrint in the background; prints one page.

    Use as a context manager; :meth:`write_pdf` has the signature of
    :func:`weekly.render.pdf.write_pdf`. Leaving the context reaps the child (killing it
    if it was never given a page).
    """

    def __init__(self) -> None:
        self.pid: int | None = None
        #: The child's exit code once reaped (negative: the signal that ended it).
        self.exit_code: int | None = None
        self._requests = self._replies = -1
        if not can_fork():
            return
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            status = 0
            try:
                os.close(request_write)
                os.close(reply_read)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _serve(request_read, reply_write)
            except BaseException:
                status = 1
            finally:
                os._exit(status)  # never return into the parent's stack
        os.close(request_read)
        os.close(reply_write)
        self.pid = pid
        self._requests, self._replies = request_write, reply_read

    def write_pdf(
        self, html: str, assets: Iterable[Asset], variant: PdfVariant | None = None
    ) -> bytes:
        """Return the PDF of ``html`` printed by the child (or in-process as a fallback)."""
        assets = list(assets)
        if self.pid is None:
            return _in_process(html, assets, variant)
        try:
            _write_message(self._requests, (html, assets, variant))
            kind, value = _read_message(self._replies)
        except (EOFError, BrokenPipeError):
            self.close(kill=False)
            return _in_process(html, assets, variant)
        finally:
            self.close(kill=False)
        if kind == "error":
            raise value
        return bytes(value)

    def close(self, kill: bool = True) -> None:
        """Close the pipes and reap the child; with ``kill``, kill it first if it still runs."""
        if self.pid is None:
            return
        pid, self.pid = self.pid, None
        done, status = 0, 0
        if kill:  # before closing the pipes: a child that sees them close exits by itself
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        for fd in (self._requests, self._replies):
            with contextlib.suppress(OSError):
                os.close(fd)
        if not done:
            _, status = os.waitpid(pid, 0)
        self.exit_code = os.waitstatus_to_exitcode(status)

    def __enter__(self) -> PdfWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
