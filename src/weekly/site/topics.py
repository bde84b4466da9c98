"""Find what an edition covers: its region headings and the countries of its week's events.

Each region and each country gets a page of the archive (``regions/<slug>.html``,
``countries/<slug>.html``) listing the editions that cover it, and each edition links to its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from weekly.apstyle import slugify

if TYPE_CHECKING:
    from weekly.caches import Caches
    from weekly.render.html import TopicLink
    from weekly.resolve.update import Update
    from weekly.site.manifest import Entry

Kind = Literal["region", "country"]
#: The folder of each kind of topic page, under the output root.
FOLDERS: dict[Kind, str] = {"region": "regions", "country": "countries"}
#: An edition covers the countries of the events in the days up to its cutoff, this many.
WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Topic:
    """A region or a country, and its page."""

    kind: Kind
    name: str

    @property
    def slug(self) -> str:
        """Return the page's file stem (``burkina-faso``); ``topic`` for a name with no letters."""
        return slugify(self.name) or "topic"

    @property
    def path(self) -> str:
        """Return the page's path relative to the output root."""
        return f"{FOLDERS[self.kind]}/{self.slug}.html"


def event_countries(inputs: Path, update: Update, caches: Caches | None = None) -> list[str]:
    """Return the countries of the events dated in the week up to the edition's cutoff, sorted."""
    from weekly.events.table import QueryError, table_for

    cutoff = update.edition.cutoff.date()
    table = table_for(inputs, cutoff, caches)
    if table is None or not table.ok or "country" not in table.names:
        return []
    try:
        mask = table.select({}, since=cutoff - WEEK + dt.timedelta(days=1))
    except QueryError:
        return []
    values = table.column("country")[mask]
    return sorted({str(v).strip() for v in values.dropna() if str(v).strip()})


def topics_of(entry: Entry) -> list[Topic]:
    """Return the regions, then the countries, that ``entry`` covers."""
    regions = [Topic("region", name) for name in entry.regions]
    countries = [Topic("country", name) for name in entry.countries]
    return list(dict.fromkeys(regions + countries))


def group(entries: Iterable[Entry]) -> dict[Topic, list[Entry]]:
    """Return each topic with the editions covering it, newest first; topics sorted by kind, name.

    Two names with the same slug (``Côte d'Ivoire`` and ``Cote d'Ivoire``) share one page, named
    after the first seen.
    """
    found: dict[tuple[Kind, str], tuple[Topic, list[Entry]]] = {}
    newest = sorted(entries, key=lambda e: (e.key, e.series), reverse=True)
    for entry in newest:
        for topic in topics_of(entry):
            slot = found.setdefault((topic.kind, topic.slug), (topic, []))
            if entry not in slot[1]:
                slot[1].append(entry)
    ordered = sorted(found.values(), key=lambda pair: (pair[0].kind != "region", pair[0].slug))
    return dict(ordered)


def topic_links(entry: Entry, prefix: str = "../") -> tuple[TopicLink, ...]:
    """Return the links from an edition page to the pages of its topics."""
    from weekly.render.html import TopicLink

    return tuple(TopicLink(f"{prefix}{t.path}", t.name, t.kind) for t in topics_of(entry))
