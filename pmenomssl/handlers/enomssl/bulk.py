"""`pmenomssl sync --all`: every certificate of a processing module in one run.

BILLmanager's scheduled `sync_item` costs one process, one CertGetCertDetail and a database
connection per certificate. For thousands of certificates this does the same work cheaply:

1. BILLmanager's side in a few queries (the items' expiry dates, and in chunks the params
   sync reads), never as full rows;
2. ENOM's side from CertGetCerts pages (250 certificates a call);
3. only where the two disagree, the item is synced exactly as `sync_item` does it
   (`sync.sync_service` under the item's lock, sharing one ENOM client, in a few worker
   threads): one CertGetCertDetail and the writes.

So a run costs ceil(certificates / 250) + (changed certificates) ENOM calls, and mgrctl writes
only for the changed ones. "Changed" compares the listing with what sync_item last wrote:

    ENOM status (CertGetCerts)          BILLmanager holds (service_status, expiredate)
    issued                              5, certificate announced, expiry within a day
    rejected / refunded                 6
    awaiting configuration              3
    anything else (processing, ...)     4

The expiry tolerance of one day absorbs the difference between ENOM's listing date and the
certificate's notAfter in UTC. Items with a renewal in progress or scheduled, and items whose
certificate the listing does not show, are always synced (sync_item's renewal logic decides).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Optional

from pmenomssl import log as modlog
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.statuses import (
    STATUS_ISSUED,
    service_status_for,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pmenomssl.billing import BillingGateway
    from pmenomssl.enom import EnomClient

logger = logging.getLogger(__name__)

PAGE_SIZE = 250  # CertGetCerts' maximum (enom-api.md, CertGetCerts PagingPageSize)
EXPIRY_TOLERANCE_DAYS = 1
# Changed items are synced by this many threads, each with its own database connection (the
# work waits on mgrctl and ENOM, not on this process's CPU).
DEFAULT_WORKERS = 4
# How long a changed item waits for another run of the module (an open, a sync_item) to let go.
ITEM_LOCK_WAIT_SECONDS = 10.0
# Deadline of one item's sync (the same as BILLmanager's sync_item).
ITEM_DEADLINE_SECONDS = 300.0
ITEMTYPE = "certificate"
# BILLmanager's item status of a closed (deleted) service (1 ordered, 2 active, 3 stopped,
# 4 deleted, 5 processing: settled-facts.md). sync_item is never sent for one, so sync --all
# leaves it alone too: its certificate is no longer the client's business, nor ours to write.
ITEM_STATUS_DELETED = 4

# The params `needs_sync` reads, fetched for the whole module in a few queries.
COMPARED_PARAMS = (
    P.CERT_ID,
    P.SERVICE_STATUS,
    P.OPENED,
    P.RENEWAL_DUE,
    P.RENEWAL_INTENT,
    P.RENEWAL_CERT_ID,
)

# What the listing says about one certificate: (CertStatusID, expiration date). Plain tuples:
# ten thousand of them must stay small.
Listed = tuple[Optional[int], Optional[date]]


@dataclass
class BulkResult:
    """What one module's bulk sync did."""

    module_id: int
    items: int = 0  # certificate items of the module with an ENOM CertID, closed ones not
    closed: int = 0  # closed (deleted) items, skipped
    listed: int = 0  # certificates ENOM listed for the account
    changed: list[int] = field(default_factory=list)  # items that differed: synced or failed
    failed: dict[int, str] = field(default_factory=dict)  # item -> what went wrong
    seconds: float = 0.0
    error: str = ""  # the module could not be synced at all (settings, ENOM unreachable)

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed

    @property
    def synced(self) -> int:
        """Changed items brought in line with ENOM (the changed ones that did not fail)."""
        return len(self.changed) - len(self.failed)

    @property
    def unchanged(self) -> int:
        return self.items - len(self.changed)

    def summary(self) -> str:
        """One line whose counts add up: items = unchanged + synced + failed."""
        closed = f" ({self.closed} closed, skipped)" if self.closed else ""
        return (
            f"module {self.module_id}: {self.items} certificates{closed}, {self.listed} listed "
            f"by ENOM: {self.unchanged} unchanged, {self.synced} synced, {len(self.failed)} "
            f"failed ({self.seconds:.1f} s)"
        )


def _renewal_pending(params: Mapping[str, str]) -> bool:
    return any(
        (params.get(name) or "").strip()
        for name in (P.RENEWAL_DUE, P.RENEWAL_INTENT, P.RENEWAL_CERT_ID)
    )


def needs_sync(expiredate: date | None, params: Mapping[str, str], listed: Listed | None) -> bool:
    """Whether ENOM's listing differs from what BILLmanager holds for the item."""
    if listed is None or _renewal_pending(params):
        return True
    status_id, expires = listed
    want = service_status_for(status_id)
    if (params.get(P.SERVICE_STATUS) or "").strip() != str(want):
        return True
    if want != STATUS_ISSUED:
        return False
    if not (params.get(P.OPENED) or "").strip():
        return True
    if expires is None or expiredate is None:
        return expires != expiredate
    return abs((expires - expiredate).days) > EXPIRY_TOLERANCE_DAYS


def list_certificates(client: EnomClient) -> dict[str, Listed]:
    """Every certificate of the ENOM account by CertID (one call per PAGE_SIZE)."""
    return {
        c.cert_id: (c.status_id, c.expiration_date.date() if c.expiration_date else None)
        for c in client.iter_certs(page_size=PAGE_SIZE, sort_by="CertID")
    }


def sync_module(
    billing: BillingGateway,
    module_id: int,
    *,
    root: Path,
    module_name: str,
    workers: int = DEFAULT_WORKERS,
    progress: Callable[[str, int, int], None] | None = None,
) -> BulkResult:
    """Bring every certificate item of `module_id` in line with ENOM (see the module doc)."""
    from pmenomssl.handlers.enomssl.settings import from_params, make_client

    started = time.monotonic()
    result = BulkResult(module_id)
    modlog.set_context("sync --all", module=module_id)
    every = billing.module_item_expiredates(module_id, itemtype=ITEMTYPE)
    expiredates = billing.module_item_expiredates(
        module_id, itemtype=ITEMTYPE, skip_status=ITEM_STATUS_DELETED
    )
    result.closed = len(every) - len(expiredates)
    del every
    connection = from_params(
        billing.module_params(module_id), where=f"processing module {module_id}"
    )
    with make_client(connection) as client:
        listed = list_certificates(client)
        result.listed = len(listed)
        # BILLmanager's params a chunk at a time: only the items to sync are kept.
        todo: list[int] = []
        item_ids = list(expiredates)
        for start in range(0, len(item_ids), billing.BULK_CHUNK):
            chunk = item_ids[start : start + billing.BULK_CHUNK]
            for item_id, values in billing.items_params(chunk, COMPARED_PARAMS).items():
                cert_id = (values.get(P.CERT_ID) or "").strip()
                if not cert_id:
                    continue
                result.items += 1
                if needs_sync(expiredates.get(item_id), values, listed.get(cert_id)):
                    todo.append(item_id)
        del listed, expiredates, item_ids  # the big part is done with
        todo.sort()
        logger.info(
            "module %s: %s certificate items, %s certificates listed by ENOM, %s to sync",
            module_id,
            result.items,
            result.listed,
            len(todo),
        )
        sync = _Syncer(billing, client, module_id, root, module_name)
        problems = sync.run(todo, workers, progress)
    result.changed = todo
    result.failed = {item_id: problem for item_id, problem in problems.items() if problem}
    modlog.set_context("sync --all", module=module_id)
    result.seconds = time.monotonic() - started
    logger.info("%s", result.summary())
    return result


class _Syncer:
    """sync_item for the changed items: in this thread, or in a pool of workers that each use
    their own BillingGateway (one database connection per thread) and share the ENOM client."""

    def __init__(
        self,
        billing: BillingGateway,
        client: EnomClient,
        module_id: int,
        root: Path,
        module_name: str,
    ) -> None:
        self.billing = billing
        self.client = client
        self.module_id = module_id
        self.root = root
        self.module_name = module_name
        self._local = threading.local()
        self._gateways: list[BillingGateway] = []
        self._lock = threading.Lock()

    def run(
        self,
        todo: list[int],
        workers: int,
        progress: Callable[[str, int, int], None] | None,
    ) -> dict[int, str]:
        problems: dict[int, str] = {}
        if workers <= 1 or len(todo) <= 1:
            for done, item_id in enumerate(todo, start=1):
                problems[item_id] = self.sync_one(self.billing, item_id)
                if progress is not None:
                    progress(f"item {item_id}", done, len(todo))
            return problems
        from concurrent.futures import ThreadPoolExecutor, as_completed

        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync") as pool:
                futures = {pool.submit(self._in_worker, item_id): item_id for item_id in todo}
                for done, future in enumerate(as_completed(futures), start=1):
                    item_id = futures[future]
                    problems[item_id] = future.result()
                    if progress is not None:
                        progress(f"item {item_id}", done, len(todo))
        finally:
            for gateway in self._gateways:
                gateway.close()
        return problems

    def _in_worker(self, item_id: int) -> str:
        gateway: BillingGateway | None = getattr(self._local, "gateway", None)
        if gateway is None:
            from pmenomssl.billing import BillingGateway

            gateway = BillingGateway(self.billing.root, mgrctl_timeout=self.billing.mgrctl_timeout)
            self._local.gateway = gateway
            with self._lock:
                self._gateways.append(gateway)
        return self.sync_one(gateway, item_id)

    def sync_one(self, billing: BillingGateway, item_id: int) -> str:
        """sync_item for one item, under its lock; returns "" or what went wrong."""
        from pmenomssl.handlers.base import Context
        from pmenomssl.handlers.enomssl.service import Service
        from pmenomssl.handlers.enomssl.sync import sync_service
        from pmenomssl.protocol import limits
        from pmenomssl.protocol.args import Invocation

        modlog.set_context("sync --all", item=item_id, module=self.module_id)
        now = time.monotonic()
        ctx = Context(
            Invocation(command="sync_item", item=item_id, module=self.module_id),
            module_name=self.module_name,
            root=self.root,
            billing_factory=lambda: billing,
            deadline=now + ITEM_DEADLINE_SECONDS,
        )
        try:
            with limits.item_lock(self.module_name, item_id, now + ITEM_LOCK_WAIT_SECONDS):
                svc = Service(ctx, client=self.client)
                try:
                    sync_service(svc)
                finally:
                    svc.close()
        except ModuleError as exc:
            logger.error("item %s: %s (%s)", item_id, exc.desc, exc.error_type)
            return exc.desc
        except Exception as exc:  # one broken item must not stop the other thousands
            logger.exception("item %s failed unexpectedly", item_id)
            return f"unexpected {type(exc).__name__}: {exc}"
        return ""


def sync_modules(
    billing: BillingGateway,
    module_ids: Iterable[int],
    *,
    root: Path,
    module_name: str,
    workers: int = DEFAULT_WORKERS,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[BulkResult]:
    """`sync_module` for each module; a module that cannot be listed is reported, not fatal."""
    results = []
    for module_id in module_ids:
        try:
            results.append(
                sync_module(
                    billing,
                    module_id,
                    root=root,
                    module_name=module_name,
                    workers=workers,
                    progress=progress,
                )
            )
        except ModuleError as exc:
            logger.error("module %s: %s (%s)", module_id, exc.desc, exc.error_type)
            results.append(BulkResult(module_id, error=exc.desc))
    return results
