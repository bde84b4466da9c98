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

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One finding code, as the code reference documents it."""

    #: The stable code, e.g. ``W201``.
    code: str
    #: ``error`` stops a render (exit status 2); ``warning`` is shown and the render goes on.
    level: Level
    #: What the code means, in one line (the heading of its entry in the docs).
    meaning: str
    #: Markdown: when it is reported, with an example of the input when that helps.
    explanation: str = ""
    #: The finding as ``weekly check`` prints it, one or more lines.
    example: str = ""
    #: Markdown: how to fix it.
    fix: str = ""


def _e(code: str, meaning: str, explanation: str = "", example: str = "", fix: str = "") -> Finding:
    return Finding(code, "error", meaning, explanation.strip(), example.strip(), fix.strip())


def _w(code: str, meaning: str, explanation: str = "", example: str = "", fix: str = "") -> Finding:
    return Finding(code, "warning", meaning, explanation.strip(), example.strip(), fix.strip())


_FINDINGS = (
    # --- the command and the inputs' files ------------------------------------------
    _e(
        "E000",
        "command-line or inputs-root problem",
        """
Something about the command rather than a file: a `--cutoff` that is neither a date nor
`latest`, no edition for that cutoff, no editions at all for `latest`.
""",
        """
inputs/2023-12-20/update.md: error: no edition for cutoff 2023-12-20
weekly: error: --cutoff must be a date like 2023-12-13 or 'latest', got '12/13'
""",
        "Give the date of an existing edition folder (`inputs/2023-12-13/update.md`), or `latest`.",
    ),
    _e(
        "E001",
        "malformed YAML or JSON",
        """
A front matter, `sources.yaml`, `series.yaml` or `sources.json` that does not parse. The line
is the one the parser names.

```yaml
headline: [Al Qaeda Strengthens
```
""",
        """
inputs/2023-12-13/update.md:3: error: malformed YAML: expected ',' or ']', but got ...
""",
        """
Correct the syntax at (or just before) that line: an unclosed bracket or quote, a tab, a
`key: value: value` that needs quotes.
""",
    ),
    _e(
        "E002",
        "bad front matter or series field",
        """
A missing required field (`headline`, `authors`), an unknown field, a field given twice, a
value of the wrong kind, a cutoff that does not match the folder's date, an unknown series, a
series field with a bad value (`note_style`, `timezone`, `cutoff_time`, `estimative_scale`).
""",
        """
inputs/2023-12-13/update.md:1: error: missing required field 'headline'
inputs/2023-12-13/update.md:5: error: cutoff 2023-12-14 does not match the edition folder 2023-12-13
inputs/series.yaml:2: error: series 'salafi-jihadi': estimative_scale must be standard, alternate or either
""",
        "As the message says: add the field, fix its spelling, or give it the expected form.",
    ),
    _e(
        "E003",
        "no front matter / not readable",
        "`update.md` does not start with `---`, its front matter is never closed, or it is not "
        "UTF-8.",
        """
inputs/2023-12-13/update.md:1: error: update.md must start with YAML front matter between '---' lines
""",
        "Start the file with a `---` line, close the front matter with another, save as UTF-8.",
    ),
    # --- sources -----------------------------------------------------------------------
    _e(
        "E010",
        "bad source entry",
        """
A bibliography entry that cannot be printed: unknown field, no url/text/title/subscription, a
missing required field for its kind, a bad date, `link` not true/false.

```yaml
reuters-kidal:
  publisher: Reuters
  titel: Mali army says it has taken control of rebel stronghold Kidal
```
""",
        """
inputs/sources.yaml:3: error: source 'reuters-kidal': unknown field 'titel'
""",
        "Correct the field (see [`sources.yaml`](../guide/inputs.md#sourcesyaml) in the guide).",
    ),
    _e(
        "E011",
        "duplicate source id",
        "The same id twice in one file, or in both the shared and the edition's `sources.yaml`.",
        """
inputs/2023-12-13/sources.yaml:1: error: source 'sigact' is already defined at inputs/sources.yaml:1
""",
        "Rename one of them, or delete the copy (the shared one is visible to every edition).",
    ),
    # --- the body template -----------------------------------------------------------
    _e(
        "E020",
        "body template error",
        "The body's `{{ … }}` / `{% … %}` does not parse or fails (an undefined name, a type "
        "error).",
        """
inputs/2023-12-13/update.md:20: error: template error: 'evnts' is undefined
""",
        """
Correct the expression on that line; a literal `{{` in prose is written `{{ "{{" }}`. While the
body cannot be evaluated, W301, W302, W303 and W304 are not reported (the body is missing, so
every source and figure would look unused).
""",
    ),
    _e(
        "E021",
        "not allowed in the body",
        "The sandbox refused something (reaching `__class__`, unsafe attributes).",
        """
inputs/2023-12-13/update.md:20: error: not allowed in the body: access to attribute '__class__' of 'str' object is unsafe.
""",
        "Use only the documented helpers and filters.",
    ),
    _e(
        "E022",
        "helper misuse in the body",
        "A body helper was called with a bad argument (an unknown column, a bad date). The "
        "message is the helper's; for example:",
        """
inputs/2023-12-13/update.md:20: error: events.count: unknown column 'actr1'
""",
        "As the message says; see [facts in the body](../guide/events.md#facts-in-the-body) "
        "for the helpers and filters.",
    ),
    _e(
        "E023",
        "the body is too costly to evaluate",
        """
The body went over one of the sandbox's resource limits: a value longer than 1,000,000
characters or items, an exponent over 1,000, more than 1,000,000 loop iterations, an evaluated
body over 5,000,000 characters, recursion without end, or more than 10 seconds of evaluation.
""",
        """
inputs/2023-12-13/update.md:20: error: body too costly: a value longer than 1,000,000 characters or items
""",
        "A weekly update never needs that much: remove the runaway expression.",
    ),
    _e(
        "E030",
        "template error (weekly preview)",
        """
A template in `reports/templates/` (or a series' own folder) cannot be compiled or fails while
rendering. `weekly preview` shows it in its error overlay at the template's file and line, and
recovers on the next good save of the template.
""",
        """
reports/templates/salafi-jihadi/_header.html:1: Expected an expression, got 'end of statement block'
""",
        "Correct the template at that line (see the Jinja documentation).",
    ),
    # --- citations ---------------------------------------------------------------------
    _e(
        "E101",
        "unknown source",
        """
A citation key that no `sources.yaml` (or `sources.json`) defines.

```markdown
The army took Kidal.[@reuters-kidl]
```
""",
        """
inputs/2023-12-13/update.md:18: error: unknown source 'reuters-kidl'
""",
        "Correct the key, or add the source to `inputs/sources.yaml` (shared) or the edition's "
        "`sources.yaml`.",
    ),
    _e(
        "E102",
        "cited source dated after the cutoff",
        """
The classic leak of next week's news into this week's edition: a source the edition cites is
dated after its data cutoff. The message names the source and both dates.

```yaml
reuters-kidal:
  date: 2023-12-14
```
""",
        """
inputs/2023-12-13/update.md:18: error: source 'reuters-kidal' is dated 2023-12-14, after the data cutoff 2023-12-13
""",
        """
Cite what was known by the cutoff (move the claim to next week's edition), or correct the
source's date if it is wrong. Uncited later sources in the shared bibliography are fine.
""",
    ),
    # --- figures -----------------------------------------------------------------------
    _e(
        "E201",
        "unknown figure / figure not alone",
        '`{{ figure("id") }}` names no figure in the front matter, or does not stand alone in '
        "its paragraph.",
        """
inputs/2023-12-13/update.md:40: error: unknown figure 'north-mali'
""",
        "Define the figure under `figures:`, correct the id, or put the placement in a "
        "paragraph of its own (blank lines around it).",
    ),
    _e(
        "E202",
        "image missing",
        "A figure's `image:` file does not exist (or is not an image kind the renderer prints).",
        """
inputs/2023-12-13/update.md:12: error: figure 'north-mali': image 'figures/north-mali.png' not found
""",
        "Add the file to the edition's `figures/` folder or correct the name.",
    ),
    _e(
        "E203",
        "image outside the inputs",
        "The image path leads outside the inputs folder (`../`, an absolute path, a symbolic "
        "link).",
        """
inputs/2023-12-13/update.md:12: error: figure 'north-mali': image '../../secret.png' is outside the inputs folder
""",
        "Copy the image into the edition's `figures/` folder and name it relative to the edition.",
    ),
    _e(
        "E204",
        "figure placed twice",
        "",
        """
inputs/2023-12-13/update.md:52: error: figure 'north-mali' is placed twice
""",
        "Place each figure once; define a second figure if it must appear twice.",
    ),
    _e(
        "E205",
        "chart cannot be drawn",
        "A `chart:` figure whose chart cannot be drawn from the events (no events data, bad "
        "filters).",
        """
inputs/2023-12-13/update.md:38: error: figure 'jnim-central': charts cannot be drawn here
""",
        "As the message says: provide `inputs/events.csv`, correct the `where:` filters.",
    ),
    _e(
        "E206",
        "unsafe SVG figure",
        """
An `image:` SVG that cannot be read safely: malformed XML, or a document type declaration or
entities (which could pull in local files). Such a file is never published.
""",
        """
inputs/2023-12-13/update.md:31: error: figure 'map': not a safe SVG (DTD is forbidden)
""",
        "Export the SVG again from the drawing program, without a DOCTYPE.",
    ),
    # --- events ------------------------------------------------------------------------
    _e(
        "E300",
        "no events table",
        "A `chart:` figure or an `events.…` fact in the body, but no events table in the inputs.",
        """
inputs/2023-12-13/update.md:12: error: figure 'jnim-central': no events table (expected inputs/events.csv, events.xlsx or events.parquet)
""",
        "Put the SIGACT table at `inputs/events.csv` (or `.xlsx`, `.parquet`).",
    ),
    _e(
        "E301",
        "events column missing",
        "The events table lacks a required column (`event_date`, `event_type`, `actor1`, "
        "`admin1`, `location`) or has no header row.",
        """
inputs/events.csv:1: error: missing required column 'admin1'
""",
        "Export with ACLED's column names; rename the column in the header.",
    ),
    _e(
        "E302",
        "nothing to chart",
        "A chart whose filters select no events up to the cutoff (or a map whose events have no "
        "coordinates). An empty axis would mislead, so it is refused.",
        """
inputs/2023-12-13/update.md:14: error: figure 'jnim-central': no events to chart (actor1 = JNIM; admin1 = Kayes; 2022-09-01 to 2023-12-13)
""",
        "Check the `where:` values against the table (spelling, ACLED names) and the `since:` "
        "date.",
    ),
    _e(
        "E303",
        "bad value in the events table",
        """
A value that cannot be read: a date in an unknown or ambiguous form (never guessed, so
`14/3/2023` is refused), a number that is not one, a row with the wrong number of fields, a
file that is not UTF-8 or not a workbook.
""",
        """
inputs/events.csv:51: error: event_date: expected a date like 2023-11-19, got '14/3/2023'
""",
        "Write dates as `2023-03-14` (ACLED's `14 March 2023` and `14-March-2023` are read too).",
    ),
    _e(
        "E304",
        "bad chart option",
        "An unknown option for the chart kind, an unknown column in `where:` or `by:`, a bad "
        "`since:`, `top:`, `size:` or `extent:`.",
        """
inputs/2023-12-13/update.md:16: error: figure 'jnim-central': unknown option 'colour' for chart: weekly (by, since, top, until, where)
""",
        "Use the options listed under [charts](../guide/events.md#charts) in the guide.",
    ),
    _e(
        "E951",
        "no Pagefind binary (weekly archive)",
        """
`weekly archive` builds the full-text search index with Pagefind, whose binary ships in the
`pagefind` Python package (through `pagefind_bin`), a dependency of `weekly`. The package, or
its binary, is missing from the environment running `weekly`. The editions were rendered; the
index, feeds and the search index were not updated.
""",
        """
pagefind: error: full-text search needs the pagefind package: pip install 'pagefind[bin]'
""",
        "Reinstall `weekly` (or `pip install 'pagefind[bin]'`) in the same environment and run "
        "`weekly archive` again: it picks up where it stopped.",
    ),
    _e(
        "E952",
        "the search index could not be built (weekly archive)",
        """
Pagefind ran and failed, for instance because `output/` is not writable. Its last message is
shown. The previous search index, if any, is left in place and still serves.
""",
        """
output/pagefind: error: Pagefind failed: Error: could not write the index
""",
        "Fix what Pagefind reports and run `weekly archive` again.",
    ),
    _e(
        "E999",
        "internal error (weekly preview)",
        """
Something failed inside `weekly` itself while the preview rebuilt the draft. The preview keeps
running and shows `weekly: internal error: …` in its overlay; the traceback is printed in the
terminal.
""",
        "",
        "None in the inputs; report the traceback.",
    ),
    # --- sourcing ----------------------------------------------------------------------
    _w(
        "W101",
        "evidence bullet without a citation",
        """
Every `- ` bullet is evidence and needs its source.

```markdown
- Security forces pulled back.
```
""",
        """
inputs/2023-12-13/update.md:16: warning: evidence bullet has no citation; add [@source]
""",
        "Cite the source after the punctuation: `- Security forces pulled back.[@acled-dashboard]`.",
    ),
    _w(
        "W102",
        "supporting paragraph without a citation",
        """
A paragraph after a lead (or before any lead) that cites nothing. The bold lead judgment itself
needs no citation; figures, headings and tables are not checked.

```markdown
**JNIM attacks.**

It struck 16 times.
```
""",
        """
inputs/2023-12-13/update.md:9: warning: supporting paragraph has no citation; add [@source]
""",
        "Cite the paragraph's source (`It struck 16 times.[@sigact]`).",
    ),
    _w(
        "W103",
        "lead paragraph's supporting sentences without a citation",
        """
A lead paragraph that goes on after its bold judgment with supporting sentences, none cited. A
lead paragraph that is only the bold judgment is fine.

```markdown
**JNIM will likely attack.** It struck 16 times.
```
""",
        """
inputs/2023-12-13/update.md:7: warning: the sentences after the bold lead judgment have no citation; add [@source]
""",
        "Cite the supporting sentences (`It struck 16 times.[@sigact]`), or move them into their "
        "own cited paragraph or bullets.",
    ),
    # --- estimative language -------------------------------------------------------------
    _w(
        "W201",
        "vague hedge",
        """
A word that hedges without saying how likely (`perhaps`, `possibly`, `maybe`, `conceivably`,
`it seems`, … — the series' `hedges`). The finding points at the word (line and column) and
lists the scale's terms: the series' set, or with `estimative_scale: either` the set the
edition has used so far (the standard set before any term).

```markdown
**Security forces will perhaps fail to protect civilians.**
```
""",
        """
inputs/2023-12-13/update.md:18: warning: vague hedge 'perhaps' is not on the ICD 203 scale; say how likely with almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, or almost certainly
""",
        "Say how likely with a term of the scale (`will likely fail`), or state the fact plainly "
        "when it is not a judgment.",
    ),
    _w(
        "W202",
        "two ICD 203 term sets in one edition",
        """
The edition uses terms from both the standard set (likely, very likely, almost certainly …) and
the alternate set (probable, highly probable, nearly certain …), or from the set the series
does not use (`estimative_scale`). `remote` counts only as a remote chance, possibility,
probability, likelihood or odds ("remote areas" is not a term); `probably` counts with the
alternate set.

```markdown
**JNIM will likely attack.**

**JNIM will probably win.**
```
""",
        """
inputs/2023-12-13/update.md:9: warning: estimative term 'probably' mixes the two ICD 203 term sets: this edition first uses 'likely' (line 7); keep to almost no chance, very unlikely, unlikely, roughly even chance, likely, very likely, or almost certainly
""",
        "Rewrite the term in the edition's set (`will likely win`).",
    ),
    _w(
        "W203",
        "active content removed from an SVG figure",
        """
An `image:` SVG carried scripts, event handlers (`onload=`), foreign objects or links to other
files or sites. They are removed from the published copy (opened on its own, an SVG runs its
scripts); the picture itself is kept.
""",
        """
inputs/2023-12-13/update.md:31: warning: figure 'map': removed from the SVG: <script>, onload=
""",
        "Nothing is needed; to silence the warning, export the SVG without scripts or links.",
    ),
    # --- loose ends ----------------------------------------------------------------------
    _w(
        "W301",
        "edition source never cited",
        """
A source in the edition's own `sources.yaml` (or `sources.json`) that no citation uses. (The
shared bibliography grows every week; its uncited entries are normal and not reported.)
""",
        """
inputs/2023-12-13/sources.yaml:1: warning: source 'extra-report' is defined in this edition's sources.yaml but never cited
""",
        "Cite it where it supports a claim, or delete it.",
    ),
    _w(
        "W302",
        "figure never placed",
        "",
        """
inputs/2023-12-13/update.md:10: warning: figure 'north-mali' is defined but never placed; add {{ figure("north-mali") }} to the body
""",
        'Place it with `{{ figure("north-mali") }}` in a paragraph of its own, or delete its '
        "definition.",
    ),
    _w(
        "W303",
        "key takeaway without a section",
        """
With `key_takeaways:` (a mapping of region to paragraph), a region with no `## Region` section
in the body. Names match ignoring case and punctuation.

```yaml
key_takeaways:
  Burkina Faso: Burkina Faso. JNIM besieges Djibo.
```
""",
        """
inputs/2023-12-13/update.md:7: warning: key takeaway 'Burkina Faso' has no '## Burkina Faso' section in the body
""",
        "Add the `## Burkina Faso` section, or correct the region's name so it matches a section.",
    ),
    _w(
        "W304",
        "section without a key takeaway",
        "With `key_takeaways:`, a `## Region` section that has no takeaway.",
        """
inputs/2023-12-13/update.md:14: warning: section '## Somalia' has no entry in key_takeaways
""",
        "Add `Somalia: Somalia. …` to `key_takeaways`, or correct the heading.",
    ),
    # --- links and notes -----------------------------------------------------------------
    _w(
        "W401",
        "url not well formed",
        """
A source's `url` (of a source the edition cites or defines) or a link in the text that is not
an absolute `http://` or `https://` url with a host name. (`#anchors` and `mailto:` links are
fine.) Source findings point at the source's entry, link findings at the destination's column.
""",
        """
inputs/sources.yaml:4: warning: source 'acled-dashboard': url 'htps//acleddata.com/dashboard/#/dashboard' is not well formed (expected http:// or https:// and a host name)
inputs/2023-12-13/update.md:7: warning: link 'maps/mali.html' is not well formed (expected http:// or https:// and a host name)
""",
        "Correct the url (a reader of the PDF cannot follow a relative or misspelled link).",
    ),
    _w(
        "W402",
        "same source twice in one note",
        """
```markdown
It claimed the bombing.[@sigact; @acled-dashboard; @sigact]
```
""",
        """
inputs/2023-12-13/update.md:7: warning: source 'sigact' is cited twice in one note
""",
        "List each source once in a note.",
    ),
)

#: Every finding code, in the order the reference lists them (errors, then warnings).
CODES: dict[str, Finding] = {finding.code: finding for finding in _FINDINGS}


def level_of(code: str) -> Level | None:
    """Return the level registered for ``code``, or None for a code not in :data:`CODES`."""
    finding = CODES.get(code)
    return finding.level if finding else None
