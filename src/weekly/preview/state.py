"""Keep a preview's build state: rebuild the draft, publish each page, print the PDF.

One process keeps everything warm: modules imported, templates compiled, YAML files
parsed (re-parsed only when their text changes, through a :class:`YamlCache`), all kept
in one :class:`~weekly.caches.Caches` for the server's run, and, with
``--pdf``, a worker process with WeasyPrint loaded, fed by a background thread. A build that
fails leaves the last good page up with the errors over it; the next good save clears them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import escape

from weekly.caches import Caches
from weekly.errors import Problem, Problems, WeeklyError, display_path
from weekly.inputs.yamlfile import YamlCache
from weekly.preview.server import Channel

SCRIPT = re.compile(r"<script(?![^>]*\btype=)[^>]*>(.*?)</script>", re.S)


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


def content_policy(html: str) -> str:
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


@dataclass
class Preview:
    """The state of one preview: builds, the latest page, the PDF, and who is listening."""

    inputs: Path
    #: The edition's folder name (``latest`` or a cutoff date is resolved to it).
    name: str
    output: Path | None = None
    pdf_enabled: bool = False
    log: Callable[[str], None] = lambda text: None
    log_problems: Callable[[list[Problem]], None] = lambda problems: None
    #: The caches kept for the server's whole run (parsed YAML, memos, events tables …).
    caches: Caches = field(default_factory=Caches)
    channel: Channel = field(default_factory=Channel)
    #: Page scripts read this to send changes (see :mod:`weekly.preview.api`).
    review: bool = True
    #: The private state folder (``--state``); None: :func:`weekly.state.state_dir`'s default.
    state: Path | None = None

    def __post_init__(self) -> None:
        from weekly.inputs.edition import resolve_cutoff

        self.name = resolve_cutoff(self.inputs, self.name)
        self.version = 0
        self.page: Page | None = None
        self.good: Any = None  # the last Update that built cleanly
        self.pdf = PdfState(state="printing…" if self.pdf_enabled else "off")
        if self.pdf_enabled:
            self.channel.publish("pdf", self.pdf.state)
        #: (build, HTML, figures, slug, whether the PDF may go under the output folder).
        self._pdf_job: tuple[int, str, list[Any], str, bool] | None = None
        self._pdf_wake = threading.Condition()
        self._build_lock = threading.Lock()
        self.slug = ""

    @property
    def yaml_cache(self) -> YamlCache:
        """The parsed YAML of this run (kept in :attr:`caches`)."""
        return self.caches.kept(YamlCache)

    @property
    def stopping(self) -> threading.Event:
        """Return the event set when the preview stops."""
        return self.channel.stopping

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
            update = assemble_checked(self.inputs, self.name, problems, self.caches)
        except WeeklyError as exc:
            return None, list(exc.problems)
        except Exception as exc:
            return None, [self._unexpected(exc)]
        from weekly.check.placeholders import PLACEHOLDER_CODES

        # An unfinished draft is what the preview is for: its placeholders are listed, not fatal.
        errors = [
            p for p in problems.sorted() if p.level == "error" and p.code not in PLACEHOLDER_CODES
        ]
        return update, errors

    def _unexpected(self, exc: BaseException) -> Problem:
        found = template_problem(exc)
        if found:
            return found
        traceback.print_exception(exc, file=sys.stderr)
        return Problem("weekly", 0, 0, "error", "E999", f"internal error: {exc!r}")

    def _draft(self, update: Any, errors: tuple[Problem, ...] | list[Problem]) -> str:
        from weekly.render import draft

        aids = draft.aids_for(
            update,
            live=True,
            version=self.version + 1,
            pdf_href=f"/{update.slug}.pdf" if self.pdf_enabled else "",
            errors=errors,
            review=self.review,
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
            errors=draft.problem_views(errors), live=True, version=self.version + 1
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
        with self.channel.changed:
            self.version += 1
            page = Page(
                self.version,
                html.encode("utf-8"),
                files,
                content_policy(html),
                tuple(errors),
                took,
            )
            self.page = page
        self.channel.publish("build", str(page.version))
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
                # placeholders left: the PDF is shown in the preview, never published
                finished = not update.problems.errors
                html = render_html(update)
                self._pdf_job = (self.version, html, assets, update.slug, finished)
                self._pdf_wake.notify_all()
            self._set_pdf_state("printing…")

    def _write_draft(self, update: Any) -> None:
        """Write ``<slug>.draft.html`` and its figures into the state folder, as ``weekly
        render --draft`` does: a draft is never written under the output folder."""
        from weekly.files import write_atomically
        from weekly.render import draft
        from weekly.state import drafts_folder, ensure, state_dir

        files = {f"{update.slug}.draft.html": draft.draft_html(update).encode("utf-8")}
        for fig in update.figures.values():
            if fig.asset is not None:
                files[fig.asset.name] = fig.asset.data
        state = state_dir(self.inputs, self.state)
        folder = drafts_folder(state, update.edition.key)
        try:
            ensure(state)
            write_atomically(folder, files)
        except OSError as exc:
            self.log(f"could not write the draft to {folder}: {exc}")

    # -- the PDF, printed in the background ---------------------------------

    def _set_pdf_state(self, state: str) -> None:
        self.pdf.state = state
        self.channel.publish("pdf", state)

    def pdf_worker(self) -> None:
        """Have the newest good build printed whenever one is waiting (a thread's body).

        The printing itself happens in a worker process (:mod:`weekly.render.worker`), as
        for every command; this thread only hands it the newest page and waits.
        """
        from weekly.render.worker import Printer

        with Printer(1) as printer:
            try:
                printer.write_pdf("<p>warm</p>", [])  # load fonts before the first edit
            except Exception as exc:  # pragma: no cover - reported, the server keeps going
                self.log(f"PDF printing is unavailable: {exc}")
                self._set_pdf_state("unavailable")
                return
            while not self.stopping.is_set():
                with self._pdf_wake:
                    while self._pdf_job is None and not self.stopping.is_set():
                        self._pdf_wake.wait(0.5)
                    job, self._pdf_job = self._pdf_job, None
                if job is not None:
                    self._print(printer, *job)

    def _print(
        self,
        printer: Any,
        version: int,
        html: str,
        assets: list[Any],
        slug: str,
        finished: bool = True,
    ) -> None:
        """Print one build with ``printer``; publish it, and write it when ``finished``.

        The PDF of an edition with placeholders left is served to the page but never
        written under ``--output``, which is what a web server publishes.
        """
        try:
            data = printer.write_pdf(html, assets)
        except Exception as exc:
            self.log(f"the PDF could not be printed: {exc}")
            self._set_pdf_state("failed")
            return
        self.pdf = PdfState(f"/{slug}.pdf", data, f"ready ({len(data) // 1024} KB)", version)
        self.channel.publish("pdf", self.pdf.state)
        if self.output is not None and finished:
            from weekly.files import write_atomically

            try:
                write_atomically(self.output / self.name, {f"{slug}.pdf": data})
            except OSError as exc:
                self.log(f"could not write the PDF to {self.output}: {exc}")

    def stop(self) -> None:
        """Wake every waiting thread so it can finish."""
        self.channel.stop()
        with self._pdf_wake:
            self._pdf_wake.notify_all()
