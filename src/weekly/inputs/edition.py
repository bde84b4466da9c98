"""Load an edition's inputs: front matter, body text, series and figure definitions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weekly.errors import Problems, WeeklyError, read_text
from weekly.inputs.series import Series, load_series
from weekly.inputs.sources import Source, load_sources
from weekly.inputs.yamlfile import YamlDoc, YamlLoader, as_date, load_yaml

EDITION_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FRONT_MATTER_FIELDS = {
    "series", "headline", "authors", "contributors", "cutoff", "date", "published",
    "notices", "key_takeaway", "key_takeaways", "figures", "section_authors",
}  # fmt: skip
FIGURE_FIELDS = {"title", "image", "chart", "note", "source", "alt"}
CHART_KINDS = ("weekly", "monthly", "share", "map")
DEFAULT_SERIES = "salafi-jihadi"


@dataclass(frozen=True)
class FigureSpec:
    """A figure defined in the front matter: an image file or a chart of events."""

    id: str
    title: str
    line: int
    image: str | None = None
    chart: str | None = None
    note: str = ""
    source: str = ""
    alt: str = ""
    #: Chart parameters (``where``, ``since``, ``until``, ``by`` …), as given.
    options: dict[str, Any] = field(default_factory=dict)
    #: Line of each field, for errors about it.
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Edition:
    """Everything read from the inputs for one edition, before the body is parsed."""

    #: Edition folder, ``inputs/2023-12-13``.
    folder: Path
    #: The inputs root.
    inputs: Path
    #: ``inputs/2023-12-13/update.md``.
    path: Path
    series: Series
    headline: str
    authors: list[str]
    contributors: list[str]
    #: The data cutoff, local time of the series' time zone (naive).
    cutoff: dt.datetime
    #: The edition date in the title.
    date: dt.date
    #: The posting date.
    published: dt.date
    notices: list[str]
    #: Region -> takeaway; the single-takeaway form uses the key ``""``.
    takeaways: dict[str, str]
    figures: dict[str, FigureSpec]
    sources: dict[str, Source]
    #: The Markdown body (before the template runs) and the line it starts on.
    body: str
    body_line: int
    front: YamlDoc
    #: ``## Region`` heading -> the authors printed under it (``Author: …``).
    section_authors: dict[str, list[str]] = field(default_factory=dict)
    #: The lines of ``update.md`` as read, for column lookups.
    lines: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Return the edition's folder name, ``2023-12-13``."""
        return self.folder.name

    def line(self, *keys: str | int) -> int:
        """Return the line of a front matter key."""
        return self.front.line(*keys)


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter, body, body's first line) of an ``update.md``."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise WeeklyError.at(
            path, 1, "update.md must start with YAML front matter between '---' lines", "E003"
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise WeeklyError.at(path, 1, "front matter is not closed by a '---' line", "E003")


def list_editions(inputs: Path) -> list[str]:
    """Return the edition folder names under ``inputs``, oldest first."""
    if not inputs.is_dir():
        return []
    return sorted(
        p.name
        for p in inputs.iterdir()
        if p.is_dir() and EDITION_DIR.match(p.name) and (p / "update.md").is_file()
    )


def resolve_cutoff(inputs: Path, cutoff: str) -> str:
    """Return the edition folder name for ``--cutoff`` (a date or ``latest``)."""
    editions = list_editions(inputs)
    if cutoff == "latest":
        if not editions:
            raise WeeklyError.at(
                inputs,
                None,
                "no editions found (expected folders like 2023-12-13 with an update.md)",
            )
        return editions[-1]
    try:
        day = dt.date.fromisoformat(cutoff)
    except ValueError:
        raise WeeklyError(
            f"--cutoff must be a date like 2023-12-13 or 'latest', got '{cutoff}'"
        ) from None
    name = day.isoformat()
    if not (inputs / name / "update.md").is_file():
        raise WeeklyError.at(inputs / name / "update.md", None, f"no edition for cutoff {name}")
    return name


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _names(doc: YamlDoc, key: str, problems: Problems) -> list[str] | None:
    value = doc.data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(_text(v) for v in value):
        problems.error("E002", doc.path, doc.line(key), f"{key} must be a list of names")
        return None
    return [str(v).strip() for v in value]


def _date(doc: YamlDoc, key: str, problems: Problems) -> dt.date | None:
    value = doc.data.get(key)
    if value is None:
        return None
    try:
        return as_date(value)
    except ValueError:
        problems.error(
            "E002", doc.path, doc.line(key), f"{key} must be a date like 2023-12-13, got '{value}'"
        )
        return None


def _cutoff(doc: YamlDoc, series: Series, folder_day: dt.date, problems: Problems) -> dt.datetime:
    value = doc.data.get("cutoff")
    fallback = dt.datetime.combine(folder_day, series.cutoff_clock())
    if value is None:
        return fallback
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, series.cutoff_clock())
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}):(\d{2}))?", str(value).strip())
    try:
        if not match:
            raise ValueError
        day = dt.date.fromisoformat(match[1])
        clock = dt.time(int(match[2]), int(match[3])) if match[2] else series.cutoff_clock()
        return dt.datetime.combine(day, clock)
    except ValueError:
        problems.error(
            "E002",
            doc.path,
            doc.line("cutoff"),
            f"cutoff must look like 2023-12-13 10:00, got '{value}'",
        )
        return fallback


def _figures(doc: YamlDoc, problems: Problems) -> dict[str, FigureSpec]:
    raw = doc.data.get("figures")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.error(
            "E002", doc.path, doc.line("figures"), "figures must be a mapping of id to figure"
        )
        return {}
    found = {}
    for key, entry in raw.items():
        key = str(key)
        line = doc.line("figures", key)
        if not isinstance(entry, dict):
            problems.error("E002", doc.path, line, f"figure '{key}' must be a mapping")
            continue
        lines = {str(k): doc.line("figures", key, str(k)) for k in entry}
        title = _text(entry.get("title"))
        if not title:
            problems.error(
                "E002", doc.path, line, f"figure '{key}': missing required field 'title'"
            )
        image, chart = entry.get("image"), entry.get("chart")
        if (image is None) == (chart is None):
            problems.error("E002", doc.path, line, f"figure '{key}' needs either image: or chart:")
        elif chart is not None and chart not in CHART_KINDS:
            problems.error(
                "E002",
                doc.path,
                lines["chart"],
                f"figure '{key}': chart must be one of {', '.join(CHART_KINDS)}, got '{chart}'",
            )
        elif image is not None and not _text(image):
            problems.error(
                "E002", doc.path, lines["image"], f"figure '{key}': image must be a file name"
            )
        for name in ("note", "source", "alt"):
            if name in entry and not _text(entry[name]):
                problems.error(
                    "E002", doc.path, lines[name], f"figure '{key}': {name} must be text"
                )
        if image is not None and chart is None:
            for name in entry:
                if name not in FIGURE_FIELDS:
                    problems.error(
                        "E002", doc.path, lines[name], f"figure '{key}': unknown field '{name}'"
                    )
        found[key] = FigureSpec(
            id=key,
            title=title or key,
            line=line,
            image=str(image) if image is not None else None,
            chart=str(chart) if chart is not None else None,
            note=_text(entry.get("note")) or "",
            source=_text(entry.get("source")) or "",
            alt=_text(entry.get("alt")) or "",
            options={k: v for k, v in entry.items() if k not in FIGURE_FIELDS},
            lines=lines,
        )
    return found


def _takeaways(doc: YamlDoc, problems: Problems) -> dict[str, str]:
    one, many = doc.data.get("key_takeaway"), doc.data.get("key_takeaways")
    if one is not None and many is not None:
        problems.error(
            "E002",
            doc.path,
            doc.line("key_takeaways"),
            "give key_takeaway or key_takeaways, not both",
        )
    if one is not None:
        if not _text(one):
            problems.error(
                "E002",
                doc.path,
                doc.line("key_takeaway"),
                "key_takeaway must be a paragraph of text",
            )
            return {}
        return {"": str(one).strip()}
    if many is None:
        return {}
    if isinstance(many, list) and all(_text(v) for v in many):
        return {str(i + 1): str(v).strip() for i, v in enumerate(many)}
    if not isinstance(many, dict) or not all(_text(v) for v in many.values()):
        problems.error(
            "E002",
            doc.path,
            doc.line("key_takeaways"),
            "key_takeaways must map each region to a paragraph",
        )
        return {}
    return {str(k): str(v).strip() for k, v in many.items()}


def _section_authors(doc: YamlDoc, problems: Problems) -> dict[str, list[str]]:
    raw = doc.data.get("section_authors")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.error(
            "E002",
            doc.path,
            doc.line("section_authors"),
            "section_authors must map each region heading to a list of names",
        )
        return {}
    found = {}
    for heading, names in raw.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names or not all(_text(n) for n in names):
            problems.error(
                "E002",
                doc.path,
                doc.line("section_authors", str(heading)),
                f"section_authors: '{heading}' must be a list of names",
            )
            continue
        found[str(heading)] = [str(n).strip() for n in names]
    return found


def load_edition(
    inputs: Path, name: str, problems: Problems, load: YamlLoader = load_yaml
) -> Edition:
    """Read and validate one edition's inputs, recording every problem found.

    ``load`` parses every YAML file read (a :class:`~weekly.inputs.yamlfile.YamlCache` may stand in).

    Raises :class:`WeeklyError` only when the update cannot be read at all.
    """
    folder = inputs / name
    path = folder / "update.md"
    text = read_text(path)
    front_text, body, body_line = split_front_matter(text, path)
    doc = load(front_text, path, 2)
    if not isinstance(doc.data, dict):
        raise WeeklyError.at(path, 2, "front matter must be a mapping of fields", "E002")
    for key_path, line in doc.duplicates:
        problems.error("E002", path, line, f"front matter field '{key_path[-1]}' is given twice")
    for key in doc.data:
        if key not in FRONT_MATTER_FIELDS:
            problems.error("E002", path, doc.line(str(key)), f"unknown front matter field '{key}'")

    all_series = load_series(inputs, problems, load)
    series_key = _text(doc.data.get("series")) or DEFAULT_SERIES
    series = all_series.get(series_key)
    if series is None:
        known = ", ".join(sorted(all_series))
        problems.error(
            "E002", path, doc.line("series"), f"unknown series '{series_key}' (known: {known})"
        )
        series = all_series[DEFAULT_SERIES]

    headline = _text(doc.data.get("headline"))
    if not headline:
        problems.error("E002", path, 1, "missing required field 'headline'")
    authors = _names(doc, "authors", problems)
    if authors is None:
        authors = list(series.authors)
    if not authors:
        problems.error("E002", path, doc.line("authors"), "missing required field 'authors'")
    contributors = _names(doc, "contributors", problems) or []

    notices_raw = doc.data.get("notices", [])
    if isinstance(notices_raw, str):
        notices_raw = [notices_raw]
    if not isinstance(notices_raw, list) or not all(_text(n) for n in notices_raw):
        problems.error("E002", path, doc.line("notices"), "notices must be a list of paragraphs")
        notices_raw = []
    notices = list(series.notices) + [str(n).strip() for n in notices_raw]

    folder_day = dt.date.fromisoformat(name)
    cutoff = _cutoff(doc, series, folder_day, problems)
    if cutoff.date() != folder_day:
        problems.error(
            "E002",
            path,
            doc.line("cutoff"),
            f"cutoff {cutoff.date().isoformat()} does not match the edition folder {name}",
        )
    day = _date(doc, "date", problems) or cutoff.date()
    published = _date(doc, "published", problems) or day

    sources = load_sources([(inputs, False), (folder, True)], problems, load)
    return Edition(
        folder=folder,
        inputs=inputs,
        path=path,
        series=series,
        headline=headline or "",
        authors=authors,
        contributors=contributors,
        cutoff=cutoff,
        date=day,
        published=published,
        notices=notices,
        takeaways=_takeaways(doc, problems),
        figures=_figures(doc, problems),
        sources=sources,
        body=body,
        body_line=body_line,
        front=doc,
        section_authors=_section_authors(doc, problems),
        lines=text.splitlines(),
    )
