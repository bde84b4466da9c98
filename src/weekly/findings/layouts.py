"""The codes of the series' masthead fields: the masthead order and the unused headline."""

from __future__ import annotations

from weekly.findings.model import Finding, error, warning

FINDINGS: tuple[Finding, ...] = (
    error(
        "E042",
        "bad masthead order",
        """
A series' `masthead` list (the order of the lines at the top of the page) names a part that
does not exist, names a part twice, leaves out `title`, or is not a list of text.

```yaml
salafi-jihadi:
  masthead: [date_line, title, subscription, cutoff]
```
""",
        """
inputs/series.yaml:2: error: series 'salafi-jihadi': masthead: unknown part 'subscription' (known: date_line, title, byline, contributors, cutoff, subscribe, notices)
""",
        """
Use only the parts listed in the message, each once, and keep `title`. A part that has
nothing to print (no contributors, no subscription line) may stay in the list.
""",
    ),
    warning(
        "W041",
        "headline not printed by this layout",
        """
The front matter gives a `headline`, but the title template of the layout in force on the
edition's date has no `{headline}`, so the headline appears nowhere: not in the title, the
archive or the mail subject. The Salafi-Jihadi Movement Weekly Update before November 2023
and the Iran Update, for instance, print "Series, Date" alone.
""",
        """
inputs/2023-08-09/update.md:3: warning: headline 'Al Qaeda Gains' is not printed: the title of series 'salafi-jihadi' on 2023-08-09 is '{series}, {date}'
""",
        """
Leave `headline` out, or give the series a title with `{headline}` for that date
(a `layouts` entry in `inputs/series.yaml`).
""",
    ),
)
