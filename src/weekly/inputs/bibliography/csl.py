"""Bibliography stage: read CSL items (Zotero's CSL-JSON, Pandoc's CSL-YAML) into entries."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from weekly.errors import Problems, WeeklyError
from weekly.inputs.bibliography.dates import SourceDate, make_point, parse_date_text
from weekly.inputs.bibliography.entry import Name, Source
from weekly.inputs.yamlfile import unkeepable

#: CSL item types and the house kind each prints as; other types print as articles.
KIND_OF_TYPE = {
    "article-journal": "journal",
    "report": "report",
    "thesis": "report",
    "book": "book",
}
TEXT_FIELDS = (
    "title", "container-title", "collection-title", "publisher", "publisher-place", "volume",
    "issue", "page", "number", "DOI", "URL", "note", "genre", "abstract", "language",
)  # fmt: skip
NAME_FIELDS = ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix")
DATE_FIELDS = ("issued", "accessed")


class BadField(ValueError):
    """A CSL field whose value cannot be read; the message names the field."""


def _text(item: dict[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadField(f"{name} must be text, got {type(value).__name__}")
    return str(value).strip()


def _names(item: dict[str, Any], role: str) -> tuple[Name, ...]:
    people = item.get(role)
    if people is None:
        return ()
    if not isinstance(people, list):
        raise BadField(f"{role} must be a list of names")
    found = []
    for index, person in enumerate(people, start=1):
        if isinstance(person, str):
            found.append(Name(literal=person.strip()))
            continue
        if not isinstance(person, dict):
            raise BadField(f"{role} {index} must be a mapping like {{family: …, given: …}}")
        parts = {}
        for part in NAME_FIELDS:
            value = person.get(part)
            if value is not None and not isinstance(value, str):
                raise BadField(f"{role} {index}: {part} must be text, got {type(value).__name__}")
            parts[part] = (value or "").strip()
        particle = " ".join(
            p for p in (parts["dropping-particle"], parts["non-dropping-particle"]) if p
        )
        name = Name(parts["family"], parts["given"], parts["literal"], particle, parts["suffix"])
        if not name.full():
            raise BadField(f"{role} {index} has no name")
        found.append(name)
    return tuple(found)


def _date_part(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("date parts must be numbers")
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        raise ValueError(f"date part '{value}' is not a number")
    return int(value)


def read_date(value: Any, name: str) -> SourceDate | None:
    """Return a CSL date (``date-parts``, ``season``, ``literal``, ``raw``) or an EDTF string.

    Raises BadField for a date that cannot be read.
    """
    if value is None:
        return None
    try:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return parse_date_text(value.isoformat())
        if isinstance(value, int) and not isinstance(value, bool):
            return parse_date_text(str(value))
        if isinstance(value, str):
            return parse_date_text(value)
        if not isinstance(value, dict):
            raise ValueError("expected a mapping with date-parts")
        parts = value.get("date-parts")
        if parts:
            if not isinstance(parts, list) or not all(isinstance(p, list) for p in parts):
                raise ValueError("date-parts must be a list of [year, month, day] lists")
            points = []
            for part in parts[:2]:
                numbers = [_date_part(p) for p in part[:3]]
                if not numbers or numbers[0] is None:
                    raise ValueError("a date needs a year")
                month = numbers[1] if len(numbers) > 1 else None
                day = numbers[2] if len(numbers) > 2 else None
                points.append(make_point(numbers[0], month, day))
            season = _date_part(value.get("season"))
            if season is not None and points[0].month is None:
                if not 1 <= season <= 4:
                    raise ValueError(f"season {season} is not 1 to 4")
                points[0] = make_point(points[0].year, 12 + season)
            end = points[1] if len(points) > 1 and points[1] != points[0] else None
            return SourceDate(points[0], end)
        if value.get("raw") is not None:
            raw = str(value["raw"])
            try:
                return parse_date_text(raw)
            except ValueError:
                return SourceDate(literal=raw.strip())
        if isinstance(value.get("literal"), str | int):
            return SourceDate(literal=str(value["literal"]).strip())
        raise ValueError("expected date-parts, raw or literal")
    except (ValueError, TypeError, OverflowError) as exc:
        raise BadField(f"{name}: {exc}") from None


def _pages(value: str) -> str:
    return re.sub(r"(?<=\w)\s*-{1,2}\s*(?=\w)", "–", value)


def csl_source(
    item: dict[str, Any], path: Path, line: int, edition_only: bool, problems: Problems
) -> Source | None:
    """Return the entry a CSL item describes, or None (recorded in ``problems``)."""
    key = str(item["id"])
    try:
        values = {name: _text(item, name) for name in TEXT_FIELDS}
        authors, editors = _names(item, "author"), _names(item, "editor")
        issued, accessed = (read_date(item.get(n), n) for n in DATE_FIELDS)
        csl_type = _text(item, "type")
    except BadField as exc:
        problems.error("E010", path, line, f"source '{key}': {exc}")
        return None
    title, url, doi = values["title"], values["URL"], values["DOI"]
    kind = KIND_OF_TYPE.get(csl_type, "article")
    container = values["container-title"] or (
        values["collection-title"] if kind == "report" else ""
    )
    publisher = values["publisher"]
    if not title:
        if url or doi:
            kind = "url"
        elif values["note"]:
            kind = "text"
        else:
            problems.error("E010", path, line, f"source '{key}' needs a title, URL, DOI or note")
            return None
    elif kind == "article":
        publisher = container or publisher
    source = Source(
        id=key,
        kind=kind,
        path=path,
        line=line,
        url=url,
        text=values["note"] if kind == "text" else "",
        publisher=publisher,
        title=title,
        authors=authors,
        editors=editors,
        when=issued,
        accessed=accessed,
        container=container,
        volume=values["volume"],
        issue=values["issue"],
        pages=_pages(values["page"]),
        number=values["number"],
        place=values["publisher-place"],
        doi=doi,
        edition_only=edition_only,
        fields=dict(item),
    )
    if source.missing():
        problems.error(
            "E010", path, line, f"source '{key}': missing required field '{source.missing()}'"
        )
        return None
    return source


def read_csl_items(
    items: Any, path: Path, lines: list[int], edition_only: bool, problems: Problems
) -> list[Source]:
    """Return the entries of a list of CSL items; ``lines[i]`` is where item ``i`` starts."""
    if not isinstance(items, list):
        problems.error("E010", path, 1, "a CSL bibliography must be a list of items")
        return []
    found = []
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        if not isinstance(item, dict) or not item.get("id"):
            problems.error("E010", path, line, f"CSL item {index + 1} has no id")
            continue
        if not isinstance(item["id"], str | int) or isinstance(item["id"], bool):
            problems.error("E010", path, line, f"CSL item {index + 1}: id must be text")
            continue
        source = csl_source(item, path, line, edition_only, problems)
        if source is not None:
            found.append(source)
    return found


#: The longest whole number a CSL-JSON file may hold: what Python converts from text at most.
MAX_DIGITS = 4300
#: The JSON tokens the line scan needs: strings (escapes and all), bare numbers and words,
#: brackets, commas, colons and line ends. No string holds a raw line end: JSON forbids it.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[^\s"\[\]{},:]+|[\[\]{},:\n]')


class _LongNumber(ValueError):
    """A number with more digits than :data:`MAX_DIGITS`."""

    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


def _whole_number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


def _item_lines(text: str, path: Path) -> list[int]:
    """Return the line of each top-level item (of its ``"id"`` key, else of its start).

    One pass over the text, so 50,000 items take no longer to place than to parse. Every
    string is checked on the way: one holding a character no YAML value may hold either
    (a control character, U+2028, a lone surrogate, written plainly or as ``\\u`` escapes)
    is refused at its line, as the YAML reader refuses it.
    """
    lines: list[int] = []
    line, depth, expecting, last_string = 1, 0, False, ""
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
            continue
        if token[0] == '"':
            code = unkeepable(token) or ("\\" in token and unkeepable(json.loads(token)))
            if code:
                message = f"malformed JSON: control character {code} in a value"
                raise WeeklyError.at(path, line, message, "E001")
            last_string = token
        if depth == 1 and expecting and token not in ",]":
            lines.append(line)  # the first token of an item
            expecting = False
        if token in "[{":
            depth += 1
            expecting = depth == 1
        elif token in "]}":
            depth -= 1
        elif token == "," and depth == 1:
            expecting = True
        elif token == ":" and depth == 2 and last_string == '"id"':
            lines[-1] = line
    return lines


def read_csl_json(path: Path, text: str, edition_only: bool, problems: Problems) -> list[Source]:
    """Read a CSL-JSON file (``sources.json``), with the same limits as YAML."""
    try:
        items = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as exc:
        raise WeeklyError.at(path, exc.lineno, f"malformed JSON: {exc.msg}", "E001") from None
    except _LongNumber as exc:
        line = text.count("\n", 0, max(text.find(exc.digits), 0)) + 1
        message = f"malformed JSON: a number of {len(exc.digits):,} digits (at most {MAX_DIGITS:,})"
        raise WeeklyError.at(path, line, message, "E001") from None
    except RecursionError:
        raise WeeklyError.at(path, 1, "malformed JSON: nested too deeply", "E701") from None
    lines = _item_lines(text, path) if isinstance(items, list) else []
    return read_csl_items(items, path, lines, edition_only, problems)
