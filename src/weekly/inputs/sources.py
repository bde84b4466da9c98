"""Load the bibliography and print sources in endnotes the way CTP does.

Sources come from ``sources.yaml`` (and CSL-JSON ``sources.json``, as Zotero exports
it) in the inputs root, shared by every edition, and in the edition's own folder.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from weekly.apstyle import long_date
from weekly.errors import Problems, WeeklyError, display_path, read_text
from weekly.inputs.yamlfile import YamlCache, YamlDoc, as_date, load_yaml

KINDS = ("url", "text", "subscription", "article")
KNOWN_FIELDS = {
    "kind", "url", "text", "short", "publisher", "title", "date", "subscription", "link",
    "author", "authors", "accessed", "note",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    """One bibliography entry."""

    id: str
    kind: str
    path: Path
    line: int
    url: str = ""
    text: str = ""
    short: str = ""
    publisher: str = ""
    title: str = ""
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    subscription: str = ""
    link: bool = True
    #: True when the entry lives in an edition's own folder (not the shared file).
    edition_only: bool = False


@dataclass(frozen=True)
class Printed:
    """A source printed in a note, as HTML and as plain text."""

    html: Markup
    text: str


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


def _link(url: str, allowed: bool) -> tuple[Markup, str]:
    if not allowed:
        shown = defang(url)
        return escape(shown), shown
    if is_web_url(url):
        return Markup('<a href="{0}">{0}</a>').format(url), url
    return escape(url), url


def _quoted_title(title: str, trailer: str) -> str:
    """Return “Title,” (or “Title?” when the title ends in its own mark)."""
    if title and title[-1] in "?!":
        return f"“{title}”"
    return f"“{title}{trailer}”"


def print_source(source: Source, first: bool, last: bool) -> Printed:
    """Print ``source`` as it appears in a note (full form when ``first``)."""
    if source.kind == "url":
        html, text = _link(source.url, source.link)
        return Printed(html, text)
    if source.kind == "text":
        words = source.text if first or not source.short else source.short
        if not last and words.endswith(".") and not words.endswith(".."):
            words = words[:-1]  # "…on request; SITE …", not "…on request.; SITE …"
        return Printed(escape(words), words)
    lead = ", ".join(source.authors) if source.authors else ""
    if source.kind == "subscription":
        who = source.publisher or lead
        head = f"{who}, " if who else ""
        if not first:
            words = head + _quoted_title(source.title, "." if last else "")
            return Printed(escape(words), words)
        dated = f" {long_date(source.date)}," if source.date else ""
        words = f"{head}{_quoted_title(source.title, ',')}{dated} available by subscription at {source.subscription}"
        return Printed(escape(words), words)
    # article: [authors,] [publisher,] “title,” date, url
    names = [n for n in (lead, source.publisher) if n]
    pieces = [f"{n}," for n in names]
    if source.title:
        pieces.append(_quoted_title(source.title, "," if (source.date or source.url) else "."))
    if source.date:
        pieces.append(long_date(source.date) + ("," if source.url else ""))
    words = " ".join(pieces)
    if not source.url:
        return Printed(escape(words), words)
    html, text = _link(source.url, source.link)
    return Printed(escape(words + " ") + html, f"{words} {text}")


def _entry(
    key: str,
    raw: Any,
    path: Path,
    line: int,
    edition_only: bool,
    problems: Problems,
    doc: YamlDoc | None,
) -> Source | None:
    def where(*keys: str) -> int:
        return doc.line(key, *keys) if doc else line

    if isinstance(raw, str):
        raw = {"url": raw} if raw.startswith(("http://", "https://")) else {"text": raw}
    if not isinstance(raw, dict):
        problems.error("E010", path, line, f"source '{key}' must be a mapping of fields")
        return None
    for name in raw:
        if name not in KNOWN_FIELDS:
            problems.error("E010", path, where(name), f"source '{key}': unknown field '{name}'")
    values = {k: v for k, v in raw.items() if k in KNOWN_FIELDS}
    kind = values.get("kind")
    if kind is None:
        if values.get("subscription"):
            kind = "subscription"
        elif values.get("title"):
            kind = "article"
        elif values.get("text"):
            kind = "text"
        elif values.get("url"):
            kind = "url"
        else:
            problems.error(
                "E010", path, line, f"source '{key}' needs a url, text, title or subscription"
            )
            return None
    if kind not in KINDS:
        problems.error(
            "E010", path, where("kind"), f"source '{key}': kind must be one of {', '.join(KINDS)}"
        )
        return None
    needs = {
        "url": ["url"],
        "text": ["text"],
        "subscription": ["title", "subscription"],
        "article": ["title"],
    }
    ok = True
    for name in needs[kind]:
        if not values.get(name):
            problems.error("E010", path, line, f"source '{key}': missing required field '{name}'")
            ok = False
    date = None
    if values.get("date") is not None:
        try:
            date = as_date(values["date"])
        except ValueError:
            date = None
        if date is None:
            problems.error(
                "E010",
                path,
                where("date"),
                f"source '{key}': date must look like 2023-11-24, got '{values['date']}'",
            )
            ok = False
    for name in ("url", "text", "short", "publisher", "title", "subscription"):
        if name in values and not isinstance(values[name], str):
            problems.error("E010", path, where(name), f"source '{key}': {name} must be text")
            ok = False
    link = values.get("link", True)
    if not isinstance(link, bool):
        problems.error("E010", path, where("link"), f"source '{key}': link must be true or false")
        ok = False
    authors = values.get("authors", values.get("author", []))
    if isinstance(authors, str):
        authors = [authors]
    if not ok:
        return None
    return Source(
        id=key,
        kind=kind,
        path=path,
        line=line,
        url=str(values.get("url", "")).strip(),
        text=str(values.get("text", "")).strip(),
        short=str(values.get("short", "")).strip(),
        publisher=str(values.get("publisher", "")).strip(),
        title=str(values.get("title", "")).strip(),
        authors=tuple(str(a) for a in authors),
        date=date,
        subscription=str(values.get("subscription", "")).strip(),
        link=link,
        edition_only=edition_only,
    )


def _read_yaml(
    path: Path, edition_only: bool, problems: Problems, yaml: YamlCache | None = None
) -> list[Source]:
    doc = (yaml.load if yaml else load_yaml)(read_text(path), path)
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict):
        problems.error("E010", path, 1, "sources must be a mapping of id to source")
        return []
    for key_path, line in doc.duplicates:
        problems.error("E011", path, line, f"source '{key_path[-1]}' is defined twice in this file")
    found = []
    for key, raw in doc.data.items():
        source = _entry(str(key), raw, path, doc.line(str(key)), edition_only, problems, doc)
        if source is not None:
            found.append(source)
    return found


def _csl_date(item: dict[str, Any]) -> str | None:
    for name in ("issued", "accessed"):
        parts = item.get(name, {}).get("date-parts") if isinstance(item.get(name), dict) else None
        if parts and parts[0] and len(parts[0]) == 3:
            year, month, day = (int(p) for p in parts[0])
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _csl_names(item: dict[str, Any]) -> list[str]:
    names = []
    for person in item.get("author", []) or []:
        if isinstance(person, dict):
            literal = person.get("literal")
            full = " ".join(p for p in (person.get("given"), person.get("family")) if p)
            names.append(str(literal or full))
    return names


def _read_csl(
    path: Path, edition_only: bool, problems: Problems, yaml: YamlCache | None = None
) -> list[Source]:
    text = read_text(path)
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WeeklyError.at(path, exc.lineno, f"malformed JSON: {exc.msg}", "E001") from None
    if not isinstance(items, list):
        problems.error("E010", path, 1, "CSL-JSON must be a list of items")
        return []
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not item.get("id"):
            problems.error("E010", path, 1, f"CSL-JSON item {index + 1} has no id")
            continue
        key = str(item["id"])
        match = re.search(r'"id"\s*:\s*"' + re.escape(key) + '"', text)
        line = text.count("\n", 0, match.start()) + 1 if match else 1
        raw: dict[str, Any] = {}
        if item.get("URL"):
            raw["url"] = item["URL"]
        publisher = item.get("container-title") or item.get("publisher")
        if item.get("title"):
            raw["title"] = item["title"]
            if publisher:
                raw["publisher"] = publisher
        if _csl_date(item):
            raw["date"] = _csl_date(item)
        if _csl_names(item):
            raw["authors"] = _csl_names(item)
        if "title" not in raw and "url" not in raw:
            raw["text"] = item.get("note") or key
        source = _entry(key, raw, path, line, edition_only, problems, None)
        if source is not None:
            found.append(source)
    return found


def load_sources(
    folders: list[tuple[Path, bool]], problems: Problems, yaml: YamlCache | None = None
) -> dict[str, Source]:
    """Read ``sources.yaml``/``sources.json`` from each (folder, edition_only) pair.

    ``yaml`` remembers parsed YAML between builds (a long-lived preview passes one).

    An id defined in more than one place is an error at its second definition.
    """
    merged: dict[str, Source] = {}
    for folder, edition_only in folders:
        for name, reader in (("sources.yaml", _read_yaml), ("sources.json", _read_csl)):
            path = folder / name
            if not path.is_file():
                continue
            # A bibliography that cannot be read at all stops here: checking citations
            # against half of it would only bury the real error under unknown sources.
            entries = reader(path, edition_only, problems, yaml)
            for source in entries:
                earlier = merged.get(source.id)
                if earlier is not None:
                    problems.error(
                        "E011",
                        source.path,
                        source.line,
                        f"source '{source.id}' is already defined at {display_path(earlier.path)}:{earlier.line}",
                    )
                    continue
                merged[source.id] = source
    return merged
