"""The README documents every command and every option the command line has."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from weekly.cli import main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def command_section(name: str) -> str:
    match = re.search(rf"^### `weekly {name}`.*?(?=^### |^## )", README, re.S | re.M)
    assert match, f"README has no '### `weekly {name}`' section"
    return match.group(0)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_is_documented_in_its_section(name: str) -> None:
    section = command_section(name)
    command = main.commands[name]
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            long = max(param.opts, key=len)
            assert f"`{long}" in section, f"weekly {name} {long} is not documented"


def test_quick_start_has_exactly_the_two_commands() -> None:
    quick = re.search(r"^## Quick start\n(.*?)^## ", README, re.S | re.M).group(1)
    commands = re.findall(r"^```sh\n(.*?)```", quick, re.S | re.M)
    lines = [line.split("#")[0].strip() for block in commands for line in block.splitlines()]
    assert [line for line in lines if line] == ["make demo", "make test"]
