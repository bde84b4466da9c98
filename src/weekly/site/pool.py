"""Print the archive's PDFs on every core: a pool of processes that each import WeasyPrint once.

The archive assembles and renders each edition's HTML in the main process (it must see every
edition to link neighbours), hands the HTML and its figures to the pool, and writes the
results in edition order as they come back. Workers run the very same
:func:`weekly.render.pdf.write_pdf` as a serial build, so the bytes are identical.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weekly.resolve.figures import Asset


def cpu_count() -> int:
    """Return the number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _print(html: str, assets: list[Asset]) -> bytes:
    from weekly.render.pdf import write_pdf

    return write_pdf(html, assets)


def _warm() -> None:
    """Import WeasyPrint in a new worker, before its first page."""
    import weekly.render.pdf  # noqa: F401


class Printer:
    """Prints PDFs in ``jobs`` worker processes, or in this process when ``jobs`` is 1.

    Use as a context manager; :meth:`submit` returns a future of the PDF's bytes.
    """

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None
        if self.jobs > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            if "forkserver" in methods:
                context.set_forkserver_preload(["weekly.render.pdf"])
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_warm)

    def submit(self, html: str, assets: Iterable[Asset]) -> Future[bytes]:
        """Start printing ``html``; return the future of its PDF."""
        assets = list(assets)
        if self._pool is not None:
            return self._pool.submit(_print, html, assets)
        done: Future[bytes] = Future()
        try:
            done.set_result(_print(html, assets))
        except Exception as exc:
            done.set_exception(exc)
        return done

    def close(self) -> None:
        """Stop the workers (those still printing are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Printer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
