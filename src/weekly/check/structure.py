"""Check that an edition's parts fit together: sources, figures, takeaways and sections."""

from __future__ import annotations

from weekly.apstyle import slugify
from weekly.errors import Problems
from weekly.resolve.update import Update


def check_loose_ends(update: Update, problems: Problems) -> None:
    """Flag uncited edition sources (W301), unplaced figures (W302), takeaways and
    sections that do not match (W303, W304)."""
    edition = update.edition
    cited = {key for point in update.citations for key in point.keys}
    for source in edition.sources.values():
        if source.edition_only and source.id not in cited:
            problems.warning(
                "W301",
                source.path,
                source.line,
                f"source '{source.id}' is defined in this edition's {source.path.name} "
                "but never cited",
            )
    placed = {figure_id for figure_id, _ in update.body.placements}
    for spec in edition.figures.values():
        if spec.id not in placed:
            problems.warning(
                "W302",
                edition.path,
                spec.line,
                f"figure '{spec.id}' is defined but never placed; "
                f'add {{{{ figure("{spec.id}") }}}} to the body',
            )
    if not isinstance(edition.front.data.get("key_takeaways"), dict):
        return
    regions = {slugify(region): region for region in edition.takeaways}
    sections = {slugify(s.title): s for s in update.body.sections if s.title}
    for slug, region in regions.items():
        if slug not in sections:
            problems.warning(
                "W303",
                edition.path,
                edition.line("key_takeaways", region),
                f"key takeaway '{region}' has no '## {region}' section in the body",
            )
    for slug, section in sections.items():
        if slug not in regions:
            problems.warning(
                "W304",
                edition.path,
                section.line,
                f"section '## {section.title}' has no entry in key_takeaways",
            )


def check_takeaway_regions(update: Update, problems: Problems) -> None:
    """Flag key takeaways whose text repeats the region's name (W040).

    ``key_takeaways`` text is given without the region: the name is printed in bold
    before it. A repeated name is dropped from the output; the warning says so.
    """
    edition = update.edition
    for region in edition.repeated_regions:
        problems.warning(
            "W040",
            edition.path,
            edition.line("key_takeaways", region),
            f"key takeaway '{region}' repeats its region's name, which is printed before "
            f"the text already; '{region}.' was left out: delete it from the text",
        )


def check_figures(update: Update, problems: Problems) -> None:
    """Flag a placed image figure with no ``alt:`` (W501): a picture nobody described is
    only its title to a reader who cannot see it. Charts describe their own data."""
    edition = update.edition
    for figure in update.figures.values():
        spec = figure.spec
        if spec.image is not None and not spec.alt:
            problems.warning(
                "W501",
                edition.path,
                spec.lines.get("image", spec.line),
                f"figure '{spec.id}' has no alt text; add alt: describing what the image "
                "shows for readers who cannot see it",
            )
