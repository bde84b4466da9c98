"""Resource limits of the body sandbox: output size, string and list sizes, loops and time.

Jinja's sandbox keeps the body away from Python internals but not from the machine: a
single ``{{ "a" * 10**8 }}`` or two nested ``range(100000)`` loops would exhaust memory or
never end. :class:`LimitedEnvironment` intercepts the operators and filters that can build
large values, counts loop iterations, and checks the clock; going over a limit raises
:class:`LimitExceeded`, which the body stage reports at its line like any template error.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

#: The most characters the evaluated body may have (about 200 pages of text).
MAX_OUTPUT = 5_000_000
#: The longest string or list one operation may build.
MAX_SIZE = 1_000_000
#: The most loop iterations over ``range`` in one body, all loops together.
MAX_ITERATIONS = 1_000_000
#: The largest exponent ``**`` takes.
MAX_EXPONENT = 1_000
#: Wall-clock seconds the body may take to evaluate.
MAX_SECONDS = 10.0


class LimitExceeded(Exception):
    """The body went over one of its resource limits."""


class Budget:
    """What one evaluation of the body may still spend."""

    def __init__(self, seconds: float = MAX_SECONDS) -> None:
        self.deadline = time.monotonic() + seconds
        self.iterations = 0

    def tick(self, count: int = 1) -> None:
        """Spend ``count`` loop iterations; raise when over the limit or past the deadline."""
        self.iterations += count
        if self.iterations > MAX_ITERATIONS:
            raise LimitExceeded(f"the body loops more than {MAX_ITERATIONS:,} times")
        if self.iterations % 1024 == 0 and time.monotonic() > self.deadline:
            raise LimitExceeded(f"the body took longer than {MAX_SECONDS:g} s to evaluate")

    def check_time(self) -> None:
        """Raise when the deadline has passed."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"the body took longer than {MAX_SECONDS:g} s to evaluate")


def _size_of(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _check_size(value: Any) -> Any:
    if _size_of(value) > MAX_SIZE:
        raise LimitExceeded(f"a value longer than {MAX_SIZE:,} characters or items")
    return value


def _limited_filter(name: str, filter_: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``filter_`` so that no numeric argument can ask for a huge or negative size."""

    passed = getattr(filter_, "jinja_pass_arg", None)  # context/environment come first
    skip = 2 if passed is not None else 1

    def limited(*args: Any, **kwargs: Any) -> Any:
        for arg in [*args[skip:], *kwargs.values()]:
            if isinstance(arg, int | float) and not isinstance(arg, bool):
                if not math.isfinite(arg) or abs(arg) > MAX_SIZE:
                    raise LimitExceeded(f"filter '{name}' was given {arg!r}, beyond the limits")
                if name in ("truncate", "center", "indent", "wordwrap") and arg < 0:
                    raise ValueError(f"filter '{name}' needs a positive size, not {arg!r}")
        return _check_size(filter_(*args, **kwargs))

    if passed is not None:
        limited.jinja_pass_arg = passed  # type: ignore[attr-defined]
    return limited


class LimitedEnvironment(SandboxedEnvironment):
    """The body's sandbox with resource limits (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, budget: Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.globals = {"range": self._range}  # no lipsum, cycler, joiner, namespace or dict
        self.filters = {
            name: _limited_filter(name, filter_) for name, filter_ in self.filters.items()
        }

    def _range(self, *args: int) -> Iterator[int]:
        numbers = range(*args)
        if len(numbers) > MAX_SIZE:
            raise LimitExceeded(f"range of {len(numbers):,} numbers is too long")
        for number in numbers:
            self.budget.tick()
            yield number

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse operations whose result would be too large; do the rest as Python does."""
        self.budget.check_time()
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_EXPONENT:
                raise LimitExceeded(f"exponent {right!r} is too large")
            return left**right
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                sized = isinstance(seq, str | list | tuple) and isinstance(times, int)
                if sized and _size_of(seq) * times > MAX_SIZE:
                    raise LimitExceeded(f"a value longer than {MAX_SIZE:,} characters or items")
            return left * right
        return _check_size(left + right)


def render_limited(template: Any, context: dict[str, Any], budget: Budget) -> str:
    """Render ``template`` streaming, stopping at :data:`MAX_OUTPUT` characters or the deadline."""
    parts: list[str] = []
    size = 0
    with _alarm(budget):
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise LimitExceeded(f"the body evaluates to more than {MAX_OUTPUT:,} characters")
            budget.check_time()
            parts.append(chunk)
    return "".join(parts)


@contextmanager
def _alarm(budget: Budget) -> Iterator[None]:
    """Interrupt a runaway evaluation on the main thread after the budget's deadline.

    Loops over lists (not ``range``) and filters that take long are not counted: the timer is
    the backstop. Other threads (the preview's builder) rely on the counted limits.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise LimitExceeded(f"the body took longer than {MAX_SECONDS:g} s to evaluate")

    seconds = max(0.01, budget.deadline - time.monotonic())
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
