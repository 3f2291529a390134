"""Fixtures of the reliability suite: the handler tests' `world`, recording everything it sees.

- `collector` (session): every stdout/stderr of a module run, every log file, every stand-in
  journal, every errorxml BILLmanager received in a running operation, and the secrets the
  tests used. `test_zz_secrets.py` (run last in this folder) searches all of it.
- `figures` (session): what was tried and survived, per category; written to
  `tests/reliability/last_run.md` at the end when `settings.WRITE_REPORT`.
- `world`: tests/handler/conftest.py's World whose runs are recorded in the collector.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.handler.conftest import World
from tests.helpers import module_env
from tests.reliability import settings

ENOM_PASSWORD = "Rel1ability-Secret-Token-7f3a"
ENOM_UID = "reliability-reseller"
LOG_LINE = r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \[\d+:\d+\] \S+ [A-Z]+ "


@dataclass(repr=False)
class Collector:
    """Everything the module wrote or sent during the session, by label."""

    texts: list[tuple[str, bytes]] = field(default_factory=list)
    secrets: dict[str, str] = field(default_factory=dict)  # label -> value never to be seen

    def add(self, label: str, content: bytes | str | None) -> None:
        if content:
            self.texts.append((label, content.encode() if isinstance(content, str) else content))

    def secret(self, label: str, value: str) -> None:
        if value:
            self.secrets[label] = value


@dataclass(repr=False)
class Figures:
    """Counts for README's "Reliability" section."""

    inputs: collections.Counter[str] = field(default_factory=collections.Counter)
    faults: collections.Counter[str] = field(default_factory=collections.Counter)
    survived: collections.Counter[str] = field(default_factory=collections.Counter)
    purchases: collections.Counter[str] = field(default_factory=collections.Counter)
    runs: int = 0
    secrets_found: int | None = None
    texts_searched: int = 0
    started: float = field(default_factory=time.monotonic)

    def tried(self, category: str, n: int = 1) -> None:
        self.inputs[category] += n

    def fault(self, kind: str) -> None:
        """A fault was injected (call `survive` once the test has checked the outcome)."""
        self.faults[kind] += 1

    def survive(self, kind: str) -> None:
        self.survived[kind] += 1

    def bought(self, per_item: int, what: str = "certificate") -> None:
        """An item ended with `per_item` purchases for `what` (certificate, or + renewal)."""
        self.purchases[f"{per_item} ({what})"] += 1

    def markdown(self) -> str:
        lines = [
            "# Reliability: figures of the last full run",
            "",
            f"Setting: {'long (PMENOMSSL_LONG=1)' if settings.LONG else 'normal'}; "
            f"{self.runs} module runs; {time.monotonic() - self.started:.0f} s.",
            f"Reproduce: `{settings.REPRODUCE if settings.LONG else settings.REPRODUCE_NORMAL}`",
            "",
            "| Inputs tried, by category | count |",
            "|---|---:|",
            *(f"| {k} | {v} |" for k, v in sorted(self.inputs.items())),
            f"| **total** | **{sum(self.inputs.values())}** |",
            "",
            "| Fault injected | injected | survived |",
            "|---|---:|---:|",
            *(f"| {k} | {v} | {self.survived[k]} |" for k, v in sorted(self.faults.items())),
            f"| **total** | **{sum(self.faults.values())}** | **{sum(self.survived.values())}** |",
            "",
            "| Purchases charged per item (1 per certificate, 2 with a renewal) | items |",
            "|---|---:|",
            *(f"| {k} | {v} |" for k, v in sorted(self.purchases.items())),
            "",
            f"Secrets found in {self.texts_searched} outputs, logs, journals, errorxml and "
            f"cassettes: **{'not checked' if self.secrets_found is None else self.secrets_found}**",
            "",
        ]
        return "\n".join(lines)


_COLLECTOR = Collector()
_FIGURES = Figures()


@pytest.fixture(scope="session")
def collector() -> Collector:
    return _COLLECTOR


@pytest.fixture(scope="session")
def figures() -> Iterator[Figures]:
    yield _FIGURES


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if settings.WRITE_REPORT and _FIGURES.runs:
        settings.REPORT_PATH.write_text(_FIGURES.markdown(), encoding="utf-8")


@dataclass(repr=False)
class RecordingWorld(World):
    """World whose every module run lands in the collector."""

    collector: Collector = field(default_factory=Collector)
    figures: Figures = field(default_factory=Figures)

    def run(
        self, command: str, item: int | None = None, *args: str, stdin: bytes = b"", **kw: Any
    ) -> subprocess.CompletedProcess[bytes]:
        result = super().run(command, item, *args, stdin=stdin, **kw)
        self.record(f"{command} {item}", result.stdout, result.stderr)
        return result

    def record(self, label: str, stdout: bytes | None, stderr: bytes | None) -> None:
        self.figures.runs += 1
        self.collector.add(f"stdout of {label}", stdout)
        self.collector.add(f"stderr of {label}", stderr)

    def argv_run(
        self, argv: Sequence[str], *, stdin: bytes = b"", env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """The module with exactly `argv` (no --command added)."""
        result = subprocess.run(
            [sys.executable, "-m", "pmenomssl", *argv],
            input=stdin,
            env=module_env(self.standin, {**self.env, **(env or {})}),
            cwd=str(self.standin.root),
            capture_output=True,
            timeout=120,
            check=False,
        )
        self.record(repr(list(argv))[:80], result.stdout, result.stderr)
        return result

    def spawn(
        self,
        command: str,
        item: int | None,
        *args: str,
        env: dict[str, str] | None = None,
        stdin: bytes | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start the module without waiting (crash and concurrency tests); `finish()` it.
        `stdin` (a small document) is written at once."""
        argv = ["--command", command]
        if item is not None:
            argv += ["--item", str(item)]
        proc = subprocess.Popen(
            [sys.executable, "-m", "pmenomssl", *argv, *args],
            env=module_env(self.standin, {**self.env, **(env or {})}),
            cwd=str(self.standin.root),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if stdin is not None and proc.stdin is not None:
            proc.stdin.write(stdin)
            proc.stdin.close()
            proc.stdin = None  # communicate() must not touch it again
        return proc

    def finish(self, proc: subprocess.Popen[bytes], timeout: float = 120) -> tuple[int, bytes]:
        """Wait for a spawned run; returns (exit status, stdout), both recorded."""
        stdout, stderr = proc.communicate(timeout=timeout)
        self.record(f"pid {proc.pid}", stdout, stderr)
        assert b"Traceback" not in stdout + stderr, (stdout, stderr)
        return proc.returncode, stdout

    def harvest(self) -> None:
        """Log files, journal and errorxml of this world into the collector."""
        root = self.standin.root
        for path in [*sorted(root.rglob("*.log")), self.standin.journal_path]:
            if path.is_file():
                self.collector.add(f"file {path.relative_to(root)}", path.read_bytes())
        for row in self.standin.store.query("SELECT id, errorxml FROM runningoperation"):
            self.collector.add(f"errorxml of runningoperation {row['id']}", row["errorxml"])
        for row in self.standin.tasks():
            self.collector.add(f"task {row.get('id')}", repr(row))


@pytest.fixture
def sandbox() -> Iterator[EnomSandbox]:
    with EnomSandbox(uid=ENOM_UID, pw=ENOM_PASSWORD, balance=Decimal("100000.00")) as sb:
        yield sb


@pytest.fixture
def world(
    standin: StandIn, sandbox: EnomSandbox, collector: Collector, figures: Figures
) -> Iterator[RecordingWorld]:
    collector.secret("ENOM password", sandbox.pw)
    key = standin.key_path.read_text(encoding="ascii")
    collector.secret("billmgr.pem", key)
    body = "".join(line for line in key.splitlines() if not line.startswith("-----"))
    collector.secret("billmgr.pem base64 body", body)
    for index, line in enumerate(key.splitlines()[1:-1]):
        if len(line) >= 40:
            collector.secret(f"billmgr.pem line {index + 2}", line)
    module = standin.add_module(
        "pmenomssl",
        params={"url": sandbox.url, "username": sandbox.uid},
        crypted_params={"password": sandbox.pw},
    )
    world = RecordingWorld(
        standin,
        sandbox,
        module,
        env={"PMENOMSSL_DEADLINE": "60"},
        collector=collector,
        figures=figures,
    )
    try:
        yield world
    finally:
        world.harvest()
        for row in standin.store.query("SELECT pkey FROM certificate"):
            pkey = str(row["pkey"] or "")
            lines = [ln for ln in pkey.splitlines() if ln and not ln.startswith("-----")]
            if lines:
                collector.secret(f"private key of a test CSR ({lines[0][:8]}…)", lines[0])


def log_lines(world: World) -> list[str]:
    path = world.standin.log_path()
    return path.read_text(encoding="utf-8").split("\n")[:-1] if path.exists() else []


def no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in result.stdout + result.stderr, (result.stdout, result.stderr)


def purchases_by_item(world: World, items: Sequence[int]) -> dict[int, int]:
    """How many sandbox purchases each item's params claim (CertIDs current and previous)."""
    counts = {}
    for item in items:
        counts[item] = len(world.purchases_for(item))
    return counts


def assert_logs_well_formed(world: World) -> None:
    import re

    pattern = re.compile(LOG_LINE)
    for number, line in enumerate(log_lines(world), start=1):
        assert pattern.match(line) or line.startswith("    "), f"log line {number}: {line!r}"
