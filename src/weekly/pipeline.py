"""Render an edition: assemble and check everything, then print HTML and PDF and write them.

The core modules are imported inside the functions: ``render`` first forks the process
that imports WeasyPrint (:mod:`weekly.render.worker`), then imports and runs the rest while
that child works on the other core.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weekly.errors import Problem, Problems
    from weekly.render.html import NavView
    from weekly.render.pdf import PdfVariant
    from weekly.resolve.figures import Asset
    from weekly.resolve.update import Update

FORMATS = ("html", "pdf")
#: Formats written only when asked for: ``fragment`` is the article alone, for a web CMS.
EXTRA_FORMATS = ("fragment",)
#: ``write_pdf(html, assets) -> bytes``, as :func:`weekly.render.pdf.write_pdf`.
PdfWriter = Callable[[str, "Iterable[Asset]"], bytes]


@dataclass
class Rendered:
    """What a render wrote, and the warnings it found on the way."""

    update: Update
    folder: Path
    written: list[Path]
    warnings: list[Problem]


def parse_formats(text: str) -> tuple[str, ...]:
    """Return the formats named in ``html,pdf``; raise ValueError on an unknown one."""
    names = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    known = FORMATS + EXTRA_FORMATS
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        choices = ", ".join(known)
        raise ValueError(f"unknown format '{','.join(unknown) or text}' (choose from {choices})")
    return names


def assemble_checked(inputs: Path, name: str, problems: Problems) -> Update:
    """Assemble edition ``name`` and run the checks, recording problems in ``problems``.

    Facts and charts come from the memo while the events table is unchanged, so neither
    pandas nor matplotlib is touched (see :mod:`weekly.events.memo`).
    """
    from weekly.check import review
    from weekly.events.memo import Memos
    from weekly.resolve.update import assemble

    memos = Memos()
    update = assemble(inputs, name, problems, helpers=memos.helpers, charts=memos.charts)
    memos.save()
    review(update, problems)
    return update


def load_checked(inputs: Path, cutoff: str) -> Update:
    """Assemble edition ``cutoff`` and run the checks; raise on any error."""
    from weekly.errors import Problems
    from weekly.inputs.edition import resolve_cutoff

    problems = Problems()
    update = assemble_checked(inputs, resolve_cutoff(inputs, cutoff), problems)
    problems.raise_if_errors()
    return update


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
    :func:`weekly.render.pdf.write_pdf`).
    """
    from weekly.render.html import render_html

    formats = tuple(formats)
    assets = [fig.asset for fig in update.figures.values() if fig.asset is not None]
    files: dict[str, bytes] = {}
    html = render_html(update, nav=nav)
    if "html" in formats:
        files[f"{update.slug}.html"] = html.encode("utf-8")
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

        files[f"{update.slug}.fragment.html"] = render_fragment(update, base_url).encode("utf-8")
        for asset in assets:
            files[asset.name] = asset.data
    return files


def render(
    inputs: Path,
    output: Path,
    cutoff: str,
    formats: Iterable[str] = FORMATS,
    draft: bool = False,
    pdf_variant: PdfVariant | None = None,
    base_url: str = "",
) -> Rendered:
    """Render edition ``cutoff`` from ``inputs`` into ``output/<cutoff>/``.

    ``pdf_variant`` defaults to PDF/UA-1; ``base_url`` (where ``output/`` is published)
    makes the figure links of a fragment absolute.
    """
    from functools import partial

    from weekly.render.worker import PdfWorker

    formats = tuple(formats)
    if "pdf" not in formats:
        return _render(inputs, output, cutoff, formats, draft, None, base_url)
    with PdfWorker() as worker:  # starts importing WeasyPrint now, on the other core
        write_pdf = partial(worker.write_pdf, variant=pdf_variant)
        return _render(inputs, output, cutoff, formats, draft, write_pdf, base_url)


def _render(
    inputs: Path,
    output: Path,
    cutoff: str,
    formats: tuple[str, ...],
    draft: bool,
    write_pdf: PdfWriter | None,
    base_url: str = "",
) -> Rendered:
    from weekly.render.write import write_atomically

    update = load_checked(inputs, cutoff)
    files = edition_files(update, formats, draft, write_pdf=write_pdf, base_url=base_url)
    folder = output / update.edition.key
    written = write_atomically(folder, files)
    return Rendered(update, folder, written, update.problems.warnings)
