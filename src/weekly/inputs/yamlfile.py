"""Read YAML while keeping the line of every key, so errors can point at it."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator
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


#: The most values aliases may add to a document once expanded (a "billion laughs" guard).
MAX_ALIASED = 100_000
#: Characters no value may contain: C0 and C1 controls (but tab and newline), line and
#: paragraph separators, and lone surrogates. They break feeds, mail headers and PDFs.
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def unkeepable(text: str) -> str | None:
    """Return the first character of ``text`` no YAML value may hold, as ``U+XXXX``, or None."""
    bad = _BAD.search(text)
    return f"U+{ord(bad.group()):04X}" if bad else None


def unkeepable_characters(text: str) -> Iterator[re.Match[str]]:
    """Return every character of ``text`` no YAML value may hold, as matches in order."""
    return _BAD.finditer(text)


def _check_scalar(node: yaml.ScalarNode, path: Path, offset: int) -> None:
    code = unkeepable(str(node.value))
    if code:
        line = node.start_mark.line + 1 + offset
        raise WeeklyError.at(
            path, line, f"malformed YAML: control character {code} in a value", "E001"
        )


def _expanded_size(node: yaml.Node, path: Path, offset: int) -> int:
    """Return how many values ``node`` stands for with aliases expanded; refuse bombs and loops."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(item: yaml.Node) -> int:
        key = id(item)
        if key in sizes:
            return sizes[key]
        if key in active:
            line = item.start_mark.line + 1 + offset
            raise WeeklyError.at(path, line, "malformed YAML: an alias refers to itself", "E001")
        active.add(key)
        if isinstance(item, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in item.value)
        elif isinstance(item, yaml.SequenceNode):
            total = 1 + sum(size(v) for v in item.value)
        else:
            total = 1
        active.discard(key)
        sizes[key] = total
        if total - len(sizes) > MAX_ALIASED:
            line = item.start_mark.line + 1 + offset
            message = f"malformed YAML: aliases expand to more than {MAX_ALIASED:,} values"
            raise WeeklyError.at(path, line, message, "E001")
        return total

    return size(node)


def _walk(node: yaml.Node, prefix: KeyPath, offset: int, doc: YamlDoc) -> None:
    if isinstance(node, yaml.ScalarNode):
        _check_scalar(node, doc.path, offset)
    elif isinstance(node, yaml.MappingNode):
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
        _expanded_size(node, path, offset)
        _walk(node, (), offset, doc)
    return doc


class YamlCache:
    """Parsed YAML documents remembered by their text, so an unchanged file is parsed once.

    A run's :class:`~weekly.caches.Caches` keeps one (``caches.kept(YamlCache)``) across its
    builds: the shared bibliography is re-read on every build (cheap) and parsed only when it changed.
    """

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self.docs: dict[tuple[str, str, int], YamlDoc] = {}
        self.lock = threading.Lock()

    def load(self, text: str, path: Path, first_line: int = 1) -> YamlDoc:
        """Return :func:`load_yaml` of ``text``, parsed again only when it is new."""
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
        if node is None:
            return None, None
        try:
            return node, loader.construct_document(node)
        except (ValueError, OverflowError, TypeError) as exc:  # 2023-02-30 and the like
            raise yaml.YAMLError(str(exc)) from None
    finally:
        loader.dispose()


def _parse_or_raise(text: str, path: Path, first_line: int) -> tuple[yaml.Node | None, Any]:
    """Parse with the pure-Python loader, turning a syntax error into E001 at its line."""
    offset = first_line - 1
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:  # a character YAML refuses (NUL, ESC …), found while reading
        line = _reader_line(text, exc) + offset
        raise WeeklyError.at(path, line, f"malformed YAML: {_reason(exc)}", "E001") from None
    try:
        node = loader.get_single_node()
        data = _construct(loader, node, path, offset) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark else first_line
        problem = exc.problem or exc.context or "syntax error"
        if exc.problem and exc.context and exc.context_mark:
            problem += f" ({exc.context} at line {exc.context_mark.line + 1 + offset})"
        raise WeeklyError.at(path, line, f"malformed YAML: {problem}", "E001") from None
    except yaml.YAMLError as exc:
        line = _reader_line(text, exc) + offset
        raise WeeklyError.at(path, line, f"malformed YAML: {_reason(exc)}", "E001") from None
    finally:
        loader.dispose()
    return node, data


def _reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        return f"character U+{exc.character:04X} is not allowed"
    return str(exc).splitlines()[0]


def _reader_line(text: str, exc: yaml.YAMLError) -> int:
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


def _construct(loader: Any, node: yaml.Node, path: Path, offset: int) -> Any:
    """Build the document's values; a value YAML reads but Python cannot hold is an error."""
    try:
        return loader.construct_document(node)
    except (ValueError, OverflowError, TypeError) as exc:
        bad = _find_bad_scalar(node)
        line = bad.start_mark.line + 1 + offset if bad else offset + 1
        shown = f" '{bad.value}'" if bad else ""
        raise WeeklyError.at(
            path, line, f"malformed YAML: impossible value{shown}: {exc}", "E001"
        ) from None


def _find_bad_scalar(node: yaml.Node) -> yaml.ScalarNode | None:
    """Return the scalar whose construction fails (an impossible date such as 2023-02-30)."""
    loader = yaml.SafeLoader("")  # the failed loader keeps half-built state: ask a fresh one
    stack = [node]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, yaml.ScalarNode):
            try:
                loader.construct_object(item, deep=True)
            except (ValueError, OverflowError, TypeError):
                return item
        elif isinstance(item, yaml.MappingNode):
            stack.extend(v for pair in item.value for v in pair)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
    return None


def as_date(value: Any) -> dt.date:
    """Return a YAML value (a date, a datetime or ``2023-11-19``) as a date.

    Raises ValueError for anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())
