"""Series definitions: the defaults every edition of a product shares."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weekly.errors import Problems, read_text
from weekly.inputs.yamlfile import YamlDoc, load_yaml

#: The hedges flagged when a series names none: vague words that say no probability.
DEFAULT_HEDGES = (
    "perhaps", "possibly", "maybe", "conceivably", "it seems", "seemingly", "presumably",
)  # fmt: skip
ESTIMATIVE_SCALES = ("standard", "alternate", "either")
#: A BCP 47 language tag, loosely: a 2–3 letter language, then optional subtags.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Series:
    """One publication series, such as the Salafi-Jihadi Movement Weekly Update."""

    key: str
    #: Full name, the first part of every title ("Salafi-Jihadi Movement Weekly Update").
    name: str
    #: Publishing organisation, used in metadata and mail.
    organization: str = "Critical Threats Project"
    #: Short form of the organisation ("CTP").
    organization_short: str = "CTP"
    #: IANA time zone of the cutoff times.
    timezone: str = "America/New_York"
    #: Cutoff time of day used when an edition gives only a date.
    cutoff_time: str = "10:00"
    #: Label of the cutoff line ("Data Cutoff").
    cutoff_label: str = "Data Cutoff"
    #: Default authors when an edition names none.
    authors: tuple[str, ...] = ()
    #: Notices printed on every edition, before the edition's own.
    notices: tuple[str, ...] = ()
    #: The subscription line, Markdown (a link allowed).
    subscribe: str = ""
    #: Endnote numbering: ``arabic`` ([1], [2]) or ``roman`` ([i], [ii]).
    note_style: str = "arabic"
    #: Cutoff line form: ``date`` ("December 13, 2023, at 10 a.m.") or ``clock`` ("2:00 p.m. ET").
    cutoff_style: str = "date"
    #: Time zone abbreviation printed after the clock in the ``clock`` cutoff style ("ET").
    zone_label: str = "ET"
    #: Key takeaways form: ``paragraph`` (one, or one per region) or ``numbered`` (a 1, 2, 3 list).
    takeaway_style: str = "paragraph"
    #: Label printed before the body ("Assessments" gives "Assessments:"); empty prints none.
    assessments_label: str = ""
    #: Vague hedges ``weekly check`` flags as off the ICD 203 scale (W201); ``[]`` turns it off.
    hedges: tuple[str, ...] = DEFAULT_HEDGES
    #: ICD 203 term set: ``standard`` (likely …), ``alternate`` (probable …) or ``either`` (one per edition).
    estimative_scale: str = "either"
    #: Mail sender, ``Name <address>``; ``weekly email --from`` overrides it.
    mail_from: str = ""
    #: Mail Reply-To address (optional); ``--reply-to`` overrides it.
    mail_reply_to: str = ""
    #: Mail subject; ``{title}``, ``{name}``, ``{date}``, ``{headline}``, ``{organization}`` filled in.
    mail_subject: str = "{title}"
    #: List-Unsubscribe mail address, ``mailto:…`` (optional).
    unsubscribe_mailto: str = ""
    #: List-Unsubscribe one-click HTTPS URL (optional); ``{email}`` becomes the recipient's address.
    unsubscribe_url: str = ""
    #: Web version of an edition; ``{slug}`` and ``{date}`` filled in; ``--web-url`` overrides it.
    web_url: str = ""
    #: Language of the editions, a BCP 47 tag (``en``, ``fr``, ``ar``): the HTML ``lang``, the
    #: PDF's /Lang, and the text direction (right to left for Arabic, Hebrew, Persian, Urdu …).
    language: str = "en"

    def cutoff_clock(self) -> dt.time:
        """Return the default cutoff time of day."""
        hour, _, minute = self.cutoff_time.partition(":")
        return dt.time(int(hour), int(minute or 0))

    def zone(self) -> ZoneInfo:
        """Return the series' time zone."""
        return ZoneInfo(self.timezone)


FIELD_NAMES = {f.name for f in fields(Series)} - {"key"}
TUPLE_FIELDS = {"authors", "notices", "hedges"}
#: Fields that take one of a few words.
CHOICES = {
    "note_style": ("arabic", "roman"),
    "cutoff_style": ("date", "clock"),
    "takeaway_style": ("paragraph", "numbered"),
}


def _series_from(key: str, entry: Any, doc: YamlDoc, problems: Problems) -> Series | None:
    if not isinstance(entry, dict):
        problems.error("E002", doc.path, doc.line(key), f"series '{key}' must be a mapping")
        return None
    values: dict[str, Any] = {}
    for name, value in entry.items():
        if name not in FIELD_NAMES:
            problems.error(
                "E002", doc.path, doc.line(key, name), f"series '{key}': unknown field '{name}'"
            )
            continue
        if name in TUPLE_FIELDS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.error(
                    "E002",
                    doc.path,
                    doc.line(key, name),
                    f"series '{key}': {name} must be a list of text",
                )
                continue
            value = tuple(value)
        elif not isinstance(value, str):
            problems.error(
                "E002", doc.path, doc.line(key, name), f"series '{key}': {name} must be text"
            )
            continue
        values[name] = value
    if "name" not in values:
        problems.error(
            "E002", doc.path, doc.line(key), f"series '{key}': missing required field 'name'"
        )
        return None
    series = Series(key=key, **values)
    for name, allowed in CHOICES.items():
        if getattr(series, name) not in allowed:
            problems.error(
                "E002",
                doc.path,
                doc.line(key, name),
                f"series '{key}': {name} must be {' or '.join(allowed)}",
            )
    if series.estimative_scale not in ESTIMATIVE_SCALES:
        problems.error(
            "E002",
            doc.path,
            doc.line(key, "estimative_scale"),
            f"series '{key}': estimative_scale must be standard, alternate or either",
        )
    if not LANGUAGE_TAG.fullmatch(series.language):
        problems.error(
            "E002",
            doc.path,
            doc.line(key, "language"),
            f"series '{key}': language must be a language tag such as en, fr or ar "
            f"(got '{series.language}')",
        )
    try:
        series.zone()
    except (ZoneInfoNotFoundError, ValueError):
        problems.error(
            "E002",
            doc.path,
            doc.line(key, "timezone"),
            f"series '{key}': unknown time zone '{series.timezone}'",
        )
    try:
        series.cutoff_clock()
    except ValueError:
        problems.error(
            "E002",
            doc.path,
            doc.line(key, "cutoff_time"),
            f"series '{key}': cutoff_time must look like 10:00",
        )
    return series


def _read(doc: YamlDoc, problems: Problems) -> dict[str, Series]:
    found: dict[str, Series] = {}
    if doc.data is None:
        return found
    if not isinstance(doc.data, dict):
        problems.error(
            "E002",
            doc.path,
            doc.first_line,
            "series definitions must be a mapping of key to series",
        )
        return found
    for key, entry in doc.data.items():
        series = _series_from(str(key), entry, doc, problems)
        if series is not None:
            found[str(key)] = series
    return found


def builtin_series() -> dict[str, Series]:
    """Return the series the package ships."""
    text = resources.files("weekly.inputs").joinpath("series.yaml").read_text(encoding="utf-8")
    problems = Problems()
    found = _read(load_yaml(text, Path("weekly/series.yaml")), problems)
    problems.raise_if_errors()
    return found


def load_series(inputs: Path, problems: Problems) -> dict[str, Series]:
    """Return the built-in series overlaid with ``inputs/series.yaml`` when present.

    A user entry with a built-in key replaces only the fields it gives.
    """
    found = builtin_series()
    path = inputs / "series.yaml"
    if not path.is_file():
        return found
    doc = load_yaml(read_text(path), path)
    if isinstance(doc.data, dict):
        for key, entry in doc.data.items():
            base = found.get(str(key))
            if base is not None and isinstance(entry, dict):
                merged = {f: getattr(base, f) for f in FIELD_NAMES}
                merged = {k: (list(v) if isinstance(v, tuple) else v) for k, v in merged.items()}
                merged.update(entry)
                doc.data[key] = merged
    found.update(_read(doc, problems))
    return found
