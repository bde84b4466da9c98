"""Read the fields of an edition's front matter, recording every problem found."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from weekly.errors import Problems, WeeklyError
from weekly.inputs.series import Series, convert
from weekly.inputs.yamlfile import YamlDoc, as_date

FRONT_MATTER_FIELDS = {
    "series", "headline", "authors", "contributors", "cutoff", "date", "published",
    "notices", "key_takeaway", "key_takeaways", "figures", "section_authors",
    "section_contributors", "corrections", "changes", "accept_warnings",
}  # fmt: skip
FIGURE_FIELDS = {"title", "image", "chart", "note", "source", "alt"}
CHART_KINDS = ("weekly", "monthly", "share", "map")


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


@dataclass(frozen=True)
class Correction:
    """A dated correction notice of a published edition (front matter ``corrections``)."""

    date: dt.date
    #: The notice in Markdown (citations allowed), as written.
    text: str
    #: The line of its ``text:`` in ``update.md`` (where its citations are).
    line: int


#: ``YYYY-MM-DD``: the day ``weekly`` takes for today (tests, reproducible runs).
TODAY_VARIABLE = "WEEKLY_TODAY"


def today(zone: dt.tzinfo | None = None) -> dt.date:
    """Return today's date in ``zone``, or the date in ``WEEKLY_TODAY`` when it is set."""
    fixed = os.environ.get(TODAY_VARIABLE, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise WeeklyError(
                f"{TODAY_VARIABLE} must be a date like 2023-12-16, got '{fixed}'"
            ) from None
    return dt.datetime.now(zone).date()


def read_corrections(
    doc: YamlDoc, published: dt.date, now: dt.date, problems: Problems
) -> list[Correction]:
    """Return the ``corrections`` list, oldest first; record every bad entry.

    A correction is dated on or after the edition's ``published`` day and not after
    ``now``: an earlier one corrects nothing yet published, a later one is a typo.
    """
    raw = doc.data.get("corrections")
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.error(
            "E080",
            doc.path,
            doc.line("corrections"),
            "corrections must be a list of entries like {date: 2023-12-16, text: ...}",
        )
        return []
    found = []
    for index, entry in enumerate(raw):
        line = doc.line("corrections", index)
        if not isinstance(entry, dict):
            problems.error(
                "E080", doc.path, line, "a correction must be a mapping with date: and text:"
            )
            continue
        unknown = [str(k) for k in entry if k not in ("date", "text")]
        for name in unknown:
            problems.error(
                "E080",
                doc.path,
                doc.line("corrections", index, name),
                f"correction: unknown field '{name}' (a correction has date: and text:)",
            )
        text = as_text(entry.get("text"))
        if not text:
            problems.error(
                "E080",
                doc.path,
                doc.line("corrections", index, "text"),
                "correction: text must say what was wrong and what is right",
            )
        value = entry.get("date")
        date_line = doc.line("corrections", index, "date")
        try:
            day = as_date(value) if value is not None else None
        except ValueError:
            day = None
        if day is None:
            problems.error(
                "E080",
                doc.path,
                date_line,
                f"correction: date must be a date like 2023-12-16, got '{value or ''}'",
            )
        elif day < published:
            problems.error(
                "E081",
                doc.path,
                date_line,
                f"correction dated {day.isoformat()}, before the edition was published "
                f"({published.isoformat()})",
            )
        elif day > now:
            problems.error(
                "E082",
                doc.path,
                date_line,
                f"correction dated {day.isoformat()}, after today ({now.isoformat()})",
            )
        if day is not None and text and not unknown:
            found.append(Correction(day, text, doc.line("corrections", index, "text")))
    return sorted(found, key=lambda c: c.date)


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


def as_text(value: Any) -> str | None:
    """Return ``value`` as stripped text (numbers too), or None when it is not text."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def read_names(doc: YamlDoc, key: str, problems: Problems) -> list[str] | None:
    """Return the names under ``key`` (one name or a list), or None when absent or bad."""
    value = doc.data.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(as_text(v) for v in value):
        problems.error("E002", doc.path, doc.line(key), f"{key} must be a list of names")
        return None
    return [str(v).strip() for v in value]


def read_date(doc: YamlDoc, key: str, problems: Problems) -> dt.date | None:
    """Return the date under ``key``, or None when absent or bad."""
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


def read_cutoff(
    doc: YamlDoc, series: Series, folder_day: dt.date, problems: Problems
) -> dt.datetime:
    """Return the data cutoff, by default the folder's day at the series' cutoff time."""
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


def read_accepted(doc: YamlDoc, problems: Problems) -> tuple[str, ...]:
    """Return the warning codes ``accept_warnings`` accepts; record each one it cannot.

    The field reads as the series field of that name does (:mod:`weekly.inputs.schema`).
    """
    raw = doc.data.get("accept_warnings")
    if raw is None:
        return ()
    codes, troubles = convert("accept_warnings", raw)
    for index, why in troubles:
        at = doc.line("accept_warnings") if index is None else doc.line("accept_warnings", index)
        problems.error("E090", doc.path, at, why)
    return () if troubles else tuple(codes)


def read_figures(doc: YamlDoc, problems: Problems) -> dict[str, FigureSpec]:
    """Return the figures defined under ``figures``, by id."""
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
        title = as_text(entry.get("title"))
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
        elif image is not None and not as_text(image):
            problems.error(
                "E002", doc.path, lines["image"], f"figure '{key}': image must be a file name"
            )
        for name in ("note", "source", "alt"):
            if name in entry and not as_text(entry[name]):
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
            note=as_text(entry.get("note")) or "",
            source=as_text(entry.get("source")) or "",
            alt=as_text(entry.get("alt")) or "",
            options={k: v for k, v in entry.items() if k not in FIGURE_FIELDS},
            lines=lines,
        )
    return found


def read_takeaways(doc: YamlDoc, problems: Problems) -> dict[str, str]:
    """Return ``key_takeaway`` or ``key_takeaways`` as region -> text (``""`` for one)."""
    one, many = doc.data.get("key_takeaway"), doc.data.get("key_takeaways")
    if one is not None and many is not None:
        problems.error(
            "E002",
            doc.path,
            doc.line("key_takeaways"),
            "give key_takeaway or key_takeaways, not both",
        )
    if one is not None:
        if not as_text(one):
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
    if isinstance(many, list) and all(as_text(v) for v in many):
        return {str(i + 1): str(v).strip() for i, v in enumerate(many)}
    if not isinstance(many, dict) or not all(as_text(v) for v in many.values()):
        problems.error(
            "E002",
            doc.path,
            doc.line("key_takeaways"),
            "key_takeaways must map each region to a paragraph",
        )
        return {}
    return {str(k): str(v).strip() for k, v in many.items()}


def drop_region_name(region: str, text: str) -> str | None:
    """Return ``text`` without a leading ``Region.`` (bold or not), or None when it has none.

    The region's name is printed in bold before its takeaway, so text that repeats it
    would read "**Togo.** Togo. …".
    """
    bold = r"(?:\*\*|__)?"
    name = r"\s+".join(re.escape(word) for word in region.split())
    match = re.match(rf"{bold}{name}{bold}\.{bold}\s+", text, re.IGNORECASE)
    return text[match.end() :] if match and text[match.end() :].strip() else None


def read_section_names(doc: YamlDoc, key: str, problems: Problems) -> dict[str, list[str]]:
    """Return a ``section_authors``-like mapping: ``## Region`` heading -> names."""
    raw = doc.data.get(key)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.error(
            "E002",
            doc.path,
            doc.line(key),
            f"{key} must map each region heading to a list of names",
        )
        return {}
    found = {}
    for heading, names in raw.items():
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names or not all(as_text(n) for n in names):
            problems.error(
                "E002",
                doc.path,
                doc.line(key, str(heading)),
                f"{key}: '{heading}' must be a list of names",
            )
            continue
        found[str(heading)] = [str(n).strip() for n in names]
    return found
