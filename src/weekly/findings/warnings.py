"""The warning codes: sourcing, estimative language, loose ends, links, accessibility, review."""

from __future__ import annotations

from weekly.findings.model import Finding, warning

FINDINGS: tuple[Finding, ...] = (
    # --- sourcing ----------------------------------------------------------------------
    warning(
        "W040",
        "key takeaway repeats its region's name",
        """
A `key_takeaways` text that starts with its region's name (`Togo: Togo. The ruling party …`,
or `**Togo.** …`): `weekly` prints the name itself, so the repeat is left out of the output.
See [Key takeaways](../guide/layouts.md#key-takeaways).
""",
        """
inputs/2023-12-13/update.md:8: warning: key takeaway 'Togo' repeats its region's name, which is printed before the text already; 'Togo.' was left out: delete it from the text
""",
        "Write the takeaway without the region's name.",
    ),
    warning(
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
    warning(
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
    warning(
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
    warning(
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
    warning(
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
    warning(
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
    warning(
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
    warning(
        "W302",
        "figure never placed",
        "",
        """
inputs/2023-12-13/update.md:10: warning: figure 'north-mali' is defined but never placed; add {{ figure("north-mali") }} to the body
""",
        'Place it with `{{ figure("north-mali") }}` in a paragraph of its own, or delete its '
        "definition.",
    ),
    warning(
        "W303",
        "key takeaway without a section",
        """
With `key_takeaways:` (a mapping of region to paragraph), a region with no `## Region` section
in the body. Names match ignoring case and punctuation.

```yaml
key_takeaways:
  Burkina Faso: JNIM besieges Djibo.
```
""",
        """
inputs/2023-12-13/update.md:7: warning: key takeaway 'Burkina Faso' has no '## Burkina Faso' section in the body
""",
        "Add the `## Burkina Faso` section, or correct the region's name so it matches a section.",
    ),
    warning(
        "W304",
        "section without a key takeaway",
        "With `key_takeaways:`, a `## Region` section that has no takeaway.",
        """
inputs/2023-12-13/update.md:14: warning: section '## Somalia' has no entry in key_takeaways
""",
        "Add `Somalia: …` (the text without the region's name) to `key_takeaways`, or correct "
        "the heading.",
    ),
    # --- links and notes -----------------------------------------------------------------
    warning(
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
    warning(
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
    # --- accessibility and review ----------------------------------------------------------
    warning(
        "W501",
        "image figure without alternative text",
        """
A placed `image:` figure with no `alt:`. A reader who cannot see the picture gets only its
title, which the caption already says. Charts and maps drawn from the events describe their own
data (kind, what is counted, where and when, the range, the peak, the latest value); an image
cannot. See [Accessibility](../guide/accessibility.md).
""",
        """
inputs/2023-11-08/update.md:31: warning: figure 'north-mali' has no alt text; add alt: describing what the image shows for readers who cannot see it
""",
        "Add `alt:` to the figure: what the map or picture shows, in a sentence or two.",
    ),
    warning(
        "W601",
        "event outside every base map",
        "A map leaves out a row whose coordinates lie outside every shipped base map.",
        """
inputs/events.csv:812: warning: figure 'shabaab-map' leaves this row off the map: latitude 10, longitude -140 is outside every base map
""",
        "Correct the row's `latitude` and `longitude`.",
    ),
    warning(
        "W602",
        "event region not on the base map",
        "A map leaves out a row whose `admin1` names no region of its country.",
        "",
        "Spell `admin1` as ACLED does (see [Maps](../guide/maps.md)), or correct `country`.",
    ),
    warning(
        "W603",
        "layer outside the map",
        "A layer lies wholly outside the map's extent and is not drawn.",
        "",
        "Check the layer's coordinates (longitude first), or widen `extent:`.",
    ),
    warning(
        "W701",
        "`@word` naming no source",
        r"""
An `@word` in the text that names no source and is not escaped (`\@`), part of a word (an email address) or a handle in a quotation: it is printed as written.
""",
        r"""
inputs/2023-12-13/update.md:12: warning: '@crisis-group' names no source and is printed as written; cite a source with [@key], or write \@crisis-group for an address or handle
""",
        "Correct the key, or write `\\@`; see [the `@` rules](../guide/citations.md#the-rules-nothing-printed-by-accident).",
    ),
    warning(
        "W702",
        "empty citation piece",
        """
A stray `;` in a citation (`[@sigact;]`): the empty piece is left out of the note.
""",
        "",
        "Delete the stray `;`.",
    ),
    warning(
        "W703",
        "partial source date that may fall after the cutoff",
        """
A cited source dated only by month or year (or by a range) that contains the cutoff: it may be later than the data cutoff. A source whose earliest possible day is after the cutoff is E102.
""",
        "",
        "Give the source its full date, or check it; see [Dates and the data cutoff](../guide/citations.md#dates-and-the-data-cutoff).",
    ),
    warning(
        "W801",
        "open review comment",
        """
A comment in `inputs/DATE/review.yaml` that nobody has resolved, reported at the line in
update.md of the paragraph, bullet, takeaway, figure or note it is about, with its author and
first words. See [Review](../guide/review.md).
""",
        """
inputs/2023-12-13/update.md:14: warning: open review comment by Jane: Which source says sixteen attacks…
""",
        "Answer it and resolve it in `weekly preview`, or edit the text and resolve it.",
    ),
    warning(
        "W802",
        "open review comment on a block no longer in the draft",
        """
An open comment whose paragraph is gone from the draft (deleted, or rewritten beyond
recognition). It is kept, reported at its own line in review.yaml with the quote of the block
it was about, and shown as "outdated" in the preview.
""",
        """
inputs/2023-12-13/review.yaml:4: warning: open review comment by Jane on a block no longer in the draft: “The army took Kidal…”
""",
        "Resolve it in `weekly preview` once the point it made is settled.",
    ),
    warning(
        "W803",
        "review.yaml cannot be read",
        """
`inputs/DATE/review.yaml` is not valid YAML, not UTF-8 text, not a file (a folder, say), or not
in the shape the preview writes, reported at the offending line. The preview still serves the draft and shows the same message; it never
overwrites a file it cannot read.
""",
        """
inputs/2023-12-13/review.yaml:7: warning: malformed YAML: could not find expected ':'
""",
        "Correct the file at that line (or restore it from version control).",
    ),
)
