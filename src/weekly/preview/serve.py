"""Preview an edition: serve its draft on 127.0.0.1 and rebuild it whenever an input changes.

One process keeps everything warm: modules imported, templates compiled, YAML files
parsed (re-parsed only when their text changes) and, with ``--pdf``, WeasyPrint loaded
in a background thread. A build that fails leaves the last good page up with the
errors over it; the next good save clears them.

The server answers only a fixed set of paths: ``/`` (the draft), the figures the draft
shows, ``/<slug>.pdf`` with ``--pdf``, and the reload channel ``/__weekly/events``
(Server-Sent Events). Nothing is read from disk to answer a request, so no path can
reach a file; every other path is a 404. Requests must name this server in their
``Host`` header (no DNS rebinding) and cross-origin requests are refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import errno
import hashlib
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jinja2
from markupsafe import escape

from weekly.errors import Problem, Problems, WeeklyError, display_path
from weekly.inputs.yamlfile import YamlDoc

HOST = "127.0.0.1"
EVENTS = "/__weekly/events"
#: Seconds between keep-alive comments on the reload channel.
KEEPALIVE = 15.0
SCRIPT = re.compile(r"<script(?![^>]*\btype=)[^>]*>(.*?)</script>", re.S)


class PortBusy(Exception):
    """The port asked for cannot be listened on."""


@dataclass(frozen=True)
class Page:
    """One build as served: the draft page and the files it links to."""

    version: int
    html: bytes
    #: URL path (``/figures/x.png``) -> (bytes, media type, etag).
    files: dict[str, tuple[bytes, str, str]]
    csp: str
    errors: tuple[Problem, ...] = ()
    took_ms: float = 0.0


@dataclass
class PdfState:
    """The PDF as last printed in the background."""

    name: str = ""
    data: bytes = b""
    state: str = "off"
    version: int = 0


def _csp(html: str) -> str:
    """Return a Content-Security-Policy letting only the page's own inline scripts run."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode() + "'"
        for m in SCRIPT.findall(html)
    )
    return (
        "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
        f"script-src {hashes or chr(39) + 'none' + chr(39)}; connect-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


# ---------------------------------------------------------------------------
# Keeping parsed inputs warm


class YamlMemo:
    """Remember parsed YAML documents by their text, so unchanged files are not re-parsed.

    Parsing the growing shared bibliography is most of a build's time; its text is
    re-read on every build (cheap) and parsed again only when it changed.
    """

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self.docs: dict[tuple[str, str, int], YamlDoc] = {}
        self.lock = threading.Lock()

    def wrap(self, load: Callable[..., Any]) -> Callable[..., Any]:
        """Return ``load`` (``weekly.inputs.yamlfile.load_yaml``) with the memo in front."""

        def load_yaml(text: str, path: Path, first_line: int = 1) -> YamlDoc:
            key = (text, str(path), first_line)
            with self.lock:
                doc = self.docs.get(key)
            if doc is None:
                doc = load(text, path, first_line)
                with self.lock:
                    if len(self.docs) >= self.limit:
                        self.docs.pop(next(iter(self.docs)))
                    self.docs[key] = doc
            # Callers may change what they get (series overlays do): hand out copies.
            return doc.copy()

        return load_yaml


@contextmanager
def warm_yaml() -> Iterator[YamlMemo]:
    """Route every ``load_yaml`` of the loaders through one :class:`YamlMemo`."""
    from weekly.inputs import edition, series, yamlfile
    from weekly.inputs.bibliography import yamlsource

    memo = YamlMemo()
    original = yamlfile.load_yaml
    wrapped = memo.wrap(original)
    modules = [
        m for m in (edition, series, yamlsource) if getattr(m, "load_yaml", None) is original
    ]
    for module in modules:
        module.load_yaml = wrapped  # type: ignore[attr-defined]
    try:
        yield memo
    finally:
        for module in modules:
            module.load_yaml = original  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# Building


def template_problem(exc: BaseException) -> Problem | None:
    """Return ``path:line: message`` for an error raised inside a template, if it was."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = exc.filename or exc.name or "template"
        return Problem(display_path(where), exc.lineno or 0, 0, "error", "E030", exc.message or "")
    if isinstance(exc, jinja2.TemplateError):
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if f.filename.endswith((".html", ".css"))
        ]
        frame = frames[-1] if frames else None
        message = f"template error: {exc.message or exc}"
        if frame:
            return Problem(
                display_path(frame.filename), frame.lineno or 0, 0, "error", "E030", message
            )
        return Problem("template", 0, 0, "error", "E030", message)
    return None


class Preview:
    """The state of one preview: builds, the latest page, the PDF, and who is listening."""

    def __init__(
        self,
        inputs: Path,
        cutoff: str,
        output: Path | None = None,
        pdf: bool = False,
        log: Callable[[str], None] | None = None,
        log_problems: Callable[[list[Problem]], None] | None = None,
    ) -> None:
        from weekly.inputs.edition import resolve_cutoff

        self.inputs = inputs
        self.name = resolve_cutoff(inputs, cutoff)
        self.output = output
        self.pdf_enabled = pdf
        self.log = log or (lambda text: None)
        self.log_problems = log_problems or (lambda problems: None)
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.version = 0
        self.page: Page | None = None
        self.good: Any = None  # the last Update that built cleanly
        self.pdf = PdfState(state="printing…" if pdf else "off")
        self._pdf_job: tuple[int, str, list[Any], str] | None = None
        self._pdf_wake = threading.Condition()
        self._build_lock = threading.Lock()
        self.slug = ""
        #: Set once the watcher watches; files as they were before the first build.
        self.ready = threading.Event()
        self.first_snapshot: dict[str, tuple[int, int]] = {}

    # -- building -----------------------------------------------------------

    def build(self) -> Page:
        """Assemble, check and render the draft; publish it (or the errors) to the browsers."""
        with self._build_lock:
            started = time.perf_counter()
            update, errors = self._assemble()
            html = ""
            if update is not None and not errors:
                try:
                    html = self._draft(update, ())
                except Exception as exc:  # a broken template must not stop the server
                    errors = [self._unexpected(exc)]
                else:
                    self.good = update
            if errors:
                html = self._error_page(errors)
            took = (time.perf_counter() - started) * 1000
            page = self._publish(html, errors, took)
            if not errors and update is not None:
                self._after_good_build(update)
            return page

    def _assemble(self) -> tuple[Any, list[Problem]]:
        from weekly.pipeline import assemble_checked

        problems = Problems()
        try:
            update = assemble_checked(self.inputs, self.name, problems)
        except WeeklyError as exc:
            return None, list(exc.problems)
        except Exception as exc:
            return None, [self._unexpected(exc)]
        errors = [p for p in problems.sorted() if p.level == "error"]
        return update, errors

    def _unexpected(self, exc: BaseException) -> Problem:
        found = template_problem(exc)
        if found:
            return found
        traceback.print_exception(exc, file=sys.stderr)
        return Problem("weekly", 0, 0, "error", "E999", f"internal error: {exc!r}")

    def _pdf_href(self, update: Any) -> str:
        return f"/{update.slug}.pdf" if self.pdf_enabled else ""

    def _draft(self, update: Any, errors: tuple[Problem, ...] | list[Problem]) -> str:
        from weekly.render import draft

        aids = draft.aids_for(
            update,
            live=True,
            version=self.version + 1,
            pdf_href=self._pdf_href(update),
            errors=errors,
        )
        return draft.draft_html(update, aids)

    def _error_page(self, errors: list[Problem]) -> str:
        """Return the last good page with the errors over it, or a page of errors alone."""
        from weekly.render import draft

        if self.good is not None:
            try:
                return self._draft(self.good, errors)
            except Exception:
                pass
        aids = draft.DraftAids(
            errors=draft.finding_views(errors), live=True, version=self.version + 1
        )
        try:
            return draft.error_page(aids)
        except Exception:
            lines = "".join(f"<li>{escape(str(p))}</li>" for p in errors)
            return (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                "<title>weekly preview: errors</title></head><body>"
                "<h1>The draft could not be rebuilt</h1>"
                f'<ul id="weekly-errors">{lines}</ul>'
                "<p>Fix the input and reload this page.</p></body></html>"
            )

    def _publish(self, html: str, errors: list[Problem], took: float) -> Page:
        files: dict[str, tuple[bytes, str, str]] = {}
        update = self.good
        if update is not None:
            for fig in update.figures.values():
                asset = fig.asset
                if asset is None:
                    continue
                tag = hashlib.sha256(asset.data).hexdigest()[:16]
                files["/" + asset.name] = (asset.data, asset.media_type, tag)
                # A changed image gets a new URL, so the open page shows it at once.
                quoted = str(escape(asset.name))
                html = html.replace(f'src="{quoted}"', f'src="{quoted}?v={tag}"')
            self.slug = update.slug
        with self.changed:
            self.version += 1
            page = Page(
                self.version,
                html.encode("utf-8"),
                files,
                _csp(html),
                tuple(errors),
                took,
            )
            self.page = page
            self.changed.notify_all()
        stamp = dt.datetime.now().strftime("%H:%M:%S")
        if errors:
            count = len(errors)
            self.log(f"{stamp} {count} error{'s' if count != 1 else ''}; showing them in the page")
            self.log_problems(errors)
        else:
            self.log(f"{stamp} rebuilt in {took:.0f} ms")
        return page

    def _after_good_build(self, update: Any) -> None:
        warnings = [p for p in update.problems.sorted() if p.level == "warning"]
        if warnings:
            self.log_problems(warnings)
        if self.output is not None:
            self._write_draft(update)
        if self.pdf_enabled:
            from weekly.render.html import render_html

            assets = [f.asset for f in update.figures.values() if f.asset is not None]
            with self._pdf_wake:
                self._pdf_job = (self.version, render_html(update), assets, update.slug)
                self._pdf_wake.notify_all()
            self._set_pdf_state("printing…")

    def _write_draft(self, update: Any) -> None:
        """Write ``<slug>.draft.html`` and its figures, as ``weekly render --draft`` would."""
        from weekly.render import draft
        from weekly.render.write import write_atomically

        files = {f"{update.slug}.draft.html": draft.draft_html(update).encode("utf-8")}
        for fig in update.figures.values():
            if fig.asset is not None:
                files[fig.asset.name] = fig.asset.data
        try:
            write_atomically(self.output / update.edition.key, files)
        except OSError as exc:
            self.log(f"could not write the draft to {self.output}: {exc}")

    # -- the PDF, printed in the background ---------------------------------

    def _set_pdf_state(self, state: str) -> None:
        with self.changed:
            self.pdf.state = state
            self.changed.notify_all()

    def pdf_worker(self) -> None:
        """Print the newest good build to PDF whenever one is waiting (a thread's body)."""
        try:
            from weekly.render.pdf import write_pdf

            write_pdf("<p>warm</p>", [])  # load fonts and WeasyPrint before the first edit
        except Exception as exc:  # pragma: no cover - reported, the server keeps going
            self.log(f"PDF printing is unavailable: {exc}")
            self._set_pdf_state("unavailable")
            return
        while not self.stopping.is_set():
            with self._pdf_wake:
                while self._pdf_job is None and not self.stopping.is_set():
                    self._pdf_wake.wait(0.5)
                job, self._pdf_job = self._pdf_job, None
            if job is None:
                continue
            version, html, assets, slug = job
            try:
                data = write_pdf(html, assets)
            except Exception as exc:
                self.log(f"the PDF could not be printed: {exc}")
                self._set_pdf_state("failed")
                continue
            with self.changed:
                self.pdf = PdfState(
                    f"/{slug}.pdf", data, f"ready ({len(data) // 1024} KB)", version
                )
                self.changed.notify_all()
            if self.output is not None:
                from weekly.render.write import write_atomically

                try:
                    write_atomically(self.output / self.name, {f"{slug}.pdf": data})
                except OSError as exc:
                    self.log(f"could not write the PDF to {self.output}: {exc}")

    def stop(self) -> None:
        """Wake every waiting thread so it can finish."""
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()
        with self._pdf_wake:
            self._pdf_wake.notify_all()

    # -- watching -----------------------------------------------------------

    def watched(self) -> list[Path]:
        """Return the folders whose changes rebuild the draft."""
        from weekly.render.html import templates_dir

        folders = [self.inputs, templates_dir()]
        series = self.inputs.parent / "reports" / "templates"
        if series.is_dir():
            folders.append(series)
        unique: list[Path] = []
        for folder in folders:
            resolved = folder.resolve()
            if resolved.is_dir() and resolved not in unique:
                unique.append(resolved)
        return unique

    def relevant(self, path: str) -> bool:
        """Return whether a change to ``path`` can change this edition's draft."""
        changed = Path(path).resolve()
        inputs = self.inputs.resolve()
        if changed.is_relative_to(inputs):
            parts = changed.relative_to(inputs).parts
            # Shared files (sources, events, series) and this edition's folder only.
            return len(parts) == 1 or parts[0] == self.name
        return True

    def snapshot(self) -> dict[str, tuple[int, int]]:
        """Return (mtime, size) of every watched file that matters, to spot missed saves."""
        found: dict[str, tuple[int, int]] = {}
        for folder in self.watched():
            for path in folder.rglob("*"):
                try:
                    if path.is_file() and self.relevant(str(path)):
                        stat = path.stat()
                        found[str(path)] = (stat.st_mtime_ns, stat.st_size)
                except OSError:
                    continue
        return found

    def watch(self) -> None:
        """Rebuild on every relevant change until stopped (a thread's body)."""
        import watchfiles

        for changes in watchfiles.watch(
            *self.watched(),
            stop_event=self.stopping,
            debounce=400,
            step=30,
            rust_timeout=250,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            if self.stopping.is_set():
                break
            if not self.ready.is_set():
                # Watching now: catch a save made while the watcher was starting.
                self.ready.set()
                if self.snapshot() != self.first_snapshot:
                    self.build()
            if any(self.relevant(path) for _, path in changes):
                try:
                    self.build()
                except Exception:  # pragma: no cover - build() reports its own errors
                    traceback.print_exc()


# ---------------------------------------------------------------------------
# Serving


class Handler(BaseHTTPRequestHandler):
    """Answer ``GET``/``HEAD`` for the draft, its files and the reload channel; 404 else."""

    server: PreviewServer
    server_version = "weekly-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the terminal shows builds, not requests."""

    # -- checks ---------------------------------------------------------------

    def _allowed_hosts(self) -> set[str]:
        port = self.server.server_address[1]
        return {f"127.0.0.1:{port}", f"localhost:{port}"}

    def _allowed(self, channel: bool) -> bool:
        """Return whether the request names this server and comes from its own pages.

        Every request must carry ``Host: 127.0.0.1:<port>`` (or ``localhost``), which
        defeats DNS rebinding; a foreign ``Origin`` is refused everywhere. The reload
        channel also refuses what the browser marks as cross-site.
        """
        host = self.headers.get("Host", "")
        if host not in self._allowed_hosts():
            return False
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{h}" for h in self._allowed_hosts()}:
            return False
        if channel:
            return self.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")
        return True

    def _path(self) -> str | None:
        """Return the decoded path asked for, or None when it is not a plain ``/path``."""
        target = self.path.split("?", 1)[0].split("#", 1)[0]
        if not target.startswith("/") or target.startswith("//"):
            return None
        try:
            return unquote(target, errors="strict")
        except UnicodeDecodeError:
            return None

    # -- responses ------------------------------------------------------------

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        media_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _plain(self, status: HTTPStatus, text: str) -> None:
        self._send(
            status,
            (text + "\n").encode(),
            "text/plain; charset=utf-8",
            {"Cache-Control": "no-store"},
        )

    def do_HEAD(self) -> None:
        """Answer like GET, without the body."""
        self.do_GET()

    def do_GET(self) -> None:
        """Serve the draft, a figure, the PDF or the reload channel."""
        preview = self.server.preview
        path = self._path()
        if not self._allowed(channel=path == EVENTS):
            self._plain(HTTPStatus.FORBIDDEN, "Forbidden: weekly preview answers only its own page")
            return
        page = preview.page
        if path is None or page is None:
            self._plain(HTTPStatus.NOT_FOUND, "Not found")
            return
        if path == "/":
            self._send(
                HTTPStatus.OK,
                page.html,
                "text/html; charset=utf-8",
                {"Cache-Control": "no-store", "Content-Security-Policy": page.csp},
            )
            return
        if path == EVENTS:
            self._events()
            return
        if path == "/favicon.ico":
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        found = page.files.get(path)
        if found is not None:
            data, media_type, tag = found
            if self.headers.get("If-None-Match") == f'"{tag}"':
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self.send_header("ETag", f'"{tag}"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self._send(
                HTTPStatus.OK,
                data,
                media_type,
                {
                    "ETag": f'"{tag}"',
                    "Cache-Control": "no-cache",
                    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                },
            )
            return
        pdf = preview.pdf
        if preview.pdf_enabled and preview.slug and path == f"/{preview.slug}.pdf":
            if not pdf.data:
                self._plain(HTTPStatus.SERVICE_UNAVAILABLE, "The PDF is being printed; try again")
                return
            self._send(
                HTTPStatus.OK,
                pdf.data,
                "application/pdf",
                {"Cache-Control": "no-store", "Content-Disposition": "inline"},
            )
            return
        self._plain(HTTPStatus.NOT_FOUND, "Not found")

    def _pdf_state(self) -> str:
        preview = self.server.preview
        return preview.pdf.state if preview.pdf_enabled else ""

    def _events(self) -> None:
        """Stream ``build`` (the page version) and ``pdf`` (its state) events until closed."""
        preview = self.server.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        sent_version, sent_pdf = -1, ""
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.stopping.is_set():
                with preview.changed:
                    page, pdf = preview.page, self._pdf_state()
                    if page is not None and page.version == sent_version and pdf == sent_pdf:
                        preview.changed.wait(KEEPALIVE)
                        page, pdf = preview.page, self._pdf_state()
                message = b""
                if page is not None and page.version != sent_version:
                    message += f"event: build\ndata: {page.version}\n\n".encode()
                    sent_version = page.version
                if pdf != sent_pdf:
                    message += f"event: pdf\ndata: {pdf}\n\n".encode()
                    sent_pdf = pdf
                self.wfile.write(message or b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return


class PreviewServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 only, answering for one :class:`Preview`."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, preview: Preview, port: int) -> None:
        self.preview = preview
        try:
            super().__init__((HOST, port), Handler)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                reason = "is in use" if exc.errno == errno.EADDRINUSE else "needs privileges"
                raise PortBusy(
                    f"port {port} on {HOST} {reason}; choose another with --port "
                    "(--port 0 picks a free one)"
                ) from None
            raise

    @property
    def url(self) -> str:
        """Return the address to open."""
        return f"http://{HOST}:{self.server_address[1]}/"


@dataclass
class Running:
    """A started preview: its server and the threads that keep it current."""

    preview: Preview
    server: PreviewServer
    threads: list[threading.Thread] = field(default_factory=list)
    memo: Any = None
    _warm: Any = None
    _serving: bool = False

    @property
    def url(self) -> str:
        """Return the address to open."""
        return self.server.url

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` (or Ctrl-C in the calling thread)."""
        self._serving = True
        self.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop serving, watching and printing; close the socket."""
        self.preview.stop()
        if self._serving:
            self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)
        if self._warm is not None:
            self._warm.__exit__(None, None, None)
            self._warm = None


def start(
    inputs: Path,
    cutoff: str,
    port: int = 8000,
    output: Path | None = None,
    pdf: bool = False,
    log: Callable[[str], None] | None = None,
    log_problems: Callable[[list[Problem]], None] | None = None,
    serve: bool = False,
) -> Running:
    """Build the draft once, open the server and start watching.

    With ``serve`` the server runs in a background thread too (tests, embedding);
    otherwise call :meth:`Running.serve_forever`. Raises :class:`PortBusy` and
    :class:`~weekly.errors.WeeklyError` (no such edition).
    """
    preview = Preview(inputs, cutoff, output, pdf, log, log_problems)
    server = PreviewServer(preview, port)
    warm = warm_yaml()
    memo = warm.__enter__()
    running = Running(preview, server, memo=memo, _warm=warm)
    try:
        preview.first_snapshot = preview.snapshot()
        preview.build()
    except BaseException:
        running.stop()
        raise
    workers: list[tuple[Callable[[], None], str]] = [(preview.watch, "weekly-watch")]
    if pdf:
        workers.append((preview.pdf_worker, "weekly-pdf"))
    if serve:
        workers.append((running.serve_forever, "weekly-serve"))
    for target, name in workers:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        running.threads.append(thread)
    preview.ready.wait(10)
    return running
