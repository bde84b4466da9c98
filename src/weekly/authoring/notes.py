"""Turn footnote texts into citation points and structured sources, repeats merged.

Each footnote is split on ``; `` (never inside “quotes”) and every part is read as one
source: a bare url, a defanged url, a subscription item in its full or short form, an
article, or text (the author's SIGACT database in its full and short forms). A reading is
kept only when printing the source back, as the endnotes print it, gives the part word for
word; anything else becomes a ``text`` source printed as written, and is listed for the
analyst.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from weekly.authoring.footnotes import (
    FAMILY,
    PLACE,
    bare_url_end,
    make_ids,
    normalise,
    readings,
    split_parts,
)
from weekly.authoring.package import Unreadable
from weekly.inputs.sources import Source, print_source


@dataclass
class Entry:
    """A source as the import builds it."""

    source: Source
    shared: bool = False
    cited: int = 0
    #: True once a short form can no longer be added without changing an earlier note.
    locked: bool = False


@dataclass(frozen=True)
class Unclassified:
    """A footnote part read as plain text: the analyst should look at it."""

    note: int
    part: str
    id: str


@dataclass(frozen=True)
class Rewritten:
    """A footnote part in another common form, read after putting it in the project's form."""

    note: int
    part: str
    now: str


@dataclass
class Bibliography:
    """The sources of one draft, built note by note, reusing the shared bibliography.

    Every lookup goes through an index (identity, printed text, subscription title), so
    reading a draft costs time in proportion to its notes, not to their square.
    """

    shared: dict[str, Source]
    entries: dict[str, Entry] = field(default_factory=dict)
    unclassified: list[Unclassified] = field(default_factory=list)
    rewritten: list[Rewritten] = field(default_factory=list)
    #: Identity of a structured source -> its id.
    by_identity: dict[tuple[object, ...], str] = field(default_factory=dict, repr=False)
    #: A text source's words (either form, final full stop dropped) -> ids.
    by_words: dict[str, list[str]] = field(default_factory=dict, repr=False)
    #: A subscription item's title -> ids.
    by_title: dict[str, list[str]] = field(default_factory=dict, repr=False)
    #: Text sources of the SIGACT family that may still gain a short form.
    families: list[str] = field(default_factory=list, repr=False)
    #: The last number given to an id that needed one (``sigact-7``).
    numbered: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for source in self.shared.values():
            self._index(Entry(source, shared=True))

    @property
    def new(self) -> list[Source]:
        """Return the sources the draft adds (not in the shared bibliography), in citing order."""
        return [e.source for e in self.entries.values() if not e.shared]

    def cite(self, number: int, text: str) -> list[str]:
        """Return the source ids of footnote ``number`` (its text), creating sources as needed."""
        parts = split_parts(text)
        keys = []
        try:
            for position, part in enumerate(parts):
                keys.append(self._part(number, part, position == len(parts) - 1))
        except Unreadable as exc:
            raise Unreadable(f"note {number}: {exc}") from None
        return keys

    def _index(self, entry: Entry) -> None:
        source = self.entries.setdefault(entry.source.id, entry).source
        if source.kind == "text":
            for words in {source.text, source.short} - {""}:
                self.by_words.setdefault(_words_key(words), []).append(source.id)
            if not entry.shared and FAMILY.search(source.text):
                self.families.append(source.id)
            return
        self.by_identity.setdefault(_identity(source), source.id)
        if source.kind == "subscription":
            self.by_title.setdefault(_title_key(source.title), []).append(source.id)

    def _part(self, number: int, part: str, last: bool) -> str:
        bare = bare_url_end(part)
        for text in dict.fromkeys((bare, part, normalise(bare))):
            for candidate in readings(text):
                entry = self._match(candidate)
                if entry is not None and self._prints(entry, text, last):
                    key = self._use(entry)
                elif entry is None and _prints_as(candidate, True, last) == text:
                    key = self._use(self._add(candidate))
                else:
                    continue
                if text not in (bare, part):
                    self.rewritten.append(Rewritten(number, part, text))
                return key
        if part.endswith("”"):  # a subscription item in its short form
            key = self._short_form(part, last)
            if key:
                return key
        family = bool(FAMILY.search(part))
        for key in self.by_words.get(_words_key(part), []):
            entry = self.entries[key]
            if entry.source.kind == "text" and self._prints(entry, part, last):
                return self._use(entry)
        if family:
            for key in self.families:
                entry = self.entries[key]
                source = entry.source
                if entry.locked or source.short:
                    continue
                if (
                    entry.cited
                    and _prints_as(replace(source, short=_sentence(part)), False, last) == part
                ):
                    entry.source = replace(source, short=_sentence(part))
                    self.by_words.setdefault(_words_key(entry.source.short), []).append(key)
                    return self._use(entry)
        words = _sentence(part) if family and not last else part
        entry = self._add(Source("", "text", PLACE, 0, text=words))
        if not family:
            self.unclassified.append(Unclassified(number, part, entry.source.id))
        return self._use(entry)

    def _short_form(self, part: str, last: bool) -> str:
        """Return the id of the subscription item ``part`` names in its short form, if cited."""
        quoted = re.search(r"“(.+)”", part)
        if quoted is None:
            return ""
        for key in self.by_title.get(_title_key(quoted[1]), []):
            entry = self.entries[key]
            if entry.cited and self._prints(entry, part, last):
                return self._use(entry)
        return ""

    def _prints(self, entry: Entry, part: str, last: bool) -> bool:
        return _prints_as(entry.source, entry.cited == 0, last) == part

    def _match(self, candidate: Source) -> Entry | None:
        key = self.by_identity.get(_identity(candidate))
        return self.entries[key] if key is not None else None

    def _use(self, entry: Entry) -> str:
        if entry.cited and not entry.source.short:
            entry.locked = True
        entry.cited += 1
        return entry.source.id

    def _add(self, source: Source) -> Entry:
        source = replace(source, id=self._unique(source))
        entry = Entry(source)
        self._index(entry)
        return entry

    def _unique(self, source: Source) -> str:
        base, longer = make_ids(source)
        for key in (base, longer):
            if key and key not in self.entries:
                return key
        count = self.numbered.get(longer, 1) + 1
        while f"{longer}-{count}" in self.entries:
            count += 1
        self.numbered[longer] = count
        return f"{longer}-{count}"


def _words_key(text: str) -> str:
    return text.removesuffix(".")


def _title_key(title: str) -> str:
    return title.rstrip(".,")


def _sentence(text: str) -> str:
    """Return ``text`` ending in a full stop, as a text source stores it."""
    return text if text.endswith((".", "?", "!", "”")) else text + "."


def _prints_as(source: Source, first: bool, last: bool) -> str:
    return print_source(source, first, last).text


def _identity(source: Source) -> tuple[object, ...]:
    if source.kind == "url":
        return ("url", source.url, source.link)
    if source.kind == "subscription":
        return ("subscription", source.publisher, source.title)
    if source.kind == "article":
        return ("article", source.authors, source.publisher, source.title, source.date, source.url)
    return ("text", source.text, source.short)
