"""Draft review aids: the reviewer panel, note popovers and error overlay of a draft page.

A draft page is the update's HTML rendered with ``draft=True`` (banner, block lines,
figure provenance) plus the HTML this module renders from ``_draft.html``. The final
HTML and the PDF never receive any of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from weekly.errors import Problem, display_path
from weekly.resolve.update import Update

if TYPE_CHECKING:
    from weekly.check.carried import CarriedOver

TEMPLATE = "_draft.html"


@dataclass(frozen=True)
class ProblemView:
    """One problem found by ``check`` (a warning or an error) as the panel lists it."""

    level: str
    code: str
    location: str
    message: str
    #: Fragment of the place in the draft (``#L14``), or empty when it has none.
    href: str = ""


@dataclass(frozen=True)
class DraftAids:
    """Everything ``_draft.html`` shows; the only object it receives (as ``aids``)."""

    #: The edition's folder name, ``2023-12-13`` (empty when nothing could be read).
    edition: str = ""
    #: ``Data Cutoff: December 13, 2023, at 10 a.m.``.
    cutoff: str = ""
    #: ``December 13, 2023, at 10 a.m.``.
    cutoff_when: str = ""
    #: Warnings (and any errors) recorded while assembling and checking.
    problems: list[ProblemView] = field(default_factory=list)
    #: Errors that stopped the latest preview build: shown as an overlay.
    errors: list[ProblemView] = field(default_factory=list)
    notes: int = 0
    figures: int = 0
    sources: int = 0
    #: Served by ``weekly preview`` (reload channel on).
    live: bool = False
    #: Build number of the page, so the reload channel knows when it is stale.
    version: int = 0
    #: Link to the PDF (preview ``--pdf``), or empty.
    pdf_href: str = ""
    #: Per note number: the source keys cited and where each is defined.
    note_sources: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    #: Reviewers can comment, reply, resolve and mark the draft reviewed (the review API).
    review: bool = False
    #: Open comments shown read-only (a static draft), as ``GET /api/comments`` lists them.
    comments: dict[str, Any] | None = None
    #: Notices and blocks still word for word as carried over from an earlier edition.
    carried: CarriedOver | None = None

    @property
    def config(self) -> dict[str, Any]:
        """Return the settings the page's script reads."""
        return {
            "live": self.live,
            "version": self.version,
            "events": "/__weekly/events" if self.live else "",
            "pdf": self.pdf_href,
            "notes": self.note_sources,
            "api": "/api" if self.review else "",
            "comments": self.comments,
        }

    @property
    def warnings(self) -> int:
        """Return the number of warnings listed."""
        return sum(1 for f in self.problems if f.level == "warning")


def _block_anchors(update: Update) -> list[tuple[int, str]]:
    """Return (line, element id) of every block the draft page marks, in line order."""
    figure_ids = {fid: f"figure-{fig.number}" for fid, fig in update.figures.items()}
    anchors: list[tuple[int, str]] = []
    for block in update.body.blocks():
        if block.kind == "figure":
            if block.figure_id in figure_ids:
                anchors.append((block.line, figure_ids[block.figure_id]))
            continue
        if block.items:
            anchors += [(item.line, f"L{item.line}") for item in block.items]
        else:
            anchors.append((block.line, f"L{block.line}"))
    return sorted(set(anchors))


def anchor_for(problem: Problem, update: Update) -> str:
    """Return the fragment of the place in the draft that ``problem`` is about, or ``""``."""
    edition = update.edition
    if problem.path == display_path(edition.path):
        for point in update.citations:
            if point.line == problem.line and point.column == problem.column and point.number:
                return f"#ref-{point.number}"
        if problem.line >= edition.body_line:
            anchors = _block_anchors(update)
            before = [anchor for line, anchor in anchors if line <= problem.line]
            if before:
                return f"#{before[-1]}"
            return f"#{anchors[0][1]}" if anchors else ""
        for fig in update.figures.values():
            last = max([fig.spec.line, *fig.spec.lines.values()])
            if fig.spec.line <= problem.line <= last:
                return f"#figure-{fig.number}"
        return "#top"
    # A finding in a bibliography: the first note citing the entry defined there.
    entries = [
        s for s in edition.sources.values() if display_path(s.path) == problem.path and s.line
    ]
    entries = [s for s in entries if s.line <= problem.line]
    if entries:
        entry = max(entries, key=lambda s: s.line)
        for note in update.notes:
            if entry.id in note.keys:
                return f"#note-{note.number}"
    return ""


def problem_views(problems: Iterable[Problem], update: Update | None = None) -> list[ProblemView]:
    """Return ``problems`` as the panel lists them, errors first, each with its link."""
    ordered = sorted(problems, key=lambda p: (p.level != "error", p.path, p.line, p.column))
    return [
        ProblemView(
            p.level, p.code, p.location(), p.message, anchor_for(p, update) if update else ""
        )
        for p in ordered
    ]


def _note_sources(update: Update) -> dict[str, list[dict[str, str]]]:
    sources = update.edition.sources
    found: dict[str, list[dict[str, str]]] = {}
    shown: dict[Path, str] = {}  # relpath is slow enough to matter for 500 notes
    for note in update.notes:
        entries = []
        for key in note.keys:
            source = sources.get(key)
            if source and source.path not in shown:
                shown[source.path] = display_path(source.path)
            where = f"{shown[source.path]}:{source.line}" if source else "not defined"
            entries.append({"key": key, "where": where})
        found[str(note.number)] = entries
    return found


def aids_for(
    update: Update,
    problems: Iterable[Problem] | None = None,
    *,
    live: bool = False,
    version: int = 0,
    pdf_href: str = "",
    errors: Iterable[Problem] = (),
    review: bool = False,
) -> DraftAids:
    """Return the draft aids of ``update``; ``problems`` default to the update's own."""
    from weekly.render.masthead import cutoff_line

    edition = update.edition
    cited = {key for note in update.notes for key in note.keys}
    line = cutoff_line(edition.series, edition.cutoff)
    found = list(update.problems if problems is None else problems)
    return DraftAids(
        edition=edition.key,
        cutoff=line,
        cutoff_when=line.split(": ", 1)[-1],
        problems=problem_views(found, update),
        errors=problem_views(errors, update),
        notes=len(update.notes),
        figures=len(update.figures),
        sources=len(cited),
        live=live,
        version=version,
        pdf_href=pdf_href,
        note_sources=_note_sources(update),
        review=review,
        carried=_carried(update, found),
    )


def _carried(update: Update, problems: list[Problem]) -> CarriedOver | None:
    """Return what the draft marks as carried over: stale text (W414) and what ``weekly new``
    carried (``carried.json``) still unchanged."""
    from weekly.check.carried import carried_over
    from weekly.check.history import raw_blocks

    edition = update.edition
    where = display_path(edition.path)
    stale = [p.line for p in problems if p.code == "W414" and p.path == where]
    blocks = raw_blocks(edition.body, edition.body_line)
    return carried_over(edition.folder, edition.notices, len(edition.series.notices), blocks, stale)


def render_aids(aids: DraftAids, template_dirs: tuple[Path, ...] = ()) -> Markup:
    """Return the HTML of the draft aids (styles, panel, overlay and script)."""
    from weekly.render.html import environment

    template = environment(template_dirs).get_template(TEMPLATE)
    return Markup(template.render(aids=aids))


def draft_html(update: Update, aids: DraftAids | None = None) -> str:
    """Return the complete draft page of ``update``."""
    from weekly.render.html import render_html

    if aids is None:
        aids = aids_for(update)
        from weekly.review.board import open_listing

        comments = open_listing(update)
        if comments is not None:
            aids = replace(aids, comments=comments)
    page = render_html(update, draft=True, draft_html=render_aids(aids, update.template_dirs))
    return style_in_head(_date_hovers(page, update))


def _date_hovers(page: str, update: Update) -> str:
    """Return ``page`` with each relative date of the body ("on Sunday", "last week") in a
    span whose title gives the date it means at the cutoff."""
    import html
    import re

    from weekly.check.dates import relative_dates

    seen: dict[tuple[int, str], int] = {}
    for found in relative_dates(update):
        nth = seen.get((found.block_line, found.phrase), 0)
        seen[(found.block_line, found.phrase)] = nth + 1
        opening = re.search(rf'<(p|li)\b[^>]*\bid="L{found.block_line}"[^>]*>', page)
        if opening is None:
            continue
        end = page.find(f"</{opening[1]}>", opening.end())
        inside = page[opening.end() : end]
        words = r"\s+".join(re.escape(w) for w in found.phrase.split())
        # the n-th occurrence in the text (not inside a tag): wrapping keeps the earlier ones
        matches = list(re.finditer(rf"(?<![\w-]){words}(?![\w-])(?![^<]*>)", inside))
        if nth >= len(matches):
            continue
        match = matches[nth]
        title = html.escape(f"{found.phrase}: {found.means}", quote=True)
        span = f'<span class="draft-date" title="{title}">{match[0]}</span>'
        at = opening.end() + match.start()
        page = page[:at] + span + page[opening.end() + match.end() :]
    return page


def style_in_head(page: str) -> str:
    """Move the draft aids' ``<style>`` from the end of the body into the head.

    HTML allows a style element in the body only first in its parent and matching nothing
    before it; the aids' rules style the whole page, so they belong in the head.
    """
    start = page.find('<style id="weekly-draft-style">')
    head_end = page.find("</head>")
    if start < 0 or head_end < 0 or start < head_end:
        return page
    end = page.index("</style>", start) + len("</style>\n")
    style = page[start:end]
    page = page[:start] + page[end:]
    return page[:head_end] + style + page[head_end:]


def error_page(aids: DraftAids, template_dirs: tuple[Path, ...] = ()) -> str:
    """Return a page with nothing but the error overlay, for when no build succeeded yet."""
    from weekly.render.html import environment

    template = environment(template_dirs).get_template("_draft_errors.html")
    return style_in_head(template.render(aids=aids, body=render_aids(aids, template_dirs)))
