"""The site's files: what under ``output/`` the archive owns, and what it must not publish.

``output/`` is what a web server publishes. The site owns the editions' folders (their pages,
PDFs, fragments, figures and the versions kept before corrections), its own pages (index, 404, topic and series pages), the feeds
and sitemap, the search index, ``manifest.json``, and the lock and staging names that
publishing an edition leaves beside its folder. Anything else there (mail drafts or a delivery
ledger from an earlier version, a note, a copy of a subscriber list) is not for readers:
``weekly archive`` refuses to publish while it is there and ``weekly check`` warns about it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from weekly.errors import Problem, display_path
from weekly.findings import Level
from weekly.site.manifest import MANIFEST
from weekly.site.versions import is_kept

#: An edition folder's name.
_KEY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Files at the top of the output folder: the site's pages, feeds and sitemap.
_ROOT_FILE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|xml)")
#: What publishing an edition leaves beside its folder (:mod:`weekly.files`).
_PUBLISH_NAME = re.compile(r"\.\d{4}-\d{2}-\d{2}\.(?:lock|old|stage-[^/]*)")
#: Folders of topic and series pages.
_PAGE_FOLDERS = ("regions", "countries", "series")
_PAGE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:html|xml)")
#: An edition's own files: its page, draft, fragment and PDF (and, beside them, the versions
#: kept before corrections: :func:`weekly.site.versions.is_kept`).
_EDITION_FILE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.draft|\.fragment)?\.(?:html|pdf)")


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


def _root_strays(output: Path) -> Iterator[Path]:
    from weekly.site.search import FOLDER

    for entry in os.scandir(output):
        path = Path(entry.path)
        name = entry.name
        if _PUBLISH_NAME.fullmatch(name):
            continue
        if entry.is_dir(follow_symlinks=False):
            if _KEY.fullmatch(name):
                yield from _edition_strays(path)
            elif name == FOLDER:
                continue  # the search index: pagefind's own files
            elif name in _PAGE_FOLDERS:
                yield from (p for p in _files(path) if not _PAGE.fullmatch(p.name))
            else:
                yield from _files(path)
        elif name != MANIFEST and not _ROOT_FILE.fullmatch(name):
            yield path


def _edition_strays(folder: Path) -> Iterator[Path]:
    for entry in os.scandir(folder):
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "figures":
                yield from _files(path)
        elif not (_EDITION_FILE.fullmatch(entry.name) or is_kept(entry.name)):
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
    return [
        Problem(
            display_path(path),
            0,
            0,
            level,
            code,
            "not a file of the site, and everything under the output folder is published: "
            "move it out (mail and other private state belong in the state folder)",
        )
        for path in paths
    ]
