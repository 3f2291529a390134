"""Helpers every test folder can import: `from tests.helpers import run_module`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pmenomssl.sandbox.billmanager import StandIn

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
    return subprocess.run(
        [sys.executable, "-m", "pmenomssl", *args],
        input=stdin,
        env=module_env(standin, env),
        cwd=str(standin.root),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
