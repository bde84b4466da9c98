"""Render the resolved update to HTML through the Jinja templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from weekly.apstyle import (
    curly_quotes,
    join_names,
    long_date,
)
from weekly.inputs.templates import templates_dir
from weekly.render.bidi import isolate_rtl
from weekly.render.masthead import byline, credit, cutoff_line, date_line
from weekly.render.tokens import (
    block_view,
    install_renderer_rules,
    render_inline_markdown,
    render_tokens,
)
from weekly.render.views import (
    AssessmentView,
    BlockView,
    CorrectionView,
    FigureView,
    NavLink,
    NavView,
    NoteView,
    PageContext,
    SectionView,
    ShareView,
    TakeawayView,
    TopicLink,
)
from weekly.resolve.figures import Figure
from weekly.resolve.update import Update


@cache
def environment(path: tuple[Path, ...] = ()) -> jinja2.Environment:
    """Return the template environment: autoescaped, strict about undefined names.

    ``path`` is the template search path of a series (``Update.template_dirs``, from
    :func:`weekly.inputs.templates.template_path`); empty, the default templates alone.
    """
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in path or (templates_dir(),)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates are kept between runs in a private per-user folder under the
        # system's temporary directory; Jinja checks each against its source's checksum.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )


def _unfinished(update: Update) -> int:
    """Return how many placeholders (E051–E053) a draft still has."""
    from weekly.check.placeholders import PLACEHOLDER_CODES

    return sum(1 for p in update.problems.errors if p.code in PLACEHOLDER_CODES)


def _image_provenance(figure: Figure) -> str:
    """Describe where a static image comes from, for draft review."""
    spec = figure.spec
    if spec.image is None or figure.asset is None:
        return ""
    size = len(figure.asset.data)
    shown = f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"
    return f"Static image {spec.image} ({shown}), defined at line {spec.line} of update.md."


def page_context(
    update: Update, css: str, draft: bool = False, nav: NavView | None = None
) -> PageContext:
    """Return the template context of ``update``."""
    install_renderer_rules()
    edition = update.edition
    series = edition.series
    quotes = series.smart_quotes

    def curl(text: str) -> str:
        return curly_quotes(text) if quotes else text

    figures = {
        fid: FigureView(
            id=f"figure-{fig.number}",
            number=fig.number,
            title=curl(fig.spec.title),
            src=fig.asset.name if fig.asset else "",
            alt=fig.spec.alt or fig.alt or fig.spec.title,
            note=render_inline_markdown(fig.spec.note, quotes) if fig.spec.note else Markup(""),
            source=(
                render_inline_markdown(fig.spec.source, quotes) if fig.spec.source else Markup("")
            ),
            provenance=fig.provenance or (_image_provenance(fig) if draft else ""),
            line=fig.line,
        )
        for fid, fig in update.figures.items()
    }
    sections = [
        SectionView(
            curl(s.title),
            s.id,
            [
                AssessmentView(
                    block_view(a.lead, figures, draft, quotes) if a.lead else None,
                    [block_view(b, figures, draft, quotes) for b in a.blocks],
                )
                for a in s.assessments
            ],
            curl(byline(edition.section_authors.get(s.title, []))) if s.title else "",
            curl(credit("Contributor", edition.section_contributors.get(s.title, [])))
            if s.title
            else "",
        )
        for s in update.body.sections
    ]
    cutoff = edition.cutoff
    style = series.key_takeaways_style
    # A list of takeaways has no region names; paragraphs of a list keep their "1." label.
    shown = edition.takeaways_named or style == "paragraphs"
    takeaways = [
        TakeawayView(curl(region) if shown else "", render_tokens(tokens, quotes))
        for region, tokens in update.takeaway_tokens
    ]
    return PageContext(
        title=update.title,
        series_name=series.name,
        organization=series.organization,
        headline=curl(edition.headline),
        edition_date=long_date(edition.date),
        published=date_line(series, edition.published),
        published_iso=edition.published.isoformat(),
        byline=(
            ""
            if not series.byline
            else curl(byline(edition.authors))
            if series.author_label
            else curl(join_names(edition.authors))
        ),
        authors=join_names(edition.all_authors),
        contributors=curl(credit("Contributor", edition.contributors)),
        cutoff=cutoff_line(series, cutoff),
        subscribe=render_inline_markdown(series.subscribe) if series.subscribe else Markup(""),
        notices=[render_tokens(tokens, quotes) for tokens in update.notice_tokens],
        takeaway_label=(
            "Key Takeaways" if len(takeaways) > 1 or style != "paragraphs" else "Key Takeaway"
        ),
        takeaways=takeaways,
        sections=sections,
        notes=[NoteView(n.number, n.label, isolate_rtl(n.html), n.text) for n in update.notes],
        description=" ".join(update.takeaway_text),
        css=Markup(css),
        draft=draft,
        unfinished=_unfinished(update) if draft else 0,
        takeaway_style=style,
        kicker=series.kicker,
        show_cutoff=series.cutoff_line,
        assessments_label=series.assessments_label,
        masthead=series.masthead,
        region_mark=series.region_mark,
        nav=nav,
        lang=series.language,
        share=share_view(update, nav),
        corrections=correction_views(update, nav),
    )


def correction_views(update: Update, nav: NavView | None = None) -> list[CorrectionView]:
    """Return the correction notices of ``update``, newest first, linked to the versions kept."""
    earlier = dict(nav.earlier) if nav else {}
    found = [
        CorrectionView(
            long_date(correction.date),
            correction.date.isoformat(),
            render_tokens(tokens),
            earlier.get(correction.date.isoformat(), ""),
        )
        for correction, tokens in zip(
            update.edition.corrections, update.correction_tokens, strict=True
        )
    ]
    return found[::-1]


# --- Share cards (Open Graph, Twitter) ------------------------------------------------------


def share_view(update: Update, nav: NavView | None = None) -> ShareView:
    """Return the share card of ``update``; absolute links need ``nav.canonical``."""
    from weekly.render.cards import CARD, card_alt

    url = nav.canonical if nav else ""
    # The card is drawn only for the pages the archive publishes (matplotlib costs a render
    # that needs no card most of a second): a page rendered alone names none.
    image = (url.rsplit("/", 1)[0] + "/" + CARD if url else CARD) if nav else ""
    alt = card_alt(update)
    return ShareView(
        title=update.title,
        description=" ".join(update.takeaway_text),
        site_name=update.edition.series.name,
        url=url,
        image=image,
        image_alt=alt,
        published_iso=update.edition.published.isoformat(),
        authors=tuple(update.edition.authors),
    )


def stylesheet(name: str = "style.css", extra: tuple[Path, ...] = ()) -> str:
    """Return a stylesheet from the templates."""
    loader = environment(extra).loader
    assert loader is not None
    source, _, _ = loader.get_source(environment(extra), name)
    return source


def render_html(
    update: Update,
    draft: bool = False,
    draft_html: Markup | None = None,
    nav: NavView | None = None,
    pdf: bool = True,
) -> str:
    """Return the complete HTML page of ``update``; ``nav`` links its neighbours.

    ``pdf``: the PDF is made beside the page, so the final page links to it.
    """
    extra = update.template_dirs
    context = page_context(update, stylesheet("style.css", extra), draft, nav)
    if pdf and not draft:
        context = PageContext(**{**context.__dict__, "pdf": f"{update.slug}.pdf"})
    if draft_html is not None:
        context = PageContext(**{**context.__dict__, "draft_html": draft_html})
    return environment(extra).get_template("update.html").render(page=context)


def render_fragment(update: Update, base_url: str = "") -> str:
    """Return the article of ``update`` alone, for pasting into a web CMS.

    No ``<html>``, ``<head>``, ``<body>`` or stylesheet: the site styles it by the class
    names documented in ``docs/guide/accessibility.md``. Figure ``src`` is relative
    (``figures/…``) or, with ``base_url`` (where ``output/`` is published), absolute.
    """
    extra = update.template_dirs
    context = page_context(update, "", draft=False)
    base = f"{base_url.rstrip('/')}/{update.edition.key}/" if base_url else ""
    context = PageContext(**{**context.__dict__, "fragment": True, "asset_base": base})
    return environment(extra).get_template("update.html").render(page=context)


__all__ = [
    "AssessmentView",
    "BlockView",
    "CorrectionView",
    "FigureView",
    "NavLink",
    "NavView",
    "NoteView",
    "PageContext",
    "SectionView",
    "ShareView",
    "TakeawayView",
    "TopicLink",
    "escape",
    "page_context",
    "render_fragment",
    "render_html",
    "share_view",
]
