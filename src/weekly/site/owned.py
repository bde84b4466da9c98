"""The site's files: what under ``output/`` the archive owns, and what it must not publish.

``output/`` is what a web server publishes. The site owns the editions' folders (their pages,
PDFs, fragments, share cards, figures and the versions kept before corrections), its own
pages (index, 404, topic and series pages), the feeds and sitemap, the icons
(``favicon.svg``, ``favicon-32.png``, ``apple-touch-icon.png``) and ``robots.txt``, the
search index, ``manifest.json``, and the lock and staging names that
publishing an edition leaves beside its folder. Anything else there (a draft page, mail drafts
or a delivery ledger from an earlier version, a note, a copy of a subscriber list) is not for readers:
``weekly archive`` refuses to publish while it is there and ``weekly check`` warns about it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from weekly.errors import Problem, display_path
from weekly.findings import Level
from weekly.render.cards import CARD
from weekly.site.manifest import MANIFEST
from weekly.site.versions import is_kept

#: An edition folder's name.
_KEY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Files at the top of the output folder: the site's pages, feeds and sitemap.
_ROOT_FILE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|xml)")
#: The other files at the top of the output folder (:func:`weekly.site.archive._site_files`).
_ROOT_NAMES = frozenset({"favicon.svg", "favicon-32.png", "apple-touch-icon.png", "robots.txt"})
#: What publishing an edition leaves beside its folder (:mod:`weekly.files`).
_PUBLISH_NAME = re.compile(r"\.\d{4}-\d{2}-\d{2}\.(?:lock|old|stage-[^/]*)")
#: A write :func:`weekly.files.write_atomically` began and a kill cut short: a site file's
#: name, then the random part of its temporary name. The next write of that file replaces
#: what it was for; it holds nothing but a piece of a page, feed or manifest.
_INTERRUPTED = re.compile(r"\.(?P<name>[^/]+)\.[a-z0-9_]{8}\.tmp")
#: The scratch folder of a search index build a kill cut short (removed by the next build).
_INTERRUPTED_INDEX = re.compile(r"\.pagefind-[a-z0-9_]{8}")
#: Folders of topic and series pages.
_PAGE_FOLDERS = ("regions", "countries", "series")
_PAGE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|xml)")
#: An edition's own files: its page, fragment and PDF (and, beside them, its share card and
#: the versions kept before corrections: :func:`weekly.site.versions.is_kept`). A draft page
#: is not one: it lives in the state folder (:func:`weekly.state.drafts_folder`), and one an
#: older version left here is a stray like any other.
_EDITION_FILE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.fragment)?\.(?:html|pdf)")


def unowned(output: Path, keys: list[str] | None = None) -> list[Path]:
    """Return the files under ``output`` the site does not own, sorted.

    With ``keys``, only those editions' folders are looked at (what ``check`` does for one
    edition); otherwise the whole output folder.
    """
    if not output.is_dir():
        return []
    if keys is not None:
        found: list[Path] = []
        for key in keys:
            folder = output / key
            if folder.is_dir() and not folder.is_symlink():
                found.extend(_edition_strays(folder))
        return sorted(found)
    return sorted(_root_strays(output))


def linked_folders(output: Path) -> list[Path]:
    """Return the links under ``output`` named as folders the site writes into, sorted.

    An edition's folder, a folder of topic pages or the search index that is a symbolic link
    is not a stray to move out but a folder to replace with a real one (E071): publishing
    through it would write wherever it points.
    """
    from weekly.site.search import FOLDER

    if not output.is_dir():
        return []
    return sorted(
        Path(entry.path)
        for entry in os.scandir(output)
        if entry.is_symlink()
        and (_KEY.fullmatch(entry.name) or entry.name in (*_PAGE_FOLDERS, FOLDER))
    )


def _root_strays(output: Path) -> Iterator[Path]:
    from weekly.site.search import FOLDER

    for entry in os.scandir(output):
        path = Path(entry.path)
        name = entry.name
        if _PUBLISH_NAME.fullmatch(name) or _interrupted_site_write(name):
            continue
        if entry.is_dir(follow_symlinks=False):
            if _KEY.fullmatch(name):
                yield from _edition_strays(path)
            elif name == FOLDER:
                continue  # the search index: pagefind's own files
            elif name in _PAGE_FOLDERS:
                yield from (p for p in _files(path) if not _PAGE.fullmatch(_written(p.name)))
            else:
                yield from _files(path)
        elif name != MANIFEST and name not in _ROOT_NAMES and not _ROOT_FILE.fullmatch(name):
            yield path


def _interrupted_site_write(name: str) -> bool:
    """Return True for what an interrupted write of a site file leaves at the top: a file's
    temporary copy, or the scratch folder of a search index (:mod:`weekly.site.search`)."""
    if _INTERRUPTED_INDEX.fullmatch(name):
        return True
    written = _written(name)
    return written != name and (
        written == MANIFEST or written in _ROOT_NAMES or _ROOT_FILE.fullmatch(written) is not None
    )


def _written(name: str) -> str:
    """Return the file an interrupted write's temporary ``name`` was for, or ``name`` itself."""
    match = _INTERRUPTED.fullmatch(name)
    return match["name"] if match else name


def _edition_file(name: str) -> bool:
    """Return True for a file of an edition's folder: its pages, PDF, card or a kept version."""
    return bool(_EDITION_FILE.fullmatch(name)) or name == CARD or is_kept(name)


def _edition_strays(folder: Path) -> Iterator[Path]:
    for entry in os.scandir(folder):
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "figures":
                yield from _files(path)
        elif not _edition_file(_written(entry.name)):
            yield path


def _files(folder: Path) -> Iterator[Path]:
    """Yield every file (or link) under ``folder``; an empty folder is itself a stray."""
    empty = True
    for root, dirs, names in os.walk(folder):
        empty = False
        for name in names + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            yield Path(root) / name
    if empty:
        yield folder


def stray_problems(paths: list[Path], level: Level, code: str) -> list[Problem]:
    """Return one problem per stray file, saying what to do with it."""
    return [Problem(display_path(path), 0, 0, level, code, _advice(path.name)) for path in paths]


def _advice(name: str) -> str:
    """Return what a stray file named ``name`` is, and what to do with it."""
    if name.endswith(".draft.html"):
        return (
            "a draft page left by an older version (placeholders, review comments), and "
            "everything under the output folder is published: delete it (render --draft "
            "now writes drafts into the state folder)"
        )
    return (
        "not a file of the site, and everything under the output folder is published: "
        "move it out (mail and other private state belong in the state folder)"
    )
