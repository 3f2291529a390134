"""Fixtures for the operator tools: a BILLmanager stand-in root with the module installed.

Installing is the slow part (a venv and pip, ~4 s), so `installed` does it once per module
with `--link-deps-from` the dev venv: the new venv reuses the dev venv's dependencies and pip
installs only pmenomssl, offline. The stand-in runs on SQLite here (the database is not what
these tests are about; tests/billing covers MariaDB).
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

from pmenomssl import billing
from pmenomssl.operator.layout import Layout
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.helpers import REPO

DEV_PYTHON = sys.executable


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for `python -m pmenomssl <subcommand>` from the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMENOMSSL_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env.update(extra or {})
    return env


def run_cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real executable (`python -m pmenomssl ARGS`), as an operator runs it."""
    return subprocess.run(
        [DEV_PYTHON, "-m", "pmenomssl", *args],
        env=cli_env(),
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def install_args(root: Path, *extra: str) -> list[str]:
    return ["install", "--root", str(root), "--link-deps-from", DEV_PYTHON, *extra]


def bare_env() -> dict[str, str]:
    """What BILLmanager gives the wrapper: nothing of ours, no PYTHONPATH."""
    return {
        k: v for k, v in os.environ.items() if not k.startswith(("PMENOMSSL_", "PYTHON", "VIRTUAL"))
    }


def run_wrapper(
    wrapper: Path, *args: str, stdin: bytes = b"", timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed executable the way BILLmanager does (cwd anywhere, bare env)."""
    return subprocess.run(
        [str(wrapper), *args],
        input=stdin,
        env=bare_env(),
        cwd="/",
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class Installed:
    standin: StandIn
    layout: Layout
    output: str


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    billing.clear_caches()
    standin = StandIn.create(tmp_path_factory.mktemp("installed") / "mgr5", db="sqlite")
    try:
        result = run_cli(*install_args(standin.root))
        assert result.returncode == 0, result.stdout + result.stderr
        yield Installed(standin, Layout(standin.root, "pmenomssl"), result.stdout)
    finally:
        standin.drop()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[EnomSandbox]:
    with EnomSandbox(uid="reseller1", pw="s3cret-Token-xyz", balance=Decimal("1000.00")) as sb:
        yield sb


@pytest.fixture
def bare_standin(tmp_path: Path) -> Iterator[StandIn]:
    """A stand-in root with nothing installed."""
    billing.clear_caches()
    standin = StandIn.create(tmp_path / "mgr5", db="sqlite")
    try:
        yield standin
    finally:
        standin.drop()
