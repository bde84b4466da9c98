"""Rendering: Markdown tokens to HTML, citation points as linked ``[n]``, quotes curled.

The body was parsed into tokens by :mod:`weekly.body.parse`; this module teaches the
renderer the house's rules (citations, handles, right-to-left runs isolated, see
:mod:`weekly.render.bidi`) and turns a block of the body into the view a template prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup, escape

from weekly.apstyle import curly_quotes
from weekly.body.parse import Block, markdown, printed_before
from weekly.render.bidi import isolate_rtl_text
from weekly.render.views import BlockView, FigureView


def render_tokens(tokens: Sequence[Token], quotes: bool = False) -> Markup:
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


def _text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    content = tokens[idx].content
    # An address written out (an autolink) is printed exactly as typed.
    address = idx > 0 and tokens[idx - 1].type == "link_open" and tokens[idx - 1].markup in (
        "autolink", "linkify",
    )  # fmt: skip
    if env and env.get("curly_quotes") and not address:
        content = curly_quotes(content, printed_before(tokens, idx))
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


def with_line(token: Token, line: int) -> Token:
    """Return a copy of ``token`` carrying its ``update.md`` line (draft review only)."""
    copy = token.copy(attrs=dict(token.attrs))
    copy.attrSet("id", f"L{line}")
    copy.attrSet("data-line", str(line))
    return copy


def block_view(
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
            tokens[0] = with_line(tokens[0], block.line)
        items = iter(block.items)
        depth = 0
        for index, token in enumerate(tokens):
            if token.type == "list_item_open":
                depth += 1
                item = next(items, None) if depth == 1 else None
                if item is not None:
                    tokens[index] = with_line(token, item.line)
            elif token.type == "list_item_close":
                depth -= 1
    return BlockView(block.kind, block.line, render_tokens(tokens, quotes))
