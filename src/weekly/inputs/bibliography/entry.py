"""Bibliography stage: the one entry model every reader (YAML, CSL, BibTeX, RIS) fills in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from weekly.inputs.bibliography.dates import SourceDate, from_day

Kind = Literal["url", "text", "subscription", "article", "journal", "report", "book"]
KINDS: tuple[Kind, ...] = ("url", "text", "subscription", "article", "journal", "report", "book")
#: Fields a kind cannot print without.
REQUIRED: dict[str, tuple[str, ...]] = {
    "url": ("url",),
    "text": ("text",),
    "subscription": ("title", "subscription"),
    "article": ("title",),
    "journal": ("title",),
    "report": ("title",),
    "book": ("title",),
}
_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


@dataclass(frozen=True)
class Name:
    """A person or an organization: family and given names, or one literal name."""

    family: str = ""
    given: str = ""
    literal: str = ""
    #: Particles printed before the family name (``van der``), and a suffix (``Jr.``).
    particle: str = ""
    suffix: str = ""

    def full(self) -> str:
        """Return the name as a note prints it: ``Alexander Thurston``."""
        if self.literal:
            return self.literal
        family = " ".join(p for p in (self.particle, self.family) if p)
        name = " ".join(p for p in (self.given, family) if p)
        return f"{name}, {self.suffix}" if self.suffix else name

    def short(self) -> str:
        """Return the name as running text prints it: ``Thurston`` (a literal name whole)."""
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.particle, self.family) if p) or self.given


def join_names(names: list[str]) -> str:
    """Return ``A``, ``A and B`` or ``A, B, and C``."""
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + f", and {names[-1]}"


def clean_doi(value: str) -> str:
    """Return a DOI without its ``doi:`` or ``https://doi.org/`` prefix."""
    return _DOI_PREFIX.sub("", value.strip())


@dataclass(frozen=True)
class Source:
    """One bibliography entry, whichever file and format it came from."""

    id: str
    kind: str
    path: Path
    line: int
    url: str = ""
    text: str = ""
    short: str = ""
    publisher: str = ""
    title: str = ""
    authors: tuple[Name, ...] = ()
    #: The day the source is dated, when it is known to the day (else see ``when``).
    date: dt.date | None = None
    subscription: str = ""
    link: bool = True
    #: True when the entry lives in an edition's own folder (not the shared file).
    edition_only: bool = False
    #: The source's date however precise (a month, a season, a range, words).
    when: SourceDate | None = None
    #: When a web page was read; printed when the source has no date of its own.
    accessed: SourceDate | None = None
    editors: tuple[Name, ...] = ()
    #: The journal, newspaper, site or series the source appeared in.
    container: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    #: A report's or paper's number.
    number: str = ""
    place: str = ""
    doi: str = ""
    #: Every field the file gave, by its own name, kept for the record.
    fields: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.when is None and self.date is not None:
            object.__setattr__(self, "when", from_day(self.date))
        elif self.date is None and self.when is not None and self.when.exact:
            object.__setattr__(self, "date", self.when.first_day())
        authors = tuple(Name(literal=a) if isinstance(a, str) else a for a in self.authors)
        object.__setattr__(self, "authors", authors)
        object.__setattr__(self, "doi", clean_doi(self.doi))

    def missing(self) -> str:
        """Return the first field its kind needs that the entry lacks (a DOI does for a url)."""
        for name in REQUIRED[self.kind]:
            if not getattr(self, name) and not (name == "url" and self.doi):
                return name
        return ""

    @property
    def doi_url(self) -> str:
        """Return ``https://doi.org/…`` for a source with a DOI, else ``""``."""
        return "https://doi.org/" + quote(self.doi, safe="/:;()._-+") if self.doi else ""

    @property
    def dated(self) -> SourceDate | None:
        """Return the date checked against the cutoff: the source's own, else when it was read."""
        return self.when or self.accessed

    def names_in_text(self) -> str:
        """Return who the source is by, as running text names it (``Thurston and Lebovich``).

        Authors by family name (``et al.`` past two), else editors, else the publisher or
        the container; ``""`` when the source names nobody.
        """
        people = self.authors or self.editors
        if people:
            shorts = [n.short() for n in people]
            return f"{shorts[0]} et al." if len(shorts) > 2 else join_names(shorts)
        return self.publisher or self.container
