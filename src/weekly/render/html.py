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

from weekly.apstyle import (
    DAYS,
    MONTHS,
    clock_time,
    curly_quotes,
    join_names,
    long_date,
    weekday_date,
)
from weekly.body.parse import Block, markdown
from weekly.inputs.series import Series
from weekly.inputs.templates import templates_dir
from weekly.render.bidi import isolate_rtl, isolate_rtl_text
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


def _render_tokens(tokens: Sequence[Token], quotes: bool = False) -> Markup:
    """Render block tokens; ``quotes`` makes straight quotes in the text curly."""
    md = markdown()
    return Markup(md.renderer.render(list(tokens), md.options, {"curly_quotes": quotes}))


def _citation(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    point = tokens[idx].meta.get("point")
    if point is None:  # outside the body and front matter; ``weekly check`` reports it
        return str(escape(tokens[idx].content))
    number = point.number
    name = escape(point.name) if point.in_text else ""
    return f'{name}<a class="ref" id="ref-{number}" href="#note-{number}" role="doc-noteref">[{point.label}]</a>'


def _handle(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return str(escape(tokens[idx].content))


def _printed_before(tokens: Sequence[Token], idx: int) -> str:
    """Return the last character printed before inline token ``idx`` (empty at the start)."""
    for token in reversed(tokens[:idx]):
        if token.type in ("text", "code_inline") and token.content:
            return token.content[-1]
        if token.type in ("softbreak", "hardbreak"):
            return "\n"
        if token.type == "citation":
            return "]"
    return ""


def _text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    content = tokens[idx].content
    # An address written out (an autolink) is printed exactly as typed.
    address = idx > 0 and tokens[idx - 1].type == "link_open" and tokens[idx - 1].markup in (
        "autolink", "linkify",
    )  # fmt: skip
    if env and env.get("curly_quotes") and not address:
        content = curly_quotes(content, _printed_before(tokens, idx))
    return isolate_rtl_text(escapeHtml(content))


def install_renderer_rules() -> None:
    """Teach the Markdown renderer to print citation points as linked ``[n]`` and to
    isolate right-to-left runs of text (see :mod:`weekly.render.bidi`)."""
    md = markdown()
    md.add_render_rule("citation", _citation)
    md.add_render_rule("text", _text)
    md.add_render_rule("handle", _handle)


def render_inline_markdown(text: str, quotes: bool = False) -> Markup:
    """Render a one-paragraph Markdown string (no citations) to inline HTML; ``quotes``
    makes straight quotes in its text curly."""
    install_renderer_rules()
    md = markdown()
    return Markup(md.renderInline(text, {"curly_quotes": quotes}))


def _with_line(token: Token, line: int) -> Token:
    """Return a copy of ``token`` carrying its ``update.md`` line (draft review only)."""
    copy = token.copy(attrs=dict(token.attrs))
    copy.attrSet("id", f"L{line}")
    copy.attrSet("data-line", str(line))
    return copy


def _unfinished(update: Update) -> int:
    """Return how many placeholders (E051–E053) a draft still has."""
    from weekly.check.placeholders import PLACEHOLDER_CODES

    return sum(1 for p in update.problems.errors if p.code in PLACEHOLDER_CODES)


def _block_view(
    block: Block, figures: dict[str, FigureView], draft: bool = False, quotes: bool = False
) -> BlockView:
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
    return BlockView(block.kind, block.line, _render_tokens(tokens, quotes))


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


def series_date(series: Series, day: dt.date) -> str:
    """Return ``August 3, 2023``, or ``August 03, 2023`` with ``date_format: padded``."""
    if series.date_format == "padded":
        return f"{MONTHS[day.month - 1]} {day.day:02d}, {day.year}"
    return long_date(day)


def date_line(series: Series, day: dt.date) -> str:
    """Return the date line above the title in the series' ``date_line`` form."""
    if series.date_line == "weekday" and series.date_format == "plain":
        return weekday_date(day)
    if series.date_line == "weekday":
        return f"{DAYS[day.weekday()]}, {series_date(series, day)}"
    return series_date(series, day) if series.date_line == "date" else ""


def clock_text(series: Series, moment: dt.time) -> str:
    """Return the cutoff's time of day in the series' ``clock_format``.

    ``ap``: ``10 a.m.``, ``2:30 p.m.`` (AP style); ``dotted``: ``2:00 p.m.``;
    ``compact``: ``2:00pm``; ``spaced``: ``2:00 pm``. ``auto`` is ``ap`` in the ``date``
    cutoff style and ``dotted`` in the ``clock`` style.
    """
    form = series.clock_format
    if form == "auto":
        form = "dotted" if series.cutoff_style == "clock" else "ap"
    if form == "ap":
        return clock_time(moment)
    hour = moment.hour % 12 or 12
    clock = f"{hour}:{moment.minute:02d}"
    if form == "compact":
        return clock + ("am" if moment.hour < 12 else "pm")
    if form == "spaced":
        return clock + (" am" if moment.hour < 12 else " pm")
    return clock + (" a.m." if moment.hour < 12 else " p.m.")


def cutoff_line(series: Series, cutoff: dt.datetime) -> str:
    """Return the cutoff line in the series' style.

    ``date``: ``Data Cutoff: December 13, 2023, at 10 a.m.`` (AP style);
    ``clock``: ``Information Cutoff: 2:00 p.m. ET`` (the Iran Update's form).
    ``clock_format`` sets the form of the clock; the date is always AP style.
    """
    clock = clock_text(series, cutoff.time())
    if series.cutoff_style == "clock":
        zone = f" {series.zone_label}" if series.zone_label else ""
        return f"{series.cutoff_label}: {clock}{zone}"
    return f"{series.cutoff_label}: {long_date(cutoff.date())}, at {clock}"


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
                    _block_view(a.lead, figures, draft, quotes) if a.lead else None,
                    [_block_view(b, figures, draft, quotes) for b in a.blocks],
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
        TakeawayView(curl(region) if shown else "", _render_tokens(tokens, quotes))
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
        notices=[_render_tokens(tokens, quotes) for tokens in update.notice_tokens],
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
            _render_tokens(tokens),
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
