"""The body sandbox has resource limits: hostile templates stop with one line, never hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from weekly.body.template import render_body
from weekly.errors import Problems

PATH = Path("inputs/2023-12-13/update.md")


def evaluate(body: str) -> tuple[str | None, list[str]]:
    problems = Problems()
    out = render_body(body, PATH, 10, {}, problems)
    return out, [str(p) for p in problems]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{{ "a" * 10**8 }}', "body too costly: a value longer than 1,000,000 characters or items"),
        (
            '{{ ["a"] * 10**7 }}',
            "body too costly: a value longer than 1,000,000 characters or items",
        ),
        ('{{ "a"|center(10**9) }}', "body too costly: filter 'center' was given 1000000000"),
        ("{{ 2 ** (10**9) }}", "body too costly: exponent 1000000000 is too large"),
        ("{{ 1e309|percent }}", "template error: number too large"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "body too costly: the body loops more than 1,000,000 times",
        ),
        ('{% set s = "x" * 900000 %}{{ s ~ s }}{{ s + s }}', "body too costly: a value longer"),
        ("{% macro m() %}{{ m() }}{% endmacro %}\n{{ m() }}", "recursion too deep"),
        ('{{ "abc"|truncate(-1) }}', "filter 'truncate' needs a positive size, not -1"),
        ("{{ lipsum(10**6) }}", "template error"),
    ],
)
def test_costly_bodies_stop_with_one_line(body: str, message: str) -> None:
    started = time.monotonic()
    out, problems = evaluate("text\n" + body + "\n")
    assert out is None
    assert len(problems) == 1, problems
    # The expression is on the body's second line (11); Jinja folds 1e309 while compiling, so
    # that error has no line of its own and is placed on the body's first line (10).
    line = 10 if "1e309" in body else 11
    assert problems[0].startswith(f"{PATH}:{line}: "), problems
    assert message in problems[0]
    assert time.monotonic() - started < 60  # the limit, not the machine, stopped it


def test_output_size_is_capped() -> None:
    body = '{% for i in range(6000) %}{{ "x" * 999 }}\n{% endfor %}'
    out, problems = evaluate(body)
    assert out is None
    assert "evaluates to more than 5,000,000 characters" in problems[0]


def test_filters_on_non_finite_numbers_are_errors() -> None:
    out, problems = evaluate('{% set x = "inf" %}{{ x|float|percent }}')
    assert out is None
    assert "expected a finite number, not inf" in problems[0]


def test_ordinary_bodies_are_untouched() -> None:
    out, problems = evaluate(
        '{% for i in range(3) %}{{ i }}{% endfor %} {{ "ab" * 3 }} {{ 0.69|percent }} '
        '{{ 1204|number }} {{ "x"|center(5) }} {{ 2**10 }} {{ [1, 2] + [3] }}'
    )
    assert problems == []
    assert out == "012 ababab 69 percent 1,204   x   1024 [1, 2, 3]"
