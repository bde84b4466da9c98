"""How the command line prints: one finding a line, colour on a terminal, ``--quiet``.

Every command prints its findings through :func:`finding_line`, so ``render``, ``check``,
``email`` and ``preview`` show a problem the same way: ``path:line: error: message [E101]``;
``check --suggest``'s suggestions go through :func:`suggestion_line`, in the same shape.
Colour follows https://no-color.org: on when standard output or error is a terminal, off
when it is not, off when ``NO_COLOR`` is set to anything but the empty string; ``--color
always|never`` (and ``--no-color``) on the command line win over both.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from weekly.check.integrity import Suggestion
    from weekly.errors import Problem

F = TypeVar("F", bound=Callable[..., Any])
#: The colour of each level's word.
LEVEL_COLOURS = {"error": "red", "warning": "yellow", "suggestion": "cyan"}
_QUIET = "weekly.quiet"
#: The code of a problem no finding of the registry describes (a bad option, a missing file).
UNCODED = "E000"


def colour_choice(environ: dict[str, str] | os._Environ[str], choice: str) -> bool | None:
    """Return click's colour setting for ``--color CHOICE``: True, False or None (a terminal).

    ``auto`` means colour on a terminal unless ``NO_COLOR`` holds a non-empty value.
    """
    if choice == "always":
        return True
    if choice == "never" or environ.get("NO_COLOR", ""):
        return False
    return None  # click colours when the stream is a terminal


def _set_colour(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.color = colour_choice(os.environ, value)
    elif ctx.color is None:
        ctx.color = colour_choice(os.environ, "auto")


def _set_no_colour(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.color = False


def _set_quiet(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta[_QUIET] = ctx.meta.get(_QUIET, False) or value


def colour_options(command: click.Command) -> None:
    """Give ``command`` ``--color WHEN`` and ``--no-color`` (NO_COLOR is read either way)."""
    command.params.append(
        click.Option(
            ["--color"],
            type=click.Choice(["auto", "always", "never"]),
            default=None,
            expose_value=False,
            is_eager=True,
            callback=_set_colour,
            help="Colour the output: auto (a terminal, unless NO_COLOR is set), always, never.",
        )
    )
    command.params.append(
        click.Option(
            ["--no-color"],
            is_flag=True,
            expose_value=False,
            callback=_set_no_colour,
            help="Print without colour (the same as --color never).",
        )
    )


def quiet_option(command: click.Command) -> None:
    """Give ``command`` ``--quiet``: print errors only, nothing at all on success."""
    command.params.append(
        click.Option(
            ["--quiet", "-q"],
            is_flag=True,
            expose_value=False,
            callback=_set_quiet,
            help="Print errors only: no warnings, no 'wrote …' lines, nothing on success.",
        )
    )


def quiet() -> bool:
    """Return True when the running command was given ``--quiet``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(_QUIET))


def say(text: str) -> None:
    """Print a line of progress on standard output, unless ``--quiet``."""
    if not quiet():
        click.echo(text)


def finding_line(problem: Problem) -> str:
    """Return ``path:line: level: message [CODE]``, styled for a terminal (click strips it elsewhere).

    A problem without a registered code (``E000``) has no ``[CODE]``; one that belongs to no
    file prints as ``weekly: message``.
    """
    if problem.code == UNCODED and problem.path == "weekly":
        return f"{click.style('weekly', bold=True)}: {problem.message}"
    level = click.style(problem.level, fg=LEVEL_COLOURS.get(problem.level), bold=True)
    code = "" if problem.code == UNCODED else " " + click.style(f"[{problem.code}]", dim=True)
    return f"{click.style(problem.location(), bold=True)}: {level}: {problem.message}{code}"


def print_problems(problems: list[Any], err: bool = True) -> None:
    """Print findings one a line (on standard error by default); ``--quiet`` keeps errors only."""
    for problem in problems:
        if problem.level == "error" or not quiet():
            click.echo(finding_line(problem), err=err)


def suggestion_line(suggestion: Suggestion) -> str:
    """Return ``path:line: suggestion: message``, styled as :func:`finding_line` (no code)."""
    level = click.style("suggestion", fg=LEVEL_COLOURS["suggestion"], bold=True)
    return f"{click.style(suggestion.location(), bold=True)}: {level}: {suggestion.message}"


def print_suggestions(suggestions: list[Suggestion]) -> None:
    """Print ``check --suggest``'s suggestions one a line on standard output; none with --quiet."""
    if quiet():
        return
    for suggestion in suggestions:
        click.echo(suggestion_line(suggestion))


#: Commands that keep talking under --quiet's name: a server's log is what it is for.
NOT_QUIET = {"preview"}


def add_output_options(group: click.Group) -> None:
    """Give every command of ``group`` the colour options, and ``--quiet`` where it applies.

    Called once, after the commands are added, so a new command gets them too.
    """
    for name, command in group.commands.items():
        colour_options(command)
        if name not in NOT_QUIET:
            quiet_option(command)
