"""Bibliography stage: read ``sources.ris`` (RIS, as EndNote, Zotero and databases export it).

The file's shape (``TY`` opens a record, ``ER`` closes it, every line a tag or a
continuation) is checked here line by line, so a fault has its line; rispy, imported
only when such a file exists, names the tags of each record.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from weekly.errors import Problem, Problems, WeeklyError, display_path
from weekly.inputs.bibliography.dates import SourceDate, make_point
from weekly.inputs.bibliography.entry import Name, Source

TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
#: RIS reference types and the house kind each prints as; others print as articles.
KIND_OF_TYPE = {
    "JOUR": "journal", "JFULL": "journal", "RPRT": "report", "GOVDOC": "report",
    "THES": "report", "BOOK": "book", "EBOOK": "book",
}  # fmt: skip


def _records(text: str, path: Path) -> list[tuple[int, str]]:
    """Return (first line, text) of each ``TY`` … ``ER`` record."""
    where = display_path(path)
    faults: list[Problem] = []
    records: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        match = TAG.match(line)
        if not line:
            continue
        if match and match[1] == "TY":
            if start:
                faults.append(Problem(where, start, 0, "error", "E701",
                                      "malformed RIS: record is not closed by 'ER  -'"))  # fmt: skip
            start, lines = number, [line]
        elif not start:
            faults.append(Problem(where, number, 0, "error", "E701",
                                  "malformed RIS: expected 'TY  - ' to open a record"))  # fmt: skip
        elif match and match[1] == "ER":
            records.append((start, "\n".join([*lines, "ER  - "])))
            start, lines = 0, []
        else:
            lines.append(line)
    if start:
        faults.append(Problem(where, start, 0, "error", "E701",
                              "malformed RIS: record is not closed by 'ER  -'"))  # fmt: skip
    if faults:
        raise WeeklyError(faults[:20])
    return records


def _date(value: str) -> SourceDate | None:
    parts = [p.strip() for p in value.split("/")]
    numbers = [int(p) if p.isdigit() else None for p in parts[:3]]
    if not numbers or numbers[0] is None:
        return None
    while len(numbers) < 3:
        numbers.append(None)
    return SourceDate(make_point(numbers[0], numbers[1], numbers[2] if numbers[1] else None))


def _people(values: Any) -> tuple[Name, ...]:
    people = []
    for value in values or []:
        family, _, given = str(value).partition(",")
        if given.strip():
            people.append(Name(family.strip(), given.strip()))
        elif family.strip():
            people.append(Name(literal=family.strip()))
    return tuple(people)


def _generated_key(record: dict[str, Any], year: str, taken: set[str]) -> str:
    names = record.get("authors") or record.get("first_authors") or ["source"]
    family = str(names[0]).split(",")[0]
    ascii_name = unicodedata.normalize("NFKD", family).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "", ascii_name.lower()) + year
    candidate, suffix = key, ord("a")
    while candidate in taken:
        candidate, suffix = key + chr(suffix), suffix + 1
    return candidate


def _source(record: dict[str, Any], key: str, path: Path, line: int, edition_only: bool) -> Source:
    def one(*names: str) -> str:
        for name in names:
            value = record.get(name)
            if isinstance(value, list):
                value = value[0] if value else ""
            if value:
                return " ".join(str(value).split())
        return ""

    unknown = record.get("unknown_tag", {})
    kind = KIND_OF_TYPE.get(str(record.get("type_of_reference", "")), "article")
    title = one("title", "primary_title")
    container = one("secondary_title", "journal_name", "alternate_title3", "alternate_title2")
    volume, issue = one("volume"), one("number")
    first_page, last_page = one("start_page"), one("end_page")
    pages = f"{first_page}–{last_page}" if first_page and last_page else first_page
    if kind == "journal" and not (volume or issue or pages):
        kind = "article"
    publisher = one("publisher")
    url, doi = one("urls"), one("doi")
    if kind == "article":
        publisher = container or publisher
    if not title:
        kind = "url" if url or doi else "text"
    when = _date(one("date")) or _date(one("year", "publication_year"))
    return Source(
        id=key,
        kind=kind,
        path=path,
        line=line,
        url=url,
        text=one("notes", "note") if kind == "text" else "",
        publisher=publisher,
        title=title,
        authors=_people(record.get("authors") or record.get("first_authors")),
        editors=_people(unknown.get("ED") or record.get("secondary_authors")),
        when=when,
        accessed=_date(one("access_date")),
        container=container if kind != "article" else "",
        volume=volume,
        issue=issue if kind != "report" else "",
        pages=pages,
        number=issue if kind == "report" else "",
        place=one("place_published"),
        doi=doi,
        edition_only=edition_only,
        fields={k: v for k, v in record.items() if k != "unknown_tag"},
    )


def read_ris(path: Path, text: str, edition_only: bool, problems: Problems) -> list[Source]:
    """Read an RIS file; a record's ``ID`` tag is its key (else first author and year)."""
    import rispy

    found: list[Source] = []
    taken: set[str] = set()
    for line, chunk in _records(text, path):
        record = rispy.loads(chunk)[0]
        year_match = re.match(r"\d{4}", str(record.get("year") or record.get("date") or ""))
        year = year_match[0] if year_match else ""
        key = str(record.get("id", "")).strip() or _generated_key(record, year, taken)
        taken.add(key)
        try:
            source = _source(record, key, path, line, edition_only)
        except ValueError as exc:
            problems.error("E010", path, line, f"source '{key}': {exc}")
            continue
        if source.missing():
            problems.error("E010", path, line, f"source '{key}' needs a title, UR, DO or N1 tag")
            continue
        found.append(source)
    return found
