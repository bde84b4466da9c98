"""The codes of the analytic integrity rules: numbers, dates, source dates, stale text, judgments."""

from __future__ import annotations

from weekly.findings.model import Finding, error, warning

FINDINGS: tuple[Finding, ...] = (
    error(
        "E411",
        "a date in the prose after the data cutoff",
        """
An explicit date in the body (`December 14`, `14 December 2023`, `2023-12-14`) falls after the
edition's data cutoff, by two weeks at most: nothing that happened that day can be in this
edition (a date further ahead is taken for a date to come). A date without a
year is read in the cutoff's year (or the year before, when that would put it more than a month
ahead). A sentence that looks ahead (`will`, `scheduled`, `due`, `by`, `until`, `next` …) is
left alone: a date to come is not an event. A date on the cutoff day is fine.

```markdown
- On December 14, JNIM overran a base near Niono.[@x-post]
```
""",
        """
inputs/2023-12-13/update.md:21: error: 'December 14' (2023-12-14) is after the data cutoff 2023-12-13: an event of that day cannot be in this edition; correct the date or leave the event for the next edition
""",
        "Correct the date, or keep the event for next week's edition.",
    ),
    error(
        "E416",
        "malformed changes field",
        """
The front matter's `changes:` (why a judgment's estimative level moved since last week) is not
a mapping of a judgment's first words to a paragraph of text.

```yaml
changes: [likely, almost certainly]
```
""",
        """
inputs/2023-12-13/update.md:9: error: changes must map the first words of a judgment to the reason its estimative level changed
""",
        """
Give each changed judgment's opening words and the reason:

```yaml
changes:
  Security forces will almost certainly fail: >-
    The last UN base in central Mali closed on December 9.
```
""",
    ),
    warning(
        "W410",
        "a typed number the events table contradicts",
        """
A sentence types a number of attacks, events, incidents or fatalities, names one actor of the
events table (as the table spells it, or the part before ACLED's colon), at most one place
(country, admin1, admin2 or location; `the Segou region` is the admin1), and one window
(`since November 19`, `in November`, `this year`, `between … and …`, `last week`), and the table, asked with the same helpers
as `{{ events.count(...) }}`, gives another number. `at least`, `more than`, `fewer than`,
`at most` are honoured; `about`, `roughly`, `nearly` … allow a tenth either way.

```markdown
JNIM conducted 19 attacks in the Segou region since November 19.[@sigact]
```
""",
        """
inputs/2023-12-13/update.md:14: warning: '19 attacks' disagrees with the events table, which gives 5 (JNIM, Segou, since November 19, 2023); write {{ events.count(actor1="JNIM", admin1="Segou", since="2023-11-19") }} in its place
""",
        "Paste the expression the message gives in place of the typed number, so the number "
        "always follows the data; or correct the sentence when it counts something else.",
    ),
    warning(
        "W412",
        "a weekday that may be the cutoff day or a week before",
        """
`on Wednesday` or `last Wednesday` in an edition cut on a Wednesday: the reader cannot tell the
cutoff day from the same day a week earlier. Other weekdays are read as the last such day
before the cutoff.
""",
        """
inputs/2023-12-13/update.md:14: warning: 'On Wednesday' may be the cutoff day, December 13, 2023, or December 6, 2023: write the date
""",
        "Write the date (`On December 13`).",
    ),
    warning(
        "W413",
        "an event cited only to sources published before it",
        """
A sentence of the body or of a key takeaway dates an event (`On December 9, …`) and every
source it cites carries a day (`date:`) earlier than that event: the note most likely points
at the wrong article (a takeaway's finding is given at the line of its key). A
sentence citing any undated source, or a source the bibliography does not have, is left alone.

```markdown
On November 30, the army moved north.[@reuters-kidal]
```
""",
        """
inputs/2023-12-13/update.md:16: warning: the event of November 30, 2023 is cited only to 'reuters-kidal' (dated 2023-11-14), published before it: cite the report of that event
""",
        "Cite the report of that event, or correct the date of the event or of the source.",
    ),
    warning(
        "W414",
        "text unchanged since the previous edition",
        """
A paragraph, an evidence bullet or a key takeaway is word for word the one in the previous
edition of the series (citations, emphasis and spacing aside). Notices, text of eight words or
fewer, text with a template expression (its printed value moves with the data) and text marked
as standing are left alone: put `{# standing #}` on the line before a paragraph or a bullet
list meant to stay the same each week.
""",
        """
inputs/2023-12-13/update.md:14: warning: bullet unchanged since the December 6, 2023 edition (inputs/2023-12-06/update.md:13): update it, or mark it {# standing #} on the line above if it is meant to stay
""",
        "Update the text with this week's reporting, or mark it `{# standing #}` when it is "
        "meant to stay.",
    ),
    warning(
        "W415",
        "a judgment's estimative level changed with no reason recorded",
        """
A bold lead judgment or a key takeaway has a counterpart in the previous edition (same section,
the most similar text, estimative words aside) whose ICD 203 level differs (`will likely` →
`will almost certainly`), and the front matter's `changes:` records no reason for it. ICD 203
asks an assessment to explain change to its judgments.
""",
        """
inputs/2023-12-13/update.md:18: warning: judgment moved from 'likely' (likely, the December 6, 2023 edition, inputs/2023-12-06/update.md:16) to 'almost certainly' (almost certainly) with no reason recorded: say why under changes: in the front matter ("Security forces will almost certainly fail": why)
""",
        """
Record the reason under `changes:`, keyed by the judgment's first words:

```yaml
changes:
  Security forces will almost certainly fail: >-
    The last UN base in central Mali closed on December 9.
```
""",
    ),
)
