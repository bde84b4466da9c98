"""MkDocs hooks: generate the reference pages from the code, so they cannot drift.

A page asks for generated Markdown with a marker on a line of its own:

- ``<!-- weekly: command render -->``: the usage, help and option table of ``weekly render``,
  read from the click command (``<!-- weekly: command -->`` for ``weekly`` itself, with a
  table of its commands linking to ``commands/NAME.md``: use it in ``commands/index.md``);
- ``<!-- weekly: codes -->``: every finding code of :data:`weekly.findings.CODES`, each under
  a heading whose anchor is the code itself (``reference/codes.md#W201``);
- ``<!-- weekly: series-fields -->``: the table of every series field, read from the schema
  (:mod:`weekly.inputs.schema`): what it takes, its default, an example and what it does;
- ``<!-- weekly: stages -->``: the stage order of :data:`weekly.stages.STAGES` that
  ``tests/test_layers.py`` enforces, with the modules of every package read from the disk.

The functions below import no MkDocs, so ``tests/test_docs.py`` checks their output directly.
"""

from __future__ import annotations

import html
import inspect
import re
from typing import Any

import click

MARKER = re.compile(
    r"^<!-- weekly: (command(?: ([\w-]+))?|codes|series-fields|stages) -->[ \t]*$", re.MULTILINE
)

_LEVELS = {
    "error": "**Error**: `weekly check` exits with status 2 and `weekly render` refuses.",
    "warning": "**Warning**: `weekly check` exits with 0 (1 with `--strict`); "
    "`weekly render` prints it and goes on.",
}


def _contexts(name: str | None) -> tuple[click.Command, click.Context]:
    """Return the command called ``name`` (the group itself for None) and its context."""
    from weekly.cli import main

    group = click.Context(main, info_name="weekly", **main.context_settings)
    if name is None:
        return main, group
    command = main.commands[name]
    return command, click.Context(command, info_name=name, parent=group, **command.context_settings)


def _paragraphs(text: str) -> list[str]:
    """Return the paragraphs of a click help text (``\\f`` ends it, ``\\b`` lines are kept)."""
    text = inspect.cleandoc(text).split("\f")[0]
    return [
        " ".join(line.strip() for line in block.splitlines() if line.strip() != "\b")
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]


def option_id(command: str | None, long_name: str) -> str:
    """Return the anchor of an option's row, e.g. ``render-cutoff`` or ``weekly-version``."""
    return f"{command or 'weekly'}-{long_name.lstrip('-')}"


def command_reference(name: str | None = None) -> str:
    """Return the generated reference of ``weekly NAME`` as an HTML block for Markdown."""
    command, ctx = _contexts(name)
    lines = [f"<pre><code>{html.escape(command.get_usage(ctx))}</code></pre>"]
    lines += [f"<p>{html.escape(p)}</p>" for p in _paragraphs(command.help or "")]
    lines += ["<table>", "<thead><tr><th>Option</th><th>Meaning</th></tr></thead>", "<tbody>"]
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:  # hidden, or an argument
            continue
        names, meaning = record
        long_name = max(param.opts, key=len)
        lines.append(
            f'<tr id="{option_id(name, long_name)}">'
            f'<td style="white-space: nowrap"><code>{html.escape(names)}</code></td>'
            f"<td>{html.escape(meaning)}</td></tr>"
        )
    lines += ["</tbody>", "</table>"]
    if isinstance(command, click.Group):  # Markdown, so that MkDocs checks the links
        lines += ["", "| Command | Does |", "| --- | --- |"]
        for sub in command.list_commands(ctx):
            what = html.escape(command.commands[sub].get_short_help_str(limit=200))
            lines.append(f"| [`weekly {sub}`]({sub}.md) | {what.replace('|', chr(92) + '|')} |")
    return "\n".join(lines) + "\n"


def codes_reference() -> str:
    """Return the generated reference of every finding code, in Markdown."""
    from weekly.findings import CODES

    out = ["| Code | Level | Meaning |", "| --- | --- | --- |"]
    out += [f"| [`{f.code}`](#{f.code}) | {f.level} | {f.meaning} |" for f in CODES.values()]
    for finding in CODES.values():
        out += ["", f"## `{finding.code}` {finding.meaning} {{#{finding.code}}}", ""]
        out.append(_LEVELS[finding.level])
        if finding.explanation:
            out += ["", finding.explanation]
        if finding.example:
            out += ["", "```text", finding.example, "```"]
        if finding.fix:
            out += ["", f"**Fix:** {finding.fix}"]
    return "\n".join(out) + "\n"


def _takes(kind: Any) -> str:
    """Return what a series field of type ``kind`` takes, in words (Markdown)."""
    from typing import get_args, get_origin

    from weekly.inputs.schema import choices

    words = choices(kind)
    if words:
        return "one of " + ", ".join(f"`{w}`" for w in words)
    if kind is bool:
        return "`true` or `false`"
    if kind is str:
        return "text"
    item = get_args(kind)[0] if get_origin(kind) is tuple else None
    if item is str:
        return "a list of text"
    if choices(item):
        return "a list of " + ", ".join(f"`{w}`" for w in choices(item))
    if get_origin(item) is tuple and get_args(item) == (str, str):
        return "a mapping of text to text"
    raise ValueError(f"say in words what a field of type {kind} takes (About.takes)")


def series_fields_reference() -> str:
    """Return the table of every series field, in Markdown, from the schema."""
    from weekly.inputs.schema import declared, shown_default

    out = ["| field | takes | default | example | what it does |", "|---|---|---|---|---|"]
    for name, (_, kind, info) in declared().items():
        cells = (
            f"`{name}`",
            info.takes or _takes(kind),
            shown_default(name),
            f"`{info.example}`" if info.example else "(see the link)",
            info.doc,
        )
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(out) + "\n"


def stages_reference() -> str:
    """Return the stage order in Markdown: the stages in order, then every package's modules."""
    import ast
    from pathlib import Path

    import weekly
    from weekly.stages import STAGES

    root = Path(weekly.__file__).parent
    out = [f"{n}. **{stage.name}**: {stage.job}" for n, stage in enumerate(STAGES, 1)]
    out += ["", "| Stage | Package | What it does | Modules |", "| --- | --- | --- | --- |"]
    for number, stage in enumerate(STAGES, 1):
        for package in stage.packages:
            folder = root / package
            opening = folder / "__init__.py" if folder.is_dir() else root / f"{package}.py"
            doc = ast.get_docstring(ast.parse(opening.read_text(encoding="utf-8"))) or ""
            modules = sorted(
                path.relative_to(folder).with_suffix("").as_posix()
                for path in folder.rglob("*.py")
                if path.name != "__init__.py"
            )
            listed = ", ".join(f"`{m}`" for m in modules) if folder.is_dir() else ""
            where = f"{number}. {stage.name}" if package == stage.packages[0] else ""
            what = doc.split("\n\n")[0].replace("\n", " ").replace("|", "\\|")
            out.append(f"| {where} | `weekly.{package}` | {what} | {listed} |")
    return "\n".join(out) + "\n"


def expand(markdown: str) -> str:
    """Return ``markdown`` with every marker replaced by what it asks for."""

    def generate(match: re.Match[str]) -> str:
        if match[1] == "codes":
            return codes_reference()
        if match[1] == "series-fields":
            return series_fields_reference()
        if match[1] == "stages":
            return stages_reference()
        return command_reference(match[2])

    return MARKER.sub(generate, markdown)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs hook: expand the markers of a page."""
    return expand(markdown)
