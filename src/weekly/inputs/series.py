"""Series definitions: the defaults every edition of a product shares."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weekly.apstyle import curly_quotes, long_date
from weekly.errors import Problems, read_text, shown
from weekly.inputs.yamlfile import YamlCache, YamlDoc, as_date, load_yaml

#: The hedges flagged when a series names none: vague words that say no probability.
DEFAULT_HEDGES = (
    "perhaps", "possibly", "maybe", "conceivably", "it seems", "seemingly", "presumably",
)  # fmt: skip
ESTIMATIVE_SCALES = ("standard", "alternate", "either")
#: The title every series prints unless it sets ``title``.
DEFAULT_TITLE = "{series}, {date}: {headline}"
#: The placeholders a ``title`` template may use.
TITLE_PLACEHOLDERS = ("series", "date", "headline")

TakeawaysStyle = Literal["paragraphs", "bullets", "numbered"]
DateLine = Literal["weekday", "date", "none"]
DateFormat = Literal["plain", "padded"]
RegionMark = Literal[".", ":"]
ClockFormat = Literal["auto", "ap", "dotted", "compact", "spaced"]
#: The parts of the masthead ``masthead:`` may order (the kicker always comes first).
MASTHEAD_PARTS = (
    "date_line", "title", "byline", "contributors", "cutoff", "subscribe", "notices",
)  # fmt: skip
#: The masthead order every series prints unless it sets ``masthead``.
DEFAULT_MASTHEAD = MASTHEAD_PARTS


@dataclass(frozen=True)
class Layout:
    """Series fields that change from a date on (one entry of ``layouts:``)."""

    #: The first edition date (the edition folder's date) the change applies to.
    since: dt.date
    #: The fields it sets, already checked and converted.
    values: Mapping[str, Any]


#: What a series key may be: it names files of the archive (``series/KEY.html``) and a
#: template folder, so nothing that could climb out of a folder or need quoting in a URL.
SERIES_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

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
    #: Title template: ``{series}``, ``{date}`` (AP style) and ``{headline}`` filled in.
    title: str = DEFAULT_TITLE
    #: Print the data-cutoff line under the byline (the cutoff still governs events and sources).
    cutoff_line: bool = True
    #: Print the edition byline (``Author: …``); ``false`` leaves bylines to the sections.
    byline: bool = True
    #: Key takeaways form: ``paragraphs``, ``bullets`` or ``numbered`` (a 1, 2, 3 list).
    key_takeaways_style: TakeawaysStyle = "paragraphs"
    #: The date line above the title: ``weekday`` ("Friday, December 15, 2023"),
    #: ``date`` ("December 15, 2023") or ``none``.
    date_line: DateLine = "weekday"
    #: Print the kicker line (series name and edition date) above the date line.
    kicker: bool = True
    #: Label printed before the body ("Assessments" gives "Assessments:"); empty prints none.
    assessments_label: str = ""
    #: The order of the masthead's parts (see :data:`MASTHEAD_PARTS`); ``title`` is required.
    masthead: tuple[str, ...] = DEFAULT_MASTHEAD
    #: Day of month in the date line: ``plain`` ("August 3, 2023") or ``padded``
    #: ("August 03, 2023"); the cutoff line's date is always AP style.
    date_format: DateFormat = "plain"
    #: Clock of the cutoff line: ``ap`` ("10 a.m.", "2:30 p.m."), ``dotted`` ("2:00 p.m."),
    #: ``compact`` ("2:00pm"), ``spaced`` ("2:00 pm"); ``auto`` is ``ap`` in the ``date``
    #: style and ``dotted`` in the ``clock`` style.
    clock_format: ClockFormat = "auto"
    #: The mark after a bold region name opening a key takeaway: ``.`` ("Mali. …") or ``:``
    #: ("Iraq: …", the Iran Update's form).
    region_mark: RegionMark = "."
    #: Print "Author:"/"Authors:" before the edition byline; ``false`` prints the names alone.
    author_label: bool = True
    #: Print curly quotes and apostrophes for straight ones typed in the body and front matter.
    smart_quotes: bool = True
    #: Vague hedges ``weekly check`` flags as off the ICD 203 scale (W201); ``[]`` turns it off.
    hedges: tuple[str, ...] = DEFAULT_HEDGES
    #: ICD 203 term set: ``standard`` (likely …), ``alternate`` (probable …) or ``either`` (one per edition).
    estimative_scale: str = "either"
    #: Names the prose uses for an actor of the events table, as (name, the table's
    #: ``actor1``) pairs: the typed-number check (W410) reads them.
    actor_aliases: tuple[tuple[str, str], ...] = ()
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
    #: Changes of layout from a date on, oldest first.
    layouts: tuple[Layout, ...] = ()
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

    def on(self, day: dt.date) -> Series:
        """Return the series as it stands on ``day``: every layout since then applied in turn."""
        values: dict[str, Any] = {}
        for layout in self.layouts:
            if layout.since <= day:
                values.update(layout.values)
        return replace(self, **values, layouts=()) if values else self

    def format_title(self, day: dt.date, headline: str) -> str:
        """Return the title of an edition: the ``title`` template filled in."""
        title = self.title.format(series=self.name, date=long_date(day), headline=headline)
        return curly_quotes(title) if self.smart_quotes else title


FIELD_NAMES = {f.name for f in fields(Series)} - {"key"}
TUPLE_FIELDS = {"authors", "notices", "hedges", "masthead"}
BOOL_FIELDS = {"cutoff_line", "byline", "kicker", "author_label", "smart_quotes"}
#: Fields that take one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {
    "note_style": ("arabic", "roman"),
    "cutoff_style": ("date", "clock"),
    "key_takeaways_style": ("paragraphs", "bullets", "numbered"),
    "date_line": ("weekday", "date", "none"),
    "date_format": ("plain", "padded"),
    "region_mark": (".", ":"),
    "clock_format": ("auto", "ap", "dotted", "compact", "spaced"),
    "estimative_scale": ESTIMATIVE_SCALES,
}
#: Older names still read: ``takeaway_style: paragraph`` means ``key_takeaways_style: paragraphs``.
ALIASES = {"takeaway_style": "key_takeaways_style"}
OLD_VALUES = {"paragraph": "paragraphs"}
#: Fields added with layouts; their errors carry codes E040-E049.
LAYOUT_FIELDS = {
    "title", "cutoff_line", "byline", "key_takeaways_style", "date_line", "kicker", "layouts",
    "date_format", "clock_format", "author_label", "smart_quotes", "region_mark",
}  # fmt: skip


def _one_of(allowed: tuple[str, ...]) -> str:
    """Return ``a or b`` / ``a, b or c``."""
    return (
        " or ".join(allowed) if len(allowed) < 3 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"
    )


def _title_problem(template: str) -> str | None:
    """Return what is wrong with a ``title`` template, or None."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return "title has an unmatched '{' or '}' (write {{ or }} for a literal brace)"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in TITLE_PLACEHOLDERS or spec or conversion:
            suffix = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            shown = "{" + name + suffix + "}"
            known = ", ".join("{" + p + "}" for p in TITLE_PLACEHOLDERS)
            return f"title: unknown placeholder '{shown}' (known: {known})"
    if not template.strip():
        return "title must not be empty"
    return None


def _masthead_problem(parts: tuple[str, ...]) -> str | None:
    """Return what is wrong with a ``masthead`` order, or None."""
    for part in parts:
        if part not in MASTHEAD_PARTS:
            return f"masthead: unknown part '{part}' (known: {', '.join(MASTHEAD_PARTS)})"
        if parts.count(part) > 1:
            return f"masthead: '{part}' is given twice"
    if "title" not in parts:
        return "masthead must include title"
    return None


def _field_value(name: str, value: Any) -> tuple[Any, str | None]:
    """Return ``value`` converted for field ``name``, or the reason it is refused."""
    if name in TUPLE_FIELDS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, f"{name} must be a list of text"
        if name == "masthead":
            return tuple(value), _masthead_problem(tuple(value))
        return tuple(value), None
    if name == "actor_aliases":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
            for k, v in value.items()
        ):
            return None, "actor_aliases must map a name to the events table's actor1"
        return tuple((k.strip(), v.strip()) for k, v in value.items()), None
    if name in BOOL_FIELDS:
        if not isinstance(value, bool):
            return None, f"{name} must be true or false"
        return value, None
    if not isinstance(value, str):
        return None, f"{name} must be text"
    if name in CHOICES and value not in CHOICES[name]:
        return None, f"{name} must be {_one_of(CHOICES[name])}"
    if name == "name" and not value.strip():
        return None, "name must not be empty"
    if name == "title":
        return value, _title_problem(value)
    if name == "cutoff_label" and not value.strip():
        return None, "cutoff_label is empty; to print no cutoff line, set cutoff_line: false"
    if name == "language" and not LANGUAGE_TAG.fullmatch(value):
        return None, f"language must be a language tag such as en, fr or ar (got '{value}')"
    if name == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return None, f"unknown time zone '{value}'"
    if name == "cutoff_time":
        hour, _, minute = value.partition(":")
        try:
            dt.time(int(hour), int(minute or 0))
        except ValueError:
            return None, "cutoff_time must look like 10:00"
    return value, None


def _fields(
    key: str,
    entry: dict[Any, Any],
    doc: YamlDoc,
    problems: Problems,
    where: tuple[str | int, ...],
    allowed: set[str],
) -> dict[str, Any]:
    """Return the checked fields of one series entry (or one layout); record the bad ones."""
    values: dict[str, Any] = {}
    label = f"series '{key}'" + "".join(
        f"[{part}]" if isinstance(part, int) else f": {part}" for part in where[1:]
    )
    for raw_name, value in entry.items():
        name = str(raw_name)
        line = doc.line(*where, name)
        target = ALIASES.get(name, name)
        if target not in allowed:
            problems.error("E002", doc.path, line, f"{label}: unknown field '{name}'")
            continue
        if name in ALIASES:
            if target in entry:
                problems.error(
                    "E040", doc.path, line, f"{label}: give {target} or {name}, not both"
                )
                continue
            value = OLD_VALUES.get(value, value) if isinstance(value, str) else value
        converted, why = _field_value(target, value)
        if why is not None:
            if name in ALIASES:
                why = why.replace(target, name, 1)
            code = "E040" if target in LAYOUT_FIELDS or name == "cutoff_label" else "E002"
            code = "E042" if target == "masthead" else code
            problems.error(code, doc.path, line, f"{label}: {why}")
            continue
        values[target] = converted
    return values


def _layouts(key: str, raw: Any, doc: YamlDoc, problems: Problems) -> tuple[Layout, ...]:
    """Return the checked ``layouts:`` list of a series, oldest first."""
    line = doc.line(key, "layouts")
    if not isinstance(raw, list):
        problems.error(
            "E040", doc.path, line,
            f"series '{key}': layouts must be a list of mappings, each with since: DATE",
        )  # fmt: skip
        return ()
    found: list[Layout] = []
    allowed = FIELD_NAMES - {"layouts"}
    for index, entry in enumerate(raw):
        where: tuple[str | int, ...] = (key, "layouts", index)
        entry_line = doc.line(*where)
        if not isinstance(entry, dict):
            problems.error(
                "E040", doc.path, entry_line,
                f"series '{key}': layouts[{index}] must be a mapping with since: DATE",
            )  # fmt: skip
            continue
        since_raw = entry.get("since")
        try:
            since = as_date(since_raw) if since_raw is not None else None
        except ValueError:
            since = None
        if since is None:
            problems.error(
                "E040", doc.path, doc.line(*where, "since"),
                f"series '{key}': layouts[{index}]: since must be a date like 2025-07-10"
                + (f", got '{since_raw}'" if since_raw is not None else ""),
            )  # fmt: skip
            continue
        if found and since <= found[-1].since:
            problems.error(
                "E040", doc.path, doc.line(*where, "since"),
                f"series '{key}': layouts must be in date order; {since.isoformat()} "
                f"does not come after {found[-1].since.isoformat()}",
            )  # fmt: skip
            continue
        rest = {k: v for k, v in entry.items() if k != "since"}
        values = _fields(key, rest, doc, problems, where, allowed)
        found.append(Layout(since, values))
    return tuple(found)


def _series_from(key: str, entry: Any, doc: YamlDoc, problems: Problems) -> Series | None:
    if not isinstance(entry, dict):
        problems.error("E002", doc.path, doc.line(key), f"series '{key}' must be a mapping")
        return None
    plain = {k: v for k, v in entry.items() if k != "layouts"}
    values = _fields(key, plain, doc, problems, (key,), FIELD_NAMES)
    if "layouts" in entry:
        values["layouts"] = _layouts(key, entry["layouts"], doc, problems)
    if "name" not in values:
        if "name" not in entry:
            problems.error(
                "E002", doc.path, doc.line(key), f"series '{key}': missing required field 'name'"
            )
        return None
    return Series(key=key, **values)


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
    for key_path, line in doc.duplicates:
        where = f"series '{key_path[0]}'"
        if len(key_path) > 1:
            where += f": field '{key_path[-1]}'"
        problems.error("E040", doc.path, line, f"{where} is given twice; the last one would win")
    for key, entry in doc.data.items():
        if not SERIES_KEY.fullmatch(str(key)):
            problems.error(
                "E070", doc.path, doc.line(str(key)),
                f"series key {shown(str(key))} must be a slug: lower-case letters, digits and "
                "hyphens (like gulf-brief)",
            )  # fmt: skip
            continue
        series = _series_from(str(key), entry, doc, problems)
        if series is not None:
            found[str(key)] = series
    return found


@cache
def _builtin_doc() -> YamlDoc:
    """Return the package's series definitions, parsed once per process (never changed)."""
    text = resources.files("weekly.inputs").joinpath("series.yaml").read_text(encoding="utf-8")
    return load_yaml(text, Path("weekly/series.yaml"))


def builtin_series() -> dict[str, Series]:
    """Return the series the package ships."""
    problems = Problems()
    found = _read(_builtin_doc(), problems)
    problems.raise_if_errors()
    return found


def load_series(
    inputs: Path, problems: Problems, yaml: YamlCache | None = None
) -> dict[str, Series]:
    """Return the built-in series overlaid with ``inputs/series.yaml`` when present.

    A user entry with a built-in key replaces only the fields it gives, on every date: the
    built-in layouts no longer change those fields (a ``layouts`` list it gives replaces
    the built-in list as a whole).
    """
    found = builtin_series()
    path = inputs / "series.yaml"
    if not path.is_file():
        return found
    doc = (yaml.load if yaml else load_yaml)(read_text(path), path)
    builtin = _builtin_doc().data
    if isinstance(doc.data, dict):
        for key, entry in doc.data.items():
            base = builtin.get(str(key))
            if isinstance(base, dict) and isinstance(entry, dict):
                # A field given under its old name replaces the built-in's new name.
                replaced = {ALIASES.get(str(name), str(name)) for name in entry}
                kept = {k: v for k, v in base.items() if ALIASES.get(k, k) not in replaced}
                if "layouts" not in entry and isinstance(kept.get("layouts"), list):
                    # A field the project sets holds on every date: the built-in layouts
                    # no longer change it.
                    kept["layouts"] = [
                        {k: v for k, v in layout.items() if ALIASES.get(k, k) not in replaced}
                        if isinstance(layout, dict)
                        else layout
                        for layout in kept["layouts"]
                    ]
                doc.data[key] = {**kept, **entry}
    found.update(_read(doc, problems))
    return found
