"""Bibliography stage: read ``sources.yaml``, in the house format or as Pandoc's CSL-YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from weekly.errors import Problems, WeeklyError
from weekly.inputs.bibliography.csl import BadField, read_csl_items, read_date
from weekly.inputs.bibliography.entry import KINDS, REQUIRED, Name, Source
from weekly.inputs.yamlfile import YamlCache, YamlDoc, load_yaml

KNOWN_FIELDS = {
    "kind", "url", "text", "short", "publisher", "title", "date", "subscription", "link",
    "author", "authors", "accessed", "note", "editor", "editors", "container", "journal",
    "volume", "issue", "pages", "number", "place", "doi",
}  # fmt: skip
TEXT_FIELDS = (
    "url", "text", "short", "publisher", "title", "subscription", "container", "journal",
    "volume", "issue", "pages", "number", "place", "doi",
)  # fmt: skip


def _people(value: Any, role: str) -> tuple[Name, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise BadField(f"{role} must be a list of names")
    people = []
    for index, person in enumerate(value, start=1):
        if isinstance(person, str) and person.strip():
            people.append(Name(literal=person.strip()))
        elif isinstance(person, dict) and all(
            isinstance(person.get(k, ""), str) for k in ("family", "given", "literal")
        ):
            people.append(Name(person.get("family", ""), person.get("given", ""),
                               person.get("literal", "")))  # fmt: skip
        else:
            raise BadField(f"{role} {index} must be a name or a mapping of family and given")
    return tuple(people)


def _infer_kind(values: dict[str, Any]) -> str | None:
    if values.get("subscription"):
        return "subscription"
    if values.get("title"):
        return "journal" if values.get("volume") or values.get("issue") else "article"
    if values.get("text"):
        return "text"
    if values.get("url") or values.get("doi"):
        return "url"
    return None


def house_entry(
    key: str, raw: Any, path: Path, doc: YamlDoc | None, edition_only: bool, problems: Problems
) -> Source | None:
    """Return the entry ``key`` of a house-format ``sources.yaml``, or None when it is bad."""
    line = doc.line(key) if doc else 1

    def where(*keys: str) -> int:
        return doc.line(key, *keys) if doc else line

    if isinstance(raw, str):
        raw = {"url": raw} if raw.startswith(("http://", "https://")) else {"text": raw}
    if not isinstance(raw, dict):
        problems.error("E010", path, line, f"source '{key}' must be a mapping of fields")
        return None
    for name in raw:
        if name not in KNOWN_FIELDS:
            problems.error(
                "E010", path, where(str(name)), f"source '{key}': unknown field '{name}'"
            )
    values = {k: v for k, v in raw.items() if k in KNOWN_FIELDS}
    kind = values.get("kind") or _infer_kind(values)
    if kind is None:
        problems.error(
            "E010", path, line, f"source '{key}' needs a url, text, title, doi or subscription"
        )
        return None
    if kind not in KINDS:
        problems.error(
            "E010", path, where("kind"), f"source '{key}': kind must be one of {', '.join(KINDS)}"
        )
        return None
    ok = True
    for name in REQUIRED[kind]:
        if not values.get(name) and not (name == "url" and values.get("doi")):
            problems.error("E010", path, line, f"source '{key}': missing required field '{name}'")
            ok = False
    dates = {}
    for name in ("date", "accessed"):
        try:
            dates[name] = read_date(values.get(name), name)
        except BadField:
            problems.error(
                "E010",
                path,
                where(name),
                f"source '{key}': {name} must look like 2023-11-24 (or 2023-11, 2023, "
                f"Fall 2023), got '{values[name]}'",
            )
            ok = False
    for name in TEXT_FIELDS:
        value = values.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            problems.error("E010", path, where(name), f"source '{key}': {name} must be text")
            ok = False
    link = values.get("link", True)
    if not isinstance(link, bool):
        problems.error("E010", path, where("link"), f"source '{key}': link must be true or false")
        ok = False
    try:
        authors = _people(values.get("authors", values.get("author")), "authors")
        editors = _people(values.get("editors", values.get("editor")), "editors")
    except BadField as exc:
        problems.error("E010", path, where("authors"), f"source '{key}': {exc}")
        return None
    if not ok:
        return None

    def text(name: str) -> str:
        return str(values.get(name, "")).strip()

    return Source(
        id=key,
        kind=kind,
        path=path,
        line=line,
        url=text("url"),
        text=text("text"),
        short=text("short"),
        publisher=text("publisher"),
        title=text("title"),
        authors=authors,
        editors=editors,
        when=dates["date"],
        accessed=dates["accessed"],
        subscription=text("subscription"),
        link=link,
        container=text("container") or text("journal"),
        volume=text("volume"),
        issue=text("issue"),
        pages=text("pages").replace("--", "–"),
        number=text("number"),
        place=text("place"),
        doi=text("doi"),
        edition_only=edition_only,
        fields=dict(raw),
    )


def read_yaml(
    path: Path,
    text: str,
    edition_only: bool,
    problems: Problems,
    yaml: YamlCache | None = None,
) -> list[Source]:
    """Read ``sources.yaml``: a mapping of id to entry, or CSL-YAML (a list of CSL items,
    bare or under ``references:``, as Pandoc writes it)."""
    try:
        doc = yaml.load(text, path) if yaml is not None else load_yaml(text, path)
    except RecursionError:
        raise WeeklyError.at(path, 1, "malformed YAML: nested too deeply", "E701") from None
    data = doc.data
    if data is None:
        return []
    if isinstance(data, list):
        lines = [doc.line(index) for index in range(len(data))]
        return read_csl_items(data, path, lines, edition_only, problems)
    if isinstance(data, dict) and isinstance(data.get("references"), list):
        items = data["references"]
        lines = [doc.line("references", index) for index in range(len(items))]
        return read_csl_items(items, path, lines, edition_only, problems)
    if not isinstance(data, dict):
        problems.error("E010", path, 1, "sources must be a mapping of id to source")
        return []
    for key_path, line in doc.duplicates:
        problems.error("E011", path, line, f"source '{key_path[-1]}' is defined twice in this file")
    found = []
    for key, raw in data.items():
        source = house_entry(str(key), raw, path, doc, edition_only, problems)
        if source is not None:
            found.append(source)
    return found
