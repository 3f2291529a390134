"""SIGKILL at random points of `open` and `prolong`, then BILLmanager's re-runs: every
certificate ends issued and every item has exactly the purchases it should (one for open, one
more for a renewal). `settings.CRASH_RUNS_*` scenarios per command; seeds are printed so a
failure can be replayed (`PMENOMSSL_CRASH_SEED=N`).
"""

from __future__ import annotations

import os
import random
import time

from tests.handler.test_clocks import CLOCKS
from tests.handler.test_lifecycle import _near_expiry, issue
from tests.reliability import settings
from tests.reliability.conftest import Figures, RecordingWorld, no_traceback

OPEN_PATH = ["GetCerts", "GetBalance", "CertGetCerts", "PurchaseServices", "CertConfigureCert",
             "CertPurchaseCert"]  # fmt: skip
PROLONG_PATH = ["GetBalance", "CertGetCerts", "PurchaseServices", "CertConfigureCert",
                "CertPurchaseCert"]  # fmt: skip
SEED = int(os.environ.get("PMENOMSSL_CRASH_SEED", "0")) or (
    random.randrange(1, 10**6) if settings.LONG else 20251122
)


def enom_clock(world: RecordingWorld, index: int) -> str:
    """Scenario `index` runs under ENOM clock `index` mod 4 (UTC-8, UTC, UTC+3, midnight)."""
    name = sorted(CLOCKS)[index % len(CLOCKS)]
    world.sandbox.configure(dict(CLOCKS[name]))
    return name


def kill_at_random(world: RecordingWorld, rng: random.Random, command: str, item: int,
                   path: list[str]) -> str:  # fmt: skip
    """Start `command` and SIGKILL it: after a random delay, or inside a random ENOM call the
    sandbox holds open (the command may already have taken effect there). Returns the plan."""
    if rng.random() < 0.5:
        target = rng.choice(path)
        world.sandbox.faults.add("delay", command=target, seconds=3)
        plan = f"inside {target}"
    else:
        target = ""
        plan = "after {:.2f}s"
    delay = rng.uniform(0.2, 3.0)
    proc = world.spawn(command, item)
    started = time.monotonic()
    while time.monotonic() - started < 20:
        if proc.poll() is not None:
            break
        if target and world.sandbox.calls[target] >= 1:
            time.sleep(rng.uniform(0.0, 1.0))  # the call is being served (or was)
            break
        if not target and time.monotonic() - started >= delay:
            break
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert proc.stdout is not None and proc.stderr is not None
    world.record(f"killed {command}", proc.stdout.read(), proc.stderr.read())
    world.sandbox.faults.clear()
    return plan.format(delay) if not target else plan


def rerun(world: RecordingWorld, command: str, item: int) -> int:
    for attempt in range(1, settings.RERUNS + 1):
        result = world.run(command, item)
        no_traceback(result)
        if result.returncode == 0:
            return attempt
    raise AssertionError(f"{command} still failing:\n{world.log_tail(60)}")


def sync_until(world: RecordingWorld, item: int, done: str) -> None:
    for _ in range(5):
        result = world.run("sync_item", item)
        no_traceback(result)
        params = world.params(item)
        if params.get("service_status") == "5" and params.get("enom_cert_id") == done:
            return
    raise AssertionError(world.log_tail(60))


def test_open_killed_at_random_points(world: RecordingWorld, figures: Figures) -> None:
    rng = random.Random(SEED)
    print(f"crash seed {SEED}")
    items = []
    for index in range(settings.CRASH_RUNS_OPEN):
        item = world.order("rapidssl", f"crash{index}.example.com")
        clock = enom_clock(world, index)
        plan = f"ENOM clock {clock}: " + kill_at_random(world, rng, "open", item, OPEN_PATH)
        figures.fault("SIGKILL during open")
        rerun(world, "open", item)
        cert_id = world.params(item).get("enom_cert_id", "")
        assert cert_id, plan
        sync_until(world, item, cert_id)
        bought = world.purchases_for(item)
        assert len(bought) == 1, (plan, bought, world.log_tail(60))
        figures.bought(len(bought))
        figures.survive("SIGKILL during open")
        items.append(item)
    # no purchase that no item claims (a lost one would be money spent for nothing)
    claimed = {str(p.cert_id) for i in items for p in world.purchases_for(i)}
    assert {str(p.cert_id) for p in world.sandbox.purchases} == claimed


def test_prolong_killed_at_random_points(world: RecordingWorld, figures: Figures) -> None:
    rng = random.Random(SEED + 1)
    print(f"crash seed {SEED + 1}")
    for index in range(settings.CRASH_RUNS_PROLONG):
        domain = f"renewcrash{index}.example.com"
        item = world.order("rapidssl", domain)
        old = issue(world, item)["enom_cert_id"]
        _near_expiry(world, item, domain, days_left=10)
        clock = enom_clock(world, index)
        plan = f"ENOM clock {clock}: " + kill_at_random(world, rng, "prolong", item, PROLONG_PATH)
        figures.fault("SIGKILL during prolong")
        rerun(world, "prolong", item)  # staff (or BILLmanager) run it again
        for _ in range(5):
            result = world.run("sync_item", item)
            no_traceback(result)
            params = world.params(item)
            if params.get("enom_cert_id") != old and params.get("service_status") == "5":
                break
        params = world.params(item)
        assert params["enom_cert_id"] != old, (plan, world.log_tail(60))
        assert params["service_status"] == "5", plan
        assert params.get("enom_previous_cert_ids") == old, plan
        bought = world.purchases_for(item)
        assert len(bought) == 2, (plan, bought, world.log_tail(60))
        figures.bought(len(bought), "certificate + renewal")
        figures.survive("SIGKILL during prolong")
    claimed = {str(p.cert_id) for p in world.sandbox.purchases}
    assert len(claimed) == 2 * settings.CRASH_RUNS_PROLONG
