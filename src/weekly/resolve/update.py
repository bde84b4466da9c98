"""Assemble an update: load the inputs, evaluate and parse the body, resolve notes
and figures. Nothing is written here; a failed assembly leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from weekly.apstyle import long_date, slugify
from weekly.assets import ChartDrawer
from weekly.body.parse import Body, CitationPoint, inline_text, parse_body, parse_inline
from weekly.body.template import render_body
from weekly.errors import Problems
from weekly.inputs.edition import Edition, load_edition
from weekly.inputs.templates import template_path
from weekly.inputs.yamlfile import YamlCache
from weekly.resolve.figures import Figure, place_figures
from weekly.resolve.notes import Note, resolve_notes


@dataclass
class Update:
    """A fully resolved edition, ready to print."""

    edition: Edition
    body: Body
    notes: list[Note]
    figures: dict[str, Figure]
    notice_tokens: list[list[Token]]
    #: (region, tokens) per key takeaway; region is ``""`` for the single form.
    takeaway_tokens: list[tuple[str, list[Token]]]
    takeaway_text: list[str]
    #: Every citation point in reading order (front matter first, then body).
    citations: list[CitationPoint]
    #: The lines of ``update.md`` as read, for column lookups.
    source_lines: list[str]
    #: The template search path, first match wins (:func:`weekly.inputs.templates.template_path`);
    #: empty, the default templates alone.
    template_dirs: tuple[Path, ...] = ()
    #: Problems found that do not stop rendering (warnings).
    problems: Problems = field(default_factory=Problems)
    #: The tokens of each correction notice (``edition.corrections``), oldest first.
    correction_tokens: list[list[Token]] = field(default_factory=list)

    @property
    def title(self) -> str:
        """Return the title: the series' ``title`` template filled in.

        ``{series}, {date}: {headline}`` unless the series says otherwise; the page, the
        PDF metadata, the feed and the mail subject all print this one string.
        """
        edition = self.edition
        return edition.series.format_title(edition.date, edition.headline)

    @property
    def slug(self) -> str:
        """Return the output file stem, e.g. ``salafi-jihadi-movement-weekly-update-november-8-2023``."""
        return slugify(f"{self.edition.series.name} {long_date(self.edition.date)}")


def check_section_bylines(edition: Edition, body: Body, problems: Problems) -> None:
    """Check that section bylines name real sections, and that someone signs the edition.

    Without edition ``authors`` (and with the series' ``byline`` on), every ``## ``
    section needs its own ``section_authors`` entry.
    """
    titled = [section for section in body.sections if section.title]
    titles = {section.title for section in titled}
    for key in ("section_authors", "section_contributors"):
        for heading in getattr(edition, key):
            if heading not in titles:
                problems.error(
                    "E002",
                    edition.path,
                    edition.line(key, heading),
                    f"{key}: no section '## {heading}' in the body",
                )
    if edition.authors or not edition.series.byline or not edition.section_authors:
        return  # signed by the edition, unsigned by choice, or reported by load_edition
    for section in titled:
        if section.title not in edition.section_authors:
            problems.error(
                "E041",
                edition.path,
                section.line,
                f"section '## {section.title}' has no byline: the edition has no authors, "
                f"so add '{section.title}' to section_authors (or give authors)",
            )
    if not titled:
        problems.error(
            "E041",
            edition.path,
            edition.line("authors"),
            "no byline: the body has no '## ' sections for section_authors; give authors "
            f"or set byline: false in series '{edition.series.key}'",
        )


#: Builds the names the body template may use (``events`` …) for an edition.
HelperFactory = Callable[[Edition, Problems], Mapping[str, Any]]
#: Builds a chart drawer for an edition.
ChartFactory = Callable[[Edition], ChartDrawer | None]


def _default_helpers(edition: Edition, problems: Problems) -> Mapping[str, Any]:
    from weekly.events.helpers import body_helpers

    return body_helpers(edition, problems)


def _default_charts(edition: Edition) -> ChartDrawer | None:
    from weekly.events import charts

    return charts.drawer(edition)


def assemble(
    inputs: Path,
    name: str,
    problems: Problems,
    helpers: HelperFactory | None = _default_helpers,
    charts: ChartFactory | None = _default_charts,
    yaml: YamlCache | None = None,
) -> Update:
    """Load and resolve edition ``name``; record every problem in ``problems``.

    ``helpers`` and ``charts`` build the events stage (the pipeline passes the memo's);
    ``yaml`` remembers parsed YAML between builds.

    Raises :class:`~weekly.errors.WeeklyError` when the edition cannot be read at all.
    Callers decide what to do with the errors recorded (``render`` stops on them).
    """
    edition = load_edition(inputs, name, problems, yaml)
    source_lines = edition.lines
    keys = frozenset(edition.sources)

    notice_tokens, takeaway_tokens = [], []
    front_points: list[CitationPoint] = []
    for index, notice in enumerate(edition.notices):
        tokens, points = parse_inline(notice, edition.line("notices", index), source_lines, keys)
        notice_tokens.append(tokens)
        front_points += points
    for region, text in edition.takeaways.items():
        key = ("key_takeaways", region) if region else ("key_takeaway",)
        tokens, points = parse_inline(text, edition.line(*key), source_lines, keys)
        takeaway_tokens.append((region, tokens))
        front_points += points

    names = dict(helpers(edition, problems)) if helpers else {}
    evaluated = render_body(edition.body, edition.path, edition.body_line, names, problems)
    body = parse_body(
        evaluated or "", edition.path, edition.body_line, problems, source_lines, keys
    )
    if evaluated is not None:
        check_section_bylines(edition, body, problems)
    # A correction's citations are numbered after the body's, so that correcting an edition
    # does not renumber the notes its readers already cite.
    correction_tokens, correction_points = [], []
    for correction in edition.corrections:
        tokens, points = parse_inline(correction.text, correction.line, source_lines, keys)
        correction_tokens.append(tokens)
        correction_points += points
    citations = front_points + body.citations + correction_points
    notes = resolve_notes(
        citations,
        edition.sources,
        edition.cutoff.date(),
        edition.series.note_style,
        edition.path,
        problems,
    )
    # After the notes: an in-text citation's name is known only once its source is.
    takeaway_text = [
        inline_text(tokens[0].children or []) if tokens else text
        for (_, tokens), text in zip(takeaway_tokens, edition.takeaways.values(), strict=True)
    ]
    drawer = charts(edition) if charts else None
    figures = place_figures(edition, body.placements, problems, drawer)
    return Update(
        edition=edition,
        body=body,
        notes=notes,
        figures=figures,
        notice_tokens=notice_tokens,
        takeaway_tokens=takeaway_tokens,
        takeaway_text=takeaway_text,
        citations=citations,
        source_lines=source_lines,
        template_dirs=template_path(edition.inputs, edition.series.key),
        problems=problems,
        correction_tokens=correction_tokens,
    )
