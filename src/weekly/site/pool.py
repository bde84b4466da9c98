"""Spread the archive's work over every core: a pool of processes that assemble and print.

Each worker imports WeasyPrint once (when PDFs are wanted) and then takes editions one after
another: first assembling and checking them (events, charts, notes: :func:`check_edition`),
then, once the main process has linked every edition to its neighbours and rendered the
HTML, printing their PDFs (:func:`print_pdf`). The main process collects the results in
edition order, whatever order they finish in. Workers run the very same functions as a
serial build, so the output is the same byte for byte.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from weekly.assets import Asset
    from weekly.errors import Problem
    from weekly.resolve.update import Update

T = TypeVar("T")
#: Below this many editions to check, an HTML-only build stays in one process: starting
#: workers costs more than it saves. With PDFs, two editions are enough.
MIN_HTML_EDITIONS = 16
#: What checking an edition gives: its update and countries, or the problems that stop it.
Checked = tuple["Update | None", list[str], list["Problem"]]


def cpu_count() -> int:
    """Return the number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def worth_it(jobs: int, editions: int, pdf: bool) -> int:
    """Return how many processes to use for ``editions`` editions: ``jobs``, or 1 when few."""
    if editions < 2 or (not pdf and editions < MIN_HTML_EDITIONS):
        return 1
    return min(jobs, editions)


def check_edition(inputs: Path, key: str) -> Checked:
    """Assemble and check edition ``key``; return it with its countries, or its problems."""
    from weekly.errors import WeeklyError
    from weekly.pipeline import load_checked
    from weekly.site.topics import event_countries

    try:
        update = load_checked(inputs, key)
    except WeeklyError as exc:
        return None, [], exc.problems
    return update, event_countries(inputs, update), []


def print_pdf(html: str, assets: list[Asset]) -> bytes:
    """Return the PDF of ``html`` (as :func:`weekly.render.pdf.write_pdf`)."""
    from weekly.render.pdf import write_pdf

    return write_pdf(html, assets)


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
    """Runs each task in this process (one job), when its result is asked for: the progress
    display then counts the work as it is done, in order."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        return _Later(lambda: fn(*args, **kwargs))


def _exit_with(lifeline: Connection) -> None:
    """Wait until ``lifeline`` reaches its end, then end this process at once."""
    try:
        while True:
            lifeline.recv_bytes()  # nothing is ever sent: this waits for the end
    except (EOFError, OSError):
        pass
    os._exit(1)


def watch_parent(lifeline: Connection) -> None:
    """Start a thread that ends this worker when the main process is gone.

    A worker runs as the pool's initializer with the reading end of a pipe whose writing
    end only the main process holds. When the main process ends, however it ends
    (``kill -9`` included), the pipe reaches its end and the worker exits; once every
    worker is gone, so is the fork server. Without it the workers wait for tasks forever:
    each holds an end of the pool's queues and of the fork server's own lifeline.
    """
    threading.Thread(target=_exit_with, args=(lifeline,), daemon=True).start()


class Workers:
    """``jobs`` worker processes, or this process alone when ``jobs`` is 1.

    Use as a context manager; :meth:`check` and :meth:`print` return futures. The workers
    (and the fork server they come from) never outlive the main process: see
    :func:`watch_parent`.
    """

    def __init__(self, jobs: int, pdf: bool = True, events: bool = False) -> None:
        self.jobs = max(1, jobs)
        self._executor: Executor = _Here()
        self._lifeline: tuple[Connection, Connection] | None = None
        if self.jobs > 1:
            methods = multiprocessing.get_all_start_methods()
            method = "forkserver" if "forkserver" in methods else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                # Workers fork from a server that imported these once; nothing else is shared.
                preload = ["weekly.pipeline", "weekly.resolve.update", "weekly.render.html"]
                if events:  # the events table and charts: pandas, pyarrow, matplotlib
                    preload += ["pandas", "pyarrow", "weekly.events.table", "weekly.events.charts"]
                if pdf:
                    preload.append("weekly.render.pdf")
                context.set_forkserver_preload(preload)
            # Workers start when work is first submitted and get copies of the reading end.
            reader, writer = context.Pipe(duplex=False)
            self._lifeline = (reader, writer)
            self._executor = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=watch_parent, initargs=(reader,)
            )

    def check(self, inputs: Path, key: str) -> Future[Checked]:
        """Start assembling and checking edition ``key``."""
        return self._executor.submit(check_edition, inputs, key)

    def print(self, html: str, assets: Iterable[Asset]) -> Future[bytes]:
        """Start printing ``html``; return the future of its PDF."""
        return self._executor.submit(print_pdf, html, list(assets))

    def close(self) -> None:
        """Stop the workers (tasks not started are cancelled)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        for end in self._lifeline or ():
            end.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
