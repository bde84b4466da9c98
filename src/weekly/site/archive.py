"""Build the archive: render every edition whose inputs changed, then the index and Atom feed.

An edition is re-rendered when the hash of what it is made of changed since the last build:
its own folder (``update.md``, ``sources.yaml``, figures), the shared inputs (the bibliography
files ``sources.yaml/json/bib/ris``, ``series.yaml``, every ``events.*``), the templates (the package's and the
project's ``reports/templates``) and the version of ``weekly``; or when a neighbour it links to
changed its title or file name; or when one of its files is missing from the output.
``output/manifest.json`` records the hashes and what the index and feed show of each edition.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from weekly import __version__
from weekly.apstyle import long_date
from weekly.errors import Problem, WeeklyError
from weekly.inputs.edition import list_editions
from weekly.pipeline import Progress, no_progress
from weekly.render.write import write_atomically
from weekly.resolve.update import Update

MANIFEST = "manifest.json"
ATOM = "http://www.w3.org/2005/Atom"
#: Bumped when the manifest's layout changes; an old manifest then rebuilds everything.
MANIFEST_VERSION = 1


@dataclass
class Entry:
    """What the archive remembers of a rendered edition (one manifest record)."""

    key: str
    series: str
    series_name: str
    organization: str
    title: str
    headline: str
    slug: str
    #: ``December 13, 2023``.
    date: str
    #: The data cutoff with its time zone, ISO 8601.
    cutoff: str
    authors: list[str]
    takeaway: str
    #: Every file written under ``output/<key>/``.
    files: list[str]
    input_hash: str = ""
    nav_hash: str = ""

    @property
    def html(self) -> str:
        """Return the page's path relative to the output root."""
        return f"{self.key}/{self.slug}.html"

    @property
    def pdf(self) -> str:
        """Return the PDF's path relative to the output root, or empty when none was written."""
        name = f"{self.slug}.pdf"
        return f"{self.key}/{name}" if name in self.files else ""


@dataclass
class ArchiveResult:
    """What an archive build did."""

    #: (edition, reason) for each edition rendered: new, changed, neighbour changed, output missing.
    rendered: list[tuple[str, str]]
    skipped: list[str]
    written: list[Path]
    warnings: list[Problem] = field(default_factory=list)


def _hash_tree(digest: Any, root: Path, label: str) -> None:
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"\0{label}/{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())


def shared_hash(inputs: Path) -> str:
    """Return the hash of everything every edition depends on."""
    from weekly.render.html import templates_dir

    digest = hashlib.sha256(f"weekly {__version__}".encode())
    digest.update(resources.files("weekly.inputs").joinpath("series.yaml").read_bytes())
    from weekly.inputs.bibliography.load import NAMES as BIBLIOGRAPHIES

    names = ["series.yaml", *BIBLIOGRAPHIES]
    for name in names:
        path = inputs / name
        if path.is_file():
            digest.update(f"\0{name}\0".encode())
            digest.update(path.read_bytes())
    _hash_tree(digest, templates_dir(), "templates")
    _hash_tree(digest, inputs.parent / "reports" / "templates", "project-templates")
    return digest.hexdigest()


def edition_hash(inputs: Path, key: str, shared: str, events: str = "") -> str:
    """Return the hash of edition ``key``'s own folder, the shared hash and its events."""
    digest = hashlib.sha256(shared.encode())
    digest.update(f"\0events\0{events}".encode())
    _hash_tree(digest, inputs / key, key)
    return digest.hexdigest()


def events_digests(inputs: Path, keys: list[str]) -> dict[str, str]:
    """Return, per edition, the digest of the events rows it can see (up to its cutoff)."""
    if not any(inputs.glob("events.*")):
        return {}
    from weekly.events.cache import visible_digests

    days = {key: dt.date.fromisoformat(key) for key in keys}
    found = visible_digests(inputs, list(days.values()))
    return {key: found.get(day, "") for key, day in days.items()}


def entry_of(update: Update, files: list[str]) -> Entry:
    """Return the manifest record of a rendered ``update``."""
    edition = update.edition
    series = edition.series
    takeaway = " ".join(
        f"{region}. {text}" if region and not region.isdigit() else text
        for region, text in zip(edition.takeaways, update.takeaway_text, strict=False)
    )
    cutoff = edition.cutoff.replace(tzinfo=ZoneInfo(series.timezone))
    return Entry(
        key=edition.key,
        series=series.key,
        series_name=series.name,
        organization=series.organization,
        title=update.title,
        headline=edition.headline,
        slug=update.slug,
        date=long_date(edition.date),
        cutoff=cutoff.isoformat(),
        authors=edition.all_authors,
        takeaway=takeaway,
        files=files,
    )


def load_manifest(output: Path) -> dict[str, Entry]:
    """Return the records of the last build; an unreadable or old manifest counts as none."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return {}
        entries = {key: Entry(**entry) for key, entry in data["editions"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    if not all(_trustworthy(key, entry) for key, entry in entries.items()):
        return {}  # edited by hand or by an attacker: rebuild everything, delete nothing
    return entries


_EDITION_KEY = re.compile(r"\d{4}-\d{2}-\d{2}")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _trustworthy(key: str, entry: Entry) -> bool:
    """Return True when a manifest record names only files inside its own edition folder.

    The manifest is read back from disk, and the archive deletes the files it lists: a record
    naming ``../../file`` must never reach :meth:`Path.unlink`.
    """
    if not (_EDITION_KEY.fullmatch(key) and entry.key == key and _SLUG.fullmatch(entry.slug)):
        return False
    return all(isinstance(name, str) and _inside(name) for name in entry.files)


def _inside(name: str) -> bool:
    """Return True for a plain relative path with no ``..``, drive, or backslash in it."""
    pure = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and "\0" not in name
        and not pure.is_absolute()
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


def manifest_bytes(entries: dict[str, Entry]) -> bytes:
    """Return the manifest file's content."""
    data = {
        "version": MANIFEST_VERSION,
        "weekly": __version__,
        "editions": {key: asdict(entries[key]) for key in sorted(entries)},
    }
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


def navigation(entries: dict[str, Entry]) -> dict[str, Any]:
    """Return each edition's links to the previous and next edition of its series."""
    from weekly.render.html import NavLink, NavView

    def link(entry: Entry) -> NavLink:
        return NavLink(f"../{entry.html}", entry.headline, entry.date)

    by_series: dict[str, list[Entry]] = {}
    for key in sorted(entries):
        by_series.setdefault(entries[key].series, []).append(entries[key])
    found = {}
    for run in by_series.values():
        for index, entry in enumerate(run):
            previous = run[index - 1] if index else None
            following = run[index + 1] if index + 1 < len(run) else None
            found[entry.key] = NavView(
                previous=link(previous) if previous else None,
                next=link(following) if following else None,
            )
    return found


def _nav_hash(nav: Any) -> str:
    return hashlib.sha256(json.dumps(asdict(nav), sort_keys=True).encode()).hexdigest()


def _up_to_date(entry: Entry | None, folder: Path, formats: tuple[str, ...]) -> bool:
    if entry is None:
        return False
    wanted = {f"{entry.slug}.{fmt}" for fmt in formats}
    return wanted <= set(entry.files) and all((folder / name).is_file() for name in entry.files)


def _archive_title(entries: list[Entry]) -> str:
    names = list(dict.fromkeys(e.series_name for e in entries))
    if len(names) == 1:
        return f"{names[0]}: All Editions"
    organization = entries[0].organization if entries else "weekly"
    return f"{organization}: All Editions"


def index_html(entries: list[Entry]) -> str:
    """Return ``index.html``: every edition, newest first."""
    from weekly.render.html import environment, stylesheet

    newest = sorted(entries, key=lambda e: (e.key, e.series), reverse=True)
    template = environment().get_template("index.html")
    return template.render(
        title=_archive_title(entries),
        entries=newest,
        several=len({e.series for e in entries}) > 1,
        css=stylesheet(),
    )


def _link(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path if base_url else path


def feed_xml(entries: list[Entry], base_url: str = "") -> bytes:
    """Return the Atom feed of ``entries``, newest first.

    Without ``base_url`` links are relative to the feed and ids are stable ``urn:uuid:`` names.
    """
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text:
            element.text = text
        return element

    newest = sorted(entries, key=lambda e: (e.key, e.series), reverse=True)
    title = _archive_title(entries)
    feed = ET.Element(f"{{{ATOM}}}feed")
    if base_url:
        sub(feed, "id", _link(base_url, "feed.xml"))
    else:
        sub(feed, "id", uuid.uuid5(uuid.NAMESPACE_URL, f"weekly:feed:{title}").urn)
    sub(feed, "title", title)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC).isoformat()
    sub(feed, "updated", max((e.cutoff for e in newest), default=epoch, key=_instant))
    sub(feed, "link", rel="self", type="application/atom+xml", href=_link(base_url, "feed.xml"))
    sub(feed, "link", rel="alternate", type="text/html", href=_link(base_url, "index.html"))
    author = sub(feed, "author")
    sub(author, "name", newest[0].organization if newest else "weekly")
    sub(feed, "generator", "weekly", version=__version__)
    for entry in newest:
        item = sub(feed, "entry")
        if base_url:
            sub(item, "id", _link(base_url, entry.html))
        else:
            name = f"weekly:{entry.series}:{entry.key}"
            sub(item, "id", uuid.uuid5(uuid.NAMESPACE_URL, name).urn)
        sub(item, "title", entry.title)
        sub(item, "updated", entry.cutoff)
        sub(item, "link", rel="alternate", type="text/html", href=_link(base_url, entry.html))
        if entry.pdf:
            sub(
                item,
                "link",
                rel="enclosure",
                type="application/pdf",
                href=_link(base_url, entry.pdf),
            )
        for name in entry.authors:
            sub(sub(item, "author"), "name", name)
        if entry.takeaway:
            sub(item, "summary", entry.takeaway)
        sub(item, "category", term=entry.series, label=entry.series_name)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def build_archive(
    inputs: Path,
    output: Path,
    formats: tuple[str, ...] = ("html", "pdf"),
    base_url: str = "",
    progress: Progress = no_progress,
) -> ArchiveResult:
    """Render every changed edition under ``inputs`` into ``output``; write index and feed.

    Every changed edition is assembled and checked before anything is written: one error
    anywhere stops the build with all problems reported and the previous output untouched.
    """
    from weekly.pipeline import edition_files, load_checked, write_edition

    keys = list_editions(inputs)
    if not keys:
        raise WeeklyError.at(
            inputs, None, "no editions found (expected folders like 2023-12-13 with an update.md)"
        )
    old = load_manifest(output)
    shared = shared_hash(inputs)
    events = events_digests(inputs, keys)
    hashes = {key: edition_hash(inputs, key, shared, events.get(key, "")) for key in keys}
    reasons: dict[str, str] = {}
    for key in keys:
        entry = old.get(key)
        if entry is None:
            reasons[key] = "new"
        elif entry.input_hash != hashes[key]:
            reasons[key] = "changed"
        elif not _up_to_date(entry, output / key, formats):
            reasons[key] = "output missing"

    updates: dict[str, Update] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []

    def check(todo: list[str]) -> None:
        with progress("Checking", len(todo)) as step:
            for key in todo:
                try:
                    updates[key] = load_checked(inputs, key)
                    warnings.extend(updates[key].problems.warnings)
                except WeeklyError as exc:
                    problems.extend(exc.problems)
                step()
        if problems:
            raise WeeklyError(problems)

    check([k for k in keys if k in reasons])
    entries = {key: entry_of(updates[key], []) if key in updates else old[key] for key in keys}
    navs = navigation(entries)
    for key in keys:
        if key not in reasons and old[key].nav_hash != _nav_hash(navs[key]):
            reasons[key] = "neighbour changed"
    check([k for k in keys if k in reasons and k not in updates])

    rendered = [(key, reasons[key]) for key in keys if key in reasons]
    with progress("Rendering", len(rendered)) as step:
        for key, _ in rendered:
            update = updates[key]
            files = edition_files(update, formats, nav=navs[key])
            folder = output / key
            write_edition(update, output, files)
            previous = old.get(key)
            for name in previous.files if previous else []:
                if name not in files and _inside(name):
                    (folder / name).unlink(missing_ok=True)
            entry = entry_of(update, sorted(files))
            entry.input_hash, entry.nav_hash = hashes[key], _nav_hash(navs[key])
            entries[key] = entry
            old[key] = entry
            write_atomically(output, {MANIFEST: manifest_bytes(old)})
            step()

    listed = [entries[key] for key in keys]
    site = {
        "index.html": index_html(listed).encode("utf-8"),
        "feed.xml": feed_xml(listed, base_url),
        MANIFEST: manifest_bytes(entries),
    }
    written = write_atomically(output, site)
    skipped = [key for key in keys if key not in reasons]
    return ArchiveResult(rendered, skipped, written[:2], warnings)
