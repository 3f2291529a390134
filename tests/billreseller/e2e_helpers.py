"""Helpers of the end-to-end suite of `pmbillreseller` (built on tests/billreseller/conftest.py).

- `rs` (import `rs_fixture`): the conftest's `Reseller`, recording every stdout/stderr of the
  module runs it starts; on teardown it searches them, the module log, the stand-in journal
  (argv and params), the errorxml BILLmanager received and the task params for the upstream
  password (a test that leaks it ERRORS in teardown, naming where).
- `spawn` / `kill_group`: the module started without waiting, and SIGKILLed with its mgrctl
  children (a crash, as when the host kills the whole process group).
- `fail_saveparam_once(standin, name)`: the stand-in's own `service.saveparam` fault, armed only
  for the save of param `name` (a wrapper in front of the stand-in's mgrctl sets the stand-in's
  fault variable for that one call), so a test can fail exactly the save of the upstream id.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.billreseller.conftest import (
    EXECUTABLE,
    Reseller,
    error_desc,
    reseller_env,
)

__all__ = [
    "RecordingReseller",
    "desc",
    "fail_saveparam_once",
    "form",
    "rs_fixture",
]

desc = error_desc


@dataclass
class RecordingReseller(Reseller):
    """`Reseller` whose runs are recorded for the secrets check."""

    outputs: list[tuple[str, bytes]] = field(default_factory=list)

    def record(self, label: str, *chunks: bytes | None) -> None:
        for chunk in chunks:
            if chunk:
                self.outputs.append((label, chunk))

    def run(
        self,
        command: str,
        item: int | None = None,
        *args: str,
        stdin: bytes = b"",
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        result = super().run(command, item, *args, stdin=stdin, env=env)
        self.record(f"{command} {item if item is not None else ''}", result.stdout, result.stderr)
        return result

    def error_of(self, result: subprocess.CompletedProcess[bytes]) -> etree._Element:
        """The <error> of a failed run (exit 1, no traceback)."""
        assert result.returncode == 1, (result.stdout, result.stderr, self.log_tail())
        assert b"Traceback" not in result.stdout + result.stderr, result.stderr
        error = etree.fromstring(result.stdout).find("error")
        assert error is not None, result.stdout
        return error

    # --- processes -------------------------------------------------------------------------

    def spawn(self, command: str, item: int | None, *args: str) -> subprocess.Popen[bytes]:
        """Start `pmbillreseller --command C --item I` in its own process group."""
        argv = [str(EXECUTABLE), "--command", command]
        if item is not None:
            argv += ["--item", str(item)]
        return subprocess.Popen(
            [*argv, *args],
            env=reseller_env(self.standin, self.env),
            cwd=str(self.standin.root),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )

    def finish(self, proc: subprocess.Popen[bytes], timeout: float = 60) -> tuple[int, bytes]:
        stdout, stderr = proc.communicate(timeout=timeout)
        self.record(f"pid {proc.pid}", stdout, stderr)
        assert b"Traceback" not in stdout + stderr, (stdout, stderr)
        return proc.returncode, stdout

    def kill_when(
        self,
        command: str,
        item: int,
        ready: Callable[[], bool],
        *,
        limit: float = 20.0,
    ) -> None:
        """Start `command`, SIGKILL its whole process group as soon as `ready()` is true."""
        proc = self.spawn(command, item)
        try:
            stop = time.monotonic() + limit
            while not ready():
                if proc.poll() is not None:
                    out, err = proc.communicate()
                    raise AssertionError(
                        f"{command} ended (exit {proc.returncode}) before the kill point: "
                        f"{out!r} {err!r}\n{self.log_tail()}"
                    )
                assert time.monotonic() < stop, "kill point never reached"
                time.sleep(0.005)
        finally:
            kill_group(proc)
        out, err = proc.communicate()
        self.record(f"killed {command} {item}", out, err)

    # --- reading ---------------------------------------------------------------------------

    def posts(self, operation: str, item: int) -> int:
        """How many `service.post<operation>` the module sent for `item`."""
        return sum(
            1
            for r in self.standin.journal(f"service.post{operation}")
            if r["params"].get("elid") == str(item)
        )

    def writes(self) -> list[str]:
        """The funcs of every stand-in call but the database lookup (paramlist)."""
        return [r["func"] for r in self.mgrctl_calls()]

    def sync_until(self, item: int, done: Callable[[], bool], runs: int = 5) -> int:
        """sync_item until `done()`; returns the number of runs it took."""
        for attempt in range(1, runs + 1):
            self.ok("sync_item", item)
            if done():
                return attempt
        raise AssertionError(f"not done after {runs} sync_item runs\n{self.log_tail()}")

    def secret_texts(self) -> list[tuple[str, bytes]]:
        """Everything a secret must never appear in."""
        texts = list(self.outputs)
        root = self.standin.root
        for path in sorted((root / "var").rglob("*")):
            if path.is_file():
                texts.append((f"file {path.relative_to(root)}", path.read_bytes()))
        for record in self.standin.journal():
            texts.append((f"journal {record['func']}", repr(record).encode()))
        for row in self.standin.store.query("SELECT id, errorxml FROM runningoperation"):
            texts.append(
                (f"errorxml of runningoperation {row['id']}", str(row["errorxml"]).encode())
            )
        for task in self.standin.tasks():
            texts.append((f"task {task['id']}", repr(task).encode()))
        return texts

    def secret_hits(self, secrets: Mapping[str, str] | None = None) -> list[str]:
        wanted = dict(secrets or {})
        wanted.setdefault("upstream password", self.upstream.password)
        hits = []
        for where, content in self.secret_texts():
            for label, value in wanted.items():
                if value and value.encode() in content:
                    hits.append(f"{label} in {where}")
        return hits


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and its children (mgrctl), as a crash of the host would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.fixture(name="rs")
def rs_fixture(reseller: Reseller) -> Iterator[RecordingReseller]:
    """The `rs` fixture (import `rs_fixture` into a test module to use it)."""
    recording = RecordingReseller(
        reseller.standin, reseller.upstream, reseller.module, reseller.env
    )
    yield recording
    hits = recording.secret_hits()
    assert hits == [], hits[:10]


def form(url: str, username: str, password: str) -> bytes:
    """check_connection's stdin: the connection form as BILLmanager sends it."""
    doc = etree.Element("doc")
    node = etree.SubElement(doc, "processingmodule")
    for name, value in (("url", url), ("username", username), ("password", password)):
        etree.SubElement(node, name).text = value
    return etree.tostring(doc)


_WRAPPER = """#!/bin/sh
# Test wrapper (tests/billreseller/e2e_helpers.py): arms the stand-in's own saveparam fault for
# the first save of one param, then runs the stand-in's mgrctl.
for arg in "$@"; do
  case "$arg" in
    "name={name}"|"{name}="*)
      if [ ! -e "{mark}" ]; then
        : > "{mark}"
        PMENOMSSL_STANDIN_FAULTS='{fault}'
        export PMENOMSSL_STANDIN_FAULTS
      fi
      ;;
  esac
done
exec "{real}" "$@"
"""


def fail_saveparam_once(standin: StandIn, name: str, message: str = "injected") -> Any:
    """The first `service.saveparam` of param `name` fails (an <error>, exit 1); every other
    call is the stand-in's as usual. Returns the marker path that says it fired."""
    import json

    mgrctl = standin.mgrctl_path
    real = mgrctl.with_name("mgrctl.real")
    if not real.exists():
        mgrctl.rename(real)
    mark = standin.root / "tmp" / f"saveparam-{name}.fired"
    fault = json.dumps(
        {"service.saveparam": {"kind": "error", "type": "standin_fault", "message": message}}
    )
    mgrctl.write_text(
        _WRAPPER.format(name=name, mark=mark, fault=fault, real=real), encoding="utf-8"
    )
    mgrctl.chmod(mgrctl.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return mark
