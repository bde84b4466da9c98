"""Kill ``weekly`` at its Nth file-system step of publishing, for the tests that an edition is
always either the old one or the new one.

Each run is a real process killed with SIGKILL, as a power cut or the OOM killer would: no
``finally``, no clean-up. So that a test can afford one run per step, the runs are forked from
a warm process (the *zygote*, one per test process) that has imported ``weekly`` and what its
commands import, instead of starting a fresh interpreter each time: the zygote runs no thread,
so forking it is safe, and a run costs the command's own work and no start-up. The zygote
ends with the test process (its standard input reaches its end).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from support import SRC

#: The zygote: reads one JSON request a line, forks a run for it, answers one JSON line.
_ZYGOTE = r"""
import json, os, signal, sys, traceback
from pathlib import Path

import weekly.files as publish
from weekly.cli import main
import weekly.pipeline, weekly.site.archive, weekly.authoring.edition  # noqa: F401  warm
import matplotlib.figure, matplotlib.patches, matplotlib.backends.backend_agg  # noqa: F401  cards

COUNTED_ALWAYS = ("rename", "link", "symlink", "chmod", "replace", "rmtree")


class Counted:
    def __init__(self, real, names, step):
        self.real, self.names, self.step = real, names, step

    def __getattr__(self, name):
        value = getattr(self.real, name)
        if name in self.names:
            def counted(*args, **kwargs):
                self.step()
                return value(*args, **kwargs)
            return counted
        return value


def run(request, tell):
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        quiet = os.open(os.devnull, os.O_WRONLY)
        errors = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(quiet, 1)  # the zygote's stdout carries its answers: a run never writes there
        os.dup2(errors, 2)
        limit, names = request["limit"], (*COUNTED_ALWAYS, *request["counted"])

        def step():
            os.write(tell, b".")  # one byte a step: the count survives the kill
            if len(steps) + 1 == limit:
                os.kill(os.getpid(), signal.SIGKILL)
            steps.append(1)

        steps = []
        import os as real_os, shutil as real_shutil
        publish.os = Counted(real_os, names, step)
        publish.shutil = Counted(real_shutil, names, step)
        real_exchange, real_write = publish._exchange, Path.write_bytes

        def exchange(a, b):
            step()
            return real_exchange(a, b)

        def write_bytes(self, data):
            step()
            return real_write(self, data)

        publish._exchange = exchange
        Path.write_bytes = write_bytes
        try:
            main(request["args"], standalone_mode=False)
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)


for line in sys.stdin:
    request = json.loads(line)
    read, tell = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        run(request, tell)
    os.close(tell)
    count = 0
    while chunk := os.read(read, 4096):
        count += len(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"returncode": os.waitstatus_to_exitcode(status), "steps": count}),
          flush=True)
"""


@dataclass(frozen=True)
class Killed:
    """How a run ended: ``returncode`` (-9 when killed), the ``steps`` it took, its stderr."""

    returncode: int
    steps: int
    stderr: str


_zygote: subprocess.Popen[str] | None = None


def _started() -> subprocess.Popen[str]:
    global _zygote
    if _zygote is None or _zygote.poll() is not None:
        environment = {**os.environ, "PYTHONPATH": str(SRC)}
        _zygote = subprocess.Popen(
            [sys.executable, "-c", _ZYGOTE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        atexit.register(_zygote.kill)
    return _zygote


def killed(
    root: Path,
    args: list[str],
    limit: int,
    counted: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Killed:
    """Run ``weekly ARGS`` in ``root`` in a process that kills itself at the ``limit``-th
    rename, link, chmod, exchange, file write or removed tree of :mod:`weekly.files` (and at
    the ``counted`` calls of ``os`` besides); ``limit`` 0 never kills. ``env`` replaces the
    environment (default: this process's, with this checkout's ``src`` first)."""
    zygote = _started()
    assert zygote.stdin is not None and zygote.stdout is not None
    environment = env if env is not None else {**os.environ, "PYTHONPATH": str(SRC)}
    with tempfile.NamedTemporaryFile("r", encoding="utf-8", suffix=".stderr") as stderr:
        request = {
            "cwd": str(root),
            "args": args,
            "limit": limit,
            "counted": list(counted),
            "env": environment,
            "stderr": stderr.name,
        }
        zygote.stdin.write(json.dumps(request) + "\n")
        zygote.stdin.flush()
        line = zygote.stdout.readline()
        if not line:
            raise RuntimeError(f"the zygote ended ({zygote.wait()}): see its stderr above")
        answer = json.loads(line)
        return Killed(answer["returncode"], answer["steps"], stderr.read())
