"""A script that kills ``weekly`` at its Nth file-system step of publishing, for the tests
that an edition is always either the old one or the new one."""

from __future__ import annotations

import json

_SCRIPT = """
import os, shutil, signal, sys
from pathlib import Path
import weekly.files as publish

COUNTED = @COUNTED@
limit = int(sys.argv[1])
count = [0]

def step():
    count[0] += 1
    if count[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)

class Counted:
    def __init__(self, real):
        self.real = real
    def __getattr__(self, name):
        value = getattr(self.real, name)
        if name in COUNTED:
            def counted(*args, **kwargs):
                step()
                return value(*args, **kwargs)
            return counted
        return value

publish.os = Counted(os)
publish.shutil = Counted(shutil)
real_exchange, real_write = publish._exchange, Path.write_bytes
def exchange(a, b):
    step()
    return real_exchange(a, b)
def write_bytes(self, data):
    step()
    return real_write(self, data)
publish._exchange = exchange
Path.write_bytes = write_bytes

from weekly.cli import main
try:
    main(@ARGS@, standalone_mode=False)
finally:
    print("steps", count[0])
"""


def crasher(args: list[str], counted: tuple[str, ...] = ()) -> str:
    """Return a script (``python -c SCRIPT N``) that runs ``weekly ARGS`` and kills itself at
    the Nth rename, link, chmod, exchange, file write or removed tree of :mod:`weekly.files`
    (and at the ``counted`` calls of ``os`` besides); it prints the steps taken."""
    names = ("rename", "link", "symlink", "chmod", "replace", "rmtree", *counted)
    return _SCRIPT.replace("@COUNTED@", repr(names)).replace("@ARGS@", json.dumps(args))


#: ``python -c CRASHER N``: ``weekly render`` of 2023-12-13, killed at its Nth step.
CRASHER = crasher(["render", "--cutoff", "2023-12-13", "--format", "html"])
