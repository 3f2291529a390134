"""The measurements of issue 7, shared by `python -m bench` and `tests/bench` (CI).

Everything runs the real executable as BILLmanager does (a new process per command) against
the BILLmanager stand-in and the ENOM sandbox (bench/world.py); calls are counted where they
arrive: ENOM calls in the sandbox (`sb.calls`), mgrctl calls in the stand-in's journal.

- start-up (`features` / `approver` against `python -c pass`): bench/startup.py.
- `Economy`: ENOM and mgrctl calls of open (DV), sync_item (unchanged), getbalance.
- `bulk()`: `pmenomssl sync --all --module M` over N seeded certificates.
- Every module process's peak RSS is taken from `wait4()` (bench/process.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.world import MGRCTL_READS, World

PAGE_SIZE = 250  # bulk.PAGE_SIZE, restated so the bench states its own expectation


# --- API economy ---------------------------------------------------------------------------


@dataclass
class Economy:
    """Calls per command; `*_mgrctl` lists every mgrctl function called, reads included."""

    open_enom: dict[str, int]
    open_mgrctl: list[str]
    open_warm_enom: dict[str, int]
    open_warm_mgrctl: list[str]
    sync_unchanged_enom: dict[str, int]
    sync_unchanged_mgrctl: list[str]
    sync_pending_enom: dict[str, int]
    sync_pending_mgrctl: list[str]
    getbalance_enom: dict[str, int]
    getbalance_mgrctl: list[str]

    @staticmethod
    def writes(calls: list[str]) -> list[str]:
        return [f for f in calls if f not in MGRCTL_READS]


def economy(world: World) -> Economy:
    """open (cold product cache, then warm), sync_item unchanged (issued and pending),
    getbalance: the calls each makes."""
    item = world.order("eco.example.com")
    world.reset_counts()
    world.command("open", item)
    open_enom, open_mgrctl = world.enom_calls(), world.mgrctl_calls()

    second = world.order("eco2.example.com")
    world.reset_counts()
    world.command("open", second)
    warm_enom, warm_mgrctl = world.enom_calls(), world.mgrctl_calls()

    for _ in range(5):  # the sandbox issues after a few polls
        world.command("sync_item", item)
        if world.standin.service_status(item) == 5:
            break
    if world.standin.service_status(item) != 5:
        raise RuntimeError("the sandbox did not issue the certificate")
    world.reset_counts()
    world.command("sync_item", item)
    unchanged_enom, unchanged_mgrctl = world.enom_calls(), world.mgrctl_calls()

    world.sandbox.configure({"polls_before_issue": 1000})
    world.command("sync_item", second)  # pending; status already 4
    world.reset_counts()
    world.command("sync_item", second)
    pending_enom, pending_mgrctl = world.enom_calls(), world.mgrctl_calls()

    world.reset_counts()
    world.command("getbalance", None, "--module", str(world.module))
    balance_enom, balance_mgrctl = world.enom_calls(), world.mgrctl_calls()
    return Economy(
        open_enom,
        open_mgrctl,
        warm_enom,
        warm_mgrctl,
        unchanged_enom,
        unchanged_mgrctl,
        pending_enom,
        pending_mgrctl,
        balance_enom,
        balance_mgrctl,
    )


# --- bulk ------------------------------------------------------------------------------------


@dataclass
class Bulk:
    certificates: int  # seeded for the module
    account_certificates: int  # all certificates the ENOM account lists (CertGetCerts pages)
    changed: int
    page_size: int
    seconds: float
    enom_calls: dict[str, int]
    mgrctl_writes: list[str]
    # a second run right after: nothing changed any more
    again_seconds: float
    again_enom_calls: dict[str, int]
    again_mgrctl_writes: list[str]
    # item -> what a separate sync_item run wrote afterwards (must be nothing)
    sync_item_after: dict[int, list[str]]
    changed_ok: bool
    # every item a write of the first run was about was one of the changed items
    writes_only_changed: bool
    max_rss_kib: int

    @property
    def pages(self) -> int:
        return math.ceil(self.account_certificates / self.page_size)

    @property
    def call_budget(self) -> int:
        return self.pages + self.changed


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


ITEM_INSERT = (
    "INSERT INTO item (name, pricelist, processingmodule, account, period, status, expiredate)"
    " VALUES {marks}"
)


def seed_bulk(world: World, n: int) -> dict[int, str]:
    """N issued certificates in the sandbox and N items in BILLmanager that already hold their
    state (status 5, certificate announced, expiry date). Returns item -> CertID."""
    state = world.sandbox.state
    cert_ids = state.seed_certificates(n, domain_template="bulk{i}.example.com")
    expiry = {cid: state.cert(cid).expiration.date() for cid in cert_ids}
    store = world.standin.store
    pricelist = world.standin.add_pricelist("rapidssl", module_id=world.module)
    for chunk in _chunks(cert_ids, 1000):
        marks = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        values: list[object] = []
        for cid in chunk:
            values += [f"bulk-{cid}", pricelist, world.module, 1, 12, 2, expiry[cid].isoformat()]
        sql = ITEM_INSERT.format(marks=marks)  # placeholders only; every value is bound
        store.execute(sql, values)
    rows = store.query(
        "SELECT id, name FROM item WHERE processingmodule = %s AND name LIKE %s",
        [world.module, "bulk-%"],
    )
    items = {int(r["id"]): str(r["name"]).split("-", 1)[1] for r in rows}
    params: list[tuple[int, str, str]] = []
    for item_id, cid in items.items():
        params += [
            (item_id, "enom_cert_id", cid),
            (item_id, "service_status", "5"),
            (item_id, "enom_opened", cid),
        ]
    for chunk in _chunks(params, 2000):
        marks = ", ".join(["(%s, %s, %s)"] * len(chunk))
        store.execute(
            f"INSERT INTO itemparam (item, intname, value) VALUES {marks}",  # noqa: S608
            [v for row in chunk for v in row],
        )
    return items


def make_changes(world: World, items: dict[int, str], count: int) -> dict[int, str]:
    """Change `count` certificates in three ways sync must notice; returns item -> kind."""
    state = world.sandbox.state
    store = world.standin.store
    kinds = ("issued", "refunded", "expiry")
    changes: dict[int, str] = {}
    for index, (item_id, cid) in enumerate(sorted(items.items())[:count]):
        kind = kinds[index % len(kinds)]
        if kind == "issued":  # BILLmanager still thinks it is pending
            store.execute(
                "UPDATE itemparam SET value = '4' WHERE item = %s AND intname = 'service_status'",
                [item_id],
            )
            store.execute(
                "DELETE FROM itemparam WHERE item = %s AND intname = 'enom_opened'", [item_id]
            )
        elif kind == "refunded":  # ENOM refunded it
            state.set_status(int(cid), 8)
        else:  # BILLmanager holds an older expiry date than the certificate's (a manual edit):
            # sync moves it later; it never moves a paid-until date earlier (issue 12 §5)
            other = date.today() + timedelta(days=10)
            store.execute(
                "UPDATE item SET expiredate = %s WHERE id = %s", [other.isoformat(), item_id]
            )
        changes[item_id] = kind
    return changes


def _changes_applied(world: World, changes: dict[int, str], items: dict[int, str]) -> bool:
    for item_id, kind in changes.items():
        status = world.standin.service_status(item_id)
        if kind == "refunded":
            if status != 6:
                return False
            continue
        if status != 5:
            return False
        row = world.standin.item_row(item_id)
        cert = world.sandbox.state.cert(items[item_id])
        if row["expiredate"] is None or abs((row["expiredate"] - cert.expiration.date()).days) > 1:
            return False
        if kind == "issued":
            crt = world.standin.certificate_row(item_id)
            if not crt or "BEGIN CERTIFICATE" not in str(crt["crt"]):
                return False
    return True


def bulk(world: World, n: int, changed: int, check_items: int = 3) -> Bulk:
    """Seed N certificates, change some, run `sync --all --module M` twice."""
    items = seed_bulk(world, n)
    changes = make_changes(world, items, changed)
    world.reset_counts()
    first = world.run("sync", "--all", "--module", str(world.module), label="sync --all")
    first.check()
    enom, writes = world.enom_calls(), world.mgrctl_writes()
    only_changed = world.written_items() <= set(changes)
    applied = _changes_applied(world, changes, items)

    world.reset_counts()
    again = world.run("sync", "--all", "--module", str(world.module), label="sync --all")
    again.check()
    again_enom, again_writes = world.enom_calls(), world.mgrctl_writes()

    after: dict[int, list[str]] = {}
    for item_id in sorted(changes)[:check_items]:
        world.reset_counts()
        world.command("sync_item", item_id)
        after[item_id] = world.mgrctl_writes()
    return Bulk(
        certificates=n,
        account_certificates=len(world.sandbox.state.certs),
        changed=len(changes),
        page_size=PAGE_SIZE,
        seconds=first.seconds,
        enom_calls=enom,
        mgrctl_writes=writes,
        again_seconds=again.seconds,
        again_enom_calls=again_enom,
        again_mgrctl_writes=again_writes,
        sync_item_after=after,
        changed_ok=applied,
        writes_only_changed=only_changed,
        max_rss_kib=max(first.max_rss_kib, again.max_rss_kib),
    )
