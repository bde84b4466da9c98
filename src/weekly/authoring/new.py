"""Start an edition: carry the previous edition's lasting parts into ``inputs/<date>/update.md``.

What carries over: ``series``, ``authors``, ``contributors``, ``section_authors``,
``section_contributors``, every notice and every figure definition whose data still exists
(each preceded by a ``# REVIEW: carried over from <date>`` comment), the ``## Region``
headings, and last week's key takeaway(s) and lead judgments as Jinja comments
(``{# … #}``) the body template drops. The headline and key takeaway(s) become ``TODO:``
placeholders; the cutoff is the new date at the series' default time. Image files are
copied into the new folder so each edition stays self-contained.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weekly.body.parse import parse_body
from weekly.errors import Problems, WeeklyError
from weekly.files import write_atomically
from weekly.inputs.edition import Edition, list_editions, load_edition, split_front_matter
from weekly.inputs.series import load_series

HEADLINE_TODO = "TODO: headline"
TAKEAWAY_TODO = "TODO: key takeaway"


@dataclass
class Started:
    """What ``weekly new`` wrote."""

    path: Path
    base: str
    #: Image files copied from the base edition.
    copied: list[Path] = field(default_factory=list)
    #: Figure ids left behind, with the reason.
    dropped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Lead:
    """A lead judgment of the base edition and the region it sits in."""

    section: str
    text: str


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise WeeklyError(f"{option} must be a date like 2023-12-20, got '{text}'") from None


def _series_of(inputs: Path, name: str) -> str | None:
    path = inputs / name / "update.md"
    try:
        front, _, _ = split_front_matter(path.read_text(encoding="utf-8-sig"), path)
        data = yaml.safe_load(front)
    except (WeeklyError, yaml.YAMLError, UnicodeDecodeError):
        return None
    value = data.get("series") if isinstance(data, dict) else None
    return str(value) if value is not None else None


def choose_base(inputs: Path, day: dt.date, base: str | None, series: str | None) -> str:
    """Return the edition to start from: ``base``, or the latest before ``day`` (of ``series``)."""
    if base is not None:
        name = _day(base, "--from").isoformat()
        if not (inputs / name / "update.md").is_file():
            raise WeeklyError.at(inputs / name / "update.md", None, f"no edition for --from {name}")
        return name
    for name in reversed(list_editions(inputs)):
        if name >= day.isoformat():
            continue
        if series is None or (_series_of(inputs, name) or "salafi-jihadi") == series:
            return name
    of_series = f" of series '{series}'" if series else ""
    raise WeeklyError.at(
        inputs,
        None,
        f"no edition{of_series} before {day.isoformat()} to start from; give --from DATE",
    )


def lead_judgments(body: str) -> list[Lead]:
    """Return the bold first sentences of the body's assessment blocks, by region.

    The body is read as written (its template is not run), so a lead that computes a number
    keeps its ``{{ … }}`` expression. It is parsed into the same document model the renderer
    and checker read, so a lead is a top-level paragraph opening with bold (not a bullet or a
    quote) and a region is named as ``section_authors`` must name it.
    """
    parsed = parse_body(body, Path("update.md"), 1, Problems(), [])
    return [
        Lead(section.title, text)
        for section in parsed.sections
        for assessment in section.assessments
        if assessment.lead is not None and (text := assessment.lead.lead_parts()[0])
    ]


def _comment(text: str) -> str:
    """Return ``text`` as a one-line Jinja comment (``#}`` inside cannot close it early)."""
    return "{# " + " ".join(text.split()).replace("#}", "# }") + " #}"


def _dump(value: dict[str, Any]) -> str:
    return yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=False
    )


def _flow(key: str, names: list[str]) -> str:
    return yaml.safe_dump(
        {key: names}, allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=None
    )


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


def _figures(
    base: Edition, target: Path, raw: dict[str, Any], review: str, started: Started
) -> tuple[str, dict[str, bytes]]:
    """Return the ``figures:`` YAML and the image files to copy."""
    lines, files = [], {}
    for key, entry in raw.items():
        comment = review
        spec = base.figures.get(str(key))
        if not isinstance(entry, dict) or spec is None:
            started.dropped.append(f"{key}: not a valid figure definition")
            continue
        if spec.image is not None:
            source = (base.folder / spec.image).resolve()
            if not source.is_file() or not source.is_relative_to(base.inputs.resolve()):
                started.dropped.append(f"{key}: image {spec.image} not found")
                continue
            if source.is_relative_to(base.folder.resolve()):
                relative = source.relative_to(base.folder.resolve()).as_posix()
                if not (target / relative).exists():
                    files[relative] = source.read_bytes()
                    started.copied.append(target / relative)
                entry = {**entry, "image": relative}
                comment += "; image copied, replace it if the map changed"
        lines.append(f"  {comment}\n" + _indent(_dump({str(key): entry})))
    return ("figures:\n" + "".join(lines) if lines else ""), files


def front_matter(base: Edition, day: dt.date, started: Started) -> tuple[str, dict[str, bytes]]:
    """Return the new edition's front matter text and the image files it needs."""
    raw = base.front.data
    review = f"# REVIEW: carried over from {base.key}"
    series = base.series
    parts = [
        f"# Started from {base.key} by `weekly new`. Replace every TODO; keep, edit or delete\n"
        "# what each REVIEW line marks, then delete the REVIEW line.\n",
        _dump({"series": str(raw.get("series") or series.key)}),
    ]
    # A headline only where the title of the layout in force on the new date prints one.
    layout = load_series(base.inputs, Problems()).get(series.key, series).on(day)
    if "{headline}" in layout.title:
        parts.append(_dump({"headline": HEADLINE_TODO}))
    parts.append(_flow("authors", list(base.authors)))
    if base.contributors:
        parts.append(_flow("contributors", list(base.contributors)))
    parts.append(f"cutoff: {day.isoformat()} {series.cutoff_clock().strftime('%H:%M')}\n")
    notices = raw.get("notices")
    if isinstance(notices, str):
        notices = [notices]
    if isinstance(notices, list) and notices:
        parts.append("notices:\n")
        for notice in notices:
            parts.append(f"  {review}\n" + _indent(_item(notice)))
    regions = [r for r in base.takeaways if r]
    if not regions:
        parts.append(_dump({"key_takeaway": TAKEAWAY_TODO}))
    elif all(r.isdigit() for r in regions):
        parts.append(_dump({"key_takeaways": [TAKEAWAY_TODO] * len(regions)}))
    else:
        parts.append(_dump({"key_takeaways": {r: f"{TAKEAWAY_TODO} for {r}" for r in regions}}))
    if base.section_authors:
        parts.append("section_authors:\n")
        for heading, names in base.section_authors.items():
            parts.append(f"  {review}\n" + _indent(_flow(heading, names)))
    if base.section_contributors:
        parts.append("section_contributors:\n")
        for heading, names in base.section_contributors.items():
            parts.append(f"  {review}\n" + _indent(_flow(heading, names)))
    files: dict[str, bytes] = {}
    figures = raw.get("figures")
    if isinstance(figures, dict) and figures:
        text, files = _figures(base, started.path.parent, figures, review, started)
        parts.append(text)
    return "---\n" + "".join(parts) + "---\n", files


def _item(value: Any) -> str:
    return yaml.safe_dump(
        [value], allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=False
    )


def body_skeleton(base: Edition) -> str:
    """Return the body: region headings with last week's judgments as comments."""
    leads = lead_judgments(base.body)
    out = [
        "",
        _comment(f"Last week ({base.key}): revisit each judgment below. Still true? Changed?"),
    ]
    for region, text in base.takeaways.items():
        label = "Key takeaway" if not region else f"Key takeaway ({region})"
        out.append(_comment(f"{label}: {text}"))
    sections = list(dict.fromkeys([lead.section for lead in leads] + list(base.section_authors)))
    headings = [s for s in sections if s]
    if "" in sections:
        out.append("")
        out += [_comment(f"Lead: {lead.text}") for lead in leads if not lead.section]
    for heading in headings:
        out += ["", f"## {heading}", ""]
        out += [_comment(f"Lead: {lead.text}") for lead in leads if lead.section == heading]
    return "\n".join(out) + "\n"


#: What ``weekly new`` carried over, beside the new ``update.md``: the draft marks the
#: notices and lead judgments still word for word as carried (see weekly.check.history).
CARRIED_FILE = "carried.json"


def carried_record(base: Edition) -> bytes:
    """Return the record of what a new edition carries over from ``base``: the edition's own
    notices, and the key takeaways and lead judgments it offers as comments."""
    import json

    inherited = len(base.series.notices)
    record = {
        "from": base.key,
        "notices": base.notices[inherited:],
        "takeaways": list(base.takeaways.values()),
        "leads": [lead.text for lead in lead_judgments(base.body)],
    }
    return (json.dumps(record, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def start_edition(
    inputs: Path, cutoff: str, base: str | None = None, series: str | None = None
) -> Started:
    """Create ``inputs/<cutoff>/update.md`` from an earlier edition; never overwrite one."""
    day = _day(cutoff, "--cutoff")
    target = inputs / day.isoformat() / "update.md"
    if target.exists():
        raise WeeklyError.at(
            target, None, "edition already exists; not overwritten (edit it, or delete it first)"
        )
    name = choose_base(inputs, day, base, series)
    base_edition = load_edition(inputs, name, Problems())
    started = Started(target, name)
    front, files = front_matter(base_edition, day, started)
    files["update.md"] = (front + body_skeleton(base_edition)).encode("utf-8")
    files[CARRIED_FILE] = carried_record(base_edition)
    write_atomically(target.parent, files)
    return started


__all__ = ["start_edition", "Started", "lead_judgments"]
