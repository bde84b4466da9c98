"""Print PDFs away from the caller: the one set of worker processes render, preview and archive use.

Importing WeasyPrint takes about half a second and printing an edition several more, so no
command prints on the thread that does everything else. A :class:`Printer` starts its worker
processes at once, already warm: a worker imports WeasyPrint (and whatever else it is told to
preload) while the caller reads the inputs, and then prints every page it is sent with the very
same :func:`weekly.render.pdf.write_pdf`, so the same :class:`~weekly.render.pdf.AssetFetcher`
sandbox applies. ``weekly render`` and ``weekly preview --pdf`` use one worker; ``weekly
archive --jobs N`` uses ``N``, which also assemble and check editions (:meth:`Printer.submit`).

The workers are forked from the caller when it runs no other thread (cheapest: they share
what it has imported), and otherwise from a fork server started for the purpose (forking a
threaded process is unsafe). Either way they never outlive the caller: each watches a pipe
whose writing end only the caller holds and exits the moment it reaches its end (the caller
closed the printer, or died, ``kill -9`` included). With no worker (``processes=0``, or the
``WEEKLY_PDF_WORKER=0`` environment variable), tasks run in the caller when their result is
first asked for. An exception raised in a worker is raised again in the caller; one that cannot
be pickled comes back as a ``RuntimeError`` holding its traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    from weekly.assets import Asset
    from weekly.render.pdf import PdfVariant

T = TypeVar("T")
#: Imported by every worker before its first task.
PRELOAD = ("weekly.render.pdf",)


def cpu_count() -> int:
    """Return the number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def workers_allowed() -> bool:
    """Return False when the ``WEEKLY_PDF_WORKER=0`` environment variable asks for none."""
    return os.environ.get("WEEKLY_PDF_WORKER", "1") != "0"


def sendable(exc: BaseException) -> BaseException:
    """Return ``exc`` if it survives pickling, else a ``RuntimeError`` holding its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)).strip())
    return exc


def print_pdf(html: str, assets: list[Asset], variant: PdfVariant | None = None) -> bytes:
    """Return the PDF of ``html`` (as :func:`weekly.render.pdf.write_pdf`)."""
    from weekly.render.pdf import DEFAULT_VARIANT, write_pdf

    return write_pdf(html, assets, variant or DEFAULT_VARIANT)


def _run(task: Callable[..., T], *args: Any) -> T:
    """Run ``task`` in a worker; an exception that cannot travel comes back as its traceback."""
    try:
        return task(*args)
    except Exception as exc:
        raise sendable(exc) from None


def _ready() -> int:
    """A worker's first task: nothing but to make the pool start the process now."""
    return os.getpid()


def _exit_with(lifeline: Connection) -> None:
    """Wait until ``lifeline`` reaches its end, then end this process at once."""
    try:
        while True:
            lifeline.recv_bytes()  # nothing is ever sent: this waits for the end
    except (EOFError, OSError):
        pass
    os._exit(1)


def _start_worker(lifeline: Connection, writer: Connection, preload: Sequence[str]) -> None:
    """Set a worker up: drop its copy of the writing end, watch the lifeline, import.

    Without the watch a worker would wait for tasks forever once the caller is gone: each
    holds an end of the pool's queues (and of the fork server's own lifeline).
    """
    writer.close()  # only the caller may hold it, or the pipe would never reach its end
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the caller reports, workers just end
    threading.Thread(target=_exit_with, args=(lifeline,), daemon=True).start()
    import importlib

    for name in preload:
        importlib.import_module(name)


class _Later(Future[T]):
    """A task run in this process when its result is first asked for."""

    def __init__(self, task: Callable[[], T]) -> None:
        super().__init__()
        self._task: Callable[[], T] | None = task

    def result(self, timeout: float | None = None) -> T:
        if self._task is not None:
            task, self._task = self._task, None
            try:
                self.set_result(task())
            except Exception as exc:
                self.set_exception(exc)
        return super().result(timeout)


class _Here(Executor):
    """Runs each task in this process, when its result is asked for: a progress display then
    counts the work as it is done, in order."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return _Later(lambda: fn(*args, **kwargs))


class Printer:
    """``processes`` warm worker processes that print PDFs (and run other tasks), or none.

    Use as a context manager. :meth:`print` and :meth:`submit` return futures;
    :meth:`write_pdf` has the signature of :func:`weekly.render.pdf.write_pdf` and prints in
    the caller if the worker died. Leaving the context ends the workers: at once if nothing
    was sent to them (an input error does not wait for the WeasyPrint import) or when it is
    left by an exception, else after the tasks sent.
    """

    def __init__(self, processes: int = 1, preload: Sequence[str] = ()) -> None:
        self.processes = max(0, processes) if workers_allowed() else 0
        #: The worker processes, once started (their ``exitcode`` is set once closed).
        self.workers: list[BaseProcess] = []
        self._executor: Executor = _Here()
        self._lifeline: tuple[Connection, Connection] | None = None
        self._used = False
        if not self.processes:
            return
        context: BaseContext
        if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
        elif "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # Workers fork from a server that imported these once (the first printer of a
            # process decides: the server lives as long as the process).
            context.set_forkserver_preload([*PRELOAD, *preload])
        else:
            context = multiprocessing.get_context("spawn")
        reader, writer = context.Pipe(duplex=False)
        self._lifeline = (reader, writer)
        self._executor = ProcessPoolExecutor(
            self.processes,
            mp_context=context,
            initializer=_start_worker,
            initargs=(reader, writer, (*PRELOAD, *preload)),
        )
        for _ in range(self.processes):  # start every worker now, each with one task
            self._executor.submit(_ready)
        # The pool keeps its processes private; keep them to report how each one ended.
        self.workers = list(getattr(self._executor, "_processes", {}).values())

    @property
    def here(self) -> bool:
        """Return True when tasks run in the caller (no worker process)."""
        return self.processes == 0

    def submit(self, task: Callable[..., T], *args: Any) -> Future[T]:
        """Start ``task(*args)`` in a worker (a module-level function: it is pickled)."""
        self._used = True
        if self.here:
            return self._executor.submit(task, *args)
        return self._executor.submit(_run, task, *args)

    def print(
        self, html: str, assets: Iterable[Asset], variant: PdfVariant | None = None
    ) -> Future[bytes]:
        """Start printing ``html`` with ``assets``; return the future of its PDF."""
        return self.submit(print_pdf, html, list(assets), variant)

    def write_pdf(
        self, html: str, assets: Iterable[Asset], variant: PdfVariant | None = None
    ) -> bytes:
        """Return the PDF of ``html`` printed by a worker (in the caller if the worker died)."""
        assets = list(assets)
        try:
            return self.print(html, assets, variant).result()
        except BrokenProcessPool:
            return print_pdf(html, assets, variant)

    def close(self, now: bool = False) -> None:
        """End the workers: once the tasks sent are done, or at once with ``now`` or when no
        task was sent."""
        if self._lifeline is not None and (now or not self._used):
            self._lifeline[1].close()  # the workers see the pipe end and exit now
        self._executor.shutdown(wait=True, cancel_futures=True)
        for end in self._lifeline or ():
            end.close()
        for worker in self.workers:
            worker.join()

    def __enter__(self) -> Printer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(now=kind is not None)  # an error (or Ctrl-C) waits for no page
