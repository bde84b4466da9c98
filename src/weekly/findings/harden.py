"""The codes of the second hardening pass: names that become paths, text YAML cannot keep."""

from __future__ import annotations

from weekly.findings.model import Finding, error

FINDINGS: tuple[Finding, ...] = (
    error(
        "E070",
        "series key is not a slug",
        """
A key of `series.yaml` becomes a file name of the archive (`output/series/KEY.html`,
`KEY.xml`) and a folder name of the templates, so it may hold only lower-case letters, digits
and hyphens. A key such as `../../ESCAPED` or `Gulf Brief` is refused before anything is
written.
""",
        """
inputs/series.yaml:3: error: series key '../../ESCAPED' must be a slug: lower-case letters, digits and hyphens (like gulf-brief)
""",
        "Rename the key (`gulf-brief`), and the `series:` of the editions that name it.",
    ),
)
