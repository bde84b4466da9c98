"""The error codes of the later stages: events, maps, mail, and internal errors."""

from __future__ import annotations

from weekly.findings.model import Finding, error

FINDINGS: tuple[Finding, ...] = (
    # --- events ------------------------------------------------------------------------
    error(
        "E300",
        "no events table",
        "A `chart:` figure or an `events.…` fact in the body, but no events table in the inputs.",
        """
inputs/2023-12-13/update.md:12: error: figure 'jnim-central': no events table (expected inputs/events.csv, events.xlsx or events.parquet)
""",
        "Put the SIGACT table at `inputs/events.csv` (or `.xlsx`, `.parquet`).",
    ),
    error(
        "E301",
        "events column missing",
        "The events table lacks a required column (`event_date`, `event_type`, `actor1`, "
        "`admin1`, `location`) or has no header row.",
        """
inputs/events.csv:1: error: missing required column 'admin1'
""",
        "Export with ACLED's column names; rename the column in the header.",
    ),
    error(
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
    error(
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
    error(
        "E304",
        "bad chart option",
        "An unknown option for the chart kind, an unknown column in `where:` or `by:`, a bad "
        "`since:`, `top:`, `size:` or `extent:`.",
        """
inputs/2023-12-13/update.md:16: error: figure 'jnim-central': unknown option 'colour' for chart: weekly (by, since, top, until, where)
""",
        "Use the options listed under [charts](../guide/events.md#charts) in the guide.",
    ),
    error(
        "E601",
        "bad map option or layer entry",
        """
A map's `shade:` is not `count` or `fatalities`, or its `layers:` is not a list of
`{file, label, style}` with a style from the palette in [Maps](../guide/maps.md#analysts-layers).
""",
        """
inputs/2023-12-13/update.md:17: error: figure 'shabaab-map': layers: item 1: style: expected one of control, contested, support-zone, influence, front-line, route, sites, got 'glow'
""",
        "See [Maps](../guide/maps.md).",
    ),
    error(
        "E602",
        "layer file refused",
        "A layer file outside the edition folder, missing, over 5 MB or over 250,000 positions.",
        "",
        "Keep layers (simplified) inside the edition folder, e.g. `layers/zone.geojson`.",
    ),
    error(
        "E603",
        "layer is not valid GeoJSON",
        "A layer file that is not JSON, or not GeoJSON features and geometries.",
        """
inputs/2023-12-13/layers/zone.geojson:3: error: layer of figure 'shabaab-map': invalid JSON: Expecting ',' delimiter (column 22)
""",
        "Export the layer again from QGIS or ArcGIS as GeoJSON (EPSG:4326).",
    ),
    error(
        "E701",
        "malformed BibTeX or RIS, or a bibliography nested too deeply or too large",
        """
A `sources.bib` or `sources.ris` that does not parse, a bibliography nested too deeply (a 100,000-deep CSL-JSON), one over 32 MiB, or one that is a link to a file outside the inputs.
""",
        """
inputs/sources.bib:12: error: malformed BibTeX: entry 'thurston2023' is not closed
""",
        "Export the bibliography again from the reference manager; see [Citations](../guide/citations.md#bibliography-files).",
    ),
    error(
        "E702",
        "citation piece without an `@key`",
        """
A piece of a bracketed citation that names no source, as in `[see p. 3]` or `[@a; see above]`.
""",
        """
inputs/2023-12-13/update.md:18: error: 'see above' in a citation names no source; write '@key' in each piece
""",
        "Give each piece its `@key`, or write the words outside the brackets; see [Citations](../guide/citations.md#citing-in-the-text).",
    ),
    error(
        "E703",
        "citation in a `##` heading",
        """
A citation in a `## Region` heading: section headings print no note marks, so the note would be lost.
""",
        """
inputs/2023-12-13/update.md:30: error: a citation in a '## ' section heading would not be printed
""",
        "Cite the source in the section's first paragraph instead.",
    ),
    error(
        "E704",
        "`@key` printed as written",
        """
An `@key` naming a source where citations are not made (the headline, figure fields, a link's text): it would be printed as written.
""",
        """
inputs/2023-12-13/update.md:42: error: '@reuters-kidal' inside a link's text would be printed as written
""",
        "Move the citation out of that field, or escape it as `\\@`; see [the `@` rules](../guide/citations.md#the-rules-nothing-printed-by-accident).",
    ),
    error(
        "E705",
        "in-text citation of a source that names nobody",
        """
An author-in-text citation (`@key says`) of a source with no author or publisher to name.
""",
        """
inputs/2023-12-13/update.md:7: error: source 'sigact' has no author or publisher to name in the text; cite it as [@sigact]
""",
        "Cite it in brackets (`[@key]`), or give the source an author or publisher.",
    ),
    error(
        "E803",
        "review.yaml cannot be read (weekly email --send)",
        """
`weekly email --send` reads the edition's review comments before sending; a review.yaml it
cannot read holds the mail back, since its comments may be open.
""",
        """
inputs/2023-12-13/review.yaml:7: error: malformed YAML: could not find expected ':'
""",
        "Correct review.yaml at that line, or pass `--ignore-open-comments`.",
    ),
    error(
        "E804",
        "review comments still open (weekly email --send)",
        """
`weekly email --send` holds back while the edition has open review comments and says how many.
A dry run writes the messages anyway.
""",
        """
inputs/2023-12-13/review.yaml: error: 2 review comments are still open; resolve them in 'weekly preview' or pass --ignore-open-comments
""",
        "Resolve the comments in `weekly preview`, or send anyway with `--ignore-open-comments`.",
    ),
    error(
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
    error(
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
    error(
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
)
