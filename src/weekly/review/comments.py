"""Review: read and write ``review.yaml``, reviewers' comments on an edition's draft.

A comment records its block's source line and a quote of its text, so it follows its
paragraph when lines move (:mod:`weekly.review.blocks` places it). Malformed files raise
:class:`ReviewError` at the offending line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from weekly.errors import Problem, WeeklyError, display_path
from weekly.inputs.yamlfile import YamlDoc, load_yaml

FILE_NAME = "review.yaml"
Status = Literal["open", "resolved"]
Kind = Literal["paragraph", "bullet", "takeaway", "figure", "note"]
KINDS: tuple[str, ...] = ("paragraph", "bullet", "takeaway", "figure", "note")


class ReviewError(WeeklyError):
    """``review.yaml`` cannot be read; its problems carry code W803."""


@dataclass
class Reply:
    """One answer in a comment's thread."""

    author: str
    time: str
    text: str


@dataclass
class Comment:
    """One reviewer's comment on one block of the draft."""

    id: str
    author: str
    time: str
    kind: str
    #: The block's line in ``update.md`` when the comment was made.
    line: int
    #: The start of the block's text when the comment was made.
    quote: str
    text: str
    status: Status = "open"
    replies: list[Reply] = field(default_factory=list)
    #: Line of the comment in ``review.yaml`` (0 when not read from a file).
    file_line: int = field(default=0, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """Return the comment as ``review.yaml`` stores it."""
        data = asdict(self)
        del data["file_line"]
        return data


def now() -> str:
    """Return the current time as ``review.yaml`` writes it (UTC, seconds)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _string(value: Any) -> str | None:
    if isinstance(value, dt.datetime) and value.utcoffset() == dt.timedelta(0):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")  # as written: YAML read a timestamp
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _fail(doc: YamlDoc, keys: tuple[str | int, ...], message: str) -> ReviewError:
    return ReviewError([_problem(doc.path, doc.line(*keys), message)])


def _problem(path: Path, line: int, message: str) -> Problem:
    return Problem(display_path(path), line, 0, "warning", "W803", message)


def _required(doc: YamlDoc, raw: dict[str, Any], keys: tuple[str | int, ...], name: str) -> str:
    value = _string(raw.get(name))
    if value is None or not value.strip():
        raise _fail(doc, keys + (name,), f"{FILE_NAME}: comment needs '{name}' (text)")
    return value


def _comment(doc: YamlDoc, index: int, raw: Any) -> Comment:
    keys: tuple[str | int, ...] = ("comments", index)
    if not isinstance(raw, dict):
        raise _fail(doc, keys, f"{FILE_NAME}: each comment must be a mapping")
    status = raw.get("status", "open")
    if status not in ("open", "resolved"):
        raise _fail(doc, keys + ("status",), f"{FILE_NAME}: status must be open or resolved")
    kind = raw.get("kind", "paragraph")
    if kind not in KINDS:
        raise _fail(doc, keys + ("kind",), f"{FILE_NAME}: kind must be one of {', '.join(KINDS)}")
    line = raw.get("line", 0)
    if not isinstance(line, int) or isinstance(line, bool) or line < 0:
        raise _fail(doc, keys + ("line",), f"{FILE_NAME}: line must be a line number")
    replies_raw = raw.get("replies") or []
    if not isinstance(replies_raw, list):
        raise _fail(doc, keys + ("replies",), f"{FILE_NAME}: replies must be a list")
    replies = []
    for number, reply in enumerate(replies_raw):
        where = keys + ("replies", number)
        if not isinstance(reply, dict):
            raise _fail(doc, where, f"{FILE_NAME}: each reply must be a mapping")
        replies.append(
            Reply(
                _required(doc, reply, where, "author"),
                _string(reply.get("time")) or "",
                _required(doc, reply, where, "text"),
            )
        )
    return Comment(
        id=_required(doc, raw, keys, "id"),
        author=_required(doc, raw, keys, "author"),
        time=_string(raw.get("time")) or "",
        kind=str(kind),
        line=line,
        quote=_string(raw.get("quote")) or "",
        text=_required(doc, raw, keys, "text"),
        status=status,
        replies=replies,
        file_line=doc.line(*keys),
    )


def parse_review(text: str, path: Path) -> list[Comment]:
    """Return the comments of ``review.yaml`` text; raise :class:`ReviewError` at a line."""
    try:
        doc = load_yaml(text, path)
    except WeeklyError as exc:
        raise ReviewError([_problem(path, p.line, p.message) for p in exc.problems]) from None
    if doc.data is None:
        return []
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("comments", []), list):
        raise _fail(doc, (), f"{FILE_NAME} must be a mapping with a list of 'comments'")
    comments = [_comment(doc, i, raw) for i, raw in enumerate(doc.data.get("comments") or [])]
    seen: set[str] = set()
    for index, comment in enumerate(comments):
        if comment.id in seen:
            raise _fail(doc, ("comments", index, "id"), f"comment id '{comment.id}' is used twice")
        seen.add(comment.id)
    return comments


def review_text(path: Path) -> str | None:
    """Return the text of ``review.yaml`` at ``path``, None when there is none.

    A file that is not UTF-8, a folder or a pipe where the file should be, or one that
    cannot be opened is a :class:`ReviewError` (W803) at its line, like a malformed one.
    """
    from weekly.errors import read_text

    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise ReviewError([_problem(path, 0, f"{FILE_NAME} is {kind}, not a file")])
    try:
        return read_text(path)
    except WeeklyError as exc:
        raise ReviewError([_problem(path, p.line, p.message) for p in exc.problems]) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ReviewError([_problem(path, 0, f"cannot read {FILE_NAME}: {reason}")]) from None


def read_review(folder: Path) -> list[Comment]:
    """Return the comments in ``folder/review.yaml`` (none when there is no such file)."""
    path = folder / FILE_NAME
    text = review_text(path)
    return [] if text is None else parse_review(text, path)


def dump_review(comments: list[Comment]) -> str:
    """Return ``review.yaml`` text for ``comments``."""
    header = (
        "# Review comments on this edition's draft, written by `weekly preview`.\n"
        "# Plain YAML: it may sit in git beside update.md (see docs/guide/review.md).\n"
    )
    body = yaml.safe_dump(
        {"comments": [c.as_dict() for c in comments]},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + body


def open_comments(comments: list[Comment]) -> list[Comment]:
    """Return the comments still open."""
    return [c for c in comments if c.status == "open"]
