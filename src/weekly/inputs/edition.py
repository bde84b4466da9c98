"""Load an edition's inputs: front matter, body text, series and figure definitions."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from weekly.errors import Problems, WeeklyError, did_you_mean, read_text
from weekly.inputs.frontmatter import (
    CHART_KINDS,
    FIGURE_FIELDS,
    FRONT_MATTER_FIELDS,
    Correction,
    FigureSpec,
    as_text,
    drop_region_name,
    read_accepted,
    read_corrections,
    read_cutoff,
    read_date,
    read_figures,
    read_names,
    read_section_names,
    read_takeaways,
    split_front_matter,
    today,
)
from weekly.inputs.series import Series, load_series
from weekly.inputs.sources import Source, load_sources
from weekly.inputs.yamlfile import YamlCache, YamlDoc, load_yaml

EDITION_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DEFAULT_SERIES = "salafi-jihadi"


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
    #: ``## Region`` heading -> the contributors printed under its authors.
    section_contributors: dict[str, list[str]] = field(default_factory=dict)
    #: True when ``key_takeaways`` maps regions to text (the region is printed first).
    takeaways_named: bool = False
    #: Regions whose takeaway text opened with the region's name, which was dropped
    #: (the name is printed before the text already); ``check`` warns about them.
    repeated_regions: list[str] = field(default_factory=list)
    #: The lines of ``update.md`` as read, for column lookups.
    lines: list[str] = field(default_factory=list)
    #: Dated correction notices (front matter ``corrections``), oldest first.
    corrections: list[Correction] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Return the edition's folder name, ``2023-12-13``."""
        return self.folder.name

    def line(self, *keys: str | int) -> int:
        """Return the line of a front matter key."""
        return self.front.line(*keys)

    @property
    def all_authors(self) -> list[str]:
        """Return the edition's authors, or else every section author in order (metadata)."""
        if self.authors:
            return list(self.authors)
        names = [name for names in self.section_authors.values() for name in names]
        return list(dict.fromkeys(names))


def list_editions(inputs: Path) -> list[str]:
    """Return the edition folder names under ``inputs``, oldest first."""
    if not inputs.is_dir():
        return []
    return sorted(
        p.name
        for p in inputs.iterdir()
        if p.is_dir() and _is_date(p.name) and (p / "update.md").is_file()
    )


def _is_date(name: str) -> bool:
    """Return True for a folder named by a real date (``2024-13-45`` is not an edition)."""
    if not EDITION_DIR.match(name):
        return False
    try:
        dt.date.fromisoformat(name)
    except ValueError:
        return False
    return True


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


def load_edition(
    inputs: Path, name: str, problems: Problems, yaml: YamlCache | None = None
) -> Edition:
    """Read and validate one edition's inputs, recording every problem found.

    ``yaml`` remembers parsed YAML between builds. Raises :class:`WeeklyError` only when
    the update cannot be read at all.
    """
    folder = inputs / name
    path = folder / "update.md"
    text = read_text(path)
    front_text, body, body_line = split_front_matter(text, path)
    doc = (yaml.load if yaml else load_yaml)(front_text, path, 2)
    if not isinstance(doc.data, dict):
        raise WeeklyError.at(path, 2, "front matter must be a mapping of fields", "E002")
    for key_path, line in doc.duplicates:
        problems.error("E002", path, line, f"front matter field '{key_path[-1]}' is given twice")
    for key in doc.data:
        if key not in FRONT_MATTER_FIELDS:
            problems.error("E002", path, doc.line(str(key)), f"unknown front matter field '{key}'")

    all_series = load_series(inputs, problems, yaml)
    series_key = as_text(doc.data.get("series")) or DEFAULT_SERIES
    series = all_series.get(series_key)
    if series is None:
        known = ", ".join(sorted(all_series))
        problems.error(
            "E002",
            path,
            doc.line("series"),
            f"unknown series '{series_key}' (known: {known}){did_you_mean(series_key, all_series)}",
        )
        series = all_series[DEFAULT_SERIES]
    folder_day = dt.date.fromisoformat(name)
    series = series.on(folder_day)  # the layout in force on the edition's date
    # From here on the build sets aside the warnings the series or the edition accepts,
    # whichever stage finds them (those found so far too).
    problems.accept((*series.accept_warnings, *read_accepted(doc, problems)))

    headline = as_text(doc.data.get("headline"))
    if not headline and "{headline}" in series.title:
        problems.error("E002", path, 1, "missing required field 'headline'")
    elif headline and "{headline}" not in series.title:
        problems.warning(
            "W041", path, doc.line("headline"),
            f"headline '{headline}' is not printed: the title of series '{series.key}' "
            f"on {folder_day.isoformat()} is '{series.title}'",
        )  # fmt: skip
    authors = read_names(doc, "authors", problems)
    if authors is None:
        authors = list(series.authors)
    section_authors = read_section_names(doc, "section_authors", problems)
    if not authors and series.byline and not section_authors:
        # With section_authors, assemble() checks that every section has a byline.
        problems.error(
            "E041",
            path,
            doc.line("authors"),
            "no byline: give authors, or section_authors for every '## ' section, "
            f"or set byline: false in series '{series.key}'",
        )
    contributors = read_names(doc, "contributors", problems) or []

    notices_raw = doc.data.get("notices", [])
    if isinstance(notices_raw, str):
        notices_raw = [notices_raw]
    if not isinstance(notices_raw, list) or not all(as_text(n) for n in notices_raw):
        problems.error("E002", path, doc.line("notices"), "notices must be a list of paragraphs")
        notices_raw = []
    notices = list(series.notices) + [str(n).strip() for n in notices_raw]

    cutoff = read_cutoff(doc, series, folder_day, problems)
    if cutoff.date() != folder_day:
        problems.error(
            "E002",
            path,
            doc.line("cutoff"),
            f"cutoff {cutoff.date().isoformat()} does not match the edition folder {name}",
        )
    day = read_date(doc, "date", problems) or cutoff.date()
    published = read_date(doc, "published", problems) or day
    corrections = read_corrections(doc, published, today(series.zone()), problems)

    sources = load_sources([(inputs, False), (folder, True)], problems, yaml)
    takeaways = read_takeaways(doc, problems)
    named = isinstance(doc.data.get("key_takeaways"), dict)
    repeated = []
    if named:
        for region, text in takeaways.items():
            rest = drop_region_name(region, text)
            if rest is not None:
                takeaways[region] = rest
                repeated.append(region)
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
        takeaways=takeaways,
        figures=read_figures(doc, problems),
        sources=sources,
        body=body,
        body_line=body_line,
        front=doc,
        section_authors=section_authors,
        section_contributors=read_section_names(doc, "section_contributors", problems),
        takeaways_named=named,
        repeated_regions=repeated,
        lines=text.splitlines(),
        corrections=corrections,
    )


__all__ = [
    "CHART_KINDS",
    "DEFAULT_SERIES",
    "EDITION_DIR",
    "Correction",
    "FIGURE_FIELDS",
    "FRONT_MATTER_FIELDS",
    "Edition",
    "FigureSpec",
    "drop_region_name",
    "list_editions",
    "load_edition",
    "resolve_cutoff",
    "split_front_matter",
]
