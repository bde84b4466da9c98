"""The codes of what must never be published: private files under output/, unfinished editions."""

from __future__ import annotations

from weekly.findings.model import Finding, error, warning

FINDINGS: tuple[Finding, ...] = (
    error(
        "E050",
        "a file under the output folder is not the site's",
        """
`weekly archive` found a file under `--output` that the site does not make: a draft page
(`<slug>.draft.html`), mail drafts or a delivery ledger from an earlier version, a note, a copy of a subscriber list. Everything under
the output folder is published by the web server, so the archive refuses to go on while it is
there. The site's own files are the editions' pages, PDFs, fragments, share cards
(`share-card.png`), `figures/` and the versions kept before corrections, the index, 404, topic
and series pages, the feeds, `sitemap.xml`, `robots.txt`, `favicon.svg`, `manifest.json` and the
search index.
""",
        """
output/2023-12-13/mail/ledger.jsonl: error: not a file of the site, and everything under the output folder is published: move it out (mail and other private state belong in the state folder)
""",
        """
Move the file out of the output folder. Delete an old `<slug>.draft.html`: `weekly render
--draft` now writes the draft into the state folder (`inputs/.weekly/drafts/DATE/`). An old
`output/DATE/mail/` folder is taken over by
the next `weekly email` of that edition (its ledger moves to the state folder,
`inputs/.weekly/mail/DATE/`); run `weekly email --cutoff DATE --to LIST` (a dry run) once.
""",
    ),
    error(
        "E051",
        "placeholder text left in the edition",
        """
A value or a line of the body still begins with `TODO:`, the placeholder `weekly new` writes
for the headline and key takeaways and `weekly import` writes for a figure title it could not
find. `render` refuses the edition (`render --draft` writes the draft page, with the
placeholders listed), `archive` does not publish it and `email` does not send it.
""",
        """
inputs/2023-12-20/update.md:5: error: headline is still a placeholder: 'TODO: headline'
""",
        "Write the real text in place of the placeholder.",
    ),
    error(
        "E052",
        "the body or a section is empty",
        """
The body has no text at all, or a `## Region` heading has nothing under it before the next
heading: what `weekly new` leaves for each region of the previous edition.
""",
        """
inputs/2023-12-20/update.md:41: error: the body is empty: write the edition
inputs/2023-12-20/update.md:48: error: section '## Mali' is empty: write it or delete the heading
""",
        "Write the section, or delete a heading this edition does not need.",
    ),
    error(
        "E053",
        "a review marker is left in the front matter",
        """
`weekly new` puts a `# REVIEW: carried over from DATE` comment above every notice, figure and
section byline it carried over from the previous edition. The marker is there until someone
has looked at the line below it.
""",
        """
inputs/2023-12-20/update.md:9: error: a '# REVIEW:' marker is still here: review the line below it, then delete the marker
""",
        "Check the entry below the marker (keep, edit or delete it), then delete the marker line.",
    ),
    warning(
        "W050",
        "a file under the output folder is not the site's",
        """
`weekly check` found a file under `--output` that neither rendering nor the archive makes,
such as the `mail/` folder or the `<slug>.draft.html` an earlier version wrote into `output/DATE/`. The output folder is what the web server
publishes; `weekly archive` refuses to go on while such a file is there (E050).
""",
        """
output/2023-12-13/mail/ledger.jsonl: warning: not a file of the site, and everything under the output folder is published: move it out (mail and other private state belong in the state folder)
""",
        "As for E050: move the file out (delete an old draft page), or let `weekly email` take an "
        "old `mail/` folder over.",
    ),
    warning(
        "W051",
        "the unsubscribe link carries the subscriber's address",
        """
The series' `unsubscribe_url` has `{email}`: each message's one-click link holds the
recipient's address in clear, so anyone who edits a link can unsubscribe anyone else, and
the address travels in web server logs. `weekly email` still sends.
""",
        """
inputs/series.yaml:5: warning: unsubscribe_url carries the address ({email}): anyone can unsubscribe anyone; use {token}, a signed token
""",
        """
Put `{token}` in its place (`https://example.org/unsubscribe?t={token}`), set the secret in
`WEEKLY_UNSUBSCRIBE_SECRET`, and have the web page run `weekly unsubscribe TOKEN --to LIST`
(see [weekly email](../commands/email.md#unsubscribe-links)).
""",
    ),
    warning(
        "W052",
        "no one-click unsubscribe link",
        """
A dry run of `weekly email` for a series with no `unsubscribe_url`: the messages carry no
`List-Unsubscribe-Post: List-Unsubscribe=One-Click` header, which large mail providers
expect from bulk senders (RFC 8058), and may be filed as spam.
""",
        """
inputs/series.yaml: warning: no one-click unsubscribe link (unsubscribe_url): large mail providers expect one from bulk senders
""",
        "Set the series' `unsubscribe_url`, with `{token}`.",
    ),
)
