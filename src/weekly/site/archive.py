"""Build the archive: render every edition whose inputs changed, then the site around them.

An edition is re-rendered when the hash of what it is made of changed since the last build:
its own folder (``update.md``, ``sources.yaml``, figures), the shared inputs (``sources.yaml``,
``sources.json``, ``sources.bib``, ``sources.ris``, ``series.yaml``, every ``events.*``), the templates (the package's and the
project's ``reports/templates``) and the version of ``weekly``; or when a neighbour it links to
changed its title or file name; or when one of its files is missing from the output.
After the editions come the site's pages (:mod:`weekly.site.pages`), feeds and sitemap
(:mod:`weekly.site.feed`) and, when an edition changed, the search index
(:mod:`weekly.site.search`). ``output/manifest.json`` (:mod:`weekly.site.manifest`) records it all.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from weekly.errors import Problem, WeeklyError
from weekly.files import write_atomically
from weekly.inputs.edition import list_editions
from weekly.pipeline import Progress, no_progress
from weekly.resolve.update import Update
from weekly.site.manifest import (
    MANIFEST,
    Entry,
    edition_hash,
    entry_of,
    events_digests,
    inside,
    load_manifest,
    manifest_bytes,
    shared_hash,
    site_state,
)
from weekly.site.versions import (
    Revision,
    content_hash,
    earlier_pages,
    is_kept,
    kept_name,
    revise,
    silent_edit,
)

__all__ = ["Progress", "build_archive", "no_progress"]


@dataclass
class ArchiveResult:
    """What an archive build did."""

    #: (edition, reason) for each edition rendered: new, changed, neighbour changed, output missing.
    rendered: list[tuple[str, str]]
    skipped: list[str]
    written: list[Path]
    warnings: list[Problem] = field(default_factory=list)
    #: The search index folder when it was rebuilt, else None.
    searched: Path | None = None
    #: How many edition pages the search index covers.
    indexed: int = 0
    #: The earlier versions kept beside a corrected edition in this build.
    kept: list[Path] = field(default_factory=list)


def navigation(entries: dict[str, Entry], base_url: str = "") -> dict[str, Any]:
    """Return each edition's archive links: neighbours in its series, topics, canonical URL."""
    from weekly.render.html import NavLink, NavView
    from weekly.site.feed import link as absolute
    from weekly.site.pages import series_path
    from weekly.site.topics import topic_links

    def to(entry: Entry) -> NavLink:
        return NavLink(f"../{entry.html}", entry.headline, entry.date)

    several = len({e.series for e in entries.values()}) > 1

    by_series: dict[str, list[Entry]] = {}
    for key in sorted(entries):
        by_series.setdefault(entries[key].series, []).append(entries[key])
    found = {}
    for run in by_series.values():
        for index, entry in enumerate(run):
            previous = run[index - 1] if index else None
            following = run[index + 1] if index + 1 < len(run) else None
            found[entry.key] = NavView(
                previous=to(previous) if previous else None,
                next=to(following) if following else None,
                topics=topic_links(entry),
                canonical=absolute(base_url, entry.html) if base_url else "",
                root="../",
                series_href=f"../{series_path(entry.series)}" if several else "",
                series_name=entry.series_name if several else "",
            )
    return found


def _nav_hash(nav: Any) -> str:
    return hashlib.sha256(json.dumps(asdict(nav), sort_keys=True).encode()).hexdigest()


def _up_to_date(entry: Entry | None, folder: Path, formats: tuple[str, ...]) -> bool:
    if entry is None:
        return False
    from weekly.pipeline import output_name

    wanted = {output_name(entry.slug, fmt) for fmt in formats}
    return wanted <= set(entry.files) and all((folder / name).is_file() for name in entry.files)


def build_archive(
    inputs: Path,
    output: Path,
    formats: tuple[str, ...] = ("html", "pdf"),
    base_url: str = "",
    progress: Progress = no_progress,
    jobs: int | None = 1,
    accept_silent_edits: bool = False,
) -> ArchiveResult:
    """Render every changed edition under ``inputs`` into ``output``; write the site around them.

    Every changed edition is assembled and checked before anything is written: one error
    anywhere stops the build with all problems reported and the previous output untouched.
    ``jobs`` processes (None: one a core) assemble the editions and print the PDFs
    (:mod:`weekly.site.pool`);    the output is the same byte for byte whatever their number.

    A published edition that carries a new correction keeps the version published before
    it beside the new one (:mod:`weekly.site.versions`); one that changed without a new
    correction is warned about (W080), unless ``accept_silent_edits``.
    """
    from weekly.pipeline import Caches, edition_files, write_edition
    from weekly.render.worker import Printer, cpu_count
    from weekly.site.feed import checked_base_url
    from weekly.site.pool import check_edition, preload, worth_it

    checked_base_url(base_url)  # the CLI refused a bad one already; a caller of the core too

    keys = list_editions(inputs)
    if not keys:
        raise WeeklyError.at(
            inputs, None, "no editions found (expected folders like 2023-12-13 with an update.md)"
        )
    refuse_strays(output)
    old = load_manifest(output)
    last_search, last_pages = site_state(output)
    shared = shared_hash(inputs)
    events_found = events_digests(inputs, keys)
    hashes = {key: edition_hash(inputs, key, shared, events_found.get(key, "")) for key in keys}
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
    countries: dict[str, list[str]] = {}
    contents: dict[str, str] = {}
    warnings: list[Problem] = []
    todo = [k for k in keys if k in reasons]
    pdf = "pdf" in formats
    processes = worth_it(jobs or cpu_count(), len(todo), pdf)
    #: Editions rendered while others were still being checked: the navigation they were
    #: rendered with, their files, and the future of their PDF.
    early: dict[str, tuple[Any, dict[str, bytes], Future[bytes] | None]] = {}
    known = {key: old[key] for key in keys if key in old}  # entries as far as known so far

    run_caches = Caches()  # the run's: checks run here and the judgments pages read through it
    with Printer(processes, preload(bool(events_found))) as workers:
        caches = run_caches if workers.here else None  # checks in workers keep their own

        def render(key: str, nav: Any) -> tuple[Any, dict[str, bytes], Future[bytes] | None]:
            """Render ``key``'s files with ``nav``; its PDF is printed by a worker."""
            futures: list[Future[bytes]] = []

            def deferred(html: str, assets: Any) -> bytes:
                futures.append(workers.print(html, assets))
                return b""  # replaced by the printed bytes before anything is written

            files = edition_files(updates[key], formats, nav=nav, write_pdf=deferred)
            return nav, files, futures[0] if futures else None

        def nav_of(key: str, entries: dict[str, Entry], keeping: dict[str, bytes]) -> Any:
            kept = [*_kept(key, output), *keeping]
            return replace(navigation(entries, base_url)[key], earlier=earlier_pages(kept))

        def render_early(key: str) -> None:
            """Render ``key`` with the neighbours known now; redone at the end if they change."""
            update = updates[key]
            keeping = _keep_versions({key: update}, old, {key: contents[key]}, output)
            early[key] = render(key, nav_of(key, known, keeping.get(key, {})))

        def check(chosen: list[str], pipelined: bool = False) -> None:
            """Check ``chosen``; with ``pipelined``, render each edition once the next is checked.

            Checks are handed to the workers a few at a time, so the PDFs of the editions
            rendered early are printed between them rather than after all of them.
            """
            problems: list[Problem] = []
            waiting = iter(chosen)
            window = max(1, processes) + 2
            futures = [
                (key, workers.submit(check_edition, inputs, key, caches)) for key in chosen[:window]
            ]
            for _ in futures:
                next(waiting)
            previous = ""
            with progress("Checking", len(chosen)) as step:
                while futures:  # in edition order, whatever finishes first
                    key, future = futures.pop(0)
                    following = next(waiting, None)
                    if following is not None:
                        futures.append(
                            (following, workers.submit(check_edition, inputs, following, caches))
                        )
                    update, found, failed = future.result()
                    problems.extend(failed)
                    if update is not None:
                        updates[key], countries[key] = update, found
                        contents[key] = content_hash(inputs, key)
                        known[key] = entry_of(update, [], found)
                        warnings.extend(update.problems.warnings)
                    if pipelined and not problems:
                        if previous:
                            render_early(previous)
                        previous = key
                    step()
            if problems:
                raise WeeklyError(problems)
            if pipelined and previous:
                render_early(previous)

        check(todo, pipelined=True)
        entries = {
            key: entry_of(updates[key], [], countries[key]) if key in updates else old[key]
            for key in keys
        }
        keeping = _keep_versions(updates, old, contents, output)
        if not accept_silent_edits:
            warnings.extend(
                silent_edit(updates[key].edition.path, 1)
                for key in updates
                if key in old and _revision(old[key], updates[key], contents[key]).silent
            )
        navs = navigation(entries, base_url)
        for key in keys:
            kept = [*_kept(key, output), *keeping.get(key, {})]
            navs[key] = replace(navs[key], earlier=earlier_pages(kept))
        for key in keys:
            if key not in reasons and old[key].nav_hash != _nav_hash(navs[key]):
                reasons[key] = "neighbour changed"
        check([k for k in keys if k in reasons and k not in updates])

        rendered = [(key, reasons[key]) for key in keys if key in reasons]
        result_kept: list[Path] = []
        pending: list[tuple[str, dict[str, bytes], Future[bytes] | None]] = []
        for key, _ in rendered:
            made = early.get(key)
            if made is None or made[0] != navs[key]:  # a neighbour turned out otherwise
                made = render(key, navs[key])
            pending.append((key, made[1], made[2]))
        with progress("Rendering", len(rendered)) as step:
            for key, files, future in pending:  # in edition order, whatever finishes first
                update = updates[key]
                if future is not None:
                    files[f"{update.slug}.pdf"] = future.result()
                folder = output / key
                files.update(keeping.get(key, {}))  # the version published before, kept
                write_edition(update, output, files)  # as one unit: old or new, never a mix
                result_kept.extend(folder / name for name in keeping.get(key, {}))
                previous = old.get(key)
                published = set(files) | set(_kept(key, output))
                for name in previous.files if previous else []:
                    if name not in published and inside(name):
                        (folder / name).unlink(missing_ok=True)
                entry = entry_of(update, sorted(published), countries[key])
                entry.input_hash, entry.nav_hash = hashes[key], _nav_hash(navs[key])
                entry.content_hash = contents.get(key) or content_hash(inputs, key)
                entries[key] = entry
                old[key] = entry
                write_atomically(output, {MANIFEST: manifest_bytes(old, "", last_pages)})
                step()

    listed = [entries[key] for key in keys]
    result = ArchiveResult(rendered, [key for key in keys if key not in reasons], [], warnings)
    result.kept = result_kept
    search = _search(output, listed, last_search, result)
    site = _site_files(listed, base_url)
    from weekly.site.pages import judgment_pages

    site.update(judgment_pages(inputs, listed, run_caches))
    pages = [name for name in site if "/" in name]
    site[MANIFEST] = manifest_bytes(entries, search, pages)
    write_atomically(output, site)
    for name in last_pages:  # a region no longer covered, a series no longer published
        if name not in site:
            (output / name).unlink(missing_ok=True)
    result.written = [output / name for name in list(site)[:2]]
    return result


def _kept(key: str, output: Path) -> list[str]:
    """Return the files of the versions kept before corrections in edition ``key``'s folder.

    The folder, not the manifest, is the record: a run killed after publishing a corrected
    edition but before writing the manifest has kept the earlier version all the same, and
    one deleted by hand cannot be made again (its link is dropped).
    """
    folder = output / key
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if is_kept(p.name) and p.is_file())


def _revision(previous: Entry, update: Update, content: str) -> Revision:
    now = [c.date.isoformat() for c in update.edition.corrections]
    return revise(previous.corrections, now, previous.content_hash, content)


def _keep_versions(
    updates: dict[str, Update], old: dict[str, Entry], contents: dict[str, str], output: Path
) -> dict[str, dict[str, bytes]]:
    """Return, per edition given a new correction, the files of the version published before.

    The page and PDF on disk are what was published (the manifest lists them); each is kept
    under a name no earlier version has (:func:`weekly.site.versions.kept_name`). A kept file
    the manifest does not list was kept by a run killed before it wrote the manifest: the
    page on disk is then the corrected one already, and nothing more is kept.
    """
    found: dict[str, dict[str, bytes]] = {}
    for key, update in updates.items():
        previous = old.get(key)
        if previous is None:
            continue
        day = _revision(previous, update, contents[key]).correction
        if not day:
            continue
        on_disk = set(_kept(key, output))
        if on_disk - set(previous.files):
            continue
        taken = set(previous.files) | on_disk
        kept: dict[str, bytes] = {}
        for suffix in ("html", "pdf"):
            name = f"{previous.slug}.{suffix}"
            path = output / key / name
            if name in previous.files and path.is_file():
                kept[kept_name(update.slug, day, suffix, taken)] = path.read_bytes()
        if kept:
            found[key] = kept
    return found


def refuse_strays(output: Path) -> None:
    """Raise when ``output`` holds a file the site does not own (E050): it would be published.

    A link in place of a folder the site writes into is refused as such (E071), not as a stray.
    """
    from weekly.files import linked_folder
    from weekly.site.owned import linked_folders, stray_problems, unowned

    links = linked_folders(output)
    if links:
        raise WeeklyError([p for link in links for p in linked_folder(link).problems])
    strays = unowned(output)
    if strays:
        raise WeeklyError(stray_problems(strays, "error", "E050"))


def _search(output: Path, listed: list[Entry], last: str, result: ArchiveResult) -> str:
    """Rebuild the search index when an edition it covers changed; return its hash."""
    from weekly.site.search import FOLDER, build_index, search_hash

    pages = [entry.html for entry in listed]
    wanted = search_hash(pages, [f"{e.input_hash}{e.nav_hash}" for e in listed])
    if last == wanted and (output / FOLDER / "pagefind.js").is_file():
        return wanted
    result.searched = build_index(output, pages)
    result.indexed = len(pages)
    return wanted


def _site_files(listed: list[Entry], base_url: str) -> dict[str, bytes]:
    """Return the index, feeds, the other site pages and (with a base URL) the sitemap."""
    from weekly.render.html import stylesheet
    from weekly.site.feed import feed_xml, lastmod, robots_txt, sitemap_xml, updated
    from weekly.site.icons import icon_files
    from weekly.site.pages import series_path, site_pages
    from weekly.site.topics import group

    pages = site_pages(listed, base_url)
    site = {"index.html": pages.pop("index.html"), "feed.xml": feed_xml(listed, base_url)}
    site["favicon.svg"] = stylesheet("favicon.svg").encode("utf-8")
    site.update(icon_files())  # favicon-32.png, apple-touch-icon.png
    site["robots.txt"] = robots_txt(base_url)
    for key in sorted({e.series for e in listed}):
        path = series_path(key)
        if path in pages:
            chosen = [e for e in listed if e.series == key]
            feed = path.removesuffix(".html") + ".xml"
            site[feed] = feed_xml(chosen, base_url, feed, path)
    site.update(pages)
    if base_url:
        listing = {topic.path: found for topic, found in group(listed).items()}
        for key in sorted({e.series for e in listed}):
            listing[series_path(key)] = [e for e in listed if e.series == key]
        everything = {"index.html": lastmod(listed)}
        everything |= {p: lastmod(listing.get(p, [])) for p in sorted(pages) if p != "404.html"}
        everything |= {e.html: updated(e) for e in listed}
        site["sitemap.xml"] = sitemap_xml(base_url, everything)
    return site
