"""A script that kills ``weekly`` at its Nth file-system step of publishing, for the tests
that an edition is always either the old one or the new one."""

from __future__ import annotations

#: ``python -c CRASHER N`` renders 2023-12-13 and kills itself at the Nth rename, link,
#: chmod, exchange or file write of :mod:`weekly.files`; it prints the steps taken.
CRASHER = """
import os, shutil, signal, sys
from pathlib import Path
import weekly.files as publish

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
        if name in ("rename", "link", "symlink", "chmod", "replace") or name == "rmtree":
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
    main(["render", "--cutoff", "2023-12-13", "--format", "html"], standalone_mode=False)
finally:
    print("steps", count[0])
"""
