"""The body's ``events`` helpers: count, rate, share and fatalities, printed in AP style."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from weekly import apstyle
from weekly.caches import Caches
from weekly.errors import BodyError, Problems
from weekly.events.table import NO_TABLE, EventTable, QueryError, table_for
from weekly.inputs.edition import Edition

#: A call of an ``events`` helper in the body's text (``events.count(``, …).
USES_EVENTS = re.compile(r"\bevents\s*\.\s*[a-z_]+\s*\(")


class Count(int):
    """A number of events; prints in AP style (``five``, ``16``, ``1,204``)."""

    def __str__(self) -> str:
        return apstyle.number(int(self))


class Rate(float):
    """A rate such as events per week; prints rounded to one decimal (``4.5``)."""

    def __str__(self) -> str:
        return apstyle.number(round(float(self), 1))


class Share(float):
    """A fraction of events; prints as ``69 percent``."""

    def __str__(self) -> str:
        return apstyle.percent(float(self))


class EventHelpers:
    """The ``events`` object of the body: ``count``, ``per_week``, ``share``, ``fatalities``."""

    def __init__(self, edition: Edition, problems: Problems, caches: Caches | None = None) -> None:
        self._caches = caches
        self._inputs = edition.inputs
        self._cutoff = edition.cutoff.date()
        self._problems = problems
        self._table: EventTable | None = None

    def _open(self, helper: str) -> EventTable | None:
        if self._table is None:
            table = table_for(self._inputs, self._cutoff, self._caches)
            if table is None:
                raise BodyError(f"events.{helper}: {NO_TABLE}")
            self._table = table
        self._problems.extend(self._table.problems)
        return self._table if self._table.ok else None

    def _select(self, helper: str, filters: Mapping[str, Any], since: Any, until: Any) -> Any:
        table = self._open(helper)
        if table is None:
            return None
        try:
            return table.select(filters, since, until)
        except QueryError as exc:
            raise BodyError(f"events.{helper}: {exc}") from None

    def count(self, since: Any = None, until: Any = None, **filters: Any) -> Count:
        """Return the number of events matching the filters."""
        mask = self._select("count", filters, since, until)
        return Count(0 if mask is None else int(mask.sum()))

    def per_week(self, since: Any = None, until: Any = None, **filters: Any) -> Rate:
        """Return the matching events divided by the window's length in weeks."""
        if since is None:
            raise BodyError("events.per_week: needs since= (the first day of the window)")
        mask = self._select("per_week", filters, since, until)
        if mask is None or self._table is None:
            return Rate(0.0)
        first, last = self._table.window(since, until)
        assert first is not None
        days = (last - first).days + 1
        return Rate(int(mask.sum()) / (days / 7))

    def share(
        self,
        subset: Mapping[str, Any] | None = None,
        since: Any = None,
        until: Any = None,
        **filters: Any,
    ) -> Share:
        """Return the fraction of the events matching the filters that also match ``subset``."""
        if not isinstance(subset, Mapping) or not subset:
            raise BodyError(
                'events.share: needs a mapping of columns first, like {"admin1": "Mopti"}'
            )
        mask = self._select("share", filters, since, until)
        if mask is None:
            return Share(0.0)
        part = self._select("share", dict(subset), since, until)
        total = int(mask.sum())
        if total == 0:
            raise BodyError("events.share: no events match the filters, so there is no share")
        return Share(int((mask & part).sum()) / total)

    def fatalities(self, since: Any = None, until: Any = None, **filters: Any) -> Count:
        """Return the sum of ``fatalities`` over the matching events."""
        mask = self._select("fatalities", filters, since, until)
        if mask is None or self._table is None:
            return Count(0)
        if "fatalities" not in self._table.names:
            raise BodyError("events.fatalities: the events table has no 'fatalities' column")
        values = self._table.column("fatalities")[mask]
        return Count(int(values.fillna(0).sum()))


def body_helpers(
    edition: Edition, problems: Problems, prepare: bool = True, caches: Caches | None = None
) -> Mapping[str, Any]:
    """Return the names the body template may use for ``edition``.

    With ``prepare``, a body that calls ``events.…(…)`` has its table read here, before the body
    is evaluated: the first read of a large CSV (seconds for millions of rows) then does not
    count against the body's time limit, which is there to stop runaway templates.
    """
    caches = caches or Caches()  # the table read ahead is the one the helpers use
    if prepare and USES_EVENTS.search(edition.body):
        table_for(edition.inputs, edition.cutoff.date(), caches)
    return {"events": EventHelpers(edition, problems, caches)}
