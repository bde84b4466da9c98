"""Text direction for rendering: the page's direction from its language, and right-to-left
runs (an Arabic quotation in an English paragraph) isolated so they read and print in order.
"""

from __future__ import annotations

import re

from markupsafe import Markup

#: Languages written right to left (primary subtags).
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"}
)
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
#: A run of right-to-left letters, with the spaces, digits and punctuation between them.
RTL_RUN = re.compile(
    rf"[{_RTL}](?:[{_RTL}\s\d.,:;!?()\-\u060c\u061b\u061f\u066a-\u066d]*[{_RTL}])?"
)
_TAG = re.compile(r"(<[^>]*>)")


def text_direction(language: str) -> str:
    """Return ``rtl`` for a language written right to left, else ``ltr``."""
    return "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"


def isolate_rtl_text(escaped: str) -> str:
    """Wrap right-to-left runs of already-escaped text in ``<bdi dir="rtl">``."""
    if not RTL_RUN.search(escaped):
        return escaped
    return RTL_RUN.sub(lambda m: f'<bdi dir="rtl">{m.group(0)}</bdi>', escaped)


def isolate_rtl(html: Markup) -> Markup:
    """Return ``html`` with the right-to-left runs of its text (never its tags) isolated."""
    if not RTL_RUN.search(html):
        return html
    parts = _TAG.split(str(html))
    return Markup("".join(p if p.startswith("<") else isolate_rtl_text(p) for p in parts))
