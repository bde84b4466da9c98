"""Settle who an edition's mail is from and what it links to: options first, then the series.

Every setting is checked before a message is built: a sender that is not one mailbox, a
subject that could inject a header, or a link that is not https is an error.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address, HeaderRegistry

from weekly.errors import WeeklyError, did_you_mean, display_path
from weekly.mail.recipients import check_address, header_safe
from weekly.resolve.update import Update

#: Image types mail clients show inline.
MAIL_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif"}


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
    #: The secret ``{token}`` links are signed with (``WEEKLY_UNSUBSCRIBE_SECRET``).
    unsubscribe_secret: bytes = field(default=b"", repr=False)


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


def _fill(template: str, values: dict[str, str], what: str) -> str:
    """Return ``template`` with its ``{placeholders}`` filled; raise ValueError."""
    used = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    unknown = sorted(used - set(values))
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
    environ: Mapping[str, str] | None = None,
) -> MailSettings:
    """Return the settings for ``update``: options first, then the series' fields.

    An ``unsubscribe_url`` with ``{token}`` needs the secret in ``environ`` (default: the
    process environment), ``WEEKLY_UNSUBSCRIBE_SECRET``.
    """
    from weekly.mail.unsubscribe import SECRET_ENV, TOKEN, secret_of

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
    for name in (
        "name",
        "organization",
        "mail_subject",
        "unsubscribe_mailto",
        "unsubscribe_url",
        "web_url",
    ):
        if not header_safe(getattr(series, name)):
            problems.append(f"{name} of series '{series.key}' contains a line break")
    if series.unsubscribe_mailto and not series.unsubscribe_mailto.startswith("mailto:"):
        problems.append(f"unsubscribe_mailto of series '{series.key}' must start with mailto:")
    if series.unsubscribe_url and not series.unsubscribe_url.startswith("https://"):
        problems.append(f"unsubscribe_url of series '{series.key}' must start with https://")
    secret = secret_of(os.environ if environ is None else environ)
    if TOKEN in series.unsubscribe_url and not secret:
        problems.append(
            f"unsubscribe_url of series '{series.key}' uses {TOKEN}: set {SECRET_ENV} to the "
            "secret its links are signed with"
        )
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
        hint = did_you_mean(figure, update.figures)
        problems.append(
            f"--figure: no figure '{figure}' placed in this edition (placed: {placed}){hint}"
        )
    elif figure is not None:
        asset = update.figures[figure].asset
        if asset is None or asset.media_type not in MAIL_IMAGE_TYPES:
            kind = asset.media_type if asset else "missing"
            problems.append(
                f"--figure: figure '{figure}' is {kind}; mail clients show only PNG, JPEG or GIF"
            )
    if problems or from_address is None:
        raise WeeklyError.many(problems)
    return MailSettings(
        sender=from_address,
        reply_to=reply_address,
        subject_template=series.mail_subject or "{title}",
        web_url=url,
        unsubscribe_mailto=series.unsubscribe_mailto,
        unsubscribe_url=series.unsubscribe_url,
        figure=figure,
        unsubscribe_secret=secret if TOKEN in series.unsubscribe_url else b"",
    )


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
