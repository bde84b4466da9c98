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
    error(
        "E071",
        "output folder is a symbolic link",
        """
An edition's folder (`output/2023-12-13`), or a folder inside the output that `render` or
`archive` writes into (`figures/`, `series/`), is a symbolic link. Publishing through it would
write files wherever the link points and publish the files found there, so nothing is
written. The output folder itself may be a link (to a web server's folder, say). A link
planted where `render` keeps an edition's lock file (`output/.2023-12-13.lock`) is refused
the same way, since taking the lock would create a file wherever it points.
""",
        """
output/2023-12-13: error: is a symbolic link; weekly publishes only into real folders (replace the link with a folder)
""",
        "Remove the link and let `weekly` create the folder; link the whole output folder instead.",
    ),
    error(
        "E072",
        "control character in a BibTeX or RIS file",
        """
A line of `sources.bib` or `sources.ris` holds a control character (C0 or C1, DEL), a line or
paragraph separator (U+2028, U+2029): a title, a name or a note would carry it into the page,
the PDF and the feeds. YAML and JSON bibliographies refuse the same characters as
[`E001`](#E001).
""",
        """
inputs/sources.bib:7: error: control character U+0007 in the bibliography; delete it (a title, a name or a note would print it)
""",
        "Delete the character (often a stray paste from a PDF or a word processor).",
    ),
)
