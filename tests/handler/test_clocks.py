"""Exactly one purchase under every ENOM clock (issue 12 §1).

ENOM's dates carry no time zone and its documented clock runs behind UTC; CertGetCerts' OrderDate
is a date only. The module must not depend on any of that: with ENOM's clock at UTC-8 (the
sandbox default, as ENOM's examples show), UTC, UTC+3 and a second before ENOM's midnight, a lost
PurchaseServices answer and SIGKILL at each step of `open` and `prolong` end with exactly one
purchase per certificate, and `import` never takes a purchase an unfinished `open` may adopt.
"""

from __future__ import annotations

import pytest

from pmenomssl.handlers.enomssl.reconcile import Intent
from tests.handler.conftest import World
from tests.handler.test_faults import (
    KILL_POINTS,
    _assert_renewed_once,
    _issued_near_expiry,
    assert_one_purchase,
    kill_when,
    rerun_until_done,
    sync_until_issued,
)

# ENOM's clock -> the sandbox config that sets it (sandbox/enom/clock.py)
CLOCKS: dict[str, dict[str, float]] = {
    "utc-8": {"utc_offset_hours": -8},
    "utc": {"utc_offset_hours": 0},
    "utc+3": {"utc_offset_hours": 3},
    # the intent before ENOM's midnight, the purchase (and its OrderDate) after it
    "midnight": {"seconds_before_midnight": 1.5},
}


def set_clock(world: World, name: str) -> None:
    world.sandbox.configure(dict(CLOCKS[name]))
    if name == "midnight":
        # The watermark's answer (the first CertGetCerts before a purchase) comes 2 s late, so
        # the intent is read before ENOM's midnight and the purchase is made after it.
        world.sandbox.faults.add("delay", command="CertGetCerts", seconds=2)


@pytest.fixture(params=sorted(CLOCKS))
def clock(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def clocked(clock: str, world: World) -> World:
    set_clock(world, clock)
    return world


def test_the_sandbox_clock_is_the_configured_one(clocked: World) -> None:
    """RequestDateTime and TimeDifference follow the configured offset (the setup is real)."""
    from datetime import datetime, timedelta, timezone

    from pmenomssl.enom import EnomClient

    state = clocked.sandbox.state
    with EnomClient(clocked.sandbox.url, clocked.sandbox.uid, clocked.sandbox.pw) as client:
        page = client.get_certs_page(page_size=1)
    shown = datetime.strptime(page.enom_time, "%m/%d/%Y %I:%M:%S %p")
    utc = datetime.now(timezone.utc).replace(tzinfo=None)
    assert abs(shown - (utc + state.clock.utc_offset)) < timedelta(seconds=5)


@pytest.mark.parametrize("fault", ["reset_after", "truncated"])
def test_lost_purchase_answer_buys_once(clocked: World, fault: str) -> None:
    item = clocked.order("rapidssl", "clock-lost.example.com")
    clocked.sandbox.faults.add(fault, command="PurchaseServices")
    clocked.run("open", item)
    assert len(clocked.sandbox.purchases) == 1
    rerun_until_done(clocked, "open", item)
    clocked.sandbox.faults.clear()
    sync_until_issued(clocked, item)
    assert_one_purchase(clocked, item)


def test_lost_purchase_answer_then_a_new_run_buys_once(clocked: World) -> None:
    """The answer is lost AND the listing fails in the same run: the next run must adopt."""
    item = clocked.order("rapidssl", "clock-relist.example.com")
    clocked.sandbox.faults.add("reset_after", command="PurchaseServices")
    clocked.sandbox.faults.add("http_500", command="CertGetCerts", times=4)
    assert clocked.run("open", item).returncode == 1
    clocked.sandbox.faults.clear()
    assert clocked.params(item).get("enom_cert_id", "") == ""
    rerun_until_done(clocked, "open", item)
    sync_until_issued(clocked, item)
    assert_one_purchase(clocked, item)


# open's steps: the balance, the watermark read, then KILL_POINTS (purchase, configure, submit)
OPEN_KILL_POINTS = {
    "GetBalance": lambda w: w.sandbox.calls["GetBalance"] >= 1,
    "CertGetCerts": lambda w: w.sandbox.calls["CertGetCerts"] >= 1,
    **KILL_POINTS,
}


@pytest.mark.parametrize("command", sorted(OPEN_KILL_POINTS))
def test_open_killed_at_each_step_buys_once(clocked: World, command: str) -> None:
    item = clocked.order("rapidssl", "clock-kill.example.com")
    clocked.sandbox.faults.add("delay", command=command, seconds=3)
    kill_when(
        clocked,
        ["--command", "open", "--item", str(item)],
        lambda: OPEN_KILL_POINTS[command](clocked),
    )
    clocked.sandbox.faults.clear()
    rerun_until_done(clocked, "open", item)
    sync_until_issued(clocked, item)
    assert_one_purchase(clocked, item)


@pytest.mark.parametrize("command", sorted(KILL_POINTS))
def test_prolong_killed_at_each_step_buys_once(clocked: World, clock: str, command: str) -> None:
    item, old = _issued_near_expiry(clocked, "clock-renew.example.com")
    clocked.sandbox.faults.clear()
    set_clock(clocked, clock)  # again: the renewal's intent just before ENOM's midnight
    bought_before = len(clocked.sandbox.purchases)
    clocked.sandbox.faults.add("delay", command=command, seconds=3)
    ready = {
        "PurchaseServices": lambda: len(clocked.sandbox.purchases) > bought_before,
        "CertConfigureCert": lambda: clocked.sandbox.calls["CertConfigureCert"] >= 2,
        "CertPurchaseCert": lambda: clocked.sandbox.calls["CertPurchaseCert"] >= 2,
    }[command]
    kill_when(clocked, ["--command", "prolong", "--item", str(item)], ready)
    clocked.sandbox.faults.clear()
    clocked.ok("sync_item", item)  # the due renewal: sync adopts or continues, never re-buys
    _assert_renewed_once(clocked, item, old)


def test_import_leaves_a_purchase_an_unfinished_open_may_adopt(clocked: World) -> None:
    """An `open` killed inside PurchaseServices: `import` must leave its certificate alone
    (whatever ENOM's clock says about its OrderDate), and the re-run adopts it."""
    clocked.standin.add_pricelist("rapidssl", module_id=clocked.module)
    item = clocked.order("rapidssl", "clock-import.example.com")
    clocked.sandbox.faults.add("delay", command="PurchaseServices", seconds=3)
    kill_when(
        clocked,
        ["--command", "open", "--item", str(item)],
        lambda: len(clocked.sandbox.purchases) >= 1,
    )
    clocked.sandbox.faults.clear()
    assert Intent.from_text(clocked.params(item)["enom_purchase_intent"]).highest_cert_id == 0
    clocked.ok("import", None, "--module", str(clocked.module), "--itemtype", "certificate")
    assert clocked.standin.journal("processing.import.service") == []
    rerun_until_done(clocked, "open", item)
    sync_until_issued(clocked, item)
    assert_one_purchase(clocked, item)
