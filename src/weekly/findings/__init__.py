"""The finding codes: every code a stage can report, its level and what it means.

One registry that ``weekly check``, the docs and the tests all read. A code is stable:
tooling may rely on it. ``E`` codes are errors (exit status 2; ``render`` refuses),
``W`` codes warnings (exit status 0, or 1 with ``check --strict``; ``render`` goes on).
:class:`weekly.errors.Problem` refuses a registered code given the wrong level, and
``tests/test_docs.py`` fails when a code is emitted in ``src/`` but not registered here,
or registered here but emitted nowhere. The docs' code reference
(``docs/reference/codes.md``) is generated from :data:`CODES` by ``docs/hooks.py``.
"""

from __future__ import annotations

from weekly.findings import (
    corrections,
    harden,
    inputs,
    integrity,
    later,
    layouts,
    schema,
    trust,
    warnings,
)
from weekly.findings.model import Finding, Level

__all__ = ["CODES", "Finding", "Level", "level_of"]

#: Every finding code, in code order (errors, then warnings), as the reference lists them.
CODES: dict[str, Finding] = {
    finding.code: finding
    for finding in sorted(
        (
            *inputs.FINDINGS,
            *later.FINDINGS,
            *warnings.FINDINGS,
            *corrections.FINDINGS,
            *harden.FINDINGS,
            *integrity.FINDINGS,
            *layouts.FINDINGS,
            *trust.FINDINGS,
            *schema.FINDINGS,
        ),
        key=lambda finding: finding.code,
    )
}


def level_of(code: str) -> Level | None:
    """Return the level registered for ``code``, or None for a code not in :data:`CODES`."""
    finding = CODES.get(code)
    return finding.level if finding else None
