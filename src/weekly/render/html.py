"""Render the resolved update to HTML through the Jinja templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup, escape

from weekly.apstyle import clock_time, join_names, long_date, weekday_date
from weekly.body.parse import Block, markdown
from weekly.inputs.series import Series
from weekly.render.bidi import isolate_rtl, isolate_rtl_text
from weekly.render.views import (
    AssessmentView,
    BlockView,
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

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def templates_dir() -> Path:
    """Return the default templates folder (``reports/templates`` in a checkout)."""
    bundled = PACKAGE_DIR / "templates"
    if bundled.is_dir():
        return bundled
    return PACKAGE_DIR.parents[1] / "reports" / "templates"


@cache
def environment(extra: tuple[Path, ...] = ()) -> jinja2.Environment:
    """Return the template environment: autoescaped, strict about undefined names.

    ``extra`` folders are searched first (a series' own templates).
    """
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(p)) for p in extra]
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates are kept between runs in a private per-user folder under the
        # system's temporary directory; Jinja checks each against its source's checksum.
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )


def _render_tokens(tokens: Sequence[Token], inline: bool = False) -> Markup:
    md = markdown()
    if inline:
        return Markup(md.renderer.render(list(tokens), md.options, {}))
    return Markup(md.renderer.render(list(tokens), md.options, {}))


def _citation(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    point = tokens[idx].meta.get("point")
    if point is None:  # outside the body and front matter; ``weekly check`` reports it
        return str(escape(tokens[idx].content))
    number = point.number
    name = escape(point.name) if point.in_text else ""
    return f'{name}<a class="ref" id="ref-{number}" href="#note-{number}" role="doc-noteref">[{point.label}]</a>'


def _handle(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return str(escape(tokens[idx].content))


def _text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return isolate_rtl_text(escapeHtml(tokens[idx].content))


def install_renderer_rules() -> None:
    """Teach the Markdown renderer to print citation points as linked ``[n]`` and to
    isolate right-to-left runs of text (see :mod:`weekly.render.bidi`)."""
    md = markdown()
    md.add_render_rule("citation", _citation)
    md.add_render_rule("text", _text)
    md.add_render_rule("handle", _handle)


def render_inline_markdown(text: str) -> Markup:
    """Render a one-paragraph Markdown string (no citations) to inline HTML."""
    install_renderer_rules()
    md = markdown()
    return Markup(md.renderInline(text))


def _with_line(token: Token, line: int) -> Token:
    """Return a copy of ``token`` carrying its ``update.md`` line (draft review only)."""
    copy = token.copy(attrs=dict(token.attrs))
    copy.attrSet("id", f"L{line}")
    copy.attrSet("data-line", str(line))
    return copy


def _block_view(block: Block, figures: dict[str, FigureView], draft: bool = False) -> BlockView:
    if block.kind == "figure":
        return BlockView("figure", block.line, Markup(""), figures.get(block.figure_id))
    tokens = list(block.tokens)
    if block.kind == "lead":
        tokens[0].attrSet("class", "lead")
    elif block.kind == "bullets":
        tokens[0].attrSet("class", "evidence")
    if draft:
        # Draft pages carry each block's line so the reviewer panel can link to it;
        # copies keep the shared tokens (and so the final HTML) untouched. A list's
        # lines go on its bullets, so a finding about one bullet marks just that one.
        if not block.items:
            tokens[0] = _with_line(tokens[0], block.line)
        items = iter(block.items)
        depth = 0
        for index, token in enumerate(tokens):
            if token.type == "list_item_open":
                depth += 1
                item = next(items, None) if depth == 1 else None
                if item is not None:
                    tokens[index] = _with_line(token, item.line)
            elif token.type == "list_item_close":
                depth -= 1
    return BlockView(block.kind, block.line, _render_tokens(tokens))


def _image_provenance(figure: Figure) -> str:
    """Describe where a static image comes from, for draft review."""
    spec = figure.spec
    if spec.image is None or figure.asset is None:
        return ""
    size = len(figure.asset.data)
    shown = f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"
    return f"Static image {spec.image} ({shown}), defined at line {spec.line} of update.md."


def credit(label: str, names: list[str]) -> str:
    """Return ``Label: A`` / ``Labels: A and B``, or empty for no names."""
    if not names:
        return ""
    return f"{label if len(names) == 1 else label + 's'}: {join_names(names)}"


def byline(names: list[str]) -> str:
    """Return ``Author: A`` / ``Authors: A and B``, or empty for no names."""
    return credit("Author", names)


def date_line(series: Series, day: dt.date) -> str:
    """Return the date line above the title in the series' ``date_line`` form."""
    if series.date_line == "weekday":
        return weekday_date(day)
    return long_date(day) if series.date_line == "date" else ""


def cutoff_line(series: Series, cutoff: dt.datetime) -> str:
    """Return the cutoff line in the series' style.

    ``date``: ``Data Cutoff: December 13, 2023, at 10 a.m.`` (AP style);
    ``clock``: ``Information Cutoff: 2:00 p.m. ET`` (the Iran Update's form).
    """
    if series.cutoff_style == "clock":
        hour = cutoff.hour % 12 or 12
        suffix = "a.m." if cutoff.hour < 12 else "p.m."
        zone = f" {series.zone_label}" if series.zone_label else ""
        return f"{series.cutoff_label}: {hour}:{cutoff.minute:02d} {suffix}{zone}"
    return f"{series.cutoff_label}: {long_date(cutoff.date())}, at {clock_time(cutoff.time())}"


def page_context(
    update: Update, css: str, draft: bool = False, nav: NavView | None = None
) -> PageContext:
    """Return the template context of ``update``."""
    install_renderer_rules()
    edition = update.edition
    series = edition.series
    figures = {
        fid: FigureView(
            id=f"figure-{fig.number}",
            number=fig.number,
            title=fig.spec.title,
            src=fig.asset.name if fig.asset else "",
            alt=fig.spec.alt or fig.alt or fig.spec.title,
            note=render_inline_markdown(fig.spec.note) if fig.spec.note else Markup(""),
            source=render_inline_markdown(fig.spec.source) if fig.spec.source else Markup(""),
            provenance=fig.provenance or (_image_provenance(fig) if draft else ""),
            line=fig.line,
        )
        for fid, fig in update.figures.items()
    }
    sections = [
        SectionView(
            s.title,
            s.id,
            [
                AssessmentView(
                    _block_view(a.lead, figures, draft) if a.lead else None,
                    [_block_view(b, figures, draft) for b in a.blocks],
                )
                for a in s.assessments
            ],
            byline(edition.section_authors.get(s.title, [])) if s.title else "",
            credit("Contributor", edition.section_contributors.get(s.title, [])) if s.title else "",
        )
        for s in update.body.sections
    ]
    cutoff = edition.cutoff
    style = series.key_takeaways_style
    # A list of takeaways has no region names; paragraphs of a list keep their "1." label.
    shown = edition.takeaways_named or style == "paragraphs"
    takeaways = [
        TakeawayView(region if shown else "", _render_tokens(tokens))
        for region, tokens in update.takeaway_tokens
    ]
    return PageContext(
        title=update.title,
        series_name=series.name,
        organization=series.organization,
        headline=edition.headline,
        edition_date=long_date(edition.date),
        published=date_line(series, edition.published),
        published_iso=edition.published.isoformat(),
        byline=byline(edition.authors) if series.byline else "",
        authors=join_names(edition.all_authors),
        contributors=credit("Contributor", edition.contributors),
        cutoff=cutoff_line(series, cutoff),
        subscribe=render_inline_markdown(series.subscribe) if series.subscribe else Markup(""),
        notices=[_render_tokens(tokens) for tokens in update.notice_tokens],
        takeaway_label=(
            "Key Takeaways" if len(takeaways) > 1 or style != "paragraphs" else "Key Takeaway"
        ),
        takeaways=takeaways,
        sections=sections,
        notes=[NoteView(n.number, n.label, isolate_rtl(n.html), n.text) for n in update.notes],
        description=" ".join(update.takeaway_text),
        css=Markup(css),
        draft=draft,
        takeaway_style=style,
        kicker=series.kicker,
        show_cutoff=series.cutoff_line,
        assessments_label=series.assessments_label,
        nav=nav,
        lang=series.language,
        share=share_view(update, nav),
    )


# --- Share cards (Open Graph, Twitter) ------------------------------------------------------


def share_view(update: Update, nav: NavView | None = None) -> ShareView:
    """Return the share card of ``update``; absolute links need ``nav.canonical``."""
    from weekly.render.cards import CARD, card_alt

    url = nav.canonical if nav else ""
    image = url.rsplit("/", 1)[0] + "/" + CARD if url else CARD
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


def series_template_dirs(update: Update) -> tuple[Path, ...]:
    """Return the folders searched before the defaults: the project's, then the package's.

    ``reports/templates/<series key>/`` beside the inputs wins over the same folder in the
    package templates, which wins over the default templates.
    """
    bundled = templates_dir() / update.edition.series.key
    return update.template_dirs + ((bundled,) if bundled.is_dir() else ())


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
    extra = series_template_dirs(update)
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
    extra = series_template_dirs(update)
    context = page_context(update, "", draft=False)
    base = f"{base_url.rstrip('/')}/{update.edition.key}/" if base_url else ""
    context = PageContext(**{**context.__dict__, "fragment": True, "asset_base": base})
    return environment(extra).get_template("update.html").render(page=context)


__all__ = [
    "AssessmentView",
    "BlockView",
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
