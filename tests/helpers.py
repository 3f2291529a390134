"""Helpers every test folder can import: `from tests.helpers import run_module`."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pmenomssl.sandbox.billmanager import StandIn
from tests.launcher import run_program

REPO = Path(__file__).resolve().parents[1]


def module_env(standin: StandIn, env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment BILLmanager would give the module, pointed at `standin`."""
    full = dict(os.environ)
    full.update(standin.env())
    full["PMENOMSSL_NAME"] = "pmenomssl"
    full["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), full.get("PYTHONPATH", "")) if p)
    full.update(env or {})
    return full


def run_module(
    standin: StandIn,
    *args: str,
    stdin: bytes = b"",
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run the real module (`python -m pmenomssl ARGS`) as BILLmanager would: cwd `$ROOT`,
    the stand-in's environment, `stdin` piped in. Returns the finished process."""
    return run_program(
        [sys.executable, "-m", "pmenomssl", *args],
        stdin=stdin,
        env=module_env(standin, env),
        cwd=standin.root,
        timeout=timeout,
    )


def read_lines_until(
    proc: subprocess.Popen[str], done: Callable[[list[str]], bool], what: str, limit: float = 60
) -> list[str]:
    """The lines `proc` prints until `done(lines)`; fails with `what` when the process ends
    first or `limit` seconds pass, so a silent process cannot hang the test. Reads the pipe a
    byte at a time (never past the last line wanted): `proc.stdout.read()` later gets the rest."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    lines: list[str] = []
    current = bytearray()
    deadline = time.monotonic() + limit
    while not done(lines):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(0.0, remaining))
        if not ready:
            proc.kill()
            raise AssertionError(f"waited {limit:.0f} s for {what}; got only {lines}")
        byte = os.read(fd, 1)
        if not byte:
            proc.kill()
            err = proc.stderr.read() if proc.stderr else ""
            raise AssertionError(f"the process ended before {what}: {err}")
        if byte == b"\n":
            lines.append(current.decode("utf-8", "replace"))
            current.clear()
        else:
            current += byte
    return lines
