"""The codes of corrections: the notices in the front matter, the archive, the mail, the check."""

from __future__ import annotations

from weekly.findings.model import Finding, error, warning

FINDINGS: tuple[Finding, ...] = (
    error(
        "E080",
        "bad correction entry",
        """
An entry of `corrections:` that is not a mapping with a `date:` and a `text:`: a missing or
empty text, a date that is not one, an unknown field.

```yaml
corrections:
  - date: 16 December
    text: An earlier version misdated the attack in Kayes.
```
""",
        """
inputs/2023-12-13/update.md:9: error: correction: date must be a date like 2023-12-16, got '16 December'
""",
        "Write each entry as `{date: 2023-12-16, text: …}` (see "
        "[Corrections](../guide/corrections.md)).",
    ),
    error(
        "E081",
        "correction dated before publication",
        "A correction dated before the edition was published (its `published:` date, by default "
        "the edition date): nothing published could be corrected yet.",
        """
inputs/2023-12-13/update.md:9: error: correction dated 2023-12-12, before the edition was published (2023-12-13)
""",
        "Date the correction the day it is made; fix an error found before publication "
        "silently, without a notice.",
    ),
    error(
        "E082",
        "correction dated after today",
        "A correction dated in the future: almost always a typo in the year or the month. "
        "Today is the series' time zone's (or the date in `WEEKLY_TODAY` when it is set).",
        """
inputs/2023-12-13/update.md:9: error: correction dated 2024-12-16, after today (2023-12-16)
""",
        "Give the day the correction is made.",
    ),
    warning(
        "W080",
        "published edition changed without a new correction",
        """
`weekly archive` found that the inputs of an edition it had already published changed, but the
edition carries no new entry under `corrections:`. The page is replaced silently and readers are
not told: what corrections exist to prevent. No earlier version is kept.
""",
        """
inputs/2023-12-13/update.md:1: warning: published edition changed without a new correction; add one under corrections:, or pass --accept-silent-edit for a typo-level fix
""",
        "Add a dated entry under `corrections:` saying what changed; for a fix no reader needs to "
        "know of (a typo), pass `weekly archive --accept-silent-edit`.",
    ),
    warning(
        "W081",
        "changed since the version published",
        """
`weekly check` compares the edition as published in the output (`--output`) with what the
inputs give now, block by block (paragraphs, bullets, headings, notes), and reports each block
added, removed or changed, so an editor sees what a correction has to cover.
""",
        """
inputs/2023-12-13/update.md:31: warning: changed since the version published: "JNIM attacked a convoy near Kayes on December 9." (was: "JNIM attacked a convoy near Kayes on December 8.")
""",
        "Nothing to fix when the change is intended: say what changed in a `corrections:` entry "
        "before publishing it again.",
    ),
    error(
        "E820",
        "no correction to mail",
        "`weekly email --correction` for an edition whose front matter holds no `corrections:`.",
        """
inputs/2023-12-13/update.md:1: error: --correction: the edition has no corrections to mail
""",
        "Add the correction to the front matter first, publish it (`weekly archive`), then mail it.",
    ),
)
