"""Time bounds: with ENOM unreachable or slow, or mgrctl hanging, and `PMENOMSSL_DEADLINE=N`,
no command runs past N + the alarm's grace; the ENOM client and mgrctl stop at the deadline by
themselves (the SIGALRM backstop is not what ends them), and the error says why.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from decimal import Decimal

import pytest
from lxml import etree

from pmenomssl.protocol.limits import ALARM_GRACE_SECONDS
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.reliability.conftest import Figures, RecordingWorld

DEADLINE = 4.0
# Interpreter start and imports on a 2-core machine shared with other test runs: generous, since
# what is bounded is "the deadline is met", not speed (that is the benchmark's). The slow faults
# below hang for 30 s, so a run that ignored its deadline still fails this bound by far.
STARTUP = 10.0
HARD_BOUND = DEADLINE + ALARM_GRACE_SECONDS + STARTUP  # nothing ever runs longer


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port nobody listens on (bound, not listening: connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@dataclasses.dataclass
class Scenario:
    name: str
    command: str
    prepare: Callable[[RecordingWorld], tuple[int | None, list[str], bytes | None]]
    says: str  # regex the error desc must match


def _other_world(world: RecordingWorld, stack: ExitStack, url: str | None = None) -> RecordingWorld:
    """Another module with its own sandbox (its faults touch nobody else)."""
    sb = stack.enter_context(
        EnomSandbox(uid=world.sandbox.uid, pw=world.sandbox.pw, balance=Decimal("1000"))
    )
    module = world.standin.add_module(
        "pmenomssl",
        params={"url": url or sb.url, "username": sb.uid},
        crypted_params={"password": sb.pw},
    )
    return dataclasses.replace(world, sandbox=sb, module=module)


def form(url: str, world: RecordingWorld) -> bytes:
    return (
        f"<doc><processingmodule><url>{url}</url><username>{world.sandbox.uid}</username>"
        f"<password>{world.sandbox.pw}</password></processingmodule></doc>"
    ).encode()


def test_no_command_runs_past_its_deadline(
    world: RecordingWorld, figures: Figures, closed_port: int
) -> None:
    dead_url = f"http://127.0.0.1:{closed_port}/interface.asp"
    with ExitStack() as stack:
        runs = {}

        def start(name: str, w: RecordingWorld, command: str, item: int | None,
                  *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
                  ) -> None:  # fmt: skip
            env = {"PMENOMSSL_DEADLINE": f"{DEADLINE:g}", **(env or {})}
            runs[name] = (time.monotonic(), w.spawn(command, item, *args, stdin=stdin, env=env))

        # ENOM unreachable: a closed port
        start("check_connection, ENOM unreachable", world, "check_connection", None,
              stdin=form(dead_url, world))  # fmt: skip
        down = _other_world(world, stack, url=dead_url)
        start("open, ENOM unreachable", down, "open", down.order("rapidssl", "down.example.com"))
        # ENOM answering slowly
        slow = _other_world(world, stack)
        slow.sandbox.faults.add("delay", command="GetBalance", seconds=30, times=None)
        start("check_connection, ENOM slow", slow, "check_connection", None,
              stdin=form(slow.sandbox.url, slow))  # fmt: skip
        buying = _other_world(world, stack)
        buying.sandbox.faults.add("delay", command="PurchaseServices", seconds=30)
        start("open, PurchaseServices slow", buying, "open",
              buying.order("rapidssl", "slowbuy.example.com"))  # fmt: skip
        polling = _other_world(world, stack)
        polled = polling.order("rapidssl", "slowsync.example.com")
        polling.standin.set_item_param(polled, "enom_cert_id", "100001")
        polling.sandbox.faults.add("delay", command="CertGetCertDetail", seconds=30, times=None)
        start("sync_item, CertGetCertDetail slow", polling, "sync_item", polled)
        results = {}
        for name, (started, proc) in runs.items():
            code, stdout = world.finish(proc, timeout=60)
            results[name] = (time.monotonic() - started, code, stdout)
    for name, (elapsed, code, stdout) in results.items():
        figures.fault(f"time bound: {name.split(', ')[1]}")
        assert code == 1, (name, stdout)
        error = etree.fromstring(stdout).find("error")
        assert error is not None, (name, stdout)
        desc = error.findtext("param[@name='desc']") or ""
        assert elapsed <= HARD_BOUND, (name, elapsed, desc)
        # the command stopped itself: the alarm (the backstop) would answer deadline_exceeded
        assert error.get("type") != "deadline_exceeded", (name, desc)
        if "unreachable" in name:
            assert re.search(r"refused|could not connect", desc), (name, desc)
        else:
            assert re.search(r"deadline|time allowed", desc), (name, desc)
        figures.survive(f"time bound: {name.split(', ')[1]}")


def test_hanging_mgrctl_is_bounded_even_when_reporting(
    world: RecordingWorld, figures: Figures
) -> None:
    """mgrctl hangs for every call: the read stops at the deadline, and reporting the error to
    the running operation (more mgrctl calls) does not stretch the run past the bound."""
    item = world.order("rapidssl", "hang.example.com")
    ro = world.standin.add_runningoperation(item, trycount=1, operation="open")
    world.standin.set_fault("*", "hang", seconds=60)
    started = time.monotonic()
    result = world.run(
        "open", item, "--runningoperation", str(ro), env={"PMENOMSSL_DEADLINE": f"{DEADLINE:g}"}
    )
    elapsed = time.monotonic() - started
    figures.fault("time bound: mgrctl hanging")
    world.standin.clear_faults()
    assert result.returncode == 1, result.stdout
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None
    assert error.get("type") == "mgrctl_timeout", result.stdout
    assert "deadline" in (error.findtext("param[@name='desc']") or "")
    assert elapsed <= HARD_BOUND, elapsed
    assert world.sandbox.purchases == []
    # BILLmanager's next run, with mgrctl back, completes
    assert world.run("open", item).returncode == 0, world.log_tail()
    assert len(world.sandbox.purchases) == 1
    figures.survive("time bound: mgrctl hanging")
