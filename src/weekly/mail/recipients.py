"""Read the subscriber list: one checked, de-duplicated recipient per row of recipients.csv."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path

from weekly.errors import Problems, WeeklyError

#: Any control character (CR and LF above all) would let a value break out of its header.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Recipient:
    """One subscriber: the address (normalised), the name and the line it came from."""

    email: str
    name: str
    line: int
    #: The row's cells (stripped) and the header naming them, one tuple shared by the list.
    row: tuple[str, ...] = field(default=(), compare=False)
    header: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def fields(self) -> dict[str, str]:
        """Return every column of the row, by lower-case header name."""
        return dict(zip(self.header, self.row, strict=False))

    @property
    def address(self) -> Address:
        """Return the ``To`` address (display name and address)."""
        local, _, domain = self.email.rpartition("@")
        return Address(display_name=self.name, username=local, domain=domain)


def header_safe(value: str) -> bool:
    """Return True when ``value`` cannot add a header line, read raw or decoded.

    A control character (CR and LF above all) breaks out of a header; so does one hidden in an
    RFC 2047 encoded-word (``=?utf-8?q?Jane=0D=0AReply-To=3A_…?=``), which the email package
    decodes into real header lines. Both forms are checked.
    """
    return not CONTROL.search(value) and not CONTROL.search(decoded_header(value))


def decoded_header(value: str) -> str:
    """Return ``value`` with any RFC 2047 encoded-words decoded (as a mail reader shows it)."""
    if "=?" not in value:
        return value
    from email.errors import HeaderParseError
    from email.header import decode_header, make_header

    try:
        return str(make_header(decode_header(value)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError):
        return "\x00"  # undecodable: treat as unsafe rather than guess


def check_address(text: str) -> tuple[str, str]:
    """Return (normalised address, "") or ("", why it is invalid).

    Syntax is checked by email-validator (no DNS look-up: nothing leaves the machine); the
    domain is lower-cased and put in its ASCII (IDNA) form, the local part kept as written.
    """
    from email_validator import EmailNotValidError, validate_email

    text = text.strip()
    if not text:
        return "", "missing email address"
    if not header_safe(text):
        return "", "email address contains a line break or control character"
    try:
        result = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        reason = re.sub(r"\. (\w)", lambda m: "; " + m[1].lower(), str(exc).rstrip("."))
        if "SMTPUTF8" in reason or "internationalized" in reason.lower():
            reason = "a non-ASCII local part is not supported"
        return "", f"invalid email address '{text}' ({reason[:1].lower()}{reason[1:]})"
    if result.ascii_email is None:
        return "", f"invalid email address '{text}' (a non-ASCII local part is not supported)"
    return result.ascii_email, ""


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Return the CSV dialect of the list: commas, or the semicolons (or tabs) Excel writes
    in many locales. Judged on the header line, which names an ``email`` column."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


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
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header: tuple[str, ...] | None = None
    header_line = 0
    found: list[Recipient] = []
    first_seen: dict[str, int] = {}
    end = 0
    for row in reader:
        line, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, header_line = tuple(cell.strip().lower() for cell in row), line
            if "email" not in header:
                problems.error(
                    "E301",
                    path,
                    line,
                    f"the header must name an 'email' column (found: {', '.join(row)})",
                )
                break
            continue
        cells = tuple(cell.strip() for cell in row)
        values = dict(zip(header, cells, strict=False))
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
        found.append(Recipient(address, name, line, cells, header))
    if header is None:
        problems.error("E301", path, 1, "empty recipient list (expected a header 'email,name')")
    elif not found and not problems.errors:
        problems.error("E301", path, header_line, "no recipients below the header")
    problems.raise_if_errors()
    return found
