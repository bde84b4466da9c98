"""A finding code's record (code, level, meaning, explanation, example, fix) and its makers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One finding code, as the code reference documents it."""

    #: The stable code, e.g. ``W201``.
    code: str
    #: ``error`` stops a render (exit status 2); ``warning`` is shown and the render goes on.
    level: Level
    #: What the code means, in one line (the heading of its entry in the docs).
    meaning: str
    #: Markdown: when it is reported, with an example of the input when that helps.
    explanation: str = ""
    #: The finding as ``weekly check`` prints it, one or more lines.
    example: str = ""
    #: Markdown: how to fix it.
    fix: str = ""


def error(
    code: str, meaning: str, explanation: str = "", example: str = "", fix: str = ""
) -> Finding:
    return Finding(code, "error", meaning, explanation.strip(), example.strip(), fix.strip())


def warning(
    code: str, meaning: str, explanation: str = "", example: str = "", fix: str = ""
) -> Finding:
    return Finding(code, "warning", meaning, explanation.strip(), example.strip(), fix.strip())
