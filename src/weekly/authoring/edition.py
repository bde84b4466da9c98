"""Import a draft into ``inputs/DATE/``: read it all, compose the files, then write them at once.

Nothing is written until the whole draft has been read and every file composed, and then
only inside the edition folder (``update.md``, ``sources.yaml``, ``figures/`` and
``import-comments.yaml``), published as one unit by :func:`~weekly.files.publish`.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weekly.authoring.draft import Block, Draft, FigureDraft
from weekly.authoring.notes import Unclassified
from weekly.authoring.package import (
    MAX_IMAGE_BYTES,
    Package,
    TooLarge,
    open_package,
)
from weekly.authoring.reading import Reading, read_draft, title_forms
from weekly.authoring.wordml import (
    Changes,
)
from weekly.errors import Problems, WeeklyError, did_you_mean, display_path
from weekly.inputs.series import Series, load_series
from weekly.inputs.sources import Source, load_sources

IMAGE_KINDS = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
COMMENTS_FILE = "import-comments.yaml"


@dataclass(frozen=True)
class Remark:
    """A reviewer's comment, placed where its paragraph landed in ``update.md``."""

    path: str
    #: The line of ``update.md`` the paragraph landed on; 0 when it is not in the file.
    line: int
    author: str
    excerpt: str
    text: str

    @property
    def location(self) -> str:
        """Return ``path:line`` (just ``path`` when the line is unknown)."""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Tally:
    """What the import took in, for the analyst to compare with the draft at a glance."""

    notes: int
    #: Sources cited, by kind (``article`` -> 12 …), new and reused alike.
    sources: dict[str, int]
    figures: int
    takeaways: int
    sections: int

    def __str__(self) -> str:
        kinds = ", ".join(
            _count(number, *KIND_NOUNS.get(kind, (kind, kind + "s")))
            for kind, number in self.sources.items()
        )
        cited = _count(sum(self.sources.values()), "source")
        return (
            f"{_count(self.notes, 'note')} citing {cited}"
            + (f" ({kinds})" if kinds else "")
            + f", {_count(self.figures, 'figure')}, {_count(self.takeaways, 'takeaway')}, "
            f"{_count(self.sections, 'section')}"
        )


KIND_NOUNS = {
    "article": ("article", "articles"),
    "subscription": ("subscription item", "subscription items"),
    "url": ("web address", "web addresses"),
    "text": ("text source", "text sources"),
}


@dataclass
class Imported:
    """What ``weekly import`` read and wrote: the CLI prints it."""

    folder: Path
    written: list[Path]
    notes: int
    new_sources: int
    reused_sources: int
    changes: Changes
    comments: list[Remark] = field(default_factory=list)
    unclassified: list[Unclassified] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    tally: Tally | None = None


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _series(draft: Draft, known: dict[str, Series], key: str | None, path: Path) -> Series:
    if key is not None:
        if key not in known:
            hint = did_you_mean(key, known)
            raise WeeklyError(
                f"--series: no series '{key}' (known: {', '.join(sorted(known))}){hint}"
            )
        return known[key]
    if draft.series_key in known:
        return known[draft.series_key]
    if not draft.headline:
        raise WeeklyError.at(
            path, None, "no title line like 'Series Name, November 8, 2023: Headline'"
        )
    for series in known.values():
        if series.name == draft.series_name:
            return series
    raise WeeklyError.at(
        path, None, f"the title names the series '{draft.series_name}', which no series "
        "defines; give --series KEY",
    )  # fmt: skip


def _cutoff(draft: Draft, option: str | None, path: Path) -> tuple[dt.date, dt.time | None]:
    if option is not None:
        try:
            return dt.date.fromisoformat(option), draft.cutoff_clock
        except ValueError:
            raise WeeklyError(f"--cutoff must be a date like 2023-11-08, got '{option}'") from None
    if draft.cutoff_day is None and draft.cutoff_line and draft.date:
        return draft.date, draft.cutoff_clock  # "Information Cutoff: 2:00pm ET": the title's day
    if draft.cutoff_day is None:
        raise WeeklyError.at(
            path, None, "no 'Data Cutoff: November 8, 2023, at 10 a.m.' line; give --cutoff DATE"
        )
    return draft.cutoff_day, draft.cutoff_clock


def _dump(value: dict[str, Any], flow: bool | None = False) -> str:
    return yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, width=100, default_flow_style=flow
    )


def _front(
    draft: Draft, series: Series, day: dt.date, clock: dt.time | None, figures: dict[str, Any]
) -> str:
    lines = [f"series: {series.key}"]
    if draft.headline:
        headline = yaml.safe_dump({"headline": draft.headline}, allow_unicode=True, width=1_000_000)
        lines.append(headline.rstrip())
    lines.append(_dump({"authors": draft.authors}, None).rstrip())
    if draft.contributors:
        lines.append(_dump({"contributors": draft.contributors}, None).rstrip())
    lines.append(f"cutoff: {day.isoformat()}" + (f" {clock:%H:%M}" if clock else ""))
    if draft.date and draft.date != day:
        lines.append(f"date: {draft.date.isoformat()}")
    if draft.published and draft.published != (draft.date or day):
        lines.append(f"published: {draft.published.isoformat()}")
    if draft.notices:
        lines.append(_dump({"notices": [b.markdown for b in draft.notices]}).rstrip())
    if draft.takeaway:
        lines.append(_dump({"key_takeaway": draft.takeaway.markdown}).rstrip())
    elif draft.takeaways:
        lines.append(
            _dump({"key_takeaways": {k: b.markdown for k, b in draft.takeaways.items()}}).rstrip()
        )
    elif draft.takeaway_list:
        lines.append(_dump({"key_takeaways": [b.markdown for b in draft.takeaway_list]}).rstrip())
    for key in ("section_authors", "section_contributors"):
        if getattr(draft, key):
            lines.append(_dump({key: getattr(draft, key)}, None).rstrip())
    if figures:
        lines.append(_dump({"figures": figures}).rstrip())
    return "---\n" + "\n".join(lines) + "\n---\n"


def _image(package: Package, figure: FigureDraft, reading: Reading) -> tuple[str, bytes] | None:
    """Return (file name, bytes) of a figure's image, or None (reported) when unusable."""
    image = figure.image
    if image is None:
        reading.draft.skipped.append(f"figure '{figure.id}' has no embedded image")
        return None
    rel = package.relationships(package.main).get(image.rid)
    if rel is None or rel.external or image.link:
        reading.draft.skipped.append(
            f"figure '{figure.id}': linked image not fetched; add it by hand"
        )
        return None
    if not rel.target or rel.target not in package.names:
        reading.draft.skipped.append(f"figure '{figure.id}': image part missing from the package")
        return None
    try:
        data = package.read(rel.target, MAX_IMAGE_BYTES)
    except (zipfile.BadZipFile, OSError, EOFError, WeeklyError):
        reading.draft.skipped.append(f"figure '{figure.id}': image part is damaged; left out")
        return None
    except TooLarge:
        reading.draft.skipped.append(
            f"figure '{figure.id}': image larger than {MAX_IMAGE_BYTES // 2**20} MB left out"
        )
        return None
    kind = next((k for magic, k in IMAGE_KINDS.items() if data.startswith(magic)), None)
    if kind is None:
        name = posixpath.basename(rel.target)
        reading.draft.skipped.append(
            f"figure '{figure.id}': {name} is not PNG, JPEG or GIF; left out"
        )
        return None
    return f"figures/{figure.id}.{kind}", data


def _source_entry(source: Source) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if source.kind == "text":
        entry["text"] = source.text
        if source.short:
            entry["short"] = source.short
        return entry
    if source.authors:
        entry["authors"] = [name.full() for name in source.authors]
    for name in ("publisher", "title"):
        if getattr(source, name):
            entry[name] = getattr(source, name)
    if source.date:
        entry["date"] = source.date
    if source.subscription:
        entry["subscription"] = source.subscription
    if source.url:
        entry["url"] = source.url
    if not source.link:
        entry["link"] = False
    return entry


def _sources_file(sources: list[Source], draft_name: str, day: dt.date) -> str:
    head = f"# Sources of the {day.isoformat()} edition, imported from {draft_name} by weekly import.\n"
    if not sources:
        return head
    body = {s.id: _source_entry(s) for s in sources}
    # libyaml's emitter where PyYAML has it: the same text, a third of the time.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(body, Dumper=dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
    return head + "\n" + text


def _place(block: Block | None, line: int) -> dict[int, int]:
    return {block.paragraph: line} if block else {}


def compose(package: Package, reading: Reading, series: Series, day: dt.date, clock: dt.time | None,
            folder: Path) -> tuple[dict[str, bytes], list[Remark]]:  # fmt: skip
    """Return the edition's files by name and the comments placed in ``update.md``."""
    draft = reading.draft
    files: dict[str, bytes] = {}
    figures: dict[str, Any] = {}
    for figure in draft.figures:
        found = _image(package, figure, reading)
        spec: dict[str, Any] = {"title": figure.title}
        if found:
            files[found[0]] = found[1]
            spec["image"] = found[0]
        spec.update({k: v for k, v in (("note", figure.note), ("source", figure.source)) if v})
        if figure.image is not None and figure.image.alt:
            spec["alt"] = figure.image.alt
        figures[figure.id] = spec
    front = _front(draft, series, day, clock, figures)
    body, lines = _body(draft.body, front.count("\n") + 2)
    text = front + "\n" + body
    files["update.md"] = text.encode("utf-8")
    new = reading.bibliography.new
    files["sources.yaml"] = _sources_file(new, package.path.name, day).encode("utf-8")
    remarks = _remarks(reading, front, lines, folder / "update.md")
    if remarks:
        comments = [
            {"line": r.line, "author": r.author, "paragraph": r.excerpt, "comment": r.text}
            for r in remarks
        ]
        head = f"# Comments in {package.path.name}, kept for the reviewer; weekly does not read this file.\n"
        files[COMMENTS_FILE] = (
            head + yaml.safe_dump(comments, allow_unicode=True, sort_keys=False)
        ).encode()
    return files, remarks


def _body(blocks: list[Block], start: int) -> tuple[str, dict[int, int]]:
    """Return the body's Markdown (a list's items on consecutive lines) and each paragraph's line."""
    out: list[str] = []
    lines: dict[int, int] = {}
    line = start
    for index, block in enumerate(blocks):
        if index:
            tight = block.markdown.startswith("- ") and blocks[index - 1].markdown.startswith("- ")
            out.append("\n" if tight else "\n\n")
            line += 1 if tight else 2
        out.append(block.markdown)
        lines[block.paragraph] = line
    return "".join(out) + "\n", lines


def _remarks(reading: Reading, front: str, lines: dict[int, int], update: Path) -> list[Remark]:
    draft = reading.draft
    for figure in draft.figures:
        placed = next((lines[n] for n in figure.paragraphs if n in lines), 0)
        lines.update({n: placed for n in figure.paragraphs})
    front_lines = front.splitlines()

    def key_line(key: str) -> int:
        return next((i + 1 for i, line in enumerate(front_lines) if line.startswith(key)), 0)

    for block in draft.notices:
        lines.setdefault(block.paragraph, key_line("notices:"))
    lines.update(_place(draft.takeaway, key_line("key_takeaway:")))
    for block in [*draft.takeaways.values(), *draft.takeaway_list]:
        lines.setdefault(block.paragraph, key_line("key_takeaways:"))
    blocks = [*draft.body, *draft.notices, *draft.takeaways.values(), *draft.takeaway_list]
    texts = {b.paragraph: b.markdown for b in blocks + ([draft.takeaway] if draft.takeaway else [])}
    remarks = []
    for key, comment in reading.comments.items():
        paragraph = reading.anchors.get(key)
        line = lines.get(paragraph or -1, 0)
        excerpt = texts.get(paragraph or -1, "")
        excerpt = excerpt if len(excerpt) <= 70 else excerpt[:69].rstrip() + "…"
        remarks.append(Remark(display_path(update), line, comment.author, excerpt, comment.text))
    return remarks


def import_draft(
    path: Path,
    inputs: Path,
    cutoff: str | None = None,
    series: str | None = None,
    force: bool = False,
) -> Imported:
    """Import the Word draft at ``path`` into ``inputs/DATE/``; raise WeeklyError on bad input."""
    package = open_package(path)
    try:
        problems = Problems()
        known = load_series(inputs, problems)
        shared = load_sources([(inputs, False)], problems) if inputs.is_dir() else {}
        problems.raise_if_errors()
        reading = read_draft(package, shared, title_forms(known))
        chosen = _series(reading.draft, known, series, path)
        day, clock = _cutoff(reading.draft, cutoff, path)
        draft = reading.draft
        if not (draft.body or draft.takeaway or draft.takeaways or draft.takeaway_list):
            raise WeeklyError.at(path, None, "no text under the title: nothing to import")
        folder = inputs / day.isoformat()
        if folder.exists() and not force:
            raise WeeklyError.at(
                folder, None, "an edition is already here; give --force to replace it"
            )
        files, remarks = compose(package, reading, chosen, day, clock, folder)
    finally:
        package.zip.close()
    from weekly.files import publish

    # The folder is published as one unit, as render publishes its output: a crash or a
    # full disk leaves the old edition whole (or no folder at all), never a mix. Comments
    # of an earlier import go with the draft they were made on.
    if folder.is_symlink():
        raise WeeklyError.at(
            folder, None, "cannot write: a link, not a folder; import writes a real folder"
        )
    if folder.exists() and not folder.is_dir():
        raise WeeklyError.at(folder, None, "cannot write: not a folder; move it out of the way")
    written = publish(folder, files, drop={COMMENTS_FILE}, tidy=True)
    bibliography = reading.bibliography
    reused = {k for k, e in bibliography.entries.items() if e.shared and e.cited}
    return Imported(
        folder, written, reading.notes, len(bibliography.new), len(reused), reading.changes,
        remarks, bibliography.unclassified, reading.draft.skipped, tally(reading),
    )  # fmt: skip


def tally(reading: Reading) -> Tally:
    """Return the count of what ``reading`` holds."""
    draft = reading.draft
    kinds: dict[str, int] = {}
    for entry in reading.bibliography.entries.values():
        if entry.cited:
            kinds[entry.source.kind] = kinds.get(entry.source.kind, 0) + 1
    order = ("article", "subscription", "url", "text")
    sources = {k: kinds.pop(k) for k in order if k in kinds} | dict(sorted(kinds.items()))
    takeaways = 1 if draft.takeaway else len(draft.takeaways) or len(draft.takeaway_list)
    sections = sum(1 for block in draft.body if block.markdown.startswith("## "))
    return Tally(reading.notes, sources, len(draft.figures), takeaways, sections)
