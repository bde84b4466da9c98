"""Turn footnote texts into citation points and structured sources, repeats merged.

Each footnote is split on ``; `` (never inside “quotes”) and every part is read as one
source: a bare url, a defanged url, a subscription item in its full or short form, an
article, or text (the author's SIGACT database in its full and short forms). A reading is
kept only when printing the source back, as the endnotes print it, gives the part word for
word; anything else becomes a ``text`` source printed as written, and is listed for the
analyst.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from weekly.apstyle import MONTHS, slugify
from weekly.authoring.package import Unreadable
from weekly.inputs.bibliography.entry import Name
from weekly.inputs.sources import Source, defang, is_web_url, print_source

DATE = r"(?:" + "|".join(MONTHS) + r") \d{1,2}, \d{4}"
URL = re.compile(r"https?://\S+")
DEFANGED = re.compile(r"(https?://\S+?) dot (\S+)")
FULL = re.compile(
    rf"(?P<who>[^“”]+?), “(?P<title>.+?)(?:,”|(?<=[?!])”) (?P<date>{DATE}), "
    r"available by subscription at (?P<site>\S+)"
)
ARTICLE = re.compile(
    rf"(?:(?P<who>[^“”]+?), )?“(?P<title>.+?)(?:[,.]”|(?<=[?!])”)"
    rf"(?: (?P<date>{DATE}),?)?(?: (?P<url>\S+))?"
)
FAMILY = re.compile(r"\bSIGACTs?\b|database of significant activit", re.I)
HOST_PREFIXES = {"www", "m", "en", "fr", "in", "english", "amp", "mobile", "news", "web"}
PATH_DAY = re.compile(r"(?<!\d)(20\d\d)([/-])(\d\d)\2(\d\d)(?!\d)")
X_STATUS = re.compile(r"^(?:x|twitter)\.com/([^/]+)/status/(\d+)")
PLACE = Path("draft.docx")


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
            for candidate in _readings(text):
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


_LINKED = re.compile("\ue010([^\ue011]*)\ue011")


def attach_links(text: str) -> str:
    """Return a note's text with the addresses of its hyperlinked words written out.

    A part that names no address of its own gets the address its words link to at its
    end, as the project's note forms have it (``Reuters, “Title,” August 3, 2023, URL``);
    a part that already shows the address keeps its text.
    """
    if "\ue010" not in text:
        return text
    parts = []
    for part in split_parts(text):
        links = list(dict.fromkeys(_LINKED.findall(part)))
        plain = " ".join(_LINKED.sub("", part).split())
        missing = [url for url in links if url not in plain]
        if missing and not URL.search(plain):
            if plain.endswith(".") and not plain.endswith(".."):
                plain = plain[:-1]
            plain = ", ".join([plain, *missing]) if plain else ", ".join(missing)
        parts.append(plain)
    return "; ".join(parts)


def bare_url_end(part: str) -> str:
    """Return ``part`` without punctuation typed after the address it ends with.

    ``https://example.com/a.`` links to ``https://example.com/a``; so does
    ``(https://example.com/a)``. A bracket that the address itself opened stays.
    """
    found = re.search(r"https?://\S+$", part)
    if found is None:
        return part
    url = found[0]
    while url and url[-1] in ".,;:)]":
        closer = url[-1]
        opener = {")": "(", "]": "["}.get(closer)
        if opener and url.count(opener) >= url.count(closer):
            break
        url = url[:-1]
    head = part[: found.start()]
    if url != found[0] and head.endswith(("(", "[")) and found[0][len(url) :][:1] in ")]":
        head = head[:-1]
    return head + url


_MONTH_WORDS = {m[:3].lower(): m for m in MONTHS}
_MONTH = (
    r"(?P<month>(?:" + "|".join(MONTHS) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)"
)
#: "Aug. 5, 2023", "Aug 5, 2023", "Sept. 5, 2023".
_SHORT_DATE = re.compile(rf"\b{_MONTH} (?P<day>\d{{1,2}}), (?P<year>\d{{4}})\b")
#: "3 August 2023", "3 Aug. 2023".
_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}}) {_MONTH},? (?P<year>\d{{4}})\b")
_STRAIGHT = re.compile(r'(^|(?<=[ (]))"(?P<title>[^"]+?)(?P<stop>[,.?!]?)"(?=[ ,;]|$)')
_SINGLE = re.compile(r"(^|(?<=, ))'(?P<title>[^']+?)(?P<stop>[,.?!])'(?= |$)")
_TITLE_FIRST = re.compile(
    rf"“(?P<title>[^“”]+?),” (?P<who>[^“”]+?), (?P<date>{DATE})(?P<rest>(?:, \S+)?)"
)
_BRACKETED = re.compile(r"\b(?:hxxp|http)(?P<s>s?)\[?:\]?//(?P<rest>\S*\[\.\]\S*)")


def _month(match: re.Match[str]) -> str:
    return _MONTH_WORDS[match["month"][:3].lower()]


def normalise(part: str) -> str:
    """Return a note part in the project's form when it uses another common one.

    Straight or single quotes around the title become curly ones, ``3 August 2023`` and
    ``Aug. 5, 2023`` become ``August 3, 2023``, a title written before the publisher moves
    after it, and an address defanged with ``[.]`` (or ``hxxp``) is written the way the
    notes print an address that must not be a link (``example dot com``). The result is
    kept only when it reads as a structured source; the import lists every part it rewrote.
    """
    text = _SHORT_DATE.sub(lambda m: f"{_month(m)} {int(m['day'])}, {m['year']}", part)
    text = _DAY_FIRST.sub(lambda m: f"{_month(m)} {int(m['day'])}, {m['year']}", text)
    text = _STRAIGHT.sub(lambda m: f"“{m['title']}{m['stop']}”", text)
    text = _SINGLE.sub(lambda m: f"“{m['title']}{m['stop']}”", text)
    text = text.replace("”,", ",”") if re.search(r"“[^“”]+”, ", text) else text
    first = _TITLE_FIRST.fullmatch(text)
    if first:
        text = f"{first['who']}, “{first['title']},” {first['date']}{first['rest']}"
    bracketed = _BRACKETED.search(text)
    if bracketed:
        url = f"http{bracketed['s']}://{bracketed['rest'].replace('[.]', '.')}"
        if is_web_url(url):
            text = text[: bracketed.start()] + defang(url) + text[bracketed.end() :]
    return text


def split_parts(text: str) -> list[str]:
    """Return the ``; ``-separated parts of a note, never splitting inside “…”.

    The quotes are counted piece by piece, so a note with an unclosed “ and thousands of
    ``; `` costs one pass, not one pass per piece.
    """
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for piece in text.strip().split("; "):
        current.append(piece)
        depth += piece.count("“") - piece.count("”")
        if depth <= 0:
            parts.append("; ".join(current).strip())
            current, depth = [], 0
    if current:
        parts.append("; ".join(current).strip())
    return [p for p in parts if p]


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


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        raise Unreadable(f"no such day: {text}") from None


def _who(text: str | None) -> tuple[tuple[str, ...], str]:
    """Return (authors, publisher) from the words before the title."""
    if not text:
        return (), ""
    names = [n.strip() for n in text.split(", ")]
    return tuple(names[:-1]), names[-1]


def _readings(part: str) -> list[Source]:
    """Return the structured readings ``part`` may have, most specific first."""
    found: list[Source] = []
    if URL.fullmatch(part) and is_web_url(part):
        found.append(Source("", "url", PLACE, 0, url=part, date=url_date(part)))
    defanged = DEFANGED.fullmatch(part)
    if defanged and " " not in defanged[2]:
        url = f"{defanged[1]}.{defanged[2]}"
        if defang(url) == part:
            found.append(Source("", "url", PLACE, 0, url=url, link=False, date=url_date(url)))
    full = FULL.fullmatch(part)
    if full:
        authors, publisher = _who(full["who"])
        found.append(
            Source(
                "",
                "subscription",
                PLACE,
                0,
                publisher=publisher,
                authors=tuple(Name(literal=a) for a in authors),
                title=full["title"],
                date=_day(full["date"]),
                subscription=full["site"],
            )  # fmt: skip
        )
    article = ARTICLE.fullmatch(part)
    if article and (article["date"] or article["url"]):
        authors, publisher = _who(article["who"])
        url = article["url"] or ""
        if not url or is_web_url(url):
            found.append(
                Source(
                    "",
                    "article",
                    PLACE,
                    0,
                    publisher=publisher,
                    authors=tuple(Name(literal=a) for a in authors),
                    title=article["title"],
                    date=_day(article["date"]),
                    url=url,
                )  # fmt: skip
            )
    return found


def url_date(url: str) -> dt.date | None:
    """Return the date a url carries: a post's id on X, or ``/2023/10/16/`` in its path."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("mobile.")
    status = X_STATUS.match(host + parts.path)
    if status and status[2].isdigit():
        if len(status[2]) > 19:
            return None  # longer than any 64-bit id: not a post's, so no date in it
        moment = ((int(status[2]) >> 22) + 1288834974657) / 1000
        if moment > 1288834974.657 + 86400:  # ids before snowflakes carry no time
            try:
                return dt.datetime.fromtimestamp(moment, dt.UTC).date()
            except (OverflowError, OSError, ValueError):
                return None
        return None
    day = PATH_DAY.search(parts.path)
    if day:
        try:
            return dt.date(int(day[1]), int(day[3]), int(day[4]))
        except ValueError:
            return None
    return None


def _words(text: str, count: int) -> str:
    words = [w for w in slugify(text).split("-") if w]
    return "-".join(words[:count])


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    labels = [label for label in host.split(".") if label]
    while len(labels) > 2 and labels[0] in HOST_PREFIXES:
        labels.pop(0)
    if labels and labels[0] == "twitter":
        return "x"
    return labels[0] if labels else "url"


def _url_words(url: str) -> str:
    parts = urlsplit(url)
    status = X_STATUS.match((parts.hostname or "").removeprefix("www.") + parts.path)
    if status:
        return f"{status[1]}-{status[2]}"
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return ""
    last = re.sub(r"\.(html?|aspx?|php|jsp)$", "", segments[-1], flags=re.I)
    return _words(last, 4)


def make_ids(source: Source) -> tuple[str, str]:
    """Return a readable id for ``source`` and a longer one for when the first is taken."""
    if source.kind == "url":
        base = "-".join(w for w in (_site(source.url), _url_words(source.url)) if w)
        return slugify(base), slugify(base)
    if source.kind == "text":
        if FAMILY.search(source.text):
            return "sigact", "sigact"
        return _words(source.text, 4) or "text", _words(source.text, 6) or "text"
    who = source.publisher or (source.authors[0].full() if source.authors else "")
    first = _words(who, 1) if source.kind == "subscription" else slugify(who)
    day = source.date.isoformat() if source.date else ""
    title = _words(source.title, 3)
    if source.kind == "subscription":
        key = "-".join(w for w in (first, day, title) if w)
        return key, "-".join(w for w in (first, day, _words(source.title, 6)) if w)
    base = (
        "-".join(w for w in (first, day) if w) if day else "-".join(w for w in (first, title) if w)
    )
    return base or title, "-".join(w for w in (first, day, title) if w)
