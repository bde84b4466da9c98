"""Remember the archive between builds: hashes of the inputs and what each edition shows.

``output/manifest.json`` records, per edition, the hash of what it was built from and what the
index, feeds and topic pages show of it. It is read back from disk, so it is never trusted for
paths: a record naming a file outside its own edition folder discards the whole manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from weekly import __version__
from weekly.apstyle import long_date

if TYPE_CHECKING:
    from weekly.resolve.update import Update

MANIFEST = "manifest.json"
#: Bumped when the manifest's layout changes; an old manifest then rebuilds everything.
MANIFEST_VERSION = 2


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
    #: The region headings of the body, in reading order.
    regions: list[str] = field(default_factory=list)
    #: The countries of the events of the edition's week, sorted.
    countries: list[str] = field(default_factory=list)
    #: The first figure's file, relative to the edition folder (``figures/x.svg``), or empty.
    image: str = ""
    image_alt: str = ""
    input_hash: str = ""
    nav_hash: str = ""
    #: The dates of the edition's corrections (ISO, oldest first), as published.
    corrections: list[str] = field(default_factory=list)
    #: The latest correction's date at midnight in the series' time zone, ISO 8601; or empty.
    corrected: str = ""
    #: The hash of the edition's own inputs as published (:mod:`weekly.site.versions`).
    content_hash: str = ""
    #: When the edition was published, ISO 8601 with its time zone (never before the cutoff);
    #: empty in a record of an older weekly.
    published: str = ""

    @property
    def html(self) -> str:
        """Return the page's path relative to the output root."""
        return f"{self.key}/{self.slug}.html"

    @property
    def pdf(self) -> str:
        """Return the PDF's path relative to the output root, or empty when none was written."""
        name = f"{self.slug}.pdf"
        return f"{self.key}/{name}" if name in self.files else ""

    @property
    def thumbnail(self) -> str:
        """Return the first figure's path relative to the output root, or empty."""
        return f"{self.key}/{self.image}" if self.image else ""


def _hash_tree(digest: Any, root: Path, label: str) -> None:
    if not root.is_dir():
        return
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(f"\0{label}/{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())


def shared_hash(inputs: Path) -> str:
    """Return the hash of everything every edition depends on."""
    from weekly.inputs.templates import templates_dir

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
    """Return the hash of edition ``key``'s own folder, the files it names outside that folder
    (a figure kept in ``inputs/maps/``), the shared hash and its events."""
    digest = hashlib.sha256(shared.encode())
    digest.update(f"\0events\0{events}".encode())
    _hash_tree(digest, inputs / key, key)
    for path in _outside_files(inputs, key):
        digest.update(f"\0outside/{path.relative_to(inputs.resolve()).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: ``image:`` and ``file:`` values of the front matter (figures and map layers).
_NAMED_FILE = re.compile(r"""^\s*-?\s*(?:image|file):\s*["']?([^"'#\n]+?)["']?\s*$""", re.M)


def _outside_files(inputs: Path, key: str) -> list[Path]:
    """Return the files an edition's front matter names that lie outside its own folder
    but inside the inputs (rendering refuses anything further out), in a stable order."""
    folder = inputs / key
    try:
        text = (folder / "update.md").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    front = text.split("\n---", 1)[0]
    root, own = inputs.resolve(), folder.resolve()
    found: set[Path] = set()
    for name in _NAMED_FILE.findall(front):
        try:
            path = (folder / name.strip()).resolve()
        except (OSError, RuntimeError, ValueError):
            continue
        if path.is_relative_to(root) and not path.is_relative_to(own) and path.is_file():
            found.add(path)
    return sorted(found)


def events_digests(inputs: Path, keys: list[str]) -> dict[str, str]:
    """Return, per edition, the digest of the events rows it can see (up to its cutoff)."""
    if not any(inputs.glob("events.*")):
        return {}
    from weekly.events.cache import visible_digests

    days = {key: dt.date.fromisoformat(key) for key in keys}
    found = visible_digests(inputs, list(days.values()))
    return {key: found.get(day, "") for key, day in days.items()}


def entry_of(update: Update, files: list[str], countries: list[str]) -> Entry:
    """Return the manifest record of a rendered ``update``."""
    edition = update.edition
    series = edition.series
    takeaway = " ".join(
        f"{region}. {text}" if region and not region.isdigit() else text
        for region, text in zip(edition.takeaways, update.takeaway_text, strict=False)
    )
    zone = ZoneInfo(series.timezone)
    cutoff = edition.cutoff.replace(tzinfo=zone)
    published = max(cutoff, dt.datetime.combine(edition.published, dt.time(), zone))
    placed = sorted(
        (f for f in update.figures.values() if f.asset is not None), key=lambda f: f.number
    )
    first = placed[0] if placed else None
    days = [c.date for c in edition.corrections]
    corrected = (
        dt.datetime.combine(max(days), dt.time(), ZoneInfo(series.timezone)).isoformat()
        if days
        else ""
    )
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
        published=published.isoformat(),
        authors=edition.all_authors,
        takeaway=takeaway,
        files=files,
        regions=list(dict.fromkeys(s.title for s in update.body.sections if s.title)),
        countries=countries,
        image=first.asset.name if first and first.asset else "",
        image_alt=(first.spec.alt or first.spec.title) if first else "",
        corrections=[day.isoformat() for day in days],
        corrected=corrected,
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
    naming ``../../file`` must never reach :meth:`Path.unlink`, nor a page's links.
    """
    if not (_EDITION_KEY.fullmatch(key) and entry.key == key and _SLUG.fullmatch(entry.slug)):
        return False
    if entry.image and not (isinstance(entry.image, str) and inside(entry.image)):
        return False
    if not isinstance(entry.corrections, list) or not _is_instant(entry.corrected):
        return False
    texts = [*entry.regions, *entry.countries, *entry.corrections]
    if not all(isinstance(text, str) for text in texts):
        return False
    return all(isinstance(name, str) and inside(name) for name in entry.files)


def _is_instant(text: object) -> bool:
    """Return True for ``""`` or an ISO 8601 date and time (a feed's ``<updated>``)."""
    if text == "":
        return True
    try:
        return isinstance(text, str) and dt.datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def inside(name: str) -> bool:
    """Return True for a plain relative path with no ``..``, drive, or backslash in it."""
    pure = PurePosixPath(name)
    return (
        bool(name)
        and "\\" not in name
        and "\0" not in name
        and not pure.is_absolute()
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )


def manifest_bytes(
    entries: dict[str, Entry], search: str = "", pages: list[str] | None = None
) -> bytes:
    """Return the manifest file's content.

    ``search`` is the hash the search index was built from; ``pages`` the site's own pages
    (index, topic and series pages), so that a page no longer made can be removed.
    """
    data = {
        "version": MANIFEST_VERSION,
        "weekly": __version__,
        "search": search,
        "pages": sorted(pages or []),
        "editions": {key: asdict(entries[key]) for key in sorted(entries)},
    }
    return (json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


#: The only folders whose pages the archive removes when it no longer makes them.
_PAGE = re.compile(r"(?:regions|countries|series)/[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|xml)")


def site_state(output: Path) -> tuple[str, list[str]]:
    """Return the search index's hash and the site pages recorded by the last build.

    Only topic and series pages (``regions/mali.html``) are returned: any other name in the
    manifest, read back from disk, is ignored.
    """
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        search, pages = data.get("search", ""), data.get("pages", [])
    except (OSError, ValueError, AttributeError):
        return "", []
    search = search if isinstance(search, str) else ""
    if not isinstance(pages, list):
        return search, []
    return search, [p for p in pages if isinstance(p, str) and _PAGE.fullmatch(p)]


def newest_first(entries: Sequence[Entry]) -> list[Entry]:
    """Return ``entries`` newest first (series key breaks ties)."""
    return sorted(entries, key=lambda e: (e.key, e.series), reverse=True)


def archive_title(entries: Sequence[Entry]) -> str:
    """Return the archive's title: the series name when there is one series."""
    names = list(dict.fromkeys(e.series_name for e in entries))
    if len(names) == 1:
        return f"{names[0]}: All Editions"
    organization = entries[0].organization if entries else "weekly"
    return f"{organization}: All Editions"
