"""Authoring: read the parts of a footnote as sources, each in every form it could take.

A footnote is split on ``; `` (never inside “quotes”), each part normalised (straight
quotes, day-first dates, defanged addresses) and read as every source it could be: a bare
url, a subscription item, an article, a database entry. The bibliography
(:mod:`weekly.authoring.notes`) keeps the reading that prints back word for word.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

from weekly.apstyle import MONTHS, slugify
from weekly.authoring.package import Unreadable
from weekly.inputs.bibliography.entry import Name
from weekly.inputs.sources import Source, defang, is_web_url

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


def readings(part: str) -> list[Source]:
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
