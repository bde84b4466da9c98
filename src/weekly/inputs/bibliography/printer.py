"""Bibliography stage: print one source in an endnote the way CTP does (not a CSL style).

A source prints as comma-separated parts, a quoted title taking the comma inside its
quotation marks (“Title,”). What a citation adds — a locator and a suffix — are further
parts after the source's own; a prefix goes before it. See docs/guide/citations.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from weekly.inputs.bibliography.entry import Name, Source, join_names


@dataclass(frozen=True)
class Printed:
    """A source printed in a note, as HTML and as plain text."""

    html: Markup
    text: str


@dataclass(frozen=True)
class Part:
    """One comma-separated piece of a printed source."""

    html: Markup
    text: str
    #: A “quoted title”: the joining comma goes inside the closing quotation mark.
    quoted: bool = False


def defang(url: str) -> str:
    """Return a url that no reader can click: its last host dot spelled ``dot``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if "." not in host:
        return url
    head, tail = host.rsplit(".", 1)
    return url.replace(host, f"{head} dot {tail}", 1)


def is_web_url(url: str) -> bool:
    """Return whether ``url`` is an absolute http(s) address with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def _link(url: str, allowed: bool) -> Part:
    if not allowed:
        shown = defang(url)
        return Part(escape(shown), shown)
    if is_web_url(url):
        return Part(Markup('<a href="{0}">{0}</a>').format(url), url)
    return Part(escape(url), url)


def _plain(text: str) -> Part:
    return Part(escape(text), text)


def _title(text: str) -> Part:
    return Part(escape(text), text, quoted=True)


def _close_title(title: str, trailer: str) -> str:
    """Return “Title,” (or “Title?” when the title ends in its own mark)."""
    if title and title[-1] in "?!":
        return f"“{title}”"
    return f"“{title}{trailer}”"


def _join(parts: list[Part], final: str) -> Printed:
    """Join ``parts`` with commas; a title that ends the source closes with ``final``."""
    html, text = [], []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part.quoted:
            trailer = final if last else ","
            words = _close_title(part.text, trailer)
            text.append(words)
            html.append(escape(words))
        else:
            text.append(part.text + ("" if last else ","))
            html.append(part.html + Markup("" if last else ","))
    return Printed(Markup(" ").join(html), " ".join(text))


def _lead(people: tuple[Name, ...], editors: bool = False) -> str:
    names = join_names([n.full() for n in people])
    if editors and names:
        names += ", eds." if len(people) > 1 else ", ed."
    return names


def _who(source: Source) -> str:
    """Return the names a note opens with: authors, else editors (``ed.``)."""
    if source.authors:
        return _lead(source.authors)
    return _lead(source.editors, editors=True)


def _dated(source: Source) -> str:
    if source.when is not None:
        return source.when.printed()
    if source.accessed is not None:
        return f"accessed {source.accessed.printed()}"
    return ""


def _link_part(source: Source) -> Part | None:
    if source.doi:
        return _link(source.doi_url, source.link)
    if source.url:
        return _link(source.url, source.link)
    return None


def _number(value: str) -> str:
    return f"no. {value}" if value[:1].isdigit() else value


def _journal(source: Source, who: str) -> list[Part]:
    parts = [_plain(who)] if who else []
    parts.append(_title(source.title))
    where = source.container
    if source.volume:
        where = f"{where} {source.volume}".strip()
    if source.issue:
        where = f"{where}, no. {source.issue}" if where else f"no. {source.issue}"
    dated = _dated(source)
    if dated:
        where = f"{where} ({dated})" if where else dated
    if source.pages:
        where = f"{where}: {source.pages}" if where else source.pages
    if where:
        parts.append(_plain(where))
    return parts


def _report(source: Source, who: str) -> list[Part]:
    parts = [_plain(who)] if who else []
    parts.append(_title(source.title))
    for value in (source.container, _number(source.number) if source.number else ""):
        if value:
            parts.append(_plain(value))
    by = source.publisher if source.publisher != who else ""  # the author published it
    publisher = ", ".join(p for p in (by, source.place) if p)
    for value in (publisher, _dated(source), source.pages):
        if value:
            parts.append(_plain(value))
    return parts


def _book(source: Source, who: str) -> list[Part]:
    parts = [_plain(who)] if who else []
    facts = ", ".join(p for p in (source.publisher, _dated(source)) if p)
    if source.place and facts:
        facts = f"{source.place}: {facts}"
    title_html = Markup("<em>{}</em>").format(source.title)
    if facts:
        parts.append(Part(title_html + escape(f" ({facts})"), f"{source.title} ({facts})"))
    else:
        parts.append(Part(title_html, source.title))
    return parts


def source_parts(source: Source, first: bool, suppress_author: bool = False) -> list[Part]:
    """Return the parts ``source`` prints as (its full form when ``first``).

    ``suppress_author`` (Pandoc's ``-@id``) leaves out the names a note opens with:
    the authors, or the publisher standing in for them.
    """
    if source.kind == "url":
        link = _link_part(source)
        return [link] if link else []
    if source.kind == "text":
        return [_plain(source.text if first or not source.short else source.short)]
    who = "" if suppress_author else _who(source)
    if source.kind == "subscription":
        opener = "" if suppress_author else (source.publisher or who)
        parts = [_plain(opener)] if opener else []
        parts.append(_title(source.title))
        if first:
            dated = _dated(source)
            if dated:
                parts.append(_plain(dated))
            parts.append(_plain(f"available by subscription at {source.subscription}"))
        return parts
    if source.kind == "journal":
        parts = _journal(source, who)
    elif source.kind == "report":
        parts = _report(source, who)
    elif source.kind == "book":
        parts = _book(source, who)
    else:  # article: [authors,] [publisher,] “title,” date, url
        # The outlet stands in for missing authors, so -@key drops it then.
        outlet = (
            "" if suppress_author and not _who(source) else (source.container or source.publisher)
        )
        parts = [_plain(n) for n in (who, outlet) if n]
        parts.append(_title(source.title))
        dated = _dated(source)
        if dated:
            parts.append(_plain(dated))
    link = _link_part(source)
    return parts + ([link] if link else [])


def print_parts(source: Source, parts: list[Part], first: bool, last: bool) -> Printed:
    """Join the parts of ``source`` (and of its citation) into the text of a note."""
    if not parts:
        return Printed(Markup(""), "")
    if source.kind == "text":
        words = parts[0].text
        if (not last or len(parts) > 1) and words.endswith(".") and not words.endswith(".."):
            words = words[:-1]  # "…on request; SITE …", not "…on request.; SITE …"
        if len(parts) == 1:
            return Printed(escape(words), words)
        parts = [_plain(words), *parts[1:]]
    if source.kind == "subscription" and not first:
        return _join(parts, "." if last else "")
    return _join(parts, ".")


def print_source(source: Source, first: bool, last: bool, suppress_author: bool = False) -> Printed:
    """Print ``source`` as it appears in a note (full form when ``first``)."""
    return print_parts(source, source_parts(source, first, suppress_author), first, last)
