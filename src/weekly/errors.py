"""Problems found in the inputs, with the place they were found.

Every stage reports into a :class:`Problems` collection rather than raising at the
first fault, so a user sees everything wrong with an edition in one run. Only when
a stage cannot go on does it raise :class:`WeeklyError`, which the command line turns
into ``path:line: message`` lines and exit status 2. A problem's code and level are
those of the registry in :mod:`weekly.findings`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from weekly.findings import Level, level_of


def display_path(path: Path | str) -> str:
    """Return ``path`` relative to the working directory when it lies below it."""
    text = os.fspath(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:  # another drive on Windows
        return text
    return text if rel.startswith("..") else rel


#: Characters that would break a finding's one line on a terminal or in a log, or make it lie:
#: C0 and C1 controls (newline, carriage return and escape included), the Unicode line and
#: paragraph separators, the bidi embeddings, overrides and isolates that reorder what a
#: terminal shows, and lone surrogates (which cannot even be printed).
_LINE_BREAKERS = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def one_line(text: str) -> str:
    """Return ``text`` safe to print on one terminal line: such characters as escapes.

    Names and titles come from files anyone may write (a Word comment's author, a
    reviewer's name, a bibliography title, a series key): a newline in one could forge a
    whole ``path:line: error:`` line, an escape sequence could rewrite the screen. Each is
    written as its Python escape (``\\n``, ``\\x1b``, ``\\u202e``), so the message stays one
    line and says what is there.
    """
    return _LINE_BREAKERS.sub(lambda m: repr(m.group())[1:-1], text)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """Return ``; did you mean 'closest'?`` for a misspelt ``name``, or ``""`` when none is close.

    The one hint for an unknown name: events columns, source keys, figure ids, series keys.
    """
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def shown(text: str) -> str:
    """Return user-supplied ``text`` quoted for a message: ``'…'``, escapes as :func:`one_line`."""
    return f"'{one_line(text)}'"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is, how bad it is, a stable code and a message."""

    path: str
    line: int
    column: int
    level: Level
    code: str
    message: str

    def __post_init__(self) -> None:
        # A message quotes names and text from the inputs: it must print as one honest line.
        if _LINE_BREAKERS.search(self.message):
            object.__setattr__(self, "message", one_line(self.message))
        if _LINE_BREAKERS.search(self.path):
            object.__setattr__(self, "path", one_line(self.path))
        registered = level_of(self.code)
        if registered and registered != self.level:
            raise ValueError(f"finding {self.code} is registered as {registered}, not {self.level}")
        if _LINE_BREAKERS.search(self.message):
            object.__setattr__(self, "message", one_line(self.message))

    def location(self) -> str:
        """Return ``path:line`` (or just ``path`` when the line is unknown)."""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"

    def with_level(self) -> str:
        """Return ``path:line: level: message``, the form ``weekly check`` prints."""
        return f"{self.location()}: {self.level}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """Return the finding as a JSON-ready mapping."""
        return {
            "file": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Problems:
    """An ordered, de-duplicated collection of problems found so far.

    Warnings whose code the series or the edition accepts (``accept_warnings``, see
    :meth:`accept`) are set aside in :attr:`accepted`: no command prints them, ``check``
    counts them.
    """

    items: list[Problem] = field(default_factory=list)
    #: The warnings set aside because their code is accepted.
    accepted: list[Problem] = field(default_factory=list)
    #: The warning codes accepted.
    accepted_codes: frozenset[str] = frozenset()

    def accept(self, codes: Iterable[str]) -> None:
        """Set aside the warnings of ``codes``: those found so far and those found later."""
        self.accepted_codes |= frozenset(codes)
        found, self.items = self.items, []
        self.extend(found)

    def _keep(self, problem: Problem) -> None:
        """Record ``problem`` once, among the items or the accepted warnings."""
        accepted = problem.level == "warning" and problem.code in self.accepted_codes
        kept = self.accepted if accepted else self.items
        if problem not in kept:
            kept.append(problem)

    def add(
        self,
        level: Level,
        code: str,
        path: Path | str,
        line: int | None,
        message: str,
        column: int | None = None,
    ) -> None:
        """Record one problem."""
        self._keep(Problem(display_path(path), line or 0, column or 0, level, code, message))

    def error(
        self, code: str, path: Path | str, line: int | None, message: str, column: int | None = None
    ) -> None:
        """Record an error: something that stops a render."""
        self.add("error", code, path, line, message, column)

    def warning(
        self, code: str, path: Path | str, line: int | None, message: str, column: int | None = None
    ) -> None:
        """Record a warning: something an editor should look at."""
        self.add("warning", code, path, line, message, column)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add problems found elsewhere."""
        for problem in problems:
            self._keep(problem)

    @property
    def errors(self) -> list[Problem]:
        """Return the errors, sorted by file and line."""
        return sorted(p for p in self.items if p.level == "error")

    @property
    def warnings(self) -> list[Problem]:
        """Return the warnings, sorted by file and line."""
        return sorted(p for p in self.items if p.level == "warning")

    def sorted(self) -> list[Problem]:
        """Return every problem sorted by file, line and column."""
        return sorted(self.items, key=lambda p: (p.path, p.line, p.column, p.level, p.code))

    def raise_if_errors(self) -> None:
        """Raise :class:`WeeklyError` when any error has been recorded."""
        if self.errors:
            raise WeeklyError(self.sorted())

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _unplaced(message: str) -> Problem:
    """Return an error that belongs to no input file; printed as ``weekly: message``."""
    return Problem("weekly", 0, 0, "error", "E000", message)


class WeeklyError(Exception):
    """Inputs that cannot be rendered; carries every problem found."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [_unplaced(problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def many(cls, messages: Iterable[str]) -> WeeklyError:
        """Return one error carrying several messages that belong to no file (options, say)."""
        return cls([_unplaced(m) for m in messages])

    @classmethod
    def at(
        cls, path: Path | str, line: int | None, message: str, code: str = "E000"
    ) -> WeeklyError:
        """Return an error for a single place."""
        return cls([Problem(display_path(path), line or 0, 0, "error", code, message)])


def read_text(path: Path) -> str:
    """Return the UTF-8 text of an input file (a byte-order mark is allowed).

    A file that is not UTF-8 is an error at the line of the first bad byte.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise WeeklyError.at(
            path, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x})", "E003"
        ) from None


class BodyError(Exception):
    """Bad use of a helper in the body (an unknown column, a bad date …).

    The helpers live in stages below the body (``events.*`` answers from the events table),
    so the error they raise lives here, below them all; the body template reports it.
    """

    def __init__(self, message: str, code: str = "E022") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
