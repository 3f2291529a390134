"""Operator subcommands through the real executable (`python -m pmenomssl SUB …`) against the
BILLmanager stand-in (MariaDB) and the ENOM sandbox on 127.0.0.1.

`cli.run("status", "--item", "1")` runs a subcommand the way a person does on the panel's host
(the stand-in's `$ROOT` in PMENOMSSL_MGR_ROOT, its log in PMENOMSSL_LOG); `cli.world` orders and
runs protocol commands like BILLmanager (tests/handler/conftest.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.handler.conftest import World
from tests.helpers import module_env
from tests.launcher import run_program

PASSWORD = "Cli-s3cret-Token-42"
UID = "reseller-cli"


def run_cli(
    *args: str,
    env: dict[str, str],
    cwd: Path,
    stdin: bytes = b"",
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`python -m pmenomssl ARGS` with stdin piped (never a terminal); text output."""
    proc = run_program(
        [sys.executable, "-m", "pmenomssl", *args],
        stdin=stdin,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )
    return subprocess.CompletedProcess(
        proc.args,
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def squash(text: str) -> str:
    """Whitespace-normalised text (the CLI wraps long lines for the terminal)."""
    return " ".join(text.split())


@dataclass
class Cli:
    standin: StandIn
    sandbox: EnomSandbox
    module: int
    world: World
    workdir: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = module_env(self.standin)
        env.pop("PMENOMSSL_PASSWORD", None)
        env.update(extra)
        return env

    def run(
        self, *args: str, env: dict[str, str] | None = None, stdin: bytes = b""
    ) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=env or self.env(), cwd=self.workdir, stdin=stdin)

    def log_text(self) -> str:
        path = self.standin.log_path()
        return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def cli_sandbox() -> Iterator[EnomSandbox]:
    with EnomSandbox(uid=UID, pw=PASSWORD, balance=Decimal("750.00")) as sandbox:
        yield sandbox


@pytest.fixture
def cli(standin: StandIn, cli_sandbox: EnomSandbox, tmp_path: Path) -> Cli:
    module = standin.add_module(
        "pmenomssl",
        params={"url": cli_sandbox.url, "username": cli_sandbox.uid},
        crypted_params={"password": cli_sandbox.pw},
        title="ENOM live",
    )
    world = World(standin, cli_sandbox, module, env={"PMENOMSSL_DEADLINE": "60"})
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    os.chmod(workdir, 0o700)
    return Cli(standin, cli_sandbox, module, world, workdir)
