"""The forked PDF helper: prints like write_pdf, surfaces errors, never leaves a child behind."""

from __future__ import annotations

import os
import signal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from weekly.assets import Asset
from weekly.render import worker as pdfworker
from weekly.render.worker import PdfWorker

HTML = "<html><body><p>Hello from the helper.</p><img src='figures/dot.svg'></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
ASSETS = [Asset("figures/dot.svg", SVG, "image/svg+xml")]


def no_children_left() -> bool:
    """Return True when this process has no child left but multiprocessing's own helpers.

    The archive's process pool (another test in this worker may have run one) keeps a fork
    server and a resource tracker for the life of the process; they are no PDF helpers.
    """
    from multiprocessing import forkserver, resource_tracker

    helpers = {
        getattr(forkserver._forkserver, "_forkserver_pid", None),
        getattr(resource_tracker._resource_tracker, "_pid", None),
    }
    children = {
        int(pid)
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text().split()
    }
    return not (children - helpers)


def text_of(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.fixture(autouse=True)
def worker_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEEKLY_PDF_WORKER", raising=False)


def test_the_child_prints_the_page_and_is_reaped() -> None:
    with PdfWorker() as worker:
        assert worker.pid is not None
        pdf = worker.write_pdf(HTML, ASSETS)
    assert worker.exit_code == 0
    assert pdf.startswith(b"%PDF-")
    assert "Hello from the helper." in text_of(pdf)
    assert no_children_left()


def test_an_error_while_printing_is_raised_in_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(html: str, assets: object, variant: object = None) -> bytes:
        raise ValueError("the engine choked")

    monkeypatch.setattr(pdfworker, "_in_process", fail)  # the fork inherits it
    with PdfWorker() as worker, pytest.raises(ValueError, match="^the engine choked$"):
        worker.write_pdf(HTML, ASSETS)
    assert no_children_left()


def test_an_unpicklable_error_comes_back_as_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Odd(Exception):
        def __reduce__(self) -> object:
            raise TypeError("cannot pickle")

    def fail(html: str, assets: object, variant: object = None) -> bytes:
        raise Odd("strange")

    monkeypatch.setattr(pdfworker, "_in_process", fail)
    with PdfWorker() as worker, pytest.raises(RuntimeError, match="Odd: strange"):
        worker.write_pdf(HTML, ASSETS)
    assert no_children_left()


def test_a_dead_child_falls_back_to_printing_in_process() -> None:
    with PdfWorker() as worker:
        assert worker.pid is not None
        os.kill(worker.pid, signal.SIGKILL)
        pdf = worker.write_pdf(HTML, ASSETS)
    assert "Hello from the helper." in text_of(pdf)
    assert no_children_left()


def test_leaving_without_a_page_kills_the_child_at_once() -> None:
    with PdfWorker() as worker:
        assert worker.pid is not None
    # Killed, not waited for: an input error does not wait for the WeasyPrint import.
    assert worker.exit_code == -signal.SIGKILL
    assert no_children_left()


def test_switched_off_or_threaded_it_prints_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEEKLY_PDF_WORKER", "0")
    with PdfWorker() as worker:
        assert worker.pid is None
        assert "Hello from the helper." in text_of(worker.write_pdf(HTML, ASSETS))
    monkeypatch.delenv("WEEKLY_PDF_WORKER")
    monkeypatch.setattr(pdfworker.threading, "active_count", lambda: 2)
    with PdfWorker() as worker:
        assert worker.pid is None


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
