"""The PDF workers: print like write_pdf, surface errors, never leave a process behind."""

from __future__ import annotations

import os
import signal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from weekly.assets import Asset
from weekly.render import worker as pdfworker
from weekly.render.worker import Printer

HTML = "<html><body><p>Hello from the helper.</p><img src='figures/dot.svg'></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
ASSETS = [Asset("figures/dot.svg", SVG, "image/svg+xml")]


def _children() -> set[int]:
    """Return the process ids of this process's children."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        try:
            found.update(int(pid) for pid in (task / "children").read_text().split())
        except FileNotFoundError:
            continue  # a thread that ended since the folder was listed has no children
    return found


#: This process's children when the running test started: a Chromium or a crash-test zygote
#: that the test process keeps for its whole life is none of the test's doing.
_before: set[int] = set()


def no_children_left() -> bool:
    """Return True when the test left no child behind but multiprocessing's own helpers.

    The archive's process pool (another test in this worker may have run one) keeps a fork
    server and a resource tracker for the life of the process; they are no PDF helpers.
    """
    from multiprocessing import forkserver, resource_tracker

    helpers = {
        getattr(forkserver._forkserver, "_forkserver_pid", None),
        getattr(resource_tracker._resource_tracker, "_pid", None),
    }
    return not (_children() - helpers - _before)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.fixture(autouse=True)
def worker_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEEKLY_PDF_WORKER", raising=False)
    _before.clear()
    _before.update(_children())


def test_the_worker_prints_the_page_and_is_reaped() -> None:
    with Printer(1) as printer:
        [worker] = printer.workers
        assert worker.pid != os.getpid()
        pdf = printer.write_pdf(HTML, ASSETS)
    assert worker.exitcode == 0
    assert pdf.startswith(b"%PDF-")
    assert "Hello from the helper." in text_of(pdf)
    assert no_children_left()


def test_several_workers_print_the_same_bytes_as_the_caller() -> None:
    here = pdfworker.print_pdf(HTML, ASSETS)
    with Printer(2) as printer:
        assert len(printer.workers) == 2
        futures = [printer.print(HTML, ASSETS) for _ in range(3)]
        printed = [future.result() for future in futures]
    assert printed == [here] * 3
    assert no_children_left()


def test_an_error_while_printing_is_raised_in_the_caller() -> None:
    with Printer(1) as printer, pytest.raises(ValueError, match="^unknown PDF variant 'pdf/zz'"):
        printer.write_pdf(HTML, ASSETS, "pdf/zz")  # type: ignore[arg-type]
    assert no_children_left()


def test_an_unpicklable_error_comes_back_as_its_traceback() -> None:
    class Odd(Exception):
        def __reduce__(self) -> object:
            raise TypeError("cannot pickle")

    sent = pdfworker.sendable(Odd("strange"))
    assert isinstance(sent, RuntimeError)
    assert "Odd: strange" in str(sent)
    plain = ValueError("fine")
    assert pdfworker.sendable(plain) is plain


def test_a_dead_worker_falls_back_to_printing_in_the_caller() -> None:
    with Printer(1) as printer:
        [worker] = printer.workers
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        worker.join()
        pdf = printer.write_pdf(HTML, ASSETS)
    assert "Hello from the helper." in text_of(pdf)
    assert no_children_left()


def test_leaving_without_a_page_ends_the_worker_at_once() -> None:
    with Printer(1) as printer:
        [worker] = printer.workers
    # Ended by its lifeline (status 1), not shut down after its import (status 0): an input
    # error does not wait for WeasyPrint.
    assert worker.exitcode == 1
    assert no_children_left()


def test_a_threaded_caller_gets_a_worker_from_the_fork_server() -> None:
    import threading
    from multiprocessing import forkserver

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with Printer(1) as printer:
            [worker] = printer.workers
            assert "Hello from the helper." in text_of(printer.write_pdf(HTML, ASSETS))
        assert forkserver._forkserver._forkserver_pid is not None
    finally:
        stop.set()
        thread.join()
    assert worker.exitcode == 0
    assert no_children_left()


def test_switched_off_it_prints_in_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEEKLY_PDF_WORKER", "0")
    with Printer(2) as printer:
        assert printer.here and printer.workers == []
        assert "Hello from the helper." in text_of(printer.write_pdf(HTML, ASSETS))
    with Printer(0) as printer:
        assert printer.here


@pytest.mark.e2e
def test_render_with_and_without_the_helper_prints_the_same_text(edition: Path, weekly) -> None:
    texts = []
    for setting in ("1", "0"):
        result = weekly(
            "render", "--cutoff", "2023-12-13", cwd=edition, env={"WEEKLY_PDF_WORKER": setting}
        )
        assert result.returncode == 0, result.stderr
        pdf = next((edition / "output/2023-12-13").glob("*.pdf"))
        texts.append(text_of(pdf.read_bytes()))
    assert texts[0] == texts[1]
    assert "JNIM is attacking central Mali more often." in texts[0]


def test_an_input_error_stops_the_render_and_leaves_no_child(edition: Path, weekly) -> None:
    (edition / "inputs/2023-12-13/update.md").write_text("no front matter\n", encoding="utf-8")
    result = weekly("render", "--cutoff", "2023-12-13", cwd=edition)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("weekly: 1 error; nothing written\n")
    assert not (edition / "output").exists()


def test_leaving_by_an_error_ends_a_busy_worker_at_once() -> None:
    with pytest.raises(KeyboardInterrupt), Printer(1) as printer:
        [worker] = printer.workers
        printer.print(HTML * 200, ASSETS)  # a page was sent: only the error ends it early
        raise KeyboardInterrupt
    assert worker.exitcode == 1  # ended by its lifeline (a normal shutdown gives 0)
    assert no_children_left()
