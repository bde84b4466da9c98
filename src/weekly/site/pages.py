"""Render the archive's own pages: the index, a page per series, region and country pages, 404.

Every page uses the house style of the editions (``style.css`` plus ``site.css``) and one typed
context, :class:`SitePage`; the templates are autoescaped, so a headline or takeaway holding
markup prints as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from weekly.site.manifest import Entry, archive_title, newest_first
from weekly.site.topics import Topic, group

if TYPE_CHECKING:
    from weekly.caches import Caches
    from weekly.check.judgments import HistoryRow


@dataclass(frozen=True)
class EditionView:
    """One edition in a listing; links are relative to the page showing it."""

    key: str
    series: str
    series_name: str
    headline: str
    title: str
    date: str
    takeaway: str
    href: str
    pdf: str
    thumbnail: str
    thumbnail_alt: str
    #: The latest correction's date (``December 16, 2023``), or empty: marked "Corrected".
    corrected: str = ""


@dataclass(frozen=True)
class LinkView:
    """A link with a label and, for topics, how many editions it lists."""

    href: str
    label: str
    count: int = 0


@dataclass(frozen=True)
class SitePage:
    """Everything an archive page shows; the only object the site templates receive."""

    #: The ``<title>``.
    title: str
    #: The page's heading (``<h1>``).
    heading: str
    #: The line above the heading (organisation, ``Region``, ``Country``).
    kicker: str
    #: ``""`` at the output root, ``"../"`` one folder down.
    root: str
    css: Markup
    #: The newest edition, shown large; None on pages that list without featuring.
    featured: EditionView | None = None
    editions: list[EditionView] = field(default_factory=list)
    #: Editions past the latest :data:`LATEST`, listed one line each.
    older: list[EditionView] = field(default_factory=list)
    #: Several series in the archive: each listing names its series.
    several: bool = False
    #: The Atom feed of the page's editions, relative to the page, or empty.
    feed: str = ""
    #: Show the search box (the index only).
    search: bool = False
    series: list[LinkView] = field(default_factory=list)
    regions: list[LinkView] = field(default_factory=list)
    countries: list[LinkView] = field(default_factory=list)
    #: The years the listed editions span, newest first (the search's year list).
    years: list[str] = field(default_factory=list)
    #: Where the site is published (``--base-url``), for the 404 page's links; or empty.
    base_url: str = ""
    #: A series' judgments over time (``weekly judgments``), on its judgments page.
    judgments: list[HistoryRow] = field(default_factory=list)
    #: One or two sentences for ``<meta name="description">`` and the share card.
    description: str = ""
    #: The page's address under ``--base-url`` (canonical link, ``og:url``), or empty.
    canonical: str = ""
    #: The organization or series the site belongs to (``og:site_name``).
    site_name: str = ""
    #: The featured edition's share card (``og:image``) and its text alternative, or empty.
    image: str = ""
    image_alt: str = ""


#: How many editions a listing shows in full (the featured one included); older ones get a line.
LATEST = 10


def _view(entry: Entry, root: str) -> EditionView:
    return EditionView(
        key=entry.key,
        series=entry.series,
        series_name=entry.series_name,
        headline=entry.headline,
        title=entry.title,
        date=entry.date,
        takeaway=entry.takeaway,
        href=root + entry.html,
        pdf=root + entry.pdf if entry.pdf else "",
        thumbnail=root + entry.thumbnail if entry.thumbnail else "",
        thumbnail_alt=entry.image_alt,
        corrected=corrected_on(entry),
    )


def corrected_on(entry: Entry) -> str:
    """Return the date of ``entry``'s latest correction, ``December 16, 2023``, or empty."""
    from datetime import date

    from weekly.apstyle import long_date

    return long_date(date.fromisoformat(entry.corrected[:10])) if entry.corrected else ""


def _css() -> Markup:
    from weekly.render.html import stylesheet

    return Markup(stylesheet("style.css") + "\n" + stylesheet("site.css"))


def _render(template: str, page: SitePage) -> bytes:
    from weekly.render.html import environment

    return environment().get_template(template).render(page=page).encode("utf-8")


def series_path(key: str) -> str:
    """Return the page of series ``key``, relative to the output root (its feed: ``.xml``)."""
    return f"series/{key}.html"


def _card(entry: Entry, root: str, base_url: str) -> tuple[str, str]:
    """Return the share card of ``entry`` as a page ``root`` away sees it, and its alt text."""
    from weekly.render.cards import CARD
    from weekly.site.feed import link

    if CARD not in entry.files:
        return "", ""
    path = f"{entry.key}/{CARD}"
    alt = f"{entry.series_name}, {entry.date}: {entry.headline}"
    return (link(base_url, path) if base_url else root + path), alt


def _described(chosen: Sequence[Entry], what: str) -> str:
    """Return a listing's description: what it lists and its newest edition."""
    if not chosen:
        return f"{what}."
    latest = chosen[0]
    return f"{what}, newest first. Latest, {latest.date}: {latest.headline}."


@dataclass(frozen=True)
class _Site:
    """What every page of one build shares."""

    css: Markup
    newest: list[Entry]
    topics: dict[Topic, list[Entry]]
    several: bool
    base_url: str = ""

    def links(self, kind: str, root: str) -> list[LinkView]:
        return [
            LinkView(root + topic.path, topic.name, len(found))
            for topic, found in self.topics.items()
            if topic.kind == kind
        ]

    def series_links(self, root: str) -> list[LinkView]:
        if not self.several:
            return []
        names = {e.series: e.series_name for e in self.newest}
        return [
            LinkView(root + series_path(key), names[key], sum(e.series == key for e in self.newest))
            for key in sorted(names)
        ]

    def listing(
        self,
        path: str,
        chosen: list[Entry],
        title: str,
        heading: str,
        kicker: str,
        feed: str = "",
        description: str = "",
    ) -> SitePage:
        from weekly.site.feed import link

        root = "../" * path.count("/")
        views = [_view(e, root) for e in chosen]
        image, image_alt = _card(chosen[0], root, self.base_url) if chosen else ("", "")
        return SitePage(
            title=title,
            heading=heading,
            kicker=kicker,
            root=root,
            css=self.css,
            featured=views[0] if views else None,
            editions=views[1:LATEST],
            older=views[LATEST:],
            several=self.several,
            feed=feed,
            search=not root,
            series=self.series_links(root),
            regions=self.links("region", root),
            countries=self.links("country", root),
            years=sorted({e.key[:4] for e in chosen}, reverse=True),
            description=description,
            canonical=link(self.base_url, path) if self.base_url else "",
            site_name=chosen[0].organization if chosen else kicker,
            image=image,
            image_alt=image_alt,
        )


def site_pages(entries: Sequence[Entry], base_url: str = "") -> dict[str, bytes]:
    """Return every archive page by its path relative to the output root."""
    newest = newest_first(entries)
    site = _Site(_css(), newest, group(entries), len({e.series for e in entries}) > 1, base_url)
    organization = newest[0].organization if newest else "weekly"
    title = archive_title(entries)
    names = " and the ".join(dict.fromkeys(e.series_name for e in newest))
    about = f"Every edition of the {names} from the {organization}"
    index = site.listing(
        "index.html", newest, title, title, organization, "feed.xml", _described(newest, about)
    )
    missing = SitePage(
        title=f"Page Not Found: {title}",
        heading="Page not found",
        kicker=organization,
        root="",
        css=site.css,
        base_url=base_url.rstrip("/") + "/" if base_url else "",
        description=f"There is no page at this address. {about}.",
        site_name=organization,
    )
    pages = {"index.html": _render("index.html", index), "404.html": _render("404.html", missing)}
    if site.several:
        for key in sorted({e.series for e in newest}):
            chosen = [e for e in newest if e.series == key]
            name = chosen[0].series_name
            what = f"Every edition of the {name} from the {chosen[0].organization}"
            page = site.listing(
                series_path(key),
                chosen,
                f"{name}: All Editions",
                name,
                chosen[0].organization,
                f"{key}.xml",
                _described(chosen, what),
            )
            pages[series_path(key)] = _render("listing.html", page)
    for topic, chosen in site.topics.items():
        kind = "Region" if topic.kind == "region" else "Country"
        what = f"Editions covering {topic.name}"
        page = site.listing(
            topic.path,
            chosen,
            f"{topic.name}: {title}",
            topic.name,
            f"{kind} · editions covering it",
            description=_described(chosen, what),
        )
        pages[topic.path] = _render("listing.html", page)
    return pages


def judgment_pages(
    inputs: Path, entries: Sequence[Entry], caches: Caches | None = None
) -> dict[str, bytes]:
    """Return ``series/<key>-judgments.html`` for each series of ``entries``: the table of
    ``weekly judgments`` (every judgment, edition by edition, its level and recorded reason),
    each edition read through the run's ``caches``."""
    from weekly.check.judgments import judgment_history

    pages: dict[str, bytes] = {}
    css = _css()
    for key in sorted({e.series for e in entries}):
        chosen = [e for e in entries if e.series == key]
        name = chosen[0].series_name
        page = SitePage(
            title=f"{name}: Judgments Over Time",
            heading=name,
            kicker=chosen[0].organization,
            root="../",
            css=css,
            judgments=judgment_history(inputs, key, caches),
        )
        pages[f"series/{key}-judgments.html"] = _render("judgments.html", page)
    return pages
