"""``weekly unsubscribe``: turn a signed unsubscribe token back into an address and suppress it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from weekly.cli.options import handled, inputs_option, state_option


@click.command()
@click.argument("token")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The subscriber list the token's link was sent to (CSV, as for weekly email).",
)
@inputs_option
@state_option
@click.option(
    "--suppressions",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The suppression list to add the address to (default: STATE/suppressed.txt).",
)
def unsubscribe(
    token: str, to: Path, inputs: Path, state: Path | None, suppressions: Path | None
) -> None:
    """Add the recipient whose unsubscribe TOKEN this is to the suppression list.

    TOKEN is the {token} of a series' unsubscribe_url, signed with the secret in
    WEEKLY_UNSUBSCRIBE_SECRET; it is matched against every address of the list (a
    signature cannot be reversed). weekly email skips suppressed addresses from then on.
    Exit status: 0 added (or already there), 2 a token of no one on the list, or bad input.
    """
    import os

    from weekly.errors import WeeklyError, display_path
    from weekly.mail.recipients import read_recipients
    from weekly.mail.unsubscribe import SECRET_ENV, owner, secret_of, suppress
    from weekly.state import ensure, state_dir, suppression_path

    with handled("nobody unsubscribed"):
        secret = secret_of(os.environ)
        if not secret:
            raise WeeklyError(f"{SECRET_ENV} is not set: tokens cannot be checked without it")
        recipients = read_recipients(to)
        found = owner(token, recipients, secret)
        if found is None:
            raise WeeklyError(
                f"{display_path(to)}: the token is not that of anyone on the list (mistyped, "
                "altered, signed with another secret, or the address has left the list)"
            )
        if suppressions is None:
            suppressions = suppression_path(ensure(state_dir(inputs, state)))
        added = suppress(suppressions, found.email)
    where = display_path(suppressions)
    if added:
        click.echo(f"unsubscribed {found.email}: added to {where}")
    else:
        click.echo(f"{found.email} was already unsubscribed (in {where})")
    sys.exit(0)
