"""What a series value must be beyond its type: the checks the schema names per field.

:mod:`weekly.inputs.schema` declares each field with one of these; every function returns
what is wrong with a value (the message printed after ``series 'KEY': ``), or None.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from weekly.findings import CODES

#: The placeholders a ``title`` template may use.
TITLE_PLACEHOLDERS = ("series", "date", "headline")
MastheadPart = Literal[
    "date_line", "title", "byline", "contributors", "cutoff", "subscribe", "notices"
]
#: The parts of the masthead ``masthead:`` may order (the kicker always comes first).
MASTHEAD_PARTS: tuple[MastheadPart, ...] = get_args(MastheadPart)
#: A BCP 47 language tag, loosely: a 2–3 letter language, then optional subtags.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def name_problem(value: str) -> str | None:
    """Return what is wrong with a series ``name``, or None."""
    return None if value.strip() else "name must not be empty"


def label_problem(value: str) -> str | None:
    """Return what is wrong with a ``cutoff_label``, or None."""
    if value.strip():
        return None
    return "cutoff_label is empty; to print no cutoff line, set cutoff_line: false"


def language_problem(value: str) -> str | None:
    """Return what is wrong with a ``language`` tag, or None."""
    if LANGUAGE_TAG.fullmatch(value):
        return None
    return f"language must be a language tag such as en, fr or ar (got '{value}')"


def title_problem(template: str) -> str | None:
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


def masthead_problem(parts: tuple[str, ...]) -> str | None:
    """Return what is wrong with a ``masthead`` order, or None."""
    for part in parts:
        if part not in MASTHEAD_PARTS:
            return f"masthead: unknown part '{part}' (known: {', '.join(MASTHEAD_PARTS)})"
        if parts.count(part) > 1:
            return f"masthead: '{part}' is given twice"
    if "title" not in parts:
        return "masthead must include title"
    return None


def zone_problem(value: str) -> str | None:
    """Return what is wrong with a ``timezone``, or None."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone '{value}'"
    return None


def clock_problem(value: str) -> str | None:
    """Return what is wrong with a ``cutoff_time``, or None."""
    hour, _, minute = value.partition(":")
    try:
        dt.time(int(hour), int(minute or 0))
    except ValueError:
        return "cutoff_time must look like 10:00"
    return None


def actor_aliases(value: Any) -> tuple[Any, str | None]:
    """Return ``actor_aliases`` as (name, actor1) pairs, or why it is refused."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k.strip() and v.strip()
        for k, v in value.items()
    ):
        return None, "actor_aliases must map a name to the events table's actor1"
    return tuple((k.strip(), v.strip()) for k, v in value.items()), None


#: Warnings accepted some other way than ``accept_warnings``, and how.
ACCEPTED_ELSEWHERE = {
    # A silent edit of a published edition is a decision about one change, not a standing
    # one: accepted for good, later edits would go out without a correction unnoticed.
    "W080": "is accepted one archive at a time, with archive --accept-silent-edit",
}


def acceptance_problem(code: str) -> str | None:
    """Return why ``code`` cannot be accepted (``accept_warnings``), or None when it can."""
    finding = CODES.get(code)
    if finding is None:
        return f"accept_warnings: unknown code '{code}'"
    if finding.level != "warning":
        return f"accept_warnings: {code} is an error; only a warning can be accepted"
    if code in ACCEPTED_ELSEWHERE:
        return f"accept_warnings: {code} {ACCEPTED_ELSEWHERE[code]}"
    return None
