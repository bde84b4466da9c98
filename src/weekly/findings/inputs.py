"""The error codes of the inputs: the command, YAML, sources, the body, citations, figures."""

from __future__ import annotations

from weekly.findings.model import Finding, error

FINDINGS: tuple[Finding, ...] = (
    # --- the command and the inputs' files ------------------------------------------
    error(
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
    error(
        "E001",
        "malformed YAML or JSON",
        """
A front matter, `sources.yaml`, `series.yaml` or `sources.json` that does not parse. The line
is the one the parser names. A value holding a control character, U+2028, U+2029 or a lone
surrogate (written plainly or as a JSON `\\u` escape), and a JSON number of more than 4,300
digits, are refused the same way.

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
    error(
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
    error(
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
    error(
        "E004",
        "cannot write the output",
        """
The file system refused a write: the disk is full, the output folder is read-only, or
permission is denied. Nothing of the previous output changed: an edition is published as a
unit (see [Security](../operations/security.md)).
""",
        """
output/2023-12-13: error: cannot write: No space left on device (ENOSPC)
""",
        "Free some space or fix the folder's permissions, then run the command again.",
    ),
    error(
        "E005",
        "two editions of one series share an edition date",
        """
An edition's `date:` is the date another edition of the same series already has (an edition
without `date:` is dated by its folder). The two would share a slug: the same file names, web
address and feed entry, so one would stand for the other.
""",
        """
inputs/2023-12-14/update.md:6: error: edition date December 13, 2023 is also the date of inputs/2023-12-13/update.md (series 'salafi-jihadi'): both would be named salafi-jihadi-movement-weekly-update-december-13-2023; give one of them another date:
""",
        "Correct the `date:` of one of them (a correction edition takes the date it is published).",
    ),
    error(
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
    error(
        "E011",
        "duplicate source id",
        "The same id twice in one file, or in both the shared and the edition's `sources.yaml`.",
        """
inputs/2023-12-13/sources.yaml:1: error: source 'sigact' is already defined at inputs/sources.yaml:1
""",
        "Rename one of them, or delete the copy (the shared one is visible to every edition).",
    ),
    # --- the body template -----------------------------------------------------------
    error(
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
    error(
        "E021",
        "not allowed in the body",
        "The sandbox refused something (reaching `__class__`, unsafe attributes).",
        """
inputs/2023-12-13/update.md:20: error: not allowed in the body: access to attribute '__class__' of 'str' object is unsafe.
""",
        "Use only the documented helpers and filters.",
    ),
    error(
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
    error(
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
    error(
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
    error(
        "E040",
        "bad layout field (series)",
        """
A series layout field is wrong or given twice: a `title` template with an unknown placeholder
or an unmatched brace, an empty `cutoff_label`, a value that is not true/false or not one of
the choices, a malformed `layouts:` list (not a list, a missing or bad `since`, dates out of
order), or `takeaway_style` given beside `key_takeaways_style`. See
[Layouts](../guide/layouts.md#findings).
""",
        """
inputs/series.yaml:4: error: series 'africa-file': title: unknown placeholder '{edition}' (known: {series}, {date}, {headline})
""",
        "Correct the field as the message says; [Layouts](../guide/layouts.md) lists every field.",
    ),
    error(
        "E041",
        "no byline",
        """
Nobody signs the edition: it gives no `authors`, its series prints an edition byline, and some
(or every) `## ` section has no `section_authors`. See
[Bylines](../guide/layouts.md#bylines-who-signs-the-edition).
""",
        """
inputs/2025-11-06/update.md:21: error: section '## Sudan' has no byline: the edition has no authors, so add 'Sudan' to section_authors (or give authors)
""",
        "Give `authors`, or `section_authors` for every section, or set `byline: false`.",
    ),
    error(
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
    error(
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
    error(
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
    error(
        "E202",
        "image missing",
        "A figure's `image:` file does not exist (or is not an image kind the renderer prints).",
        """
inputs/2023-12-13/update.md:12: error: figure 'north-mali': image 'figures/north-mali.png' not found
""",
        "Add the file to the edition's `figures/` folder or correct the name.",
    ),
    error(
        "E203",
        "image outside the inputs",
        "The image path leads outside the inputs folder (`../`, an absolute path, a symbolic "
        "link).",
        """
inputs/2023-12-13/update.md:12: error: figure 'north-mali': image '../../secret.png' is outside the inputs folder
""",
        "Copy the image into the edition's `figures/` folder and name it relative to the edition.",
    ),
    error(
        "E204",
        "figure placed twice",
        "",
        """
inputs/2023-12-13/update.md:52: error: figure 'north-mali' is placed twice
""",
        "Place each figure once; define a second figure if it must appear twice.",
    ),
    error(
        "E205",
        "chart cannot be drawn",
        "A `chart:` figure whose chart cannot be drawn from the events (no events data, bad "
        "filters).",
        """
inputs/2023-12-13/update.md:38: error: figure 'jnim-central': charts cannot be drawn here
""",
        "As the message says: provide `inputs/events.csv`, correct the `where:` filters.",
    ),
    error(
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
)
