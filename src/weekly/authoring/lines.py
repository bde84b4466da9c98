"""Authoring: the shapes of a draft's lines, and the readers of the dates and names in them.

The patterns of a title, a dateline, a byline, a cutoff line, a caption; the questions the
recogniser (:mod:`weekly.authoring.draft`) asks of a paragraph (a heading? a region's name
in bold? a line only the body can hold?); and an id made from a figure's title.
"""

from __future__ import annotations

import datetime as dt
import re

from weekly.apstyle import DAYS, MONTHS, slugify
from weekly.authoring.package import Unreadable
from weekly.authoring.wordml import NoteRef, Paragraph, Span

DAY = r"(?:" + "|".join(MONTHS) + r") \d{1,2}, \d{4}"
DATE = rf"(?P<date>{DAY})"
TITLE = re.compile(rf"(?P<series>.+?), {DATE}: (?P<headline>.+)")
DATELINE = re.compile(rf"(?:(?:{'|'.join(DAYS)}), )?{DATE}")
BYLINE = re.compile(
    r"(?P<label>Authors?|Author\(s\)|Contributors?|Contributor\(s\)|By)\s*:\s*(?P<names>.+)", re.I
)
#: A clock as the cutoff lines print it: ``10 a.m.``, ``2:00pm ET``, ``2:00 pm EST``, ``noon``.
CLOCK = r"noon|midnight|\d{1,2}(?::\d\d)?\s?(?:[ap]\.m\.|[ap]m)(?:\s[A-Za-z]{1,4}\b)?"
CUTOFF = re.compile(
    rf"(?:Data|Information) Cutoff:\s*{DATE}?(?:,?\s*(?:at\s+)?(?P<clock>{CLOCK}))?\.?",
    re.I,
)
ASSESSMENTS = re.compile(r"(?:\*\*)?Assessments:(?:\*\*)?", re.I)
#: One person's name: two to four capitalised words ("Liam Karr", "Johanna Moore").
PERSON = r"[A-Z][\w.'’-]*(?: (?:[A-Z][\w.'’-]*|de|van|von|al|bin)){1,3}"
NAMES_LINE = re.compile(rf"{PERSON}(?:,? {PERSON})*(?:,? and {PERSON})?|{PERSON}(?:, {PERSON})+")
TAKEAWAY = re.compile(r"^(?:\*\*)?Key Takeaway(?P<many>s)?:(?:\*\*)?\s*(?:\*\*)?\s*", re.I)
NAME = r"[A-Z][\w’'&-]*"
#: A takeaway that opens with its region: "Mali. …", or "Iran: …" as the Iran Update has it.
REGION = re.compile(
    rf"^(?:\*\*)?(?P<region>{NAME}(?: (?:{NAME}|and|of|the)){{0,5}})[.:](?:\*\*)?\s+(?P<rest>.+)"
)
CAPTION = re.compile(r"Figure \d+[.:]\s*(?P<title>.+)")
NOTE = re.compile(r"Note:\s*(?P<text>.+)")
SOURCE = re.compile(r"Sources?:\s*(?P<text>.+)")
SUBSCRIBE = re.compile(r"To receive the .+ (?:via|by) email", re.I)
STOP = {"and", "the", "of", "in", "a", "an", "for", "to", "on", "with", "at", "by"}


def parse_day(text: str, where: str = "") -> dt.date:
    """Return the date of ``November 8, 2023``; raise :class:`Unreadable` for November 31."""
    try:
        return dt.datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        raise Unreadable(f"no such day: {text}" + (f" (in {where})" if where else "")) from None


def parse_clock(text: str | None) -> dt.time | None:
    """Return the time of ``10 a.m.``, ``3:30 p.m.``, ``2:00pm ET``, ``noon`` or ``midnight``."""
    if not text:
        return None
    if text.lower() in ("noon", "midnight"):
        return dt.time(12 if text.lower() == "noon" else 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d\d))?\s?([ap])\.?m\.?(?:\s[a-z]{1,4})?", text.lower())
    if not match or not 1 <= int(match[1]) <= 12 or int(match[2] or 0) > 59:
        return None
    hour = int(match[1]) % 12 + (12 if match[3] == "p" else 0)
    return dt.time(hour, int(match[2] or 0))


def split_names(text: str) -> list[str]:
    """Return the names of ``A, B, and C``."""
    names = re.split(r",\s*(?:and\s+)?|\s+and\s+", text.strip().rstrip("."))
    return [n.strip() for n in names if n.strip()]


def figure_id(title: str, taken: set[str]) -> str:
    """Return a readable id from a figure's title, unique among ``taken``."""
    words = [w for w in slugify(title).split("-") if w and w not in STOP]
    base = "-".join(words[:3]) or "figure"
    key, count = base, 2
    while key in taken:
        key, count = f"{base}-{count}", count + 1
    taken.add(key)
    return key


def has_note(paragraph: Paragraph) -> bool:
    return any(isinstance(p, NoteRef) for p in paragraph.pieces)


def is_heading(paragraph: Paragraph) -> bool:
    return paragraph.style.startswith("heading") and bool(paragraph.text)


def is_region_name(paragraph: Paragraph) -> bool:
    """Return whether a paragraph is a region's name in bold: a heading typed by hand.

    All of its text bold, one to five capitalised words (``and``, ``of``, ``the``
    between), no closing punctuation: "Mali", "Burkina Faso", "Democratic Republic of the
    Congo". A lead judgment is a sentence and ends with a full stop.
    """
    spans = [p for p in paragraph.pieces if isinstance(p, Span) and p.text.strip()]
    if not spans or not all(span.bold for span in spans) or paragraph.listed:
        return False
    return bool(re.fullmatch(rf"{NAME}(?: (?:{NAME}|and|of|the)){{0,4}}", paragraph.text))


def leads_bold(paragraph: Paragraph) -> bool:
    first = next((p for p in paragraph.pieces if isinstance(p, Span) and p.text.strip()), None)
    return first is not None and first.bold


def is_body(paragraph: Paragraph) -> bool:
    """Return whether a paragraph can only belong to the body (a lead, bullet, figure, heading)."""
    if paragraph.listed or paragraph.images or is_heading(paragraph):
        return True
    if CAPTION.fullmatch(paragraph.text) or ASSESSMENTS.fullmatch(paragraph.text):
        return True
    return leads_bold(paragraph) and not TAKEAWAY.match(paragraph.text)
