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
    except (ValueError, IndexError, TypeError):
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
