"""Email an edition: read the subscriber list, build one message each, write or send them.

Without sending, every message is written to ``output/DATE/mail/NNN-address.eml`` for a last
look. With sending, messages go out over one SMTP connection, each delivery recorded in the
ledger (:mod:`weekly.ledger`) so a rerun sends only to those not yet delivered.
"""

from __future__ import annotations

import csv
import datetime as dt
import email.policy
import email.utils
import functools
import hashlib
import io
import ipaddress
import re
import smtplib
import ssl
import string
import textwrap
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from weekly.assemble import Update
from weekly.errors import Problems, WeeklyError, display_path
from weekly.ledger import (
    ATTEMPT,
    DEFERRED,
    FAILED,
    SENT,
    UNCERTAIN,
    Ledger,
)

#: Gmail clips a message whose HTML is larger than about 102 KB.
HTML_LIMIT = 100 * 1024
MAIL_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}
SECURITY_CHOICES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
#: Any control character (CR and LF above all) would let a value break out of its header.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: Mail headers are written with CRLF and lines up to the SMTP limit, so URLs stay whole.
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)
FILE_POLICY = email.policy.default.clone(max_line_length=998)


# --------------------------------------------------------------------------- recipients


@dataclass(frozen=True)
class Recipient:
    """One subscriber: the address (normalised), the name and the line it came from."""

    email: str
    name: str
    line: int
    #: Every column of the row, by lower-case header name.
    fields: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def address(self) -> Address:
        """Return the ``To`` address (display name and address)."""
        local, _, domain = self.email.rpartition("@")
        return Address(display_name=self.name, username=local, domain=domain)


def header_safe(value: str) -> bool:
    """Return True when ``value`` has no control character (no CR/LF header injection)."""
    return not CONTROL.search(value)


def check_address(text: str) -> tuple[str, str]:
    """Return (normalised address, "") or ("", why it is invalid)."""
    text = text.strip()
    if not text:
        return "", "missing email address"
    if not header_safe(text):
        return "", "email address contains a line break or control character"
    try:
        parsed = Address(addr_spec=text)
    except (ValueError, IndexError, TypeError) as exc:
        del exc
        return "", f"invalid email address '{text}'"
    local, domain = parsed.username, parsed.domain
    if not local or not domain:
        return "", f"invalid email address '{text}'"
    if not local.isascii():
        return "", f"invalid email address '{text}' (a non-ASCII local part is not supported)"
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return "", f"invalid email address '{text}'"
    labels = domain.split(".")
    if len(labels) < 2 or not all(
        re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", label) for label in labels
    ):
        return "", f"invalid email address '{text}'"
    return Address(username=local, domain=domain).addr_spec, ""


def read_recipients(path: Path) -> list[Recipient]:
    """Read ``email,name`` rows (further columns allowed); raise on any bad row.

    Every invalid address and duplicate is reported as ``path:LINE: message``.
    """
    problems = Problems()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise WeeklyError.at(path, None, "recipient list not found") from None
    except UnicodeDecodeError as exc:
        raise WeeklyError.at(path, None, f"not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 0
    found: list[Recipient] = []
    first_seen: dict[str, int] = {}
    end = 0
    for row in reader:
        line, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, header_line = [cell.strip().lower() for cell in row], line
            if "email" not in header:
                problems.error(
                    "E301",
                    path,
                    line,
                    f"the header must name an 'email' column (found: {', '.join(row)})",
                )
                break
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=False))
        address, why = check_address(values.get("email", ""))
        if why:
            problems.error("E301", path, line, why)
        name = values.get("name", "")
        if not header_safe(name):
            problems.error("E301", path, line, "name contains a line break or control character")
            continue
        if not address:
            continue
        key = address.lower()
        if key in first_seen:
            problems.error(
                "E302",
                path,
                line,
                f"duplicate address {address} (first on line {first_seen[key]})",
            )
            continue
        first_seen[key] = line
        found.append(Recipient(address, name, line, values))
    if header is None:
        problems.error("E301", path, 1, "empty recipient list (expected a header 'email,name')")
    elif not found and not problems.errors:
        problems.error("E301", path, header_line, "no recipients below the header")
    problems.raise_if_errors()
    return found


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class MailSettings:
    """Sender-side settings: from the series, overridden by command-line options."""

    sender: Address
    reply_to: Address | None
    subject_template: str
    web_url: str
    unsubscribe_mailto: str
    unsubscribe_url: str
    figure: str | None = None


def parse_mailbox(value: str, what: str) -> Address:
    """Return ``Name <address>`` or ``address`` as an :class:`Address`; raise ValueError."""
    if not header_safe(value):
        raise ValueError(f"{what} contains a line break or control character")
    header = HeaderRegistry()("from", value)
    addresses = list(header.addresses)  # type: ignore[attr-defined]
    if len(addresses) != 1 or header.defects or not addresses[0].addr_spec:
        raise ValueError(f"{what}: invalid address '{value}' (expected 'Name <address>')")
    name = addresses[0].display_name
    checked, why = check_address(addresses[0].addr_spec)
    if why:
        raise ValueError(f"{what}: {why}")
    local, _, domain = checked.rpartition("@")
    return Address(display_name=name, username=local, domain=domain)


def _fields_used(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _fill(template: str, values: dict[str, str], what: str) -> str:
    unknown = sorted(_fields_used(template) - set(values))
    if unknown:
        known = ", ".join("{" + k + "}" for k in values)
        raise ValueError(f"{what}: unknown placeholder {{{unknown[0]}}} (known: {known})")
    try:
        return template.format_map(values)
    except (ValueError, IndexError) as exc:
        raise ValueError(f"{what}: {exc}") from None


def mail_settings(
    update: Update,
    sender: str | None = None,
    reply_to: str | None = None,
    web_url: str | None = None,
    figure: str | None = None,
) -> MailSettings:
    """Return the settings for ``update``: options first, then the series' fields."""
    series = update.edition.series
    where = display_path(update.edition.inputs / "series.yaml")
    problems: list[str] = []

    def mailbox(value: str, what: str) -> Address | None:
        try:
            return parse_mailbox(value, what)
        except ValueError as exc:
            problems.append(str(exc))
            return None

    from_text = sender if sender is not None else series.mail_from
    if not from_text:
        problems.append(
            f"no sender: give --from or set mail_from for series '{series.key}' in {where}"
        )
        from_address = None
    else:
        from_address = mailbox(from_text, "--from" if sender is not None else "mail_from")
    reply_text = reply_to if reply_to is not None else series.mail_reply_to
    reply_address = (
        mailbox(reply_text, "--reply-to" if reply_to is not None else "mail_reply_to")
        if reply_text
        else None
    )
    for name in ("mail_subject", "unsubscribe_mailto", "unsubscribe_url", "web_url"):
        if not header_safe(getattr(series, name)):
            problems.append(f"{name} of series '{series.key}' contains a line break")
    if series.unsubscribe_mailto and not series.unsubscribe_mailto.startswith("mailto:"):
        problems.append(f"unsubscribe_mailto of series '{series.key}' must start with mailto:")
    if series.unsubscribe_url and not series.unsubscribe_url.startswith("https://"):
        problems.append(f"unsubscribe_url of series '{series.key}' must start with https://")
    url_template = web_url if web_url is not None else series.web_url
    url = ""
    if url_template:
        if not header_safe(url_template):
            problems.append("--web-url contains a line break or control character")
        else:
            try:
                url = _fill(
                    url_template,
                    {"slug": update.slug, "date": update.edition.key},
                    "--web-url" if web_url is not None else "web_url",
                )
            except ValueError as exc:
                problems.append(str(exc))
        if url and not re.match(r"https?://", url):
            problems.append(f"web version link must start with https:// or http://, got '{url}'")
    if figure is not None and figure not in update.figures:
        placed = ", ".join(update.figures) or "none"
        problems.append(f"--figure: no figure '{figure}' placed in this edition (placed: {placed})")
    elif figure is not None:
        asset = update.figures[figure].asset
        if asset is None or asset.media_type not in MAIL_IMAGE_TYPES:
            kind = asset.media_type if asset else "missing"
            problems.append(
                f"--figure: figure '{figure}' is {kind}; mail clients show only PNG, JPEG or GIF"
            )
    if problems or from_address is None:
        raise WeeklyError([WeeklyError(p).problems[0] for p in problems])
    return MailSettings(
        sender=from_address,
        reply_to=reply_address,
        subject_template=series.mail_subject or "{title}",
        web_url=url,
        unsubscribe_mailto=series.unsubscribe_mailto,
        unsubscribe_url=series.unsubscribe_url,
        figure=figure,
    )


# --------------------------------------------------------------------------- content


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


def _inline_plain(tokens: list[Any]) -> str:
    from weekly.document import inline_text

    children = [c for t in tokens for c in (t.children or [])]
    return " ".join(inline_text(children).split())


def _lead_sentence(block: Any) -> str:
    """Return the bold lead judgment opening a paragraph, as plain text ("" if none)."""
    inline = next((t for t in block.tokens if t.type == "inline"), None)
    if inline is None:
        return ""
    out: list[str] = []
    depth = 0
    children = [c for c in inline.children or [] if c.type != "text" or c.content]
    if not children or children[0].type != "strong_open":
        return ""
    for child in children:
        if child.type == "strong_open":
            depth += 1
        elif child.type == "strong_close":
            depth -= 1
            if depth == 0 and out:
                break
        elif depth and child.type in ("text", "code_inline"):
            out.append(child.content)
    return " ".join("".join(out).split())


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / 1024 / 1024:.1f} MB"


def mail_context(update: Update, settings: MailSettings, pdf: bytes) -> MailContext:
    """Return the template context shared by every recipient of ``update``."""
    from weekly.html import page_context

    page = page_context(update, "")
    takeaways = [
        Teaser(region, text)
        for (region, _), text in zip(update.takeaway_tokens, update.takeaway_text, strict=False)
    ]
    takeaways = [Teaser(t.region, " ".join(t.text.split())) for t in takeaways]
    regions: list[Teaser] = []
    titled = [s for s in update.body.sections if s.title]
    if len(titled) > 1 and not any(t.region for t in takeaways):
        for section in titled:
            sentence = next(
                (
                    _lead_sentence(block)
                    for a in section.assessments
                    for block in a.all_blocks
                    if block.kind in ("lead", "paragraph") and _lead_sentence(block)
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
            alt=fig.spec.alt or fig.spec.title,
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
        cutoff=page.cutoff,
        notices=[_inline_plain(tokens) for tokens in update.notice_tokens],
        takeaway_label=page.takeaway_label,
        takeaways=takeaways,
        regions=regions,
        figure=figure,
        web_url=settings.web_url,
        pdf_name=f"{update.slug}.pdf",
        pdf_size=_size(len(pdf)),
        preheader=preheader,
        unsubscribe_url=settings.unsubscribe_url,
        unsubscribe_mailto=settings.unsubscribe_mailto,
    )


def mail_environment(extra: tuple[Path, ...] = ()) -> jinja2.Environment:
    """Return the mail templates' environment: HTML autoescaped, text not."""
    from weekly.html import templates_dir

    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(p)) for p in extra]
    loaders.append(jinja2.FileSystemLoader(str(templates_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
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


def unsubscribe_link(template: str, recipient: Recipient) -> str:
    """Return the one-click unsubscribe URL for ``recipient`` (``{email}`` filled in)."""
    return template.replace("{email}", quote(recipient.email, safe="@"))


def render_bodies(
    context: MailContext, recipient: Recipient, extra: tuple[Path, ...] = ()
) -> tuple[str, str]:
    """Return (plain text, HTML) of the message to ``recipient``."""
    personal = replace(
        context,
        recipient_name=recipient.name,
        recipient_email=recipient.email,
        unsubscribe_url=unsubscribe_link(context.unsubscribe_url, recipient),
    )
    env = mail_environment(extra)
    text = env.get_template("mail.txt").render(mail=personal)
    html = env.get_template("mail.html").render(mail=personal, cid=Markup(""))
    return text, inline_css(html)


# --------------------------------------------------------------------------- messages


@dataclass(frozen=True)
class Edition:
    """What every message of one edition shares."""

    update: Update
    settings: MailSettings
    context: MailContext
    subject: str
    pdf: bytes
    pdf_name: str

    @property
    def key(self) -> str:
        """Return ``2023-12-13``."""
        return self.update.edition.key

    @property
    def pdf_sha256(self) -> str:
        """Return the PDF's digest, recorded in the ledger."""
        return hashlib.sha256(self.pdf).hexdigest()


def subject_of(update: Update, template: str) -> str:
    """Return the subject line; raise :class:`WeeklyError` if it could inject a header."""
    edition = update.edition
    from weekly.apstyle import long_date

    values = {
        "title": update.title,
        "name": edition.series.name,
        "date": long_date(edition.date),
        "headline": edition.headline,
        "organization": edition.series.organization,
    }
    if not header_safe(edition.headline):
        raise WeeklyError.at(
            edition.path,
            edition.line("headline"),
            "headline contains a line break or control character; it cannot be a mail subject",
            "E002",
        )
    try:
        subject = _fill(template, values, f"mail_subject of series '{edition.series.key}'")
    except ValueError as exc:
        raise WeeklyError(str(exc)) from None
    if not header_safe(subject):
        raise WeeklyError("the mail subject contains a line break or control character")
    return subject


def prepare(update: Update, settings: MailSettings, pdf: bytes) -> Edition:
    """Return the shared parts of every message of ``update``."""
    return Edition(
        update=update,
        settings=settings,
        context=mail_context(update, settings, pdf),
        subject=subject_of(update, settings.subject_template),
        pdf=pdf,
        pdf_name=f"{update.slug}.pdf",
    )


def message_id(edition: Edition, recipient: Recipient) -> str:
    """Return a Message-ID that is the same for the same edition and recipient."""
    seed = f"{edition.key}\0{edition.update.slug}\0{recipient.email.lower()}"
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"<weekly.{edition.key}.{digest}@{edition.settings.sender.domain}>"


def build_message(
    edition: Edition, recipient: Recipient, now: dt.datetime | None = None
) -> tuple[EmailMessage, int]:
    """Return the message to ``recipient`` and the size of its HTML body in bytes."""
    settings = edition.settings
    text, html = render_bodies(edition.context, recipient, edition.update.template_dirs)
    msg = EmailMessage(policy=FILE_POLICY)
    msg["From"] = settings.sender
    msg["To"] = recipient.address
    if settings.reply_to is not None:
        msg["Reply-To"] = settings.reply_to
    msg["Subject"] = edition.subject
    msg["Date"] = email.utils.format_datetime(now or dt.datetime.now(dt.UTC).astimezone())
    msg["Message-ID"] = message_id(edition, recipient)
    series = edition.update.edition.series
    msg["Organization"] = series.organization
    msg["List-Id"] = f"{series.name} <{series.key}.{settings.sender.domain}>"
    links = []
    if settings.unsubscribe_mailto:
        links.append(f"<{settings.unsubscribe_mailto}>")
    if settings.unsubscribe_url:
        links.append(f"<{unsubscribe_link(settings.unsubscribe_url, recipient)}>")
    if links:
        msg["List-Unsubscribe"] = ", ".join(links)
    if settings.unsubscribe_url:
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
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


def eml_name(index: int, recipient: Recipient) -> str:
    """Return ``001-jane-example-com.eml``."""
    stem = re.sub(r"[^a-z0-9]+", "-", recipient.email.lower()).strip("-")
    return f"{index:03d}-{stem}.eml"


# --------------------------------------------------------------------------- the PDF


def edition_pdf(update: Update, output: Path) -> tuple[Path, bytes, list[Path]]:
    """Return the PDF of ``update`` from ``output/DATE/`` when up to date, else render it.

    Up to date means: the HTML beside it is byte for byte what the inputs give now, its
    figures are unchanged, and the PDF was written with or after that HTML. Otherwise the
    edition is rendered (HTML, PDF and figures, atomically) exactly as ``weekly render``.
    Returns (pdf path, pdf bytes, files written).
    """
    from weekly.build import edition_files
    from weekly.html import render_html
    from weekly.output import write_atomically

    folder = output / update.edition.key
    pdf_path = folder / f"{update.slug}.pdf"
    html_path = folder / f"{update.slug}.html"
    fresh = False
    if pdf_path.is_file() and html_path.is_file():
        assets = [f.asset for f in update.figures.values() if f.asset is not None]
        fresh = (
            html_path.read_bytes() == render_html(update).encode("utf-8")
            and all(
                (folder / a.name).is_file() and (folder / a.name).read_bytes() == a.data
                for a in assets
            )
            and pdf_path.stat().st_mtime_ns >= html_path.stat().st_mtime_ns
        )
    if fresh:
        return pdf_path, pdf_path.read_bytes(), []
    files = edition_files(update, ("html", "pdf"))
    written = write_atomically(folder, files)
    return pdf_path, files[pdf_path.name], written


# --------------------------------------------------------------------------- plan


@dataclass
class Plan:
    """Who gets a message this run, and who does not and why."""

    send: list[Recipient]
    already: list[Recipient]
    uncertain: list[Recipient]


def plan(
    recipients: list[Recipient], ledger: Ledger, resend: bool, only: Iterable[str] = ()
) -> Plan:
    """Split ``recipients`` by the ledger: to send, already delivered, delivery unknown."""
    chosen = {o.lower() for o in only}
    result = Plan([], [], [])
    for recipient in recipients:
        if chosen and recipient.email.lower() not in chosen:
            continue
        state = ledger.state(recipient.email)
        if resend:
            result.send.append(recipient)
        elif state.sent:
            result.already.append(recipient)
        elif state.uncertain:
            result.uncertain.append(recipient)
        else:
            result.send.append(recipient)
    return result


def check_only(recipients: list[Recipient], only: Iterable[str], path: Path) -> None:
    """Raise when an ``--only`` address is not on the list."""
    known = {r.email.lower() for r in recipients}
    missing = [o for o in only if check_address(o)[0].lower() not in known]
    if missing:
        raise WeeklyError(
            [
                WeeklyError(f"--only: {m} is not in {display_path(path)}").problems[0]
                for m in missing
            ]
        )


def write_drafts(
    edition: Edition, recipients: list[Recipient], folder: Path
) -> tuple[list[Path], int]:
    """Write one ``.eml`` per recipient under ``folder``; return the paths and largest HTML."""
    from weekly.output import write_atomically

    files: dict[str, bytes] = {}
    largest = 0
    now = dt.datetime.now(dt.UTC).astimezone()
    for index, recipient in enumerate(recipients, 1):
        msg, html_size = build_message(edition, recipient, now)
        largest = max(largest, html_size)
        files[eml_name(index, recipient)] = msg.as_bytes(policy=FILE_POLICY)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.eml"):
        if stale.name not in files:
            stale.unlink()
    return write_atomically(folder, files), largest


# --------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect. The password never appears in ``repr``."""

    host: str
    port: int
    security: str
    user: str = ""
    password: str = field(default="", repr=False)
    ca_file: Path | None = None
    timeout: float = 60.0

    def redact(self, text: str) -> str:
        """Return ``text`` with the password (should a server echo it) masked."""
        return text.replace(self.password, "********") if self.password else text


class Transient(Exception):
    """The server said 4xx or the connection broke before the message was handed over."""

    def __init__(self, detail: str, reconnect: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reconnect = reconnect


class Permanent(Exception):
    """The server refused this recipient or message for good (5xx)."""


class Uncertain(Exception):
    """The connection broke after the message was handed over and before the reply."""


class Fatal(Exception):
    """The batch cannot go on: TLS, login or configuration failure."""


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Connection:
    """One SMTP connection, opened on demand and reused for the whole batch."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        ca = self.settings.ca_file
        try:
            context = ssl.create_default_context()  # the system's CAs ...
            if ca:
                context.load_verify_locations(cafile=str(ca))  # ... and this one
            return context
        except (OSError, ssl.SSLError) as exc:
            raise Fatal(f"cannot read the CA file {ca}: {exc}") from None

    def open(self) -> smtplib.SMTP:
        """Return the open connection, connecting (TLS, login) when needed."""
        if self.smtp is not None:
            return self.smtp
        s = self.settings
        where = f"{s.host}:{s.port}"
        if s.user and s.security == "none" and not _is_loopback(s.host):
            raise Fatal(
                f"refusing to send the SMTP password unencrypted to {where}; "
                "use --smtp-security starttls or ssl"
            )
        try:
            smtp: smtplib.SMTP
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            smtp.ehlo()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise Fatal(f"{where} does not offer STARTTLS (try --smtp-security ssl)")
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if s.user:
                self._login(smtp)
        except ssl.SSLCertVerificationError as exc:
            raise Fatal(
                f"TLS certificate of {where} not trusted: {exc.verify_message}"
                " (use --ca-file to trust a private CA)"
            ) from None
        except ssl.SSLError as exc:
            raise Fatal(f"TLS with {where} failed: {s.redact(str(exc))}") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise Fatal(
                f"login as {s.user} refused by {where}: {s.redact(_reply(exc.smtp_code, exc.smtp_error))}"
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise Fatal(f"{where} does not offer login (AUTH)") from None
        except smtplib.SMTPConnectError as exc:
            detail = _reply(exc.smtp_code, exc.smtp_error)
            if 400 <= exc.smtp_code < 500:
                raise Transient(f"{where}: {detail}", reconnect=True) from None
            raise Fatal(f"{where} refused the connection: {detail}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise Transient(
                f"cannot connect to {where}: {s.redact(str(exc)) or type(exc).__name__}",
                reconnect=True,
            ) from None
        self.smtp = smtp
        return smtp

    def _login(self, smtp: smtplib.SMTP) -> None:
        """Log in with one mechanism the server offers (PLAIN, LOGIN or CRAM-MD5).

        Unlike :meth:`smtplib.SMTP.login`, a refused password is not tried again with the
        next mechanism: one failure is one failure.
        """
        if not smtp.has_extn("auth"):
            raise smtplib.SMTPNotSupportedError("AUTH not offered")
        offered = smtp.esmtp_features["auth"].upper().split()
        smtp.user, smtp.password = self.settings.user, self.settings.password
        if "PLAIN" in offered:
            smtp.auth("PLAIN", smtp.auth_plain)
        elif "LOGIN" in offered:
            smtp.auth("LOGIN", smtp.auth_login)
        elif "CRAM-MD5" in offered:
            smtp.auth("CRAM-MD5", smtp.auth_cram_md5)
        else:
            raise smtplib.SMTPNotSupportedError("no supported AUTH mechanism")

    def close(self) -> None:
        """Say goodbye if the server still listens; forget the connection."""
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _check(self, code: int, reply: bytes, ok: tuple[int, ...]) -> None:
        if code in ok:
            return
        detail = self.settings.redact(_reply(code, reply))
        if code == 421 or code == -1:
            raise Transient(detail, reconnect=True)
        if 400 <= code < 500:
            raise Transient(detail)
        raise Permanent(detail)

    def transmit(self, sender: str, rcpt: str, data: bytes, before_body: Callable[[], None]) -> str:
        """Deliver ``data`` to ``rcpt``; return the server's reply.

        ``before_body`` runs once the server is ready for the message (it writes the
        ledger's ``attempt`` record). A broken connection before that point means the
        message was not delivered; after it, delivery is unknown (:class:`Uncertain`).
        """
        smtp = self.open()
        handed_over = False
        try:
            code, reply = smtp.mail(sender)
            self._check(code, reply, (250,))
            code, reply = smtp.rcpt(rcpt)
            self._check(code, reply, (250, 251))
            code, reply = smtp.docmd("DATA")
            self._check(code, reply, (354,))
            payload = re.sub(rb"(?m)^\.", b"..", data)
            if not payload.endswith(b"\r\n"):
                payload += b"\r\n"
            before_body()
            smtp.send(payload + b".\r\n")
            handed_over = True
            code, reply = smtp.getreply()
            self._check(code, reply, (250,))
            return _reply(code, reply)
        except (Transient, Permanent) as exc:
            if isinstance(exc, Transient) and exc.reconnect:
                self.close()
            else:
                self._reset()
            raise
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            detail = self.settings.redact(str(exc)) or type(exc).__name__
            if handed_over:
                raise Uncertain(f"connection lost before the server confirmed: {detail}") from None
            raise Transient(f"connection lost: {detail}", reconnect=True) from None

    def _reset(self) -> None:
        if self.smtp is None:
            return
        try:
            code, _ = self.smtp.rset()
            if code != 250:
                self.close()
        except (smtplib.SMTPException, OSError):
            self.close()


# --------------------------------------------------------------------------- delivery


@dataclass(frozen=True)
class Outcome:
    """What happened to one recipient in this run."""

    recipient: Recipient
    status: str
    detail: str = ""


@dataclass
class Delivery:
    """Knobs of a sending run."""

    retries: int = 3
    retry_delay: float = 2.0
    #: Messages per second at most (0: no limit).
    rate: float = 0.0


class Stop:
    """A flag the command line sets on SIGINT/SIGTERM: finish the current message, then stop."""

    def __init__(self) -> None:
        self.requested = False


def deliver(
    edition: Edition,
    recipients: list[Recipient],
    smtp: SmtpSettings,
    ledger: Ledger,
    options: Delivery,
    stop: Stop | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Outcome]:
    """Send to ``recipients`` over one reused connection; record each outcome in ``ledger``.

    Returns one outcome per recipient: ``sent``, ``failed`` (5xx), ``deferred`` (4xx or a
    broken connection, retries used up), ``uncertain`` (connection lost after the handover)
    or ``skipped`` (the run stopped before it: fatal error or interrupt).
    """
    outcomes: list[Outcome] = []
    connection = Connection(smtp)
    sender = edition.settings.sender.addr_spec
    last_send = 0.0
    halted = ""
    now = dt.datetime.now(dt.UTC).astimezone()

    def record(recipient: Recipient, status: str, detail: str, mid: str) -> None:
        ledger.append(
            edition=edition.key,
            slug=edition.update.slug,
            email=recipient.email,
            status=status,
            message_id=mid,
            pdf_sha256=edition.pdf_sha256,
            detail=detail,
        )

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    try:
        for recipient in recipients:
            if not halted and stop is not None and stop.requested:
                halted = "interrupted"
            if halted:
                done(Outcome(recipient, "skipped", halted))
                continue
            msg, _ = build_message(edition, recipient, now)
            data = msg.as_bytes(policy=SMTP_POLICY)
            mid = str(msg["Message-ID"])
            attempt = 0
            while True:
                if options.rate > 0:
                    wait = last_send + 1.0 / options.rate - time.monotonic()
                    if wait > 0:
                        sleep(wait)
                last_send = time.monotonic()
                try:
                    reply = connection.transmit(
                        sender,
                        recipient.email,
                        data,
                        functools.partial(record, recipient, ATTEMPT, "", mid),
                    )
                except Transient as exc:
                    attempt += 1
                    if attempt <= options.retries:
                        sleep(min(options.retry_delay * 2 ** (attempt - 1), 300.0))
                        if stop is not None and stop.requested:
                            halted = "interrupted"
                        else:
                            continue
                    record(recipient, DEFERRED, exc.detail, mid)
                    done(Outcome(recipient, "deferred", exc.detail))
                    if exc.reconnect and not halted:
                        halted = f"not tried: the server could not be reached ({exc.detail})"
                    break
                except Permanent as exc:
                    record(recipient, FAILED, str(exc), mid)
                    done(Outcome(recipient, "failed", str(exc)))
                    break
                except Uncertain as exc:
                    record(recipient, UNCERTAIN, str(exc), mid)
                    done(Outcome(recipient, "uncertain", str(exc)))
                    break
                except Fatal as exc:
                    halted = str(exc)
                    done(Outcome(recipient, "skipped", halted))
                    break
                record(recipient, SENT, reply, mid)
                done(Outcome(recipient, "sent", reply))
                break
    finally:
        connection.close()
    return outcomes


# --------------------------------------------------------------------------- the command


def _echo(text: str = "", err: bool = False) -> None:
    import click

    click.echo(text, err=err)


def smtp_settings(options: dict[str, Any], environ: dict[str, str]) -> SmtpSettings:
    """Return the SMTP settings from the options; the password from the environment only."""
    security = options["smtp_security"]
    user = options["smtp_user"] or ""
    password = environ.get("WEEKLY_SMTP_PASSWORD", "")
    if user and not password:
        raise WeeklyError(f"WEEKLY_SMTP_PASSWORD is not set (needed to log in as {user})")
    for name in ("smtp_host", "smtp_user"):
        if not header_safe(str(options[name] or "")):
            raise WeeklyError(f"--{name.replace('_', '-')} contains a control character")
    return SmtpSettings(
        host=options["smtp_host"],
        port=options["smtp_port"] or DEFAULT_PORTS[security],
        security=security,
        user=user,
        password=password if user else "",
        ca_file=options["ca_file"],
        timeout=options["timeout"],
    )


def _where(to: Path, recipient: Recipient) -> str:
    return f"{display_path(to)}:{recipient.line}: {recipient.email}"


def run(cutoff: str, to: Path, inputs: Path, output: Path, options: dict[str, Any]) -> int:
    """Carry out ``weekly email``; return the exit status (input errors raise)."""
    import os

    from weekly.build import load_checked
    from weekly.cli import report
    from weekly.ledger import LockedError, sending_lock

    recipients = read_recipients(to)
    only = tuple(options["only"])
    if only:
        check_only(recipients, only, to)
        chosen = {check_address(o)[0].lower() for o in only}
        recipients = [r for r in recipients if r.email.lower() in chosen]
    smtp = smtp_settings(options, dict(os.environ)) if options["send"] else None
    update = load_checked(inputs, cutoff)
    settings = mail_settings(
        update, options["sender"], options["reply_to"], options["web_url"], options["figure"]
    )
    report(update.problems.warnings, with_level=True)
    pdf_path, pdf, written = edition_pdf(update, output)
    if written:
        _echo(f"rendered {display_path(pdf_path)}")
    edition = prepare(update, settings, pdf)
    folder = output / update.edition.key / "mail"
    if smtp is None:
        return _dry_run(edition, recipients, folder, pdf_path, options["resend"], only)

    try:
        with sending_lock(folder):
            return _send(edition, recipients, folder, smtp, options, to, only)
    except LockedError as exc:
        holder = f", pid {exc.args[0]}" if exc.args and exc.args[0] else ""
        _echo(
            f"weekly: another 'weekly email --send' is sending {edition.key} "
            f"(lock {display_path(folder / '.lock')} held{holder}); nothing sent",
            err=True,
        )
        return 3


def _dry_run(
    edition: Edition,
    recipients: list[Recipient],
    folder: Path,
    pdf_path: Path,
    resend: bool,
    only: tuple[str, ...],
) -> int:
    paths, largest = write_drafts(edition, recipients, folder)
    chosen = plan(recipients, Ledger.read(folder), resend, only)
    _echo(
        f"wrote {len(paths)} message{'s' if len(paths) != 1 else ''} to "
        f"{display_path(folder)}/ (dry run: nothing sent)"
    )
    _echo(f"  Subject: {edition.subject}")
    _echo(f"  From: {edition.settings.sender}")
    if edition.settings.reply_to is not None:
        _echo(f"  Reply-To: {edition.settings.reply_to}")
    _echo(f"  Attachment: {edition.pdf_name} ({_size(len(edition.pdf))})")
    _echo(f"  HTML body: {_size(largest)}")
    _echo(f"  Web version: {edition.settings.web_url or '(none: no web_url or --web-url)'}")
    _echo(
        f"with --send{' --resend' if resend else ''}: {len(chosen.send)} to send, "
        f"{len(chosen.already)} already delivered, {len(chosen.uncertain)} delivery unknown"
    )
    if largest > HTML_LIMIT:
        _echo(
            f"warning: the HTML body is {_size(largest)}; Gmail clips messages over 102 KB",
            err=True,
        )
    return 0


def _send(
    edition: Edition,
    recipients: list[Recipient],
    folder: Path,
    smtp: SmtpSettings,
    options: dict[str, Any],
    to: Path,
    only: tuple[str, ...],
) -> int:
    import signal

    from tqdm import tqdm

    ledger = Ledger.read(folder)
    chosen = plan(recipients, ledger, options["resend"], only)
    for recipient in chosen.uncertain:
        _echo(
            f"{_where(to, recipient)}: delivery unknown (a run stopped while the server had the"
            " message); not sent again: check, then use --resend --only ADDRESS",
            err=True,
        )
    stop = Stop()
    previous: dict[signal.Signals, Any] = {}

    def request_stop(signum: int, frame: Any) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.requested = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, request_stop)
    bar = tqdm(
        total=len(chosen.send), unit="msg", desc="sending", file=__import__("sys").stderr,
        disable=None, leave=False,
    )  # fmt: skip
    try:
        outcomes = deliver(
            edition,
            chosen.send,
            smtp,
            ledger,
            Delivery(options["retries"], options["retry_delay"], options["rate"]),
            stop,
            on_outcome=lambda outcome: bar.update(1),
        )
    finally:
        bar.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sent = [o for o in outcomes if o.status == "sent"]
    missed = [o for o in outcomes if o.status != "sent"]
    labels = {
        "failed": "not delivered (permanent)",
        "deferred": "not delivered (temporary; a rerun tries again)",
        "uncertain": "delivery unknown (not sent again without --resend)",
        "skipped": "not tried",
    }
    for outcome in missed:
        _echo(
            f"{_where(to, outcome.recipient)}: {labels[outcome.status]}: {outcome.detail}", err=True
        )
    _echo(
        f"sent {len(sent)} of {len(chosen.send)} message{'s' if len(chosen.send) != 1 else ''}"
        f" for {edition.key} ({edition.pdf_name}); {len(chosen.already)} already delivered"
        f"{f', {len(chosen.uncertain)} delivery unknown' if chosen.uncertain else ''}"
    )
    if stop.requested:
        _echo("weekly: interrupted; rerun to send to the rest", err=True)
    undelivered = len(missed) + len(chosen.uncertain)
    if undelivered:
        _echo(
            f"weekly: {undelivered} recipient{'s' if undelivered != 1 else ''} not delivered",
            err=True,
        )
        return 1
    return 0
