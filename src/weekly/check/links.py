"""Check links: the urls of cited sources and of links in the body are well formed."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markdown_it.token import Token

from weekly.body.parse import Block
from weekly.check.prose import inlines
from weekly.errors import Problems
from weekly.resolve.update import Update


def well_formed(url: str) -> bool:
    """Return True for an absolute http(s) url with a host name and no spaces."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return (
        parts.scheme in ("http", "https")
        and not re.search(r"\s", url)
        and bool(re.fullmatch(r"(?:[\w-]+\.)+[\w-]{2,}|localhost|[\d.:]+", host))
    )


def _find_href(update: Update, token: Token, block: Block, href: str) -> tuple[int, int]:
    """Return the line and column of link destination ``href`` in ``token``'s lines."""
    first = update.edition.body_line
    start, end = token.map or (block.line - first, block.end_line - first + 1)
    for line in range(first + start, first + end):
        if 0 < line <= len(update.source_lines):
            column = update.source_lines[line - 1].find(f"]({href}")
            if column >= 0:
                return line, column + 3
    return first + start, 0


def check_urls(update: Update, problems: Problems) -> None:
    """Flag urls that are not well formed (W401), in cited sources and body links."""
    edition = update.edition
    cited = {key for point in update.citations for key in point.keys}
    for source in edition.sources.values():
        if (
            (source.id in cited or source.edition_only)
            and source.url
            and not well_formed(source.url)
        ):
            problems.warning(
                "W401",
                source.path,
                source.line,
                f"source '{source.id}': url '{source.url}' is not well formed "
                "(expected http:// or https:// and a host name)",
            )
    for block in update.body.blocks():
        for token in inlines(block):
            for child in token.children or []:
                href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
                if child.type != "link_open" or href.startswith(("#", "mailto:")):
                    continue
                if not well_formed(href):
                    line, column = _find_href(update, token, block, href)
                    problems.warning(
                        "W401",
                        edition.path,
                        line,
                        f"link '{href}' is not well formed "
                        "(expected http:// or https:// and a host name)",
                        column,
                    )
