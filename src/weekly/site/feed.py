"""Write the archive's XML: the Atom feed of a set of editions and the sitemap."""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from weekly import __version__
from weekly.site.manifest import Entry, archive_title, newest_first

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


def checked_base_url(text: str) -> str:
    """Return ``text`` if it can be where ``output/`` is published, else raise ValueError.

    Only an absolute ``http:`` or ``https:`` URL with a host will do: a ``javascript:`` or
    ``data:`` value would become a link on every page, a relative one relative sitemap
    locations. A query or fragment would end up in the middle of every link made from it.
    Empty means no base URL.
    """
    if not text:
        return text
    from urllib.parse import urlsplit

    shown = text.encode("unicode_escape").decode("ascii")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c in "\"'<>\\" for c in text):
        raise ValueError(f"--base-url {shown!r} holds a space, quote or control character")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"--base-url {shown!r} is not a URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"--base-url must be an absolute http:// or https:// URL with a host, not {shown!r}"
        )
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError(f"--base-url {shown!r} must not have a query or a fragment")
    return text


def link(base_url: str, path: str, prefix: str = "") -> str:
    """Return ``path`` (relative to the output root) as seen from a file in folder ``prefix``.

    With ``base_url`` the link is absolute and ``prefix`` does not matter.
    """
    return base_url.rstrip("/") + "/" + path if base_url else prefix + path


def robots_txt(base_url: str) -> bytes:
    """Return ``robots.txt``: every page may be crawled; the sitemap's address when known."""
    lines = ["# Written by weekly: every page of the archive may be crawled.", "User-agent: *"]
    lines.append("Allow: /")
    if base_url:
        lines.append(f"Sitemap: {link(base_url, 'sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def feed_xml(
    entries: Sequence[Entry],
    base_url: str = "",
    path: str = "feed.xml",
    page: str = "index.html",
) -> bytes:
    """Return the Atom feed of ``entries``, newest first, to be written at ``path``.

    Without ``base_url`` links are relative to the feed and ids are stable ``urn:uuid:`` names.
    ``page`` is the HTML page listing the same editions (the feed's alternate link).
    """
    ET.register_namespace("", ATOM)
    prefix = "../" * path.count("/")

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text:
            element.text = text
        return element

    newest = newest_first(entries)
    title = archive_title(entries)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if base_url:
        sub(feed, "id", link(base_url, path))
    else:
        sub(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"weekly:feed:{title}").urn)
    sub(feed, "title", title)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC).isoformat()
    sub(feed, "updated", max((updated(e) for e in newest), default=epoch, key=_instant))
    here = link(base_url, path, prefix) if base_url else path.rsplit("/", 1)[-1]
    sub(feed, "link", rel="self", type="application/atom+xml", href=here)
    sub(feed, "link", rel="alternate", type="text/html", href=link(base_url, page, prefix))
    author = sub(feed, "author")
    sub(author, "name", newest[0].organization if newest else "weekly")
    sub(feed, "generator", "weekly", version=__version__)
    for entry in newest:
        item = sub(feed, "entry")
        if base_url:
            sub(item, "id", link(base_url, entry.html))
        else:
            name = f"weekly:{entry.series}:{entry.key}"
            sub(item, "id", uuid.uuid5(uuid.NAMESPACE_URL, name).urn)
        sub(item, "title", entry.title)
        sub(item, "published", published(entry))
        sub(item, "updated", updated(entry))
        sub(
            item, "link", rel="alternate", type="text/html", href=link(base_url, entry.html, prefix)
        )
        if entry.pdf:
            sub(
                item,
                "link",
                rel="enclosure",
                type="application/pdf",
                href=link(base_url, entry.pdf, prefix),
            )
        for name in entry.authors:
            sub(sub(item, "author"), "name", name)
        sub(item, "summary", entry.takeaway or entry.title)
        sub(item, "category", term=entry.series, label=entry.series_name)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def published(entry: Entry) -> str:
    """Return when ``entry`` was published (Atom ``<published>``), ISO 8601."""
    return entry.published or entry.cutoff


def updated(entry: Entry) -> str:
    """Return when ``entry`` last changed: Atom ``<updated>`` and the sitemap's ``<lastmod>``.

    Its latest correction (midnight of that day in the series' time zone), or its publication
    when later (a correction made that very day); the one place that says it.
    """
    first = published(entry)
    return max(first, entry.corrected or first, key=_instant)


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def lastmod(entries: Sequence[Entry]) -> str:
    """Return when the newest change among ``entries`` happened (a listing's ``<lastmod>``)."""
    return max((updated(e) for e in entries), key=_instant, default="")


def sitemap_xml(base_url: str, pages: Sequence[str] | dict[str, str]) -> bytes:
    """Return the sitemap of ``pages`` (paths relative to the output root) under ``base_url``.

    Given as a dict, each page maps to its ``<lastmod>`` (ISO 8601; empty leaves it out).
    """
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    changed = pages if isinstance(pages, dict) else dict.fromkeys(pages, "")
    for path, when in changed.items():
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = link(base_url, path)
        if when:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = when
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
