"""Read and write ``review.yaml``: reviewers' comments on an edition's draft, and place
each comment on the block of the draft it is about.

A comment records the block's source line and a quote of its text, so it follows its
paragraph when lines move: :func:`place` finds the block by quote first (the same
text, then the most similar), and a comment whose block is gone is *outdated*, kept
with its quote. Malformed files raise :class:`ReviewError` at the offending line.
"""

from __future__ import annotations

import datetime as dt
import difflib
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
#: Characters of a block's text kept as its quote.
QUOTE_LENGTH = 240
#: How alike (0..1) a block's text must be to a quote to count as the same block edited.
SIMILAR = 0.6


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


@dataclass(frozen=True)
class Block:
    """A block of the rendered draft a comment can be about."""

    #: Element id in the draft page: ``L14``, ``figure-1``, ``note-3``, ``takeaway-1``.
    anchor: str
    kind: str
    line: int
    #: Visible text, whitespace collapsed.
    text: str

    @property
    def quote(self) -> str:
        """Return the quote a comment on this block keeps."""
        return quote_of(self.text)


def quote_of(text: str) -> str:
    """Return the start of ``text`` as a comment's quote (whitespace collapsed)."""
    return " ".join(text.split())[:QUOTE_LENGTH]


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


def placed_view(comment: Comment, blocks: list[Block]) -> dict[str, Any]:
    """Return ``comment`` as the draft page shows it: its fields, and where it is now."""
    return view_at(comment, place(comment, blocks))


def view_at(comment: Comment, found: Block | None) -> dict[str, Any]:
    """Return ``comment`` as the draft page shows it, on block ``found`` (None: outdated).

    ``anchor`` is the element id of its block (None when outdated), ``now_line`` the
    block's line today.
    """
    view = comment.as_dict()
    view["anchor"] = found.anchor if found else None
    view["outdated"] = found is None
    view["now_line"] = found.line if found else None
    return view


def place(comment: Comment, blocks: list[Block]) -> Block | None:
    """Return the block ``comment`` is about now, or None when it no longer exists.

    The same quote wins (the nearest to the recorded line when several blocks share
    it); else the most similar text of the same kind, if similar enough.
    """
    same_kind = [b for b in blocks if b.kind == comment.kind] or blocks
    exact = [b for b in same_kind if b.quote == comment.quote]
    if exact:
        return min(exact, key=lambda b: abs(b.line - comment.line))
    # ratio() <= quick_ratio() <= real_quick_ratio(): try the blocks from the highest bound
    # down, and stop once no block left could beat the best ratio found (ties: the earliest).
    matcher = difflib.SequenceMatcher(None, comment.quote, "", autojunk=False)
    bounded: list[tuple[float, int, Block]] = []
    for index, block in enumerate(same_kind):
        matcher.set_seq2(block.quote)
        if matcher.real_quick_ratio() >= SIMILAR:
            bound = matcher.quick_ratio()
            if bound >= SIMILAR:
                bounded.append((-bound, index, block))
    bounded.sort(key=lambda item: (item[0], item[1]))
    best_ratio, best_index, best = SIMILAR, -1, None
    for negative_bound, index, block in bounded:
        if -negative_bound < best_ratio:
            break
        matcher.set_seq2(block.quote)
        ratio = matcher.ratio()
        if ratio > best_ratio or (ratio == best_ratio and (best is None or index < best_index)):
            best_ratio, best_index, best = ratio, index, block
    return best
