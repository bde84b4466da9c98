"""Evaluate the body of an update as a sandboxed Jinja template, before Markdown.

The body may compute facts (``{{ events.count(...) }}``) and place figures
(``{{ figure("id") }}``). It runs in Jinja's :class:`SandboxedEnvironment` with no
loader, so it cannot include files, reach attributes such as ``__class__``, or
call anything but the helpers given to it. Output keeps the source's line breaks,
so later stages still report lines of ``update.md``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment  # noqa: F401  (the type make_environment returns)

from weekly import apstyle
from weekly.body.limits import Budget, LimitedEnvironment, LimitExceeded, render_limited
from weekly.errors import BodyError, Problems

#: A marker that stands for a placed figure in the Markdown text (private-use characters).
FIGURE_MARK = "\ue000figure:{}\ue001"


def place_figure(figure_id: Any) -> str:
    """Return the marker Markdown parsing turns into a figure."""
    return FIGURE_MARK.format(str(figure_id).replace("\ue001", ""))


def _filters() -> dict[str, Callable[..., str]]:
    return {"percent": apstyle.percent, "number": apstyle.number}


def make_environment(budget: Budget | None = None) -> SandboxedEnvironment:
    """Return the sandbox the body runs in (no loader, strict undefined, no autoescape)."""
    env = LimitedEnvironment(
        budget or Budget(),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(_filters())
    return env


def _template_line(template_name: str, exc: BaseException, first_line: int) -> int:
    line = getattr(exc, "lineno", None)
    if line is None:
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename == template_name and frame.lineno:
                line = frame.lineno
                break
    return (line or 1) + first_line - 1


def render_body(
    text: str,
    path: Path,
    first_line: int,
    helpers: Mapping[str, Any],
    problems: Problems,
) -> str | None:
    """Return the body with its template evaluated, or None after recording the error.

    ``helpers`` are the names the body can use besides ``figure`` (``events``, …).
    Helpers report their own bad input by raising :class:`BodyError`.
    """
    name = f"<body:{path}>"
    budget = Budget()
    env = make_environment(budget)
    try:
        code = env.compile(text, name=name, filename=name)
        template = env.template_class.from_code(env, code, env.make_globals(None))
    except jinja2.TemplateSyntaxError as exc:
        problems.error(
            "E020",
            path,
            (exc.lineno or 1) + first_line - 1,
            f"template syntax error: {exc.message}",
        )
        return None
    context = {"figure": place_figure, **helpers}
    try:
        return render_limited(template, context, budget)
    except LimitExceeded as exc:
        problems.error(
            "E023", path, _template_line(name, exc, first_line), f"body too costly: {exc}"
        )
    except RecursionError as exc:
        line = _template_line(name, exc, first_line)
        problems.error(
            "E023", path, line, "body too costly: recursion too deep (a macro calling itself?)"
        )
    except BodyError as exc:
        problems.error(exc.code, path, _template_line(name, exc, first_line), exc.message)
    except jinja2.exceptions.SecurityError as exc:
        problems.error(
            "E021", path, _template_line(name, exc, first_line), f"not allowed in the body: {exc}"
        )
    except jinja2.UndefinedError as exc:
        problems.error(
            "E020", path, _template_line(name, exc, first_line), f"template error: {exc.message}"
        )
    except (
        jinja2.TemplateError,
        TypeError,
        ValueError,
        ArithmeticError,
        LookupError,
        AttributeError,
        NameError,
        AssertionError,
    ) as exc:
        if isinstance(exc, NameError) and exc.name in ("inf", "nan"):  # 1e309 folded by Jinja
            exc = ValueError("number too large")
        problems.error(
            "E020", path, _template_line(name, exc, first_line), f"template error: {exc}"
        )
    return None
