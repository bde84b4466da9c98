"""Build the mail of an edition: template context, bodies and one MIME message each.

Every recipient gets a ``multipart/mixed`` message: a plain-text and an HTML alternative
(CSS inlined, an optional figure attached inline), then the edition's PDF.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
import re
import textwrap
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from weekly.apstyle import curly_quotes
from weekly.mail.recipients import Recipient
from weekly.mail.settings import MailSettings, subject_of
from weekly.resolve.update import Update

#: Mail headers are written with lines up to the SMTP limit, so URLs stay whole.
LINE_LIMIT = 998
FILE_POLICY = email.policy.default.clone(max_line_length=LINE_LIMIT)


@dataclass(frozen=True)
class Teaser:
    """A takeaway as the mail shows it; ``region`` is empty for the single form."""

    region: str
    text: str


@dataclass(frozen=True)
class MailFigure:
    """The figure shown in the mail body, attached inline by content id."""

    number: int
    title: str
    alt: str
    note: str
    source: str
    cid: str
    data: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class MailContext:
    """Everything ``mail.html`` and ``mail.txt`` show; the only object they receive."""

    title: str
    series_name: str
    organization: str
    headline: str
    edition_date: str
    byline: str
    contributors: str
    cutoff: str
    notices: list[str]
    takeaway_label: str
    takeaways: list[Teaser]
    #: Per-region teasers (lead judgments) for multi-region editions with one takeaway.
    regions: list[Teaser]
    figure: MailFigure | None
    web_url: str
    pdf_name: str
    pdf_size: str
    #: The first takeaway, shortened: the preview line mail clients show.
    preheader: str
    unsubscribe_url: str = ""
    unsubscribe_mailto: str = ""
    recipient_name: str = ""
    recipient_email: str = ""
    #: The series' language (``lang``) and its direction (``dir``).
    lang: str = "en"
    dir: str = "ltr"
    #: A correction's mail: the latest correction's notice as plain text, and its date.
    correction: str = ""
    correction_date: str = ""
    #: The mark after a takeaway's region name, ``.`` or ``:`` (series ``region_mark``).
    region_mark: str = "."


def _inline_plain(tokens: list[Any]) -> str:
    from weekly.body.parse import inline_text

    children = [c for t in tokens for c in (t.children or [])]
    return " ".join(inline_text(children).split())


def file_size(count: int) -> str:
    """Return ``count`` bytes as people read it: ``512 bytes``, ``84 KB``, ``1.2 MB``."""
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


def mail_context(update: Update, settings: MailSettings, pdf: bytes) -> MailContext:
    """Return the template context shared by every recipient of ``update``."""
    from weekly.render.html import page_context

    page = page_context(update, "")
    series = update.edition.series

    def curl(text: str) -> str:
        return curly_quotes(text) if series.smart_quotes else text

    takeaways = [
        Teaser(curl(region), curl(" ".join(text.split())))
        for (region, _), text in zip(update.takeaway_tokens, update.takeaway_text, strict=False)
    ]
    regions: list[Teaser] = []
    titled = [s for s in update.body.sections if s.title]
    if len(titled) > 1 and not any(t.region for t in takeaways):
        for section in titled:
            sentence = next(
                (
                    lead
                    for a in section.assessments
                    for block in a.all_blocks
                    if (lead := block.lead_parts()[0])
                ),
                "",
            )
            if sentence:
                regions.append(Teaser(section.title, sentence))
    figure = None
    if settings.figure:
        fig = update.figures[settings.figure]
        assert fig.asset is not None
        digest = hashlib.sha256(fig.asset.data).hexdigest()[:16]
        figure = MailFigure(
            number=fig.number,
            title=fig.spec.title,
            alt=fig.spec.alt or fig.alt or fig.spec.title,
            note=fig.spec.note,
            source=fig.spec.source,
            cid=f"figure-{fig.number}.{digest}@{settings.sender.domain}",
            data=fig.asset.data,
            media_type=fig.asset.media_type,
            filename=Path(fig.asset.name).name,
        )
    first = takeaways[0].text if takeaways else update.edition.headline
    preheader = textwrap.shorten(first, 140, placeholder="…")
    return MailContext(
        title=update.title,
        series_name=page.series_name,
        organization=page.organization,
        headline=page.headline,
        edition_date=page.edition_date,
        byline=page.byline,
        contributors=page.contributors,
        cutoff=page.cutoff if page.show_cutoff else "",
        notices=[_inline_plain(tokens) for tokens in update.notice_tokens],
        takeaway_label=page.takeaway_label,
        takeaways=takeaways,
        regions=regions,
        figure=figure,
        web_url=settings.web_url,
        pdf_name=f"{update.slug}.pdf",
        pdf_size=file_size(len(pdf)),
        preheader=preheader,
        unsubscribe_url=settings.unsubscribe_url,
        unsubscribe_mailto=settings.unsubscribe_mailto,
        lang=page.lang,
        dir=page.dir,
        region_mark=page.region_mark,
    )


def mail_environment(path: tuple[Path, ...] = ()) -> jinja2.Environment:
    """Return the mail templates' environment: HTML autoescaped, text not.

    ``path`` is the series' template search path (``Update.template_dirs``), the one the
    page is rendered with; empty, the default templates alone.
    """
    from weekly.inputs.templates import templates_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(p) for p in path or (templates_dir(),)]),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wrap"] = _wrap
    return env


def _wrap(text: str, width: int = 72, indent: str = "") -> str:
    """Wrap ``text`` for the plain-text body."""
    return textwrap.fill(
        " ".join(str(text).split()),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def inline_css(html: str) -> str:
    """Move the ``<style>`` rules onto the elements; never load anything remote."""
    import css_inline

    inliner = css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)
    return str(inliner.inline(html))


def unsubscribe_link(template: str, recipient: Recipient, secret: bytes = b"") -> str:
    """Return the one-click unsubscribe URL for ``recipient``: ``{token}`` (signed with
    ``secret``, :mod:`weekly.mail.unsubscribe`) and ``{email}`` filled in."""
    from weekly.mail.unsubscribe import EMAIL, TOKEN, token

    if TOKEN in template:
        template = template.replace(TOKEN, token(recipient.email, secret))
    return template.replace(EMAIL, quote(recipient.email, safe="@"))


def render_bodies(edition: MailEdition, recipient: Recipient) -> tuple[str, str]:
    """Return (plain text, HTML) of the message to ``recipient``."""
    context = edition.context
    personal = replace(
        context,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        unsubscribe_url=unsubscribe_link(
            context.unsubscribe_url, recipient, edition.settings.unsubscribe_secret
        ),
    )
    text = edition.text_template.render(mail=personal)
    html = edition.html_template.render(mail=personal, cid=Markup(""))
    return text, inline_css(html)


@dataclass(frozen=True)
class MailEdition:
    """What every message of one edition shares (its inputs are :class:`weekly.inputs.edition.Edition`)."""

    update: Update
    settings: MailSettings
    context: MailContext
    subject: str
    pdf: bytes
    pdf_name: str
    #: ``mail.txt`` and ``mail.html``, compiled once for every recipient.
    text_template: jinja2.Template
    html_template: jinja2.Template
    #: The date (``2023-12-16``) of the correction this mail carries; empty for the edition.
    correction: str = ""

    @property
    def key(self) -> str:
        """Return ``2023-12-13``."""
        return self.update.edition.key

    @property
    def pdf_sha256(self) -> str:
        """Return the PDF's digest, recorded in the ledger."""
        return hashlib.sha256(self.pdf).hexdigest()


def prepare(update: Update, settings: MailSettings, pdf: bytes) -> MailEdition:
    """Return the shared parts of every message of ``update``."""
    env = mail_environment(update.template_dirs)
    return MailEdition(
        update=update,
        settings=settings,
        context=mail_context(update, settings, pdf),
        subject=subject_of(update, settings.subject_template),
        pdf=pdf,
        pdf_name=f"{update.slug}.pdf",
        text_template=env.get_template("mail.txt"),
        html_template=env.get_template("mail.html"),
    )


def prepare_correction(update: Update, settings: MailSettings, pdf: bytes) -> MailEdition:
    """Return the shared parts of every message carrying ``update``'s latest correction.

    The subject is the edition's prefixed ``Correction:``; the body is the notice and the
    link, the corrected PDF attached, no figure.
    """
    from weekly.apstyle import long_date

    latest = update.edition.corrections[-1]
    tokens = update.correction_tokens[-1]
    settings = replace(settings, figure=None)
    env = mail_environment(update.template_dirs)
    context = replace(
        mail_context(update, settings, pdf),
        correction=_inline_plain(tokens),
        correction_date=long_date(latest.date),
        preheader=textwrap.shorten(_inline_plain(tokens), 140, placeholder="…"),
    )
    return MailEdition(
        update=update,
        settings=settings,
        context=context,
        subject=f"Correction: {subject_of(update, settings.subject_template)}",
        pdf=pdf,
        pdf_name=f"{update.slug}.pdf",
        text_template=env.get_template("mail_correction.txt"),
        html_template=env.get_template("mail_correction.html"),
        correction=latest.date.isoformat(),
    )


def message_id(edition: MailEdition, recipient: Recipient) -> str:
    """Return a Message-ID that is the same for the same edition (or correction) and recipient."""
    seed = f"{edition.key}\0{edition.update.slug}\0{recipient.email.lower()}"
    if edition.correction:
        seed += f"\0correction {edition.correction}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"<weekly.{edition.key}.{digest}@{edition.settings.sender.domain}>"


def message_headers(
    edition: MailEdition, recipient: Recipient, now: dt.datetime
) -> list[tuple[str, Any]]:
    """Return the headers of the message to ``recipient``, in order (MIME ones aside)."""
    settings = edition.settings
    headers: list[tuple[str, Any]] = [("From", settings.sender), ("To", recipient.address)]
    if settings.reply_to is not None:
        headers.append(("Reply-To", settings.reply_to))
    headers += [
        ("Subject", edition.subject),
        ("Date", email.utils.format_datetime(now)),
        ("Message-ID", message_id(edition, recipient)),
    ]
    series = edition.update.edition.series
    headers.append(("Organization", series.organization))
    headers.append(("List-Id", f"{series.name} <{series.key}.{settings.sender.domain}>"))
    links = []
    if settings.unsubscribe_mailto:
        links.append(f"<{settings.unsubscribe_mailto}>")
    if settings.unsubscribe_url:
        url = unsubscribe_link(settings.unsubscribe_url, recipient, settings.unsubscribe_secret)
        links.append(f"<{url}>")
    if links:
        headers.append(("List-Unsubscribe", ", ".join(links)))
    if settings.unsubscribe_url:
        headers.append(("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))
    return headers


#: The headers of :func:`message_headers` that differ from one recipient to the next.
PERSONAL_HEADERS = frozenset({"To", "Message-ID", "List-Unsubscribe"})


def build_message(
    edition: MailEdition, recipient: Recipient, now: dt.datetime | None = None
) -> tuple[EmailMessage, int]:
    """Return the message to ``recipient`` and the size of its HTML body in bytes.

    This is the message's definition, built with the email package part by part;
    :class:`weekly.mail.compose.Composer` writes the same bytes a hundred times faster.
    """
    text, html = render_bodies(edition, recipient)
    msg = EmailMessage(policy=FILE_POLICY)
    for name, value in message_headers(edition, recipient, now or local_now()):
        msg[name] = value
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    figure = edition.context.figure
    if figure is not None:
        html_part = msg.get_payload()[1]  # type: ignore[index]
        assert isinstance(html_part, EmailMessage)
        maintype, _, subtype = figure.media_type.partition("/")
        html_part.add_related(
            figure.data,
            maintype=maintype,
            subtype=subtype,
            cid=f"<{figure.cid}>",
            filename=figure.filename,
            disposition="inline",
        )
    msg.add_attachment(
        edition.pdf, maintype="application", subtype="pdf", filename=edition.pdf_name
    )
    return msg, len(html.encode("utf-8"))


def local_now() -> dt.datetime:
    """Return the time now in the local zone: the ``Date`` of a run's messages."""
    return dt.datetime.now(dt.UTC).astimezone()


def eml_name(index: int, recipient: Recipient) -> str:
    """Return ``001-jane-example-com.eml``."""
    stem = re.sub(r"[^a-z0-9]+", "-", recipient.email.lower()).strip("-")
    return f"{index:03d}-{stem}.eml"
