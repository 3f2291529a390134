"""Never order (or renew) twice: crashes and lost answers between the paid upstream call and the
saved upstream id, then BILLmanager's re-runs. Each scenario ends with exactly ONE upstream order
(`upstream.orders`) and the item linked to it (`upstream_id` here, `remoteid` upstream).

Crash points are made deterministic with hooks on the sandbox (it runs in this process): the
module is SIGKILLed (with its mgrctl children) while upstream carries out the order, before the
answer is sent; or while the stand-in holds the save of the id; or the stand-in refuses exactly
that save.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from pmenomssl.sandbox.upstream import ACTIVE, DELETED
from tests.billreseller.e2e_helpers import (  # noqa: F401
    RecordingReseller,
    desc,
    fail_saveparam_once,
    rs_fixture,
)

ORDER_FUNC = {
    "vds": "v2.vds.order.param",
    "vhost": "v2.vhost.order.param",
    "certificate": "certificate.order.param",
}
# Clean failures after which BILLmanager's re-run is expected to finish the job.
RETRYABLE = {
    "item_busy",
    "upstream_outcome_unknown",
    "upstream_bad_response",
    "mgrctl_error",
    "deadline_exceeded",
}


def rerun_open(rs: RecordingReseller, item: int, tries: int = 3) -> int:
    """BILLmanager re-runs a failed open; returns the runs it took."""
    for attempt in range(1, tries + 1):
        result = rs.run("open", item)
        assert b"Traceback" not in result.stdout + result.stderr
        if result.returncode == 0:
            return attempt
        error = rs.error_of(result)
        assert error.get("type") in RETRYABLE, (error.get("type"), desc(error))
    raise AssertionError(f"open still failing after {tries} runs\n{rs.log_tail()}")


def assert_one_order_linked(rs: RecordingReseller, item: int) -> str:
    orders = rs.upstream.orders
    assert len(orders) == 1, orders
    (order,) = orders
    assert rs.upstream_id(item) == order.service_id, (rs.params(item), order)
    service = rs.upstream.service(order.service_id)
    assert service.remoteid == str(item)
    assert service.status == ACTIVE
    return order.service_id


@pytest.fixture
def on_order(rs: RecordingReseller) -> Iterator[Callable[[Callable[[Any], None]], None]]:
    """`on_order(fn)`: fn(service) runs inside upstream's order call, after the order was
    carried out (charged) and before its answer is sent."""
    state = rs.upstream.state
    original = state.order

    def install(hook: Callable[[Any], None]) -> None:
        def order(func: str, itemtype: str, params: Any) -> Any:
            service = original(func, itemtype, params)
            hook(service)
            return service

        state.order = order  # type: ignore[method-assign]

    yield install
    state.order = original  # type: ignore[method-assign]


def kill_inside_order(
    rs: RecordingReseller,
    on_order: Callable[[Callable[[Any], None]], None],
    item: int,
    also: Callable[[Any], None] | None = None,
) -> None:
    """Run open and SIGKILL it (process group) while upstream carries out its order."""
    procs: list[subprocess.Popen[bytes]] = []

    def hook(service: Any) -> None:
        if also is not None:
            also(service)
        os.killpg(procs[0].pid, signal.SIGKILL)

    on_order(hook)
    procs.append(rs.spawn("open", item))
    out, err = procs[0].communicate(timeout=60)
    rs.record(f"killed open {item}", out, err)
    assert procs[0].returncode == -signal.SIGKILL, (procs[0].returncode, out, err, rs.log_tail())
    assert len(rs.upstream.orders) == 1  # charged, answer never read
    params = rs.params(item)
    assert params.get("upstream_id", "") == "" and params.get("upstream_order_intent")


# --- lost answers ---------------------------------------------------------------------------


@pytest.mark.parametrize("itemtype", ["vds", "certificate"])
def test_order_reply_lost_is_reconciled_not_repeated(rs: RecordingReseller, itemtype: str) -> None:
    item = rs.item(itemtype, domain=f"lost-{itemtype}.example.com")
    rs.upstream.fault(ORDER_FUNC[itemtype] + "#sok", "reset_after")
    first = rs.run("open", item)
    assert rs.upstream.faults.fired == [(ORDER_FUNC[itemtype], "reset_after")]
    if first.returncode != 0:
        rs.error_of(first)
        rerun_open(rs, item)
    assert_one_order_linked(rs, item)
    assert rs.upstream.submitted[ORDER_FUNC[itemtype]] == 1


def test_order_reply_lost_and_listing_down_then_rerun(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    """The answer is lost and the listing that would reconcile fails too: the run fails
    cleanly without the id; the re-run adopts the service instead of ordering."""
    item = rs.item("vds", domain="lostlist.example.com")
    rs.upstream.fault("v2.vds.order.param#sok", "reset_after")
    on_order(lambda service: rs.upstream.fault("vds", "http_500", times=3))
    error = rs.error_of(rs.run("open", item))
    # staff read that the ORDER's outcome is unknown (not why the look-up failed)
    assert error.get("type") == "upstream_outcome_unknown", desc(error)
    assert rs.upstream_id(item) == "" and len(rs.upstream.orders) == 1
    assert rs.upstream.password not in desc(error)
    assert rerun_open(rs, item) == 1
    assert_one_order_linked(rs, item)


# --- crashes ---------------------------------------------------------------------------------


def test_sigkill_inside_the_order_then_rerun(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    item = rs.item("vds", domain="killed.example.com")
    kill_inside_order(rs, on_order, item)
    on_order(lambda service: None)
    assert rerun_open(rs, item) == 1
    assert_one_order_linked(rs, item)
    assert rs.upstream.submitted["v2.vds.order.param"] == 1


def test_sigkill_while_saving_the_upstream_id_then_rerun(rs: RecordingReseller) -> None:
    item = rs.item("vhost", domain="killsave.example.com")
    # every save is held 0.4 s: after the order the module is inside the save of the id
    rs.standin.set_fault("service.saveparam", "slow", seconds=0.4)
    rs.kill_when("open", item, lambda: len(rs.upstream.orders) >= 1)
    rs.standin.clear_faults()
    assert rs.upstream_id(item) == "", "the id was saved before the kill: no crash window hit"
    assert rs.params(item).get("upstream_order_intent")
    assert rerun_open(rs, item) == 1
    assert_one_order_linked(rs, item)


def test_standin_refusing_the_save_of_the_id_then_rerun(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="savefails.example.com")
    mark = fail_saveparam_once(rs.standin, "upstream_id", "database is locked")
    error = rs.error_of(rs.run("open", item))
    assert mark.exists(), "the fault on the save of upstream_id never fired"
    assert error.get("type") == "mgrctl_error", desc(error)
    assert len(rs.upstream.orders) == 1 and rs.upstream_id(item) == ""
    (refused,) = [r for r in rs.standin.journal("service.saveparam") if r.get("fault")]
    assert refused["params"]["name"] == "upstream_id"
    assert rerun_open(rs, item) == 1
    assert_one_order_linked(rs, item)


def test_crash_with_an_upstream_that_drops_remoteid_is_adopted_by_the_intent(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    """An upstream that does not keep `remoteid` on the order: the re-run finds the one unlinked
    service of the tariff ordered since the intent, adopts it and links it (item.setremoteid)."""
    rs.upstream.add_service("vds", "21", 1)  # an older unlinked service: never a candidate
    item = rs.item("vds", domain="noremoteid.example.com")

    def drop_remoteid(service: Any) -> None:
        service.remoteid = ""

    kill_inside_order(rs, on_order, item, also=drop_remoteid)
    on_order(lambda service: None)
    (order,) = rs.upstream.orders
    assert rs.upstream.service(order.service_id).remoteid == ""
    assert rerun_open(rs, item) == 1
    assert_one_order_linked(rs, item)
    assert rs.upstream.calls["item.setremoteid"] == 1


def test_a_service_linked_to_another_remoteid_is_never_a_candidate(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    """After a crash, a service ordered meanwhile for another remoteid (the list states it) is
    certainly not ours: the re-run adopts the one unlinked service instead of stopping."""
    item = rs.item("vds", domain="otherremote.example.com")

    def drop_remoteid(service: Any) -> None:
        service.remoteid = ""

    kill_inside_order(rs, on_order, item, also=drop_remoteid)
    on_order(lambda service: None)
    (order,) = rs.upstream.orders
    foreign = rs.upstream.add_service("vds", "21", 1, remoteid="90001")
    assert rerun_open(rs, item) == 1
    assert rs.upstream_id(item) == order.service_id
    assert rs.upstream.service(foreign).remoteid == "90001"


def test_two_candidates_after_a_crash_stop_for_a_person(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    item = rs.item("vds", domain="ambiguous.example.com")

    def drop_remoteid(service: Any) -> None:
        service.remoteid = ""

    kill_inside_order(rs, on_order, item, also=drop_remoteid)
    on_order(lambda service: None)
    (order,) = rs.upstream.orders
    other = rs.upstream.add_service("vds", "21", 1)  # bought by hand upstream meanwhile
    error = rs.fails("open", item)
    assert error.get("type") == "order_ambiguous"
    assert order.service_id in desc(error) and other in desc(error)
    assert len(rs.upstream.orders) == 1 and rs.upstream_id(item) == ""
    # a person saves the right id; the next run opens it without ordering
    rs.standin.set_item_param(item, "upstream_id", order.service_id)
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1 and rs.upstream_id(item) == order.service_id


def test_certificate_killed_inside_the_order_is_adopted_by_its_cn(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    """The certificate list has no remoteid column (settled-facts.md): after a crash the re-run
    finds the order by the intent's id floor and the CN it ordered, even though a certificate
    for another domain was bought upstream meanwhile, and links it."""
    item = rs.item("certificate", domain="crash-cert.example.com")
    kill_inside_order(rs, on_order, item)
    on_order(lambda service: None)
    (order,) = rs.upstream.orders
    other = rs.upstream.add_service("certificate", "51", 12)  # another domain, by hand
    assert rs.upstream.service(other).name != "crash-cert.example.com"
    assert rerun_open(rs, item) == 1
    assert rs.upstream_id(item) == order.service_id and len(rs.upstream.orders) == 1
    assert rs.upstream.service(order.service_id).remoteid == str(item)  # linked
    assert rs.upstream.service(other).remoteid == ""


def test_two_certificates_for_the_same_cn_after_a_crash_stop_for_a_person(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    item = rs.item("certificate", domain="twin-cert.example.com")
    kill_inside_order(rs, on_order, item)
    on_order(lambda service: None)
    (order,) = rs.upstream.orders
    other = rs.upstream.add_service("certificate", "51", 12)
    with rs.upstream.state.lock:  # the same domain, bought by hand upstream meanwhile
        rs.upstream.state.services[other].fields["domain"] = "twin-cert.example.com"
    error = rs.fails("open", item)
    assert error.get("type") == "order_ambiguous"
    assert order.service_id in desc(error) and other in desc(error)
    assert len(rs.upstream.orders) == 1 and rs.upstream_id(item) == ""


def test_stale_intent_never_adopts_another_items_service(rs: RecordingReseller) -> None:
    """Item B crashed before ordering (intent saved, no order). Item A orders meanwhile. B's
    re-run must not take A's service for its own: it orders its own."""
    first = rs.item("vds", domain="a.example.com")
    second = rs.item("vds", domain="b.example.com")
    rs.standin.set_item_param(
        second, "upstream_order_intent", '{"highest_id": null, "time": "2026-01-01T00:00:00Z"}'
    )
    rs.ok("open", first)
    a_id = rs.upstream_id(first)
    # even an upstream that lost A's remoteid: A holds the id as its upstream_id
    with rs.upstream.state.lock:
        rs.upstream.state.services[a_id].remoteid = ""
    rs.ok("open", second)
    b_id = rs.upstream_id(second)
    assert b_id and b_id != a_id
    assert len(rs.upstream.orders) == 2
    assert {o.remoteid for o in rs.upstream.orders} == {str(first), str(second)}


# --- concurrency -----------------------------------------------------------------------------


def test_two_opens_of_the_same_item_at_once_order_once(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="race.example.com")
    rs.standin.set_fault("service.saveparam", "slow", seconds=0.3)  # widen the window
    procs = [rs.spawn("open", item), rs.spawn("open", item)]
    outcomes = [rs.finish(p) for p in procs]
    rs.standin.clear_faults()
    for code, stdout in outcomes:
        if code != 0:
            error = etree.fromstring(stdout).find("error")
            assert error is not None and error.get("type") in RETRYABLE, stdout
            rerun_open(rs, item)
    assert_one_order_linked(rs, item)
    assert rs.upstream.submitted["v2.vds.order.param"] == 1
    assert "busy with another run" in rs.log_text(), "the two runs never overlapped"


def test_two_items_at_once_get_one_order_each(rs: RecordingReseller) -> None:
    items = [rs.item("vds", domain=f"pair{i}.example.com") for i in range(2)]
    rs.standin.set_fault("service.saveparam", "slow", seconds=0.2)
    procs = {item: rs.spawn("open", item) for item in items}
    for item, proc in procs.items():
        code, stdout = rs.finish(proc)
        if code != 0:
            error = etree.fromstring(stdout).find("error")
            assert error is not None and error.get("type") in RETRYABLE, stdout
            rerun_open(rs, item)
    rs.standin.clear_faults()
    orders = rs.upstream.orders
    assert len(orders) == 2, orders
    by_remoteid = {o.remoteid: o.service_id for o in orders}
    assert set(by_remoteid) == {str(i) for i in items}
    for item in items:
        assert rs.upstream_id(item) == by_remoteid[str(item)]


# --- prolong ---------------------------------------------------------------------------------


def _active(rs: RecordingReseller, domain: str) -> tuple[int, str]:
    item = rs.item("vds", domain=domain)
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    assert rs.upstream.service(sid).status == ACTIVE
    return item, sid


def test_prolong_reply_lost_is_recorded_from_upstream_without_a_second_charge(
    rs: RecordingReseller,
) -> None:
    item, sid = _active(rs, "prolonglost.example.com")
    before = rs.upstream.service(sid).expiredate
    balance = rs.upstream.balance
    rs.upstream.fault("service.prolong", "reset_after")
    result = rs.run("prolong", item)
    assert rs.upstream.faults.fired == [("service.prolong", "reset_after")]
    (prolong,) = rs.upstream.prolongs
    assert prolong.expiredate > before  # type: ignore[operator]
    if result.returncode == 0:  # reconciled within the run
        assert rs.item_row(item)["expiredate"] == prolong.expiredate
        assert rs.posts("prolong", item) == 1
    else:
        rs.error_of(result)
    assert rs.upstream.calls["service.prolong"] == 1
    assert rs.upstream.balance == balance - prolong.cost


def test_prolong_reply_lost_becomes_a_manual_task_and_is_never_paid_twice(
    rs: RecordingReseller,
) -> None:
    item, _ = _active(rs, "prolongmanual.example.com")
    balance = rs.upstream.balance
    rs.upstream.fault("service.prolong", "reset_after")
    # the listing that would reconcile fails as well: the run cannot know
    original = rs.upstream.state.prolong

    def prolong(elid: str, period: str) -> Any:
        done = original(elid, period)
        rs.upstream.fault("vds", "http_500", times=3)
        return done

    rs.upstream.state.prolong = prolong  # type: ignore[method-assign]
    ro = rs.standin.add_runningoperation(item, trycount=1, operation="prolong")
    error = rs.error_of(rs.run("prolong", item, "--runningoperation", str(ro)))
    rs.upstream.state.prolong = original  # type: ignore[method-assign]
    assert error.get("type") == "upstream_outcome_unknown", desc(error)
    assert "NOT repeated" in desc(error)
    # max_tries 1: a manual task at once, never an automatic retry
    assert len(rs.standin.journal("runningoperation.setmanual")) == 1 or (
        rs.standin.runningoperation(ro)["manual"] == "on"
    )
    assert len(rs.standin.journal("task.edit")) == 1
    assert rs.standin.runningoperation(ro)["errorxml"]
    assert len(rs.upstream.prolongs) == 1
    # staff run it again from the task: recorded from upstream, not paid again
    rs.ok("prolong", item)
    (prolong,) = rs.upstream.prolongs
    assert rs.upstream.calls["service.prolong"] == 1
    assert rs.item_row(item)["expiredate"] == prolong.expiredate
    assert rs.upstream.balance == balance - prolong.cost
    assert rs.posts("prolong", item) == 1
    assert rs.params(item).get("upstream_prolong_intent", "") == ""
    # and a later, real renewal is charged again (the intent does not block it forever)
    rs.ok("prolong", item)
    assert len(rs.upstream.prolongs) == 2


def test_prolong_refused_by_upstream_for_lack_of_money_charges_nothing(
    rs: RecordingReseller,
) -> None:
    item, sid = _active(rs, "prolongpoor.example.com")
    rs.upstream.configure(balance=Decimal("1"))
    before = rs.item_row(item)["expiredate"]
    error = rs.fails("prolong", item)
    assert error.get("type") == "upstream_insufficient_funds"
    assert rs.upstream.prolongs == [] and rs.item_row(item)["expiredate"] == before
    assert rs.posts("prolong", item) == 0
    # topped up: the re-run renews once (the intent of the refused call does not fake a renewal)
    rs.upstream.configure(balance=Decimal("1000"))
    rs.ok("prolong", item)
    assert len(rs.upstream.prolongs) == 1
    assert rs.item_row(item)["expiredate"] == rs.upstream.service(sid).expiredate


def test_adoption_finds_the_service_beyond_the_first_page(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    """More upstream services than one list page (200): the crashed order is on page 2."""
    for index in range(205):
        rs.upstream.add_service("vds", "21", 1, remoteid=f"other-{index}")
    item = rs.item("vds", domain="page2.example.com")
    kill_inside_order(rs, on_order, item)
    on_order(lambda service: None)
    assert rerun_open(rs, item) == 1
    sid = assert_one_order_linked(rs, item)
    assert [s.id for s in rs.upstream.services("vds")].index(sid) >= 200


def test_close_after_a_crash_deletes_the_order_it_never_recorded(
    rs: RecordingReseller, on_order: Callable[[Callable[[Any], None]], None]
) -> None:
    """The client cancels before the re-run: the paid upstream service must not be left
    running (and billed) upstream."""
    item = rs.item("vds", domain="closeorphan.example.com")
    kill_inside_order(rs, on_order, item)
    on_order(lambda service: None)
    (order,) = rs.upstream.orders
    rs.ok("close", item)
    assert rs.upstream.service(order.service_id).status == DELETED
    assert rs.posts("close", item) == 1
    assert len(rs.upstream.orders) == 1


def test_prolong_for_a_period_upstream_does_not_sell_charges_nothing(
    rs: RecordingReseller,
) -> None:
    item, sid = _active(rs, "prolongperiod.example.com")
    rs.standin.store.execute("UPDATE item SET period = 6 WHERE id = %s", [item])
    before = rs.upstream.service(sid).expiredate
    error = rs.fails("prolong", item)
    assert error.get("type") == "period_not_available"
    assert "6 month" in desc(error) and "1, 3, 12" in desc(error)
    assert rs.upstream.prolongs == [] and rs.upstream.calls["service.prolong"] == 0
    assert rs.upstream.service(sid).expiredate == before


def test_order_that_never_reached_upstream_is_placed_by_the_rerun(rs: RecordingReseller) -> None:
    """The order hangs and the run gives up at its deadline without an answer; upstream never
    carried it out. The re-run finds the intent but no service, so it orders: once."""
    item = rs.item("vds", domain="hung.example.com")
    rs.upstream.fault("v2.vds.order.param#sok", "timeout")
    started = time.monotonic()
    result = rs.run("open", item, env={"PMENOMSSL_DEADLINE": "3"})
    assert time.monotonic() - started < 10, "the run did not stop at its deadline"
    error = rs.error_of(result)
    assert rs.upstream.orders == [] and rs.params(item).get("upstream_order_intent")
    assert rerun_open(rs, item) == 1
    assert_one_order_linked(rs, item)
    assert rs.upstream.submitted["v2.vds.order.param"] == 2  # the lost one and the real one
    # What staff read must say the ORDER's outcome is unknown, not that "nothing was sent"
    # (the reconciling list read that ran out of time is not the point).
    assert error.get("type") in ("upstream_outcome_unknown", "deadline_exceeded"), desc(error)
    assert "nothing was sent" not in desc(error).lower(), desc(error)
