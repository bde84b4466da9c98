"""Authoring: a paragraph's runs as one line of Markdown, escaped so that it stays inert.

Bold and italic runs keep their emphasis, links their target, footnotes become citation
points; text that Markdown or the body's Jinja would read as syntax is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from weekly.authoring.wordml import NoteRef, Piece, Span

LINE_START = re.compile(r"^(#|[-+=|>]|\d+[.)])")

#: Turns a note reference into its citation point ``[@a; @b]``.
Citer = Callable[[NoteRef], str]


def escape(text: str) -> str:
    """Return ``text`` safe as Markdown inline text (see :func:`inert` for the template)."""
    return re.sub(r"([\\`*_\[\]<&@])", r"\\\1", text)


def inert(line: str) -> str:
    """Return a whole body line with every Jinja opening (``{{``, ``{%``, ``{#``) neutralised.

    It runs on the assembled line, link targets included, never on a run: a ``{`` and a
    ``%`` in two runs (or either side of an empty run or a note with no text) meet only here.
    """
    return re.sub(r"\{(?=[{%#])", "{{ '{' }}", line)


def markdown(pieces: list[Piece], cite: Citer) -> str:
    """Return the pieces as one line of Markdown: emphasis kept, footnotes as citations."""
    out: list[str] = []
    spans: list[Span] = []

    def flush() -> None:
        merged: list[Span] = []
        for span in spans:
            if merged and _style(merged[-1]) == _style(span):
                merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic, span.link)
            else:
                merged.append(span)
        for span in merged:
            text = span.text
            mark = ("**" if span.bold else "") + ("*" if span.italic else "")
            core = text.strip()
            if not (mark or span.link) or not core:
                out.append(escape(text))
                continue
            lead, tail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            words = f"{mark}{escape(core)}{mark[::-1]}"
            if span.link:
                words = f"[{words}](<{span.link}>)"
            out.append(f"{lead}{words}{tail}")
        spans.clear()

    for piece in pieces:
        if isinstance(piece, Span):
            spans.append(piece)
        elif isinstance(piece, NoteRef):
            flush()
            while out and out[-1].endswith(" ") and out[-1].strip():
                out[-1] = out[-1].rstrip()
            out.append(cite(piece))
    flush()
    line = " ".join("".join(out).split())
    return LINE_START.sub(
        lambda m: "\\" + m[0] if len(m[0]) == 1 else m[0][:-1] + "\\" + m[0][-1], line
    )


def _style(span: Span) -> tuple[bool, bool, str]:
    return span.bold, span.italic, span.link
