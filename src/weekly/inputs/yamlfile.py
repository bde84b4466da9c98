"""Read YAML while keeping the line of every key, so errors can point at it."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from weekly.errors import WeeklyError

KeyPath = tuple[str | int, ...]


@dataclass
class YamlDoc:
    """A parsed YAML document and the 1-based line of each key path in it."""

    data: Any
    path: Path
    lines: dict[KeyPath, int] = field(default_factory=dict)
    first_line: int = 1
    duplicates: list[tuple[KeyPath, int]] = field(default_factory=list)

    def copy(self) -> YamlDoc:
        """Return a copy its reader may change freely (new dicts and lists, same scalars).

        Ten times faster than ``copy.deepcopy``, which matters when the preview hands out
        a warm bibliography of hundreds of sources on every save.
        """
        return YamlDoc(_copy_tree(self.data), self.path, dict(self.lines), self.first_line,
                       list(self.duplicates))  # fmt: skip

    def line(self, *keys: str | int) -> int:
        """Return the line of the deepest known key along ``keys``."""
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.first_line


def _copy_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_tree(item) for item in value]
    return value  # scalars YAML builds (str, int, float, bool, None, dates) are immutable


def _walk(node: yaml.Node, prefix: KeyPath, offset: int, doc: YamlDoc) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                doc.duplicates.append((prefix + (key,), line))
            seen.add(key)
            doc.lines[prefix + (key,)] = line
            _walk(value_node, prefix + (key,), offset, doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.lines[prefix + (index,)] = item.start_mark.line + 1 + offset
            _walk(item, prefix + (index,), offset, doc)


def load_yaml(text: str, path: Path, first_line: int = 1) -> YamlDoc:
    """Parse ``text`` (found in ``path`` from ``first_line`` on) into a :class:`YamlDoc`.

    A syntax error raises :class:`WeeklyError` at the line YAML names.
    """
    offset = first_line - 1
    try:
        # libyaml is several times faster; its messages differ, so errors are re-read below.
        node, data = _compose(getattr(yaml, "CSafeLoader", yaml.SafeLoader), text)
    except yaml.YAMLError:
        node, data = _parse_or_raise(text, path, first_line)
    doc = YamlDoc(data, path, first_line=first_line)
    if node is not None:
        _walk(node, (), offset, doc)
    return doc


#: ``load(text, path, first_line) -> YamlDoc``: :func:`load_yaml`, or a cache's ``load``.
YamlLoader = Callable[[str, Path, int], YamlDoc]


class YamlCache:
    """Remember parsed YAML documents by their text, so unchanged files are not re-parsed.

    Parsing the growing shared bibliography is most of a build's time; a long-lived
    process (``weekly preview``) passes :meth:`load` to the loaders, which re-read each
    file's text on every build (cheap) and parse it only when it changed.
    """

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self.docs: dict[tuple[str, str, int], YamlDoc] = {}
        self.lock = threading.Lock()

    def load(self, text: str, path: Path, first_line: int = 1) -> YamlDoc:
        """Return :func:`load_yaml` of ``text``: a copy of the parsed document when known."""
        key = (text, str(path), first_line)
        with self.lock:
            doc = self.docs.get(key)
        if doc is None:
            doc = load_yaml(text, path, first_line)
            with self.lock:
                if len(self.docs) >= self.limit:
                    self.docs.pop(next(iter(self.docs)))
                self.docs[key] = doc
        # Callers may change what they get (series overlays do): hand out copies.
        return doc.copy()


def _compose(loader_class: Any, text: str) -> tuple[yaml.Node | None, Any]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _parse_or_raise(text: str, path: Path, first_line: int) -> tuple[yaml.Node | None, Any]:
    """Parse with the pure-Python loader, turning a syntax error into E001 at its line."""
    offset = first_line - 1
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        problem = exc.problem or exc.context or "syntax error"
        if exc.problem and exc.context and exc.context_mark:
            problem += f" ({exc.context} at line {exc.context_mark.line + 1 + offset})"
        raise WeeklyError.at(path, line, f"malformed YAML: {problem}", "E001") from None
    except yaml.YAMLError as exc:
        raise WeeklyError.at(path, first_line, f"malformed YAML: {exc}", "E001") from None
    finally:
        loader.dispose()
    return node, data


def as_date(value: Any) -> dt.date:
    """Return a YAML value (a date, a datetime or ``2023-11-19``) as a date.

    Raises ValueError for anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())
