"""The template context: a resolved update as typed views, the only objects templates get."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from weekly.render.bidi import text_direction


@dataclass(frozen=True)
class FigureView:
    """A figure as the template shows it."""

    id: str
    number: int
    title: str
    src: str
    alt: str
    note: Markup
    source: Markup
    provenance: str = ""
    #: Line of the placement in ``update.md`` (draft review only).
    line: int = 0


@dataclass(frozen=True)
class BlockView:
    """One block of the body: its kind, its HTML, and its figure when it is one."""

    kind: str
    line: int
    html: Markup
    figure: FigureView | None = None


@dataclass(frozen=True)
class AssessmentView:
    """A lead judgment and its supporting blocks."""

    lead: BlockView | None
    blocks: list[BlockView]


@dataclass(frozen=True)
class SectionView:
    """A region section (``title`` empty for the single-theatre body)."""

    title: str
    id: str
    assessments: list[AssessmentView]
    #: ``Author: …`` under the heading (front matter ``section_authors``), or empty.
    byline: str = ""
    #: ``Contributor: …`` under the byline (front matter ``section_contributors``), or empty.
    contributors: str = ""


@dataclass(frozen=True)
class NavLink:
    """A link to another edition of the series."""

    href: str
    title: str
    date: str


@dataclass(frozen=True)
class TopicLink:
    """A link to the archive page of a region or country the edition covers."""

    href: str
    name: str
    #: ``region`` or ``country``.
    kind: str


@dataclass(frozen=True)
class CorrectionView:
    """A dated correction notice: ``Correction (December 16, 2023): …``."""

    #: ``December 16, 2023``.
    date: str
    #: ``2023-12-16``.
    iso: str
    html: Markup
    #: The version published before this correction, relative to the page; empty when the
    #: archive kept none (outside an archive build, or a correction made before archiving).
    earlier: str = ""


@dataclass(frozen=True)
class NavView:
    """Links to the previous and next editions and the archive index (archive builds only)."""

    previous: NavLink | None = None
    next: NavLink | None = None
    index: str = "../index.html"
    #: The archive pages of the regions and countries the edition covers.
    topics: tuple[TopicLink, ...] = ()
    #: Where the page is published (``--base-url``), for share cards; empty when unknown.
    canonical: str = ""
    #: (correction date ``2023-12-16``, the page as published before it) per version kept.
    earlier: tuple[tuple[str, str], ...] = ()
    #: The output root as seen from the page (the favicon is there).
    root: str = "../"
    #: The page of the edition's series and its name, when the archive has several series.
    series_href: str = ""
    series_name: str = ""


@dataclass(frozen=True)
class ShareView:
    """What a link to the page shows when posted on a social network."""

    title: str
    #: The key takeaway(s) as plain text.
    description: str
    site_name: str
    #: The canonical URL (``--base-url``), or empty.
    url: str
    #: The first figure: absolute with a canonical URL, else relative to the page; or empty.
    image: str
    image_alt: str
    published_iso: str
    authors: tuple[str, ...]


@dataclass(frozen=True)
class NoteView:
    """An endnote: ``[label] text`` with links both ways."""

    number: int
    label: str
    html: Markup
    text: str


@dataclass(frozen=True)
class TakeawayView:
    """A key takeaway; ``region`` is empty for the single-takeaway form."""

    region: str
    html: Markup


@dataclass(frozen=True)
class PageContext:
    """Everything ``update.html`` shows; the only object templates receive."""

    #: ``{series}, {Month D, YYYY}: {headline}``.
    title: str
    series_name: str
    organization: str
    headline: str
    #: The edition date, ``December 13, 2023``.
    edition_date: str
    #: The date line above the title: ``Friday, December 15, 2023`` (series ``date_line``
    #: ``weekday``), ``December 15, 2023`` (``date``), or empty (``none``).
    published: str
    published_iso: str
    #: ``Author: Liam Karr`` / ``Authors: A, B, and C``; empty when the series sets
    #: ``byline: false`` or the edition names no authors (sections carry bylines).
    byline: str
    #: Every author, for metadata: the edition's, or else the sections' in order.
    authors: str
    #: ``Contributors: …`` or empty.
    contributors: str
    #: ``Data Cutoff: December 13, 2023, at 10 a.m.``.
    cutoff: str
    subscribe: Markup
    notices: list[Markup]
    #: ``Key Takeaway`` or ``Key Takeaways``.
    takeaway_label: str
    takeaways: list[TakeawayView]
    sections: list[SectionView]
    notes: list[NoteView]
    description: str
    css: Markup
    #: Draft aids on (banner, reviewer panel); never in final output.
    draft: bool = False
    #: Extra HTML for draft review (reviewer panel, reload script), already safe.
    draft_html: Markup = Markup("")
    #: Placeholders still in the edition (a draft only): the banner says it cannot be published.
    unfinished: int = 0
    lang: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)
    #: ``paragraphs``, ``bullets`` or ``numbered`` (the series' key_takeaways_style).
    takeaway_style: str = "paragraphs"
    #: Print the kicker line (series name and edition date) above the date line.
    kicker: bool = True
    #: Print the data-cutoff line in the masthead (series ``cutoff_line``).
    show_cutoff: bool = True
    #: Label printed before the body, e.g. ``Assessments``; empty prints none.
    assessments_label: str = ""
    #: The mark after a takeaway's bold region name (series ``region_mark``).
    region_mark: str = "."
    #: The masthead's parts in print order (series ``masthead``): ``date_line``, ``title``,
    #: ``byline``, ``contributors``, ``cutoff``, ``subscribe``, ``notices``.
    masthead: tuple[str, ...] = (
        "date_line", "title", "byline", "contributors", "cutoff", "subscribe", "notices",
    )  # fmt: skip
    #: Previous/next edition links; None outside an archive build.
    nav: NavView | None = None
    #: The article alone, for a web CMS (``--format fragment``): no page shell, no style.
    fragment: bool = False
    #: Prefix of figure ``src`` (``--base-url`` for fragments), empty for relative paths.
    asset_base: str = ""
    #: Open Graph and Twitter card metadata (see :func:`weekly.render.html.share_view`).
    share: ShareView | None = None
    #: Dated correction notices, newest first (front matter ``corrections``).
    corrections: list[CorrectionView] = field(default_factory=list)

    @property
    def notices_in_masthead(self) -> bool:
        """Return True when the notices print inside the masthead, before a later part."""
        return bool(self.notices) and "notices" in self.masthead[:-1]

    #: The edition's PDF beside the page (the "Download PDF" link), or empty when none is made.
    pdf: str = ""

    @property
    def dir(self) -> str:
        """Return the page's text direction, ``ltr`` or ``rtl``, from its language."""
        return text_direction(self.lang)
