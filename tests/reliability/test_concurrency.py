"""Many module processes at once, as BILLmanager starts them: 20 opens on 20 items, and two
runs on one item (open racing sync_item, two opens). All complete (at once, or after a clean
retryable error and BILLmanager's re-run), no item is bought twice, and the shared log file
holds only whole lines.
"""

from __future__ import annotations

import re

from tests.reliability import settings
from tests.reliability.conftest import (
    LOG_LINE,
    Figures,
    RecordingWorld,
    log_lines,
    no_traceback,
)

# A clean failure BILLmanager retries (the per-item lock's wait ran out, an answer was lost).
RETRYABLE = {"item_busy", "enom_outcome_unknown", "deadline_exceeded"}


def complete(world: RecordingWorld, code: int, stdout: bytes, item: int) -> None:
    """A run ended: fine, or a clean retryable error after which BILLmanager's re-run succeeds."""
    if code == 0:
        return
    from lxml import etree

    error = etree.fromstring(stdout).find("error")
    assert error is not None and error.get("type") in RETRYABLE, stdout
    for _ in range(settings.RERUNS):
        result = world.run("open", item)
        no_traceback(result)
        if result.returncode == 0:
            return
    raise AssertionError(world.log_tail())


def assert_whole_lines(world: RecordingWorld) -> int:
    pattern = re.compile(LOG_LINE)
    lines = log_lines(world)
    for number, line in enumerate(lines, start=1):
        assert pattern.match(line) or line.startswith("    "), f"log line {number}: {line!r}"
    return len(lines)


def test_twenty_opens_at_once(world: RecordingWorld, figures: Figures) -> None:
    items = [
        world.order("rapidssl", f"many{index}.example.com")
        for index in range(settings.CONCURRENT_ITEMS)
    ]
    procs = {item: world.spawn("open", item) for item in items}
    figures.tried("concurrent processes", len(procs))
    for item, proc in procs.items():
        code, stdout = world.finish(proc)
        complete(world, code, stdout, item)
    for item in items:
        bought = world.purchases_for(item)
        assert len(bought) == 1, (item, bought)
        assert world.params(item)["service_status"] == "4"
        figures.bought(1)
    assert len(world.sandbox.purchases) == len(items)
    pids = {m.group(1) for m in map(re.compile(r"\[(\d+):").search, log_lines(world)) if m}
    assert len(pids) >= len(items)
    assert assert_whole_lines(world) >= 10 * len(items)


def race(world: RecordingWorld, figures: Figures, second: str, index: int) -> None:
    item = world.order("rapidssl", f"race-{second.replace('_', '')}{index}.example.com")
    # hold the purchase so the two runs overlap while one of them is buying
    world.sandbox.faults.add("delay", command="PurchaseServices", seconds=1.0)
    first_proc = world.spawn("open", item)
    second_proc = world.spawn(second, item)
    figures.tried(f"same item: open vs {second}")
    for proc in (first_proc, second_proc):
        code, stdout = world.finish(proc)
        complete(world, code, stdout, item)
    world.sandbox.faults.clear()
    bought = world.purchases_for(item)
    assert len(bought) == 1, (bought, world.log_tail(60))
    figures.bought(1)


def test_same_item_open_and_sync(world: RecordingWorld, figures: Figures) -> None:
    for index in range(settings.SAME_ITEM_RACES):
        race(world, figures, "sync_item", index)
    assert len(world.sandbox.purchases) == settings.SAME_ITEM_RACES
    assert_whole_lines(world)


def test_same_item_two_opens(world: RecordingWorld, figures: Figures) -> None:
    for index in range(settings.SAME_ITEM_RACES):
        race(world, figures, "open", index)
    assert len(world.sandbox.purchases) == settings.SAME_ITEM_RACES
    assert sum("is busy with another run" in line for line in log_lines(world)) >= 1
    assert_whole_lines(world)


def test_other_items_purchase_in_flight_is_never_adopted(
    world: RecordingWorld, figures: Figures
) -> None:
    """Item B re-runs after a crash that left its purchase intent but no purchase, while item A
    is inside PurchaseServices (ENOM has charged, A has not saved the CertID yet). B's
    reconciliation must not adopt A's purchase as its own: the per-module purchase window
    makes B wait until A's CertID is saved, then B buys its own certificate."""
    import time

    from pmenomssl.handlers.enomssl import params, products
    from pmenomssl.handlers.enomssl.reconcile import Intent

    spec = products.find("rapidssl")
    assert spec is not None
    first = world.order("rapidssl", "inflight-a.example.com")
    second = world.order("rapidssl", "inflight-b.example.com")
    # B's intent saw an empty account: every unclaimed certificate is above its watermark
    intent = Intent(product=spec.code, highest_cert_id=0)
    world.standin.set_item_param(second, params.PURCHASE_INTENT, intent.to_text())
    # ENOM applies the purchase at once and answers 1.5 s later
    world.sandbox.faults.add("delay", command="PurchaseServices", seconds=1.5)
    first_proc = world.spawn("open", first)
    deadline = time.monotonic() + 30
    while not world.sandbox.purchases:  # A's purchase is charged, its answer still on the way
        assert time.monotonic() < deadline, world.log_tail()
        time.sleep(0.05)
    second_proc = world.spawn("open", second)
    figures.tried("two items: one purchase in flight while the other reconciles")
    for item, proc in ((first, first_proc), (second, second_proc)):
        code, stdout = world.finish(proc)
        complete(world, code, stdout, item)
    world.sandbox.faults.clear()
    first_cert = world.params(first)[params.CERT_ID]
    second_cert = world.params(second)[params.CERT_ID]
    assert first_cert and second_cert and first_cert != second_cert, world.log_tail(60)
    assert len(world.purchases_for(first)) == 1
    assert len(world.purchases_for(second)) == 1
    assert len(world.sandbox.purchases) == 2
    figures.bought(1)  # one per item
    figures.bought(1)
