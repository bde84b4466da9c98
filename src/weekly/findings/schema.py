"""The codes of accepting a known warning (``accept_warnings``, series or front matter)."""

from __future__ import annotations

from weekly.findings.model import Finding, error

FINDINGS: tuple[Finding, ...] = (
    error(
        "E090",
        "a code that cannot be accepted",
        """
A series' or an edition's `accept_warnings` list names a code that is not registered, an
error code, or W080. Only warnings can be accepted: an error means the edition cannot be
published as it is, whoever agrees. W080 (a published edition changed without a correction)
is accepted one archive at a time with `weekly archive --accept-silent-edit`, never for good. An unknown code is refused rather than ignored, so that a typo does not
leave the warning it meant to accept showing, or let a list that accepts nothing look as if
it did. The list itself must be a list of codes.

```yaml
---
accept_warnings: [W414, E101, W999]
---
```
""",
        """
inputs/2023-12-13/update.md:2: error: accept_warnings: E101 is an error; only a warning can be accepted
inputs/2023-12-13/update.md:2: error: accept_warnings: unknown code 'W999'
inputs/series.yaml:4: error: series 'gulf-brief': accept_warnings: unknown code 'W41'
""",
        """
Name only warning codes, each as printed in brackets after a finding (`[W414]`). Fix what
an error reports instead of accepting it; for a typo-level fix of a published edition, pass
`--accept-silent-edit` to that one `weekly archive`.
""",
    ),
)
