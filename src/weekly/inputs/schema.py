"""The series schema: every field a series may set, declared once.

Each field of :class:`Series` carries its type (a ``Literal`` for every choice), its
default, a one-line doc and an example (:class:`About`, in the field's metadata), as
MkDocs' ``config_options`` do. Reading ``series.yaml`` (:mod:`weekly.inputs.series`), the
per-date ``layouts:`` entries and the docs' table of series fields (``docs/hooks.py``) all
read this declaration (:func:`declared`); :func:`weekly.inputs.series.convert` checks one
value against it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields, replace
from functools import cache
from typing import Any, Literal, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

from weekly.apstyle import curly_quotes, long_date
from weekly.inputs.constraints import (
    MASTHEAD_PARTS,
    MastheadPart,
    acceptance_problem,
    actor_aliases,
    clock_problem,
    label_problem,
    language_problem,
    masthead_problem,
    name_problem,
    title_problem,
    zone_problem,
)

#: The hedges flagged when a series names none: vague words that say no probability.
DEFAULT_HEDGES = (
    "perhaps", "possibly", "maybe", "conceivably", "it seems", "seemingly", "presumably",
)  # fmt: skip
#: The title every series prints unless it sets ``title``.
DEFAULT_TITLE = "{series}, {date}: {headline}"
#: The masthead order every series prints unless it sets ``masthead``.
DEFAULT_MASTHEAD = MASTHEAD_PARTS

NoteStyle = Literal["arabic", "roman"]
CutoffStyle = Literal["date", "clock"]
EstimativeScale = Literal["standard", "alternate", "either"]
TakeawaysStyle = Literal["paragraphs", "bullets", "numbered"]
DateLine = Literal["weekday", "date", "none"]
DateFormat = Literal["plain", "padded"]
RegionMark = Literal[".", ":"]
ClockFormat = Literal["auto", "ap", "dotted", "compact", "spaced"]


@dataclass(frozen=True)
class About:
    """What the schema says of one series field beside its type and default."""

    #: One line for the docs' table: what the field does (Markdown).
    doc: str
    #: The field set in ``series.yaml``, as the docs show it (``kicker: false``); empty
    #: when a whole section shows it (``layouts``).
    example: str
    #: The finding code of a bad value.
    code: str = "E002"
    #: Converts a raw value instead of the type's rule: ``(value, why or None)``.
    convert: Callable[[Any], tuple[Any, str | None]] | None = None
    #: Checks a converted value further: what is wrong with it, or None.
    check: Callable[[Any], str | None] | None = None
    #: Checks each item of a list, reported at the item's line: what is wrong, or None.
    each: Callable[[str], str | None] | None = None
    #: How the docs show the default, when the default's own form does not say it well.
    shown: str = ""
    #: What the field takes, in the docs' words, when its type does not say it well.
    takes: str = ""


def about(doc: str, example: str, **more: Any) -> dict[str, About]:
    """Return a field's metadata: its :class:`About`."""
    return {"about": About(doc, example, **more)}


def option(default: Any, doc: str, example: str, **more: Any) -> Any:
    """Declare a series field with a default (the type is the annotation)."""
    return field(default=default, metadata=about(doc, example, **more))


@dataclass(frozen=True)
class Layout:
    """Series fields that change from a date on (one entry of ``layouts:``)."""

    #: The first edition date (the edition folder's date) the change applies to.
    since: dt.date
    #: The fields it sets, already checked and converted.
    values: Mapping[str, Any]


#: The guide page the docs of layout fields link to (the table is in ``guide/series.md``).
_LAYOUTS = "layouts.md"


@dataclass(frozen=True)
class Series:
    """One publication series, such as the Salafi-Jihadi Movement Weekly Update."""

    key: str
    name: str = field(
        metadata=about(
            "the series' display name: `{series}` in the title, the slug, the feed",
            "name: Africa File",
            check=name_problem,
            shown="(required)",
        )
    )
    organization: str = option(
        "Critical Threats Project", "metadata, the archive, mail", "organization: Gulf Institute"
    )
    organization_short: str = option(
        "CTP", "short form of the organisation", "organization_short: GI"
    )
    title: str = option(
        DEFAULT_TITLE,
        f"the title template; see [The title template]({_LAYOUTS}#the-title-template)",
        'title: "{headline}: {series}, {date}"',
        code="E040",
        check=title_problem,
    )
    date_line: DateLine = option(
        "weekday",
        'the line above the title: `weekday` prints "Friday, December 15, 2023", `date` '
        'prints "December 15, 2023", `none` prints nothing (the posting date, front matter '
        "`published`)",
        "date_line: date",
        code="E040",
    )
    kicker: bool = option(
        True, 'the small "SERIES · DATE" line above the date line', "kicker: false", code="E040"
    )
    byline: bool = option(
        True,
        'print the edition byline ("Authors: A and B"); see '
        f"[Bylines]({_LAYOUTS}#bylines-who-signs-the-edition)",
        "byline: false",
        code="E040",
    )
    authors: tuple[str, ...] = option(
        (), "authors of every edition that names none", "authors: [Liam Karr]"
    )
    cutoff_line: bool = option(
        True,
        "print the data-cutoff line (page, PDF and mail); the cutoff still decides which "
        "events and sources an edition may use",
        "cutoff_line: false",
        code="E040",
    )
    cutoff_label: str = option(
        "Data Cutoff",
        "label of the cutoff line; must not be empty (use `cutoff_line: false` to print none)",
        "cutoff_label: Information Cutoff",
        code="E040",
        check=label_problem,
    )
    cutoff_style: CutoffStyle = option(
        "date",
        '`date`: "Data Cutoff: March 7, 2024, at 10 a.m."; `clock`: "Information Cutoff: '
        "2:00 p.m. ET\" (the clock's form: `clock_format`)",
        "cutoff_style: clock",
    )
    zone_label: str = option(
        "ET", "the zone printed after the clock in the `clock` style", "zone_label: GST"
    )
    timezone: str = option(
        "America/New_York", "IANA zone of cutoff times", "timezone: Asia/Dubai", check=zone_problem
    )
    language: str = option(
        "en",
        "the editions' language (a BCP 47 tag): the HTML `lang` and `dir` (right to left for "
        "Arabic, Hebrew, Persian, Urdu), the PDF's /Lang; see [Accessibility](accessibility.md)",
        "language: ar",
        check=language_problem,
    )
    cutoff_time: str = option(
        "10:00",
        "the cutoff time when an edition gives only a date",
        'cutoff_time: "14:00"',
        check=clock_problem,
    )
    subscribe: str = option(
        "",
        "the subscription line (Markdown)",
        "subscribe: To receive it, [subscribe here](https://example.org).",
    )
    notices: tuple[str, ...] = option(
        (),
        "paragraphs printed on every edition before its own notices",
        "notices: [CTP has paused the Yemen section.]",
    )
    key_takeaways_style: TakeawaysStyle = option(
        "paragraphs",
        "`paragraphs`, `bullets` or `numbered` (a 1, 2, 3 list); see "
        f"[Key takeaways]({_LAYOUTS}#key-takeaways)",
        "key_takeaways_style: bullets",
        code="E040",
    )
    assessments_label: str = option(
        "", 'prints "Assessments:" before the body', "assessments_label: Assessments"
    )
    masthead: tuple[MastheadPart, ...] = option(
        DEFAULT_MASTHEAD,
        "the order of the masthead's lines; see "
        f"[The masthead]({_LAYOUTS}#the-masthead-order-formats-and-labels)",
        "masthead: [date_line, title, byline, subscribe, cutoff, contributors]",
        code="E042",
        check=masthead_problem,
    )
    date_format: DateFormat = option(
        "plain",
        'the day in the date line: `plain` "August 3, 2023", `padded` "August 03, 2023" (the '
        "cutoff line's date is always AP style)",
        "date_format: padded",
        code="E040",
    )
    clock_format: ClockFormat = option(
        "auto",
        'the cutoff line\'s clock: `ap` "10 a.m.", `dotted` "2:00 p.m.", `compact` "2:00pm", '
        '`spaced` "2:00 pm"; `auto` is `ap` in the `date` style and `dotted` in the `clock` style',
        "clock_format: compact",
        code="E040",
    )
    author_label: bool = option(
        True,
        '`false` prints the edition\'s authors without "Author:"/"Authors:" (the Iran '
        "Update's form)",
        "author_label: false",
        code="E040",
    )
    region_mark: RegionMark = option(
        ".",
        'the mark after a key takeaway\'s bold region name: "**Mali.** …" or "**Iraq:** …"',
        'region_mark: ":"',
        code="E040",
    )
    smart_quotes: bool = option(
        True,
        "curly quotes and apostrophes for straight ones typed in the body and front matter; "
        f"see [Typographic quotes]({_LAYOUTS}#typographic-quotes)",
        "smart_quotes: false",
        code="E040",
    )
    note_style: NoteStyle = option(
        "arabic", "endnotes `[1]` (`arabic`) or `[i]` (`roman`)", "note_style: roman"
    )
    hedges: tuple[str, ...] = option(
        DEFAULT_HEDGES,
        "vague words `check` flags (W201); `[]` turns it off",
        "hedges: [perhaps, might]",
    )
    estimative_scale: EstimativeScale = option(
        "either",
        "the ICD 203 term set: `standard` (likely …), `alternate` (probable …) or `either` "
        "(one per edition)",
        "estimative_scale: standard",
    )
    actor_aliases: tuple[tuple[str, str], ...] = option(
        (),
        "names the prose uses for an actor of the events table, each mapped to the table's "
        "`actor1`: the typed-number check (W410) reads them",
        "actor_aliases: {Islamic State Sahel Province: ISSP}",
        convert=actor_aliases,
        shown="{}",
    )
    accept_warnings: tuple[str, ...] = option(
        (),
        "warning codes accepted for every edition of the series: not printed, not counted "
        "by `check --strict`, only counted in `check`'s summary; see "
        "[Accepting a known warning](#accepting-a-known-warning)",
        "accept_warnings: [W414]",
        code="E090",
        takes="a list of warning codes",
        each=acceptance_problem,
    )
    mail_from: str = option("", "mail sender, `Name <address>`", "mail_from: CTP <ctp@example.org>")
    mail_reply_to: str = option("", "mail Reply-To", "mail_reply_to: editors@example.org")
    mail_subject: str = option(
        "{title}",
        "mail subject; `{title}` is the title template's result",
        'mail_subject: "{name}: {headline}"',
    )
    unsubscribe_mailto: str = option(
        "", "List-Unsubscribe address", "unsubscribe_mailto: mailto:off@example.org"
    )
    unsubscribe_url: str = option(
        "",
        "one-click unsubscribe URL; `{token}` becomes the recipient's signed token",
        "unsubscribe_url: https://example.org/off?t={token}",
    )
    web_url: str = option(
        "", "the web version of an edition", "web_url: https://example.org/{slug}"
    )
    layouts: tuple[Layout, ...] = option(
        (),
        f"fields that change from a date on; see [Layouts over time]({_LAYOUTS}#layouts-over-time)",
        "",
        code="E040",
        takes="a list of entries, each `since: DATE` and the fields it changes",
    )

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


@cache
def declared() -> dict[str, tuple[Field[Any], Any, About]]:
    """Return every series field by name, in order: its dataclass field, type and about."""
    hints = get_type_hints(Series)
    return {f.name: (f, hints[f.name], f.metadata["about"]) for f in fields(Series) if f.metadata}


#: Every field ``series.yaml`` may give (``key`` is the mapping's key, not a field).
FIELD_NAMES = frozenset(f.name for f in fields(Series) if f.metadata)
#: Older names still read: ``takeaway_style: paragraph`` means ``key_takeaways_style: paragraphs``.
ALIASES = {"takeaway_style": "key_takeaways_style"}
OLD_VALUES = {"paragraph": "paragraphs"}


def choices(kind: Any) -> tuple[str, ...]:
    """Return the words a ``Literal`` type allows, or ``()`` for another type."""
    return get_args(kind) if get_origin(kind) is Literal else ()


def shown_default(name: str) -> str:
    """Return the default of field ``name`` as the docs show it (Markdown)."""
    dataclass_field, _, info = declared()[name]
    if info.shown:
        return info.shown if info.shown.startswith("(") else f"`{info.shown}`"
    default = dataclass_field.default
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, tuple):
        return f"`[{', '.join(default)}]`"
    if not default:
        return "(none)"
    default = str(default)
    plain = re.fullmatch(r"[\w .,/-]+", default) and not re.fullmatch(r"[\d:]+", default)
    return f"`{default}`" if plain else f'`"{default}"`'
