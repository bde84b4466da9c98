"""Series definitions: read ``series.yaml`` against the schema, the built-in series first.

What a field is (its type, default and doc) is declared in :mod:`weekly.inputs.schema`;
this module reads the YAML, reports each bad field at its line, and overlays a project's
``inputs/series.yaml`` on the series the package ships.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, get_origin

from weekly.errors import Problems, read_text, shown
from weekly.inputs.schema import (
    ALIASES,
    FIELD_NAMES,
    OLD_VALUES,
    Layout,
    Series,
    choices,
    declared,
)
from weekly.inputs.yamlfile import YamlCache, YamlDoc, as_date, load_yaml

__all__ = ["SERIES_KEY", "Layout", "Series", "builtin_series", "load_series"]

#: What a series key may be: it names files of the archive (``series/KEY.html``) and a
#: template folder, so nothing that could climb out of a folder or need quoting in a URL.
SERIES_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: What checking a value gives: the value converted, and what is wrong with it, each
#: problem with the index of the list item it is at (None: the field as a whole).
Checked = tuple[Any, list[tuple[int | None, str]]]


def _one_of(allowed: tuple[str, ...]) -> str:
    """Return ``a or b`` / ``a, b or c``."""
    return (
        " or ".join(allowed) if len(allowed) < 3 else f"{', '.join(allowed[:-1])} or {allowed[-1]}"
    )


def _by_type(name: str, kind: Any, value: Any) -> tuple[Any, str | None]:
    """Return ``value`` converted to the type ``kind`` of field ``name``, or why it is not."""
    if get_origin(kind) is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, f"{name} must be a list of text"
        return tuple(value), None
    if kind is bool:
        if not isinstance(value, bool):
            return None, f"{name} must be true or false"
        return value, None
    if not isinstance(value, str):
        return None, f"{name} must be text"
    allowed = choices(kind)
    if allowed and value not in allowed:
        return None, f"{name} must be {_one_of(allowed)}"
    return value, None


def convert(name: str, value: Any) -> Checked:
    """Return ``value`` converted for series field ``name`` and what is wrong with it.

    The type's rule comes first (text, true or false, a list of text, one of a
    ``Literal``'s words), then the field's own checks; a value with any problem is not used.
    """
    _, kind, info = declared()[name]
    converted, why = info.convert(value) if info.convert else _by_type(name, kind, value)
    if why is None and info.check is not None:
        why = info.check(converted)
    if why is not None:
        return converted, [(None, why)]
    if info.each is not None:
        found = [(index, info.each(item)) for index, item in enumerate(converted)]
        return converted, [(index, why) for index, why in found if why is not None]
    return converted, []


def _fields(
    key: str,
    entry: dict[Any, Any],
    doc: YamlDoc,
    problems: Problems,
    where: tuple[str | int, ...],
    allowed: frozenset[str],
) -> dict[str, Any]:
    """Return the checked fields of one series entry (or one layout); record the bad ones."""
    values: dict[str, Any] = {}
    label = f"series '{key}'" + "".join(
        f"[{part}]" if isinstance(part, int) else f": {part}" for part in where[1:]
    )
    for raw_name, value in entry.items():
        name = str(raw_name)
        line = doc.line(*where, name)
        target = ALIASES.get(name, name)
        if target not in allowed:
            problems.error("E002", doc.path, line, f"{label}: unknown field '{name}'")
            continue
        if name in ALIASES:
            if target in entry:
                problems.error(
                    "E040", doc.path, line, f"{label}: give {target} or {name}, not both"
                )
                continue
            value = OLD_VALUES.get(value, value) if isinstance(value, str) else value
        converted, troubles = convert(target, value)
        code = declared()[target][2].code
        for index, why in troubles:
            if name in ALIASES:
                why = why.replace(target, name, 1)
            at = line if index is None else doc.line(*where, name, index)
            problems.error(code, doc.path, at, f"{label}: {why}")
        if troubles:
            continue
        values[target] = converted
    return values


def _layouts(key: str, raw: Any, doc: YamlDoc, problems: Problems) -> tuple[Layout, ...]:
    """Return the checked ``layouts:`` list of a series, oldest first."""
    line = doc.line(key, "layouts")
    if not isinstance(raw, list):
        problems.error(
            "E040", doc.path, line,
            f"series '{key}': layouts must be a list of mappings, each with since: DATE",
        )  # fmt: skip
        return ()
    found: list[Layout] = []
    allowed = FIELD_NAMES - {"layouts"}
    for index, entry in enumerate(raw):
        where: tuple[str | int, ...] = (key, "layouts", index)
        entry_line = doc.line(*where)
        if not isinstance(entry, dict):
            problems.error(
                "E040", doc.path, entry_line,
                f"series '{key}': layouts[{index}] must be a mapping with since: DATE",
            )  # fmt: skip
            continue
        since_raw = entry.get("since")
        try:
            since = as_date(since_raw) if since_raw is not None else None
        except ValueError:
            since = None
        if since is None:
            problems.error(
                "E040", doc.path, doc.line(*where, "since"),
                f"series '{key}': layouts[{index}]: since must be a date like 2025-07-10"
                + (f", got '{since_raw}'" if since_raw is not None else ""),
            )  # fmt: skip
            continue
        if found and since <= found[-1].since:
            problems.error(
                "E040", doc.path, doc.line(*where, "since"),
                f"series '{key}': layouts must be in date order; {since.isoformat()} "
                f"does not come after {found[-1].since.isoformat()}",
            )  # fmt: skip
            continue
        rest = {k: v for k, v in entry.items() if k != "since"}
        values = _fields(key, rest, doc, problems, where, allowed)
        found.append(Layout(since, values))
    return tuple(found)


def _series_from(key: str, entry: Any, doc: YamlDoc, problems: Problems) -> Series | None:
    if not isinstance(entry, dict):
        problems.error("E002", doc.path, doc.line(key), f"series '{key}' must be a mapping")
        return None
    plain = {k: v for k, v in entry.items() if k != "layouts"}
    values = _fields(key, plain, doc, problems, (key,), FIELD_NAMES)
    if "layouts" in entry:
        values["layouts"] = _layouts(key, entry["layouts"], doc, problems)
    if "name" not in values:
        if "name" not in entry:
            problems.error(
                "E002", doc.path, doc.line(key), f"series '{key}': missing required field 'name'"
            )
        return None
    return Series(key=key, **values)


def _read(doc: YamlDoc, problems: Problems) -> dict[str, Series]:
    found: dict[str, Series] = {}
    if doc.data is None:
        return found
    if not isinstance(doc.data, dict):
        problems.error(
            "E002",
            doc.path,
            doc.first_line,
            "series definitions must be a mapping of key to series",
        )
        return found
    for key_path, line in doc.duplicates:
        where = f"series '{key_path[0]}'"
        if len(key_path) > 1:
            where += f": field '{key_path[-1]}'"
        problems.error("E040", doc.path, line, f"{where} is given twice; the last one would win")
    for key, entry in doc.data.items():
        if not SERIES_KEY.fullmatch(str(key)):
            problems.error(
                "E070", doc.path, doc.line(str(key)),
                f"series key {shown(str(key))} must be a slug: lower-case letters, digits and "
                "hyphens (like gulf-brief)",
            )  # fmt: skip
            continue
        series = _series_from(str(key), entry, doc, problems)
        if series is not None:
            found[str(key)] = series
    return found


@cache
def _builtin_doc() -> YamlDoc:
    """Return the package's series definitions, parsed once per process (never changed)."""
    text = resources.files("weekly.inputs").joinpath("series.yaml").read_text(encoding="utf-8")
    return load_yaml(text, Path("weekly/series.yaml"))


def builtin_series() -> dict[str, Series]:
    """Return the series the package ships."""
    problems = Problems()
    found = _read(_builtin_doc(), problems)
    problems.raise_if_errors()
    return found


def load_series(
    inputs: Path, problems: Problems, yaml: YamlCache | None = None
) -> dict[str, Series]:
    """Return the built-in series overlaid with ``inputs/series.yaml`` when present.

    A user entry with a built-in key replaces only the fields it gives, on every date: the
    built-in layouts no longer change those fields (a ``layouts`` list it gives replaces
    the built-in list as a whole).
    """
    found = builtin_series()
    path = inputs / "series.yaml"
    if not path.is_file():
        return found
    doc = (yaml.load if yaml else load_yaml)(read_text(path), path)
    builtin = _builtin_doc().data
    if isinstance(doc.data, dict):
        for key, entry in doc.data.items():
            base = builtin.get(str(key))
            if isinstance(base, dict) and isinstance(entry, dict):
                # A field given under its old name replaces the built-in's new name.
                replaced = {ALIASES.get(str(name), str(name)) for name in entry}
                kept = {k: v for k, v in base.items() if ALIASES.get(k, k) not in replaced}
                if "layouts" not in entry and isinstance(kept.get("layouts"), list):
                    # A field the project sets holds on every date: the built-in layouts
                    # no longer change it.
                    kept["layouts"] = [
                        {k: v for k, v in layout.items() if ALIASES.get(k, k) not in replaced}
                        if isinstance(layout, dict)
                        else layout
                        for layout in kept["layouts"]
                    ]
                doc.data[key] = {**kept, **entry}
    found.update(_read(doc, problems))
    return found
