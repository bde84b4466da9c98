"""Build an edition: the one path every command takes from inputs to files on disk.

The stages run in two phases, as MkDocs' build does: first load and check everything
(:func:`assemble_checked`, :func:`load_checked`, :func:`check`), then produce the files
(:func:`edition_files`) and only then write them, all or none (:func:`write_edition`).
``render``, ``check``, ``archive``, ``email`` and ``preview`` all go through here; what a
caller may keep between builds travels in a :class:`~weekly.caches.Caches` object (made
in :mod:`weekly.caches`, below the events and check stages that use it; re-exported here).

The core modules are imported inside the functions: :func:`render` first starts the
worker that imports WeasyPrint and prints (:mod:`weekly.render.worker`), then imports and
runs the rest while that worker gets ready on the other core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from weekly.caches import Caches

if TYPE_CHECKING:
    from weekly.assets import Asset
    from weekly.errors import Problem, Problems
    from weekly.render.html import NavView
    from weekly.render.pdf import PdfVariant
    from weekly.resolve.update import Update

FORMATS = ("html", "pdf")
#: Formats written only when asked for: ``fragment`` is the article alone, for a web CMS.
EXTRA_FORMATS = ("fragment",)
#: ``write_pdf(html, assets) -> bytes``, as :func:`weekly.render.pdf.write_pdf`.
PdfWriter = Callable[[str, "Iterable[Asset]"], bytes]
#: ``progress(label, total)`` gives a ``step()`` to call once per item done; the CLI
#: passes a progress bar, the core defaults to :func:`no_progress`.
Progress = Callable[[str, int], AbstractContextManager[Callable[[], None]]]


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """Report nothing: the :data:`Progress` of callers without a terminal."""
    yield lambda: None


@dataclass
class Rendered:
    """What a render wrote, and the warnings it found on the way."""

    update: Update
    folder: Path
    written: list[Path]
    warnings: list[Problem]


class Findings(list["Problem"]):
    """Every finding of a check, sorted; :attr:`accepted` holds the warnings set aside.

    A warning is set aside when the series or the edition accepts its code
    (``accept_warnings``): ``check`` does not print it, only counts it.
    """

    def __init__(self, found: Iterable[Problem] = (), accepted: Iterable[Problem] = ()) -> None:
        super().__init__(found)
        #: The accepted warnings, sorted.
        self.accepted = sorted(accepted)


@dataclass
class CurrentPdf:
    """An edition's PDF on disk: its path, its bytes, and the files written to make it."""

    path: Path
    data: bytes
    written: list[Path]


def output_name(slug: str, fmt: str) -> str:
    """Return the file name format ``fmt`` is written to: ``<slug>.pdf``,
    ``<slug>.fragment.html`` …"""
    return f"{slug}.fragment.html" if fmt == "fragment" else f"{slug}.{fmt}"


def parse_formats(text: str) -> tuple[str, ...]:
    """Return the formats named in ``html,pdf``; raise ValueError on an unknown one."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    known = FORMATS + EXTRA_FORMATS
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        choices = ", ".join(known)
        raise ValueError(f"unknown format '{','.join(unknown) or text}' (choose from {choices})")
    return names


# -- phase one: load and check -------------------------------------------------------------


def assemble_checked(
    inputs: Path, name: str, problems: Problems, caches: Caches | None = None
) -> Update:
    """Assemble edition ``name`` and run the checks, recording problems in ``problems``.

    Facts and charts come from the memo while the events table is unchanged, so neither
    pandas nor matplotlib is touched (see :mod:`weekly.events.memo`). Raises
    :class:`~weekly.errors.WeeklyError` only when the edition cannot be read at all.
    """
    from weekly.check import run_checks
    from weekly.events.memo import Memos
    from weekly.inputs.yamlfile import YamlCache
    from weekly.resolve.update import assemble

    caches = caches or Caches()
    memos = caches.kept(Memos, lambda: Memos(caches))
    yaml = caches.kept(YamlCache)
    update = assemble(inputs, name, problems, helpers=memos.helpers, charts=memos.charts, yaml=yaml)
    memos.save()
    run_checks(update, problems, caches)
    return update


def load_checked(
    inputs: Path, cutoff: str, caches: Caches | None = None, unfinished: bool = False
) -> Update:
    """Assemble edition ``cutoff`` (a date or ``latest``) and run the checks; raise on any error.

    With ``unfinished`` (a draft), placeholders (:data:`PLACEHOLDER_CODES`) do not raise:
    they stay in ``update.problems`` for the draft page to show.
    """
    from weekly.check.placeholders import PLACEHOLDER_CODES
    from weekly.errors import Problems, WeeklyError
    from weekly.inputs.edition import resolve_cutoff

    problems = Problems()
    update = assemble_checked(inputs, resolve_cutoff(inputs, cutoff), problems, caches)
    if any(not (unfinished and p.code in PLACEHOLDER_CODES) for p in problems.errors):
        raise WeeklyError(problems.sorted())
    return update


def check(inputs: Path, cutoff: str, caches: Caches | None = None) -> Findings:
    """Assemble edition ``cutoff`` as a render would and return every finding, sorted.

    Warnings the series or the edition accepts are set aside in the result's ``accepted``.
    (``weekly check --output`` adds what the site sees: :func:`check_update`.)
    """
    problems = check_update(inputs, cutoff, caches)[1]
    return Findings(problems.sorted(), problems.accepted)


def check_update(
    inputs: Path, cutoff: str, caches: Caches | None = None
) -> tuple[Update | None, Problems]:
    """Assemble edition ``cutoff`` as a render would; return it (None if it failed) and its findings.

    Errors that stop assembly altogether are returned as findings too. The update is
    returned for what later stages check of it (``weekly check --output`` compares it with
    the edition the archive published: :func:`weekly.site.published.site_findings`).
    """
    from weekly.errors import Problems, WeeklyError
    from weekly.inputs.edition import resolve_cutoff
    from weekly.review.check import check_comments

    problems = Problems()
    update = None
    try:
        update = assemble_checked(inputs, resolve_cutoff(inputs, cutoff), problems, caches)
        check_comments(update, problems)  # open review comments: check only, not render
    except WeeklyError as exc:
        problems.extend(exc.problems)
    return update, problems


# -- phase two: produce and write ----------------------------------------------------------


def edition_files(
    update: Update,
    formats: Iterable[str],
    draft: bool = False,
    nav: NavView | None = None,
    write_pdf: PdfWriter | None = None,
    base_url: str = "",
) -> dict[str, bytes]:
    """Return the files of ``update`` by name: HTML, PDF and the figures they show.

    ``nav`` (archive builds) links the page to its neighbours. The HTML is rendered
    once; the PDF is printed from that very string, by ``write_pdf`` (default
    :func:`weekly.render.pdf.write_pdf`). With no format and ``draft``, only the draft
    and its figures are made (what :func:`write_draft` puts in the state folder).
    """
    from weekly.render.html import render_html

    formats = tuple(formats)
    assets = figure_assets(update)
    files: dict[str, bytes] = {}
    html = render_html(update, nav=nav, pdf="pdf" in formats) if formats else ""
    if "html" in formats:
        files[f"{update.slug}.html"] = html.encode("utf-8")
        if nav is not None:  # a page the archive publishes: its og:image
            from weekly.render.cards import CARD, share_card

            files[CARD] = share_card(update).png
        for asset in assets:
            files[asset.name] = asset.data
    if draft:
        from weekly.render.draft import draft_html

        files[f"{update.slug}.draft.html"] = draft_html(update).encode("utf-8")
        for asset in assets:
            files[asset.name] = asset.data
    if "pdf" in formats:
        if write_pdf is None:
            from weekly.render.pdf import write_pdf as in_process

            write_pdf = in_process
        files[f"{update.slug}.pdf"] = write_pdf(html, assets)
    if "fragment" in formats:  # the article alone; its figures are published beside it
        from weekly.render.html import render_fragment

        files[output_name(update.slug, "fragment")] = render_fragment(update, base_url).encode(
            "utf-8"
        )
        for asset in assets:
            files[asset.name] = asset.data
    return files


def figure_assets(update: Update) -> list[Asset]:
    """Return the files of the figures ``update`` shows (images and charts)."""
    return [fig.asset for fig in update.figures.values() if fig.asset is not None]


def write_edition(update: Update, output: Path, files: dict[str, bytes]) -> list[Path]:
    """Publish ``files`` as the new ``output/DATE/``, as one unit; return their paths.

    A reader sees the old edition or the new one, never a mix (:mod:`weekly.files`).
    """
    from weekly.files import publish

    return publish(output / update.edition.key, files)


def write_draft(update: Update, state: Path) -> list[Path]:
    """Write the draft page of ``update`` and its figures into the state folder ``state``.

    A draft can carry placeholders and the team's open review comments: it is never
    written under the output folder, which a web server publishes. Returns the paths.
    """
    from weekly.files import publish
    from weekly.state import drafts_folder, ensure

    files = edition_files(update, (), draft=True)
    return publish(drafts_folder(ensure(state), update.edition.key), files)


def render(
    inputs: Path,
    output: Path,
    cutoff: str,
    formats: Iterable[str] = FORMATS,
    draft: bool = False,
    caches: Caches | None = None,
    pdf_variant: PdfVariant | None = None,
    base_url: str = "",
    state: Path | None = None,
) -> Rendered:
    """Render edition ``cutoff`` from ``inputs`` into ``output/<cutoff>/``.

    ``pdf_variant`` defaults to PDF/UA-1; ``base_url`` (where ``output/`` is published)
    makes the figure links of a fragment absolute. With ``draft``, the draft page and its
    figures go to the private state folder (``state``, see :func:`weekly.state.state_dir`),
    never under ``output``.
    """
    from functools import partial

    from weekly.render.worker import Printer

    formats = tuple(formats)
    if "pdf" not in formats:
        return _render(inputs, output, cutoff, formats, draft, None, caches, base_url, state)
    with Printer(1) as printer:  # starts importing WeasyPrint now, on the other core
        write_pdf = partial(printer.write_pdf, variant=pdf_variant)
        return _render(inputs, output, cutoff, formats, draft, write_pdf, caches, base_url, state)


def _render(
    inputs: Path,
    output: Path,
    cutoff: str,
    formats: tuple[str, ...],
    draft: bool,
    write_pdf: PdfWriter | None,
    caches: Caches | None,
    base_url: str = "",
    state: Path | None = None,
) -> Rendered:
    update = load_checked(inputs, cutoff, caches, unfinished=draft)
    if update.problems.errors:  # placeholders left: a draft page only, nothing to publish
        formats = ()
    files = edition_files(update, formats, write_pdf=write_pdf, base_url=base_url)
    written = write_edition(update, output, files) if files else []
    if draft:
        from weekly.state import state_dir

        written += write_draft(update, state_dir(inputs, state))
    return Rendered(update, output / update.edition.key, written, update.problems.warnings)


def pdf_is_current(update: Update, output: Path) -> bool:
    """Return whether ``output/DATE/`` holds the PDF the inputs give now.

    Current means, first, that the PDF was printed from the HTML and figures the inputs
    give now: it records their digest (:mod:`weekly.render.provenance`), whichever command
    wrote it. A PDF printed from other inputs (``render --format pdf`` of a draft, ``preview
    --pdf``, an archive page with its navigation) or by an older version is not current.
    Besides, the HTML beside it must be byte for byte what the inputs give now, its figures
    unchanged, and the PDF written with or after that HTML, so the folder is one edition.
    """
    return _current_pdf_bytes(update, output) is not None


def _current_pdf_bytes(update: Update, output: Path) -> bytes | None:
    """Return the bytes of the PDF in ``output/DATE/`` when current (checked on those very
    bytes, so a concurrent writer cannot swap them after the check), else None."""
    from weekly.render.html import render_html
    from weekly.render.provenance import recorded_digest, source_digest

    folder = output / update.edition.key
    pdf_path = folder / f"{update.slug}.pdf"
    html_path = folder / f"{update.slug}.html"
    if not (pdf_path.is_file() and html_path.is_file()):
        return None
    html = render_html(update)
    assets = figure_assets(update)
    pdf = pdf_path.read_bytes()
    current = (
        recorded_digest(pdf) == source_digest(html, assets)
        and html_path.read_bytes() == html.encode("utf-8")
        and all(
            (folder / a.name).is_file() and (folder / a.name).read_bytes() == a.data for a in assets
        )
        and pdf_path.stat().st_mtime_ns >= html_path.stat().st_mtime_ns
    )
    return pdf if current else None


def current_pdf(update: Update, output: Path) -> CurrentPdf:
    """Return the PDF of ``update`` from ``output/DATE/`` when current, else render it.

    When it is not current (:func:`pdf_is_current`), the edition is rendered (HTML, PDF
    and figures, atomically) exactly as ``weekly render`` does.
    """
    path = output / update.edition.key / f"{update.slug}.pdf"
    data = _current_pdf_bytes(update, output)
    if data is not None:
        return CurrentPdf(path, data, [])
    files = edition_files(update, FORMATS)
    written = write_edition(update, output, files)
    return CurrentPdf(path, files[path.name], written)
