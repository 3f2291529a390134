"""Faults in every step of open and prolong, then BILLmanager's re-run: every scenario ends with
the certificate issued and exactly one purchase charged for it.

Faults come from the ENOM sandbox (connection reset after ENOM took the command, HTTP 500,
truncated XML, a lost answer by timeout) or from killing the module with SIGKILL mid-run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.handler.conftest import World
from tests.handler.test_lifecycle import _near_expiry, issue
from tests.helpers import module_env


@dataclass(frozen=True)
class Fault:
    command: str
    kind: str
    times: int = 1
    seconds: float = 1.0
    env: dict[str, str] = field(default_factory=dict)

    def arm(self, world: World) -> None:
        world.sandbox.faults.add(
            self.kind, command=self.command, times=self.times, seconds=self.seconds
        )

    def __str__(self) -> str:
        return f"{self.command}-{self.kind}"


TIMEOUT_ENV = {"PMENOMSSL_DEADLINE": "3"}  # the answer is lost: the deadline ends the run

OPEN_FAULTS = [
    Fault("GetBalance", "http_500", times=3),
    Fault("GetCerts", "truncated", times=3),
    Fault("PurchaseServices", "reset_after"),
    Fault("PurchaseServices", "reset_before"),
    Fault("PurchaseServices", "http_500"),
    Fault("PurchaseServices", "truncated"),
    Fault("PurchaseServices", "done_missing"),
    Fault("PurchaseServices", "delay", seconds=10, env=TIMEOUT_ENV),
    Fault("CertConfigureCert", "reset_after"),
    Fault("CertConfigureCert", "http_500"),
    Fault("CertConfigureCert", "truncated"),
    Fault("CertPurchaseCert", "reset_after"),
    Fault("CertPurchaseCert", "http_500"),
    Fault("CertPurchaseCert", "truncated"),
]


def rerun_until_done(world: World, command: str, item: int, tries: int = 4) -> int:
    """BILLmanager re-runs a failed operation; returns how many runs it took."""
    for attempt in range(1, tries + 1):
        result = world.run(command, item)
        assert b"Traceback" not in result.stdout + result.stderr
        if result.returncode == 0:
            return attempt
    raise AssertionError(f"{command} still failing after {tries} runs:\n{world.log_tail()}")


def sync_until_issued(world: World, item: int) -> None:
    for _ in range(4):
        world.ok("sync_item", item)
        if world.params(item).get("service_status") == "5":
            return
    raise AssertionError(world.log_tail())


def assert_one_purchase(world: World, item: int) -> None:
    params = world.params(item)
    charged = [p for p in world.sandbox.purchases]
    assert len(charged) == 1, charged
    assert str(charged[0].cert_id) == params["enom_cert_id"]


@pytest.mark.parametrize("fault", OPEN_FAULTS, ids=str)
def test_open_survives_a_fault_in_every_step(world: World, fault: Fault) -> None:
    item = world.order("rapidssl", "fault.example.com")
    fault.arm(world)
    first = world.run("open", item, env=fault.env)
    assert world.sandbox.calls[fault.command] >= 1, world.log_tail()
    if fault.kind == "delay":  # the purchase was charged, its answer never read
        assert first.returncode == 1 and len(world.sandbox.purchases) == 1
        assert world.params(item).get("enom_cert_id", "") == ""
    assert b"Traceback" not in first.stdout + first.stderr
    if first.returncode != 0:  # some faults are survived within the run (a lost purchase answer)
        rerun_until_done(world, "open", item)
    sync_until_issued(world, item)
    assert_one_purchase(world, item)


def test_open_reconciles_when_the_listing_also_fails(world: World) -> None:
    item = world.order("rapidssl", "listing.example.com")
    world.sandbox.faults.add("reset_after", command="PurchaseServices")
    world.sandbox.faults.add("http_500", command="CertGetCerts", times=3)
    assert world.run("open", item).returncode == 1
    assert world.params(item).get("enom_cert_id", "") == ""  # bought, not yet found
    rerun_until_done(world, "open", item)
    sync_until_issued(world, item)
    assert_one_purchase(world, item)


def kill_when(
    world: World, argv: list[str], ready: Callable[[], bool], *, limit: float = 20
) -> None:
    """Start the module like BILLmanager, SIGKILL it as soon as `ready()` is true."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pmenomssl", *argv],
        env=module_env(world.standin, world.env),
        cwd=str(world.standin.root),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        stop = time.monotonic() + limit
        while not ready():
            assert proc.poll() is None, "the module ended before the kill point"
            assert time.monotonic() < stop, "kill point never reached"
            time.sleep(0.02)
        time.sleep(0.1)
    finally:
        proc.kill()
        proc.wait()


KILL_POINTS = {
    # command the sandbox holds for a while -> the condition that says the module is inside it
    "PurchaseServices": lambda w: len(w.sandbox.purchases) >= 1,  # charged, answer not read
    "CertConfigureCert": lambda w: w.sandbox.calls["CertConfigureCert"] >= 1,
    "CertPurchaseCert": lambda w: w.sandbox.calls["CertPurchaseCert"] >= 1,
}


@pytest.mark.parametrize("command", sorted(KILL_POINTS))
def test_open_survives_sigkill_mid_run(world: World, command: str) -> None:
    item = world.order("rapidssl", "killed.example.com")
    world.sandbox.faults.add("delay", command=command, seconds=3)
    kill_when(
        world, ["--command", "open", "--item", str(item)], lambda: KILL_POINTS[command](world)
    )
    world.sandbox.faults.clear()
    rerun_until_done(world, "open", item)
    sync_until_issued(world, item)
    assert_one_purchase(world, item)


def test_open_survives_sigkill_while_saving_the_intent(world: World) -> None:
    item = world.order("rapidssl", "intent.example.com")
    world.standin.set_fault("service.saveparam", "slow", seconds=3, times=1)
    kill_when(
        world,
        ["--command", "open", "--item", str(item)],
        lambda: world.sandbox.calls["GetBalance"] >= 1 and bool(world.standin.journal("paramlist")),
    )
    world.standin.clear_faults()
    rerun_until_done(world, "open", item)
    sync_until_issued(world, item)
    assert_one_purchase(world, item)


# --- prolong ---------------------------------------------------------------------------------

PROLONG_FAULTS = [
    Fault("PurchaseServices", "reset_after"),
    Fault("PurchaseServices", "http_500"),
    Fault("PurchaseServices", "truncated"),
    Fault("CertConfigureCert", "reset_after"),
    Fault("CertPurchaseCert", "truncated"),
]


def _issued_near_expiry(world: World, domain: str) -> tuple[int, str]:
    item = world.order("rapidssl", domain)
    old = issue(world, item)["enom_cert_id"]
    _near_expiry(world, item, domain, days_left=10)
    return item, old


def _assert_renewed_once(world: World, item: int, old: str) -> None:
    for _ in range(4):
        world.ok("sync_item", item)
        if world.params(item)["enom_cert_id"] != old:
            break
    params = world.params(item)
    assert len(world.sandbox.purchases) == 2, world.sandbox.purchases
    assert params["enom_cert_id"] == str(world.sandbox.purchases[1].cert_id)
    assert params["enom_previous_cert_ids"] == old
    assert params["service_status"] == "5"


@pytest.mark.parametrize("fault", PROLONG_FAULTS, ids=str)
def test_prolong_survives_a_fault_in_every_step(world: World, fault: Fault) -> None:
    item, old = _issued_near_expiry(world, "renewfault.example.com")
    fault.arm(world)
    ro = world.standin.add_runningoperation(item, trycount=1, operation="prolong")
    first = world.run("prolong", item, "--runningoperation", str(ro))
    assert world.sandbox.faults.fired, "the fault never fired"
    if first.returncode != 0:
        # max_tries for prolong is 1: a failure is a manual task at once, never a retry
        assert len(world.standin.journal("runningoperation.setmanual")) == 1
        assert len(world.standin.journal("task.edit")) == 1
        rerun_until_done(world, "prolong", item)  # staff run it again from the task
    _assert_renewed_once(world, item, old)


def test_prolong_survives_sigkill_during_the_purchase(world: World) -> None:
    item, old = _issued_near_expiry(world, "renewkill.example.com")
    world.sandbox.faults.add("delay", command="PurchaseServices", seconds=3)
    kill_when(
        world,
        ["--command", "prolong", "--item", str(item)],
        lambda: len(world.sandbox.purchases) >= 2,
    )
    world.sandbox.faults.clear()
    assert world.params(item).get("enom_renewal_cert_id", "") == ""
    world.ok("sync_item", item)  # the scheduled renewal: sync reconciles instead of buying
    _assert_renewed_once(world, item, old)
