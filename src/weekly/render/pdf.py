"""Print the HTML of an update to PDF with WeasyPrint, offline, sandboxed and tagged.

The page rules (``@page``, running heads, bookmarks: ``print.css``) are added here, to the
copy WeasyPrint reads; the published web page carries only its screen style.

WeasyPrint only ever sees the page's own assets: a fetcher serves them from memory
and refuses every other URL (``file:``, ``http:``, ``data:`` …), so nothing in the
inputs can make a render read a local file or reach the network.

Every PDF is tagged. The default variant is PDF/UA-1 (ISO 14289-1, the accessible PDF):
a structure tree built from the page's elements (H1/H2, P, L/LI/Lbl/LBody, Figure with
its /Alt, Caption, Link), the document language in /Lang, the title in the metadata and
in the window title, and the XMP part number a validator looks for. Every endnote is a
Note element with an /ID of its own (ISO 14289-1 7.9, Matterhorn checkpoint 19-003), listed
in the structure tree's /IDTree. ``pdf/a-3u``
(archiving) keeps the same tags and declares PDF/A-3u instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any, Literal, get_args
from urllib.parse import unquote

import pydyf
import weasyprint.pdf as pdf_writer
from weasyprint import HTML
from weasyprint.pdf import tags as pdf_tags
from weasyprint.urls import URLFetcher, URLFetcherResponse

from weekly.assets import Asset
from weekly.render.provenance import source_digest

#: Base of the page's relative URLs while printing; never contacted.
BASE_URL = "https://weekly.invalid/edition/"

PdfVariant = Literal["pdf/ua-1", "pdf/a-3u"]
#: The variants ``weekly render --pdf-variant`` accepts, the default first.
PDF_VARIANTS: tuple[PdfVariant, ...] = get_args(PdfVariant)
DEFAULT_VARIANT: PdfVariant = "pdf/ua-1"

#: Structure types given to elements by class, where WeasyPrint's element-name mapping has
#: no word for them: an endnote paragraph is a Note, not a P.
ROLES_BY_CLASS = {("p", "note"): "Note"}

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


class AssetFetcher(URLFetcher):
    """Serve the page's assets from memory; refuse everything else."""

    def __init__(self, assets: Iterable[Asset]) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False)
        self.assets = {BASE_URL + asset.name: asset for asset in assets}
        #: URLs asked for and refused, for diagnostics and tests.
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return an asset of the page, or raise for anything else."""
        asset = self.assets.get(unquote(url.split("#")[0]))
        if asset is None:
            self.refused.append(url)
            raise ValueError(f"weekly does not fetch {url!r}")
        return URLFetcherResponse(url, asset.data, {"Content-Type": asset.media_type})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Refuse the urllib entry point too (used for redirects)."""
        return self.fetch(url if isinstance(url, str) else url.full_url)


def _role(box: Any) -> str | None:
    """Return the structure type ``box``'s element takes by its class, or None."""
    element = getattr(box, "element", None)
    if element is None or not isinstance(element.tag, str):
        return None
    classes = (element.get("class") or "").split()
    for (tag, name), role in ROLES_BY_CLASS.items():
        if element.tag == tag and name in classes:
            return role
    return None


def _install_roles() -> Any:
    """Teach WeasyPrint's tagger the :data:`ROLES_BY_CLASS` (once per process); return the
    per-thread state of the document being printed (``ids``: /ID -> Note element).

    The tagger maps an element to a structure type by its name alone; this wraps its tree
    builder (which calls itself through the module, so nested boxes pass here too) and
    renames the element made for a box whose class has a role of its own. The state lives
    on the wrapper, not in this module, so a second import of this module finds the same.
    """
    build = pdf_tags._build_box_tree
    if getattr(build, "weekly_roles", False):
        return build.weekly_state
    printing = threading.local()

    def build_with_roles(box: Any, *args: Any) -> Iterator[Any]:
        role = _role(box)
        for element in build(box, *args):
            if role and element.get("S") == "/P":
                element["S"] = f"/{role}"
                if role == "Note":
                    _identify(element, box, getattr(printing, "ids", None))
            yield element

    build_with_roles.weekly_roles = True  # type: ignore[attr-defined]
    build_with_roles.weekly_state = printing  # type: ignore[attr-defined]
    pdf_tags._build_box_tree = build_with_roles
    add_tags = pdf_writer.add_tags

    def add_tags_and_ids(pdf: Any, *args: Any) -> None:
        add_tags(pdf, *args)
        ids: dict[str, Any] = getattr(printing, "ids", None) or {}
        if not ids:
            return
        root = next(
            o
            for o in pdf.objects
            if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/StructTreeRoot"
        )
        names = pydyf.Array()
        for name in sorted(ids, key=lambda n: n.encode("utf-8")):  # a name tree is sorted
            names.extend([pydyf.String(name), ids[name].reference])
        root["IDTree"] = pydyf.Dictionary({"Names": names})

    pdf_writer.add_tags = add_tags_and_ids
    return printing


def link_description(box: Any, target: str) -> str:
    """Return the /Contents of the link annotation of ``box`` (an ``<a>``), pointing at
    ``target``: what a reader of the PDF is told the link does (ISO 14289-1 7.18.5).

    WeasyPrint gives the bare target (``note-4``); a note reference says ``Note 4``, an
    endnote's link back ``Back to the text of note 4``, any other link its own text.
    """
    element = getattr(box, "element", None)
    if element is None or not isinstance(element.tag, str):
        return target
    text = " ".join("".join(element.itertext()).split())
    number = text.strip("[]") if text.startswith("[") else ""
    role = element.get("role")
    if role == "doc-noteref" and number:
        return f"Note {number}"
    if role == "doc-backlink" and number:
        return f"Back to the text of note {number}"
    return text or target


def _install_link_descriptions() -> None:
    """Make every link annotation WeasyPrint writes carry :func:`link_description` (once
    per process); WeasyPrint calls ``add_links`` through its module, so wrapping it there
    reaches every page."""
    add_links = pdf_writer.add_links
    if getattr(add_links, "weekly_descriptions", False):
        return

    def add_described_links(links_and_anchors: Any, *args: Any) -> None:
        add_links(links_and_anchors, *args)
        for link_type, target, _, box in links_and_anchors[0]:
            annotation = getattr(box, "link_annotation", None)
            if link_type == "internal" and annotation is not None and "Contents" in annotation:
                annotation["Contents"] = pydyf.String(link_description(box, target))

    add_described_links.weekly_descriptions = True  # type: ignore[attr-defined]
    pdf_writer.add_links = add_described_links


def _identify(element: Any, box: Any, ids: dict[str, Any] | None) -> None:
    """Give the Note ``element`` an /ID unique in its document (``ids`` so far): the HTML id
    of its endnote. A note broken across two pages is two elements; the second part gets
    ``note-3-2``.
    """
    if ids is None:
        return
    base = box.element.get("id") or "note"
    name, part = base, 1
    while name in ids:
        part += 1
        name = f"{base}-{part}"
    ids[name] = element
    element["ID"] = pydyf.String(name)


@cache
def print_rules() -> str:
    """Return ``print.css``: the PDF's page rules, which no web page carries."""
    from weekly.render.html import stylesheet

    return stylesheet("print.css")


def with_print_rules(html: str) -> str:
    """Return ``html`` with the print rules last in its head, for WeasyPrint alone.

    They go in as a ``<style>`` of the page (author origin, after ``style.css``), so they
    override the screen rules exactly as an ``@media print`` block of the page would.
    """
    rules = f"<style>\n{print_rules()}</style>\n"
    head, found, rest = html.partition("</head>")
    return head + rules + found + rest if found else rules + html


def write_pdf(html: str, assets: Iterable[Asset], variant: PdfVariant = DEFAULT_VARIANT) -> bytes:
    """Return the tagged PDF of ``html`` in ``variant``; only ``assets`` can be loaded.

    The PDF records the digest of ``html`` and ``assets`` as its identifier
    (:mod:`weekly.render.provenance`), so ``weekly email`` can tell whether it is current.
    """
    if variant not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant {variant!r} (choose from {', '.join(PDF_VARIANTS)})")
    printing = _install_roles()
    _install_link_descriptions()
    assets = list(assets)
    fetcher = AssetFetcher(assets)
    document = HTML(string=with_print_rules(html), base_url=BASE_URL, url_fetcher=fetcher)
    identifier = source_digest(html, assets).encode("ascii")
    printing.ids = {}
    try:
        return bytes(
            document.write_pdf(pdf_variant=variant, pdf_tags=True, pdf_identifier=identifier)
        )
    finally:
        printing.ids = None
