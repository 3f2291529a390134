"""`pmenomssl sync --all`: every certificate of a processing module in one run.

BILLmanager's scheduled `sync_item` costs one process, one CertGetCertDetail and a database
connection per certificate. For thousands of certificates this does the same work cheaply:

1. BILLmanager's side in two queries (the module's items, and the params sync reads);
2. ENOM's side from CertGetCerts pages (250 certificates a call);
3. only where the two disagree, the item is synced exactly as `sync_item` does it
   (`sync.sync_service`, sharing one ENOM client): one CertGetCertDetail and the writes.

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
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from pmenomssl import log as modlog
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.order import (
    AWAITING_CONFIGURATION,
    ISSUED,
    REFUNDED,
    REJECTED,
    STATUS_ENROLLED,
    STATUS_FAILED,
    STATUS_ISSUED,
    STATUS_REQUESTED,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pmenomssl.billing import BillingGateway, Item
    from pmenomssl.enom import CertSummary, EnomClient

logger = logging.getLogger(__name__)

PAGE_SIZE = 250  # CertGetCerts' maximum (enom-api.md, CertGetCerts PagingPageSize)
EXPIRY_TOLERANCE_DAYS = 1
# How long a changed item waits for another run of the module (an open, a sync_item) to let go.
ITEM_LOCK_WAIT_SECONDS = 10.0
# Deadline of one item's sync (the same as BILLmanager's sync_item).
ITEM_DEADLINE_SECONDS = 300.0
ITEMTYPE = "certificate"

# The params `needs_sync` reads, fetched for the whole module in one query.
COMPARED_PARAMS = (
    P.CERT_ID,
    P.SERVICE_STATUS,
    P.OPENED,
    P.RENEWAL_DUE,
    P.RENEWAL_INTENT,
    P.RENEWAL_CERT_ID,
)


@dataclass
class BulkResult:
    """What one module's bulk sync did."""

    module_id: int
    items: int = 0  # certificate items of the module with an ENOM CertID
    listed: int = 0  # certificates ENOM listed for the account
    changed: list[int] = field(default_factory=list)  # items synced because they differed
    failed: dict[int, str] = field(default_factory=dict)  # item -> what went wrong
    seconds: float = 0.0
    error: str = ""  # the module could not be synced at all (settings, ENOM unreachable)

    @property
    def ok(self) -> bool:
        return not self.error and not self.failed


def expected_status(summary: CertSummary) -> int:
    """The service_status sync_item writes for a certificate in this ENOM state."""
    status = summary.status_id
    if status in REFUNDED or status == REJECTED:
        return STATUS_FAILED
    if status == ISSUED:
        return STATUS_ISSUED
    if status == AWAITING_CONFIGURATION:
        return STATUS_REQUESTED
    return STATUS_ENROLLED


def _renewal_pending(params: Mapping[str, str]) -> bool:
    return any(
        (params.get(name) or "").strip()
        for name in (P.RENEWAL_DUE, P.RENEWAL_INTENT, P.RENEWAL_CERT_ID)
    )


def needs_sync(item: Item, params: Mapping[str, str], summary: CertSummary | None) -> bool:
    """Whether ENOM's listing differs from what BILLmanager holds for the item."""
    if summary is None or _renewal_pending(params):
        return True
    want = expected_status(summary)
    if (params.get(P.SERVICE_STATUS) or "").strip() != str(want):
        return True
    if want != STATUS_ISSUED:
        return False
    if not (params.get(P.OPENED) or "").strip():
        return True
    expires = summary.expiration_date.date() if summary.expiration_date else None
    if expires is None or item.expiredate is None:
        return expires != item.expiredate
    return _days_apart(expires, item.expiredate) > EXPIRY_TOLERANCE_DAYS


def _days_apart(a: date, b: date) -> int:
    return abs((a - b).days)


def list_certificates(client: EnomClient) -> dict[str, CertSummary]:
    """Every certificate of the ENOM account by CertID (one call per PAGE_SIZE)."""
    return {c.cert_id: c for c in client.iter_certs(page_size=PAGE_SIZE, sort_by="CertID")}


def sync_module(
    billing: BillingGateway,
    module_id: int,
    *,
    root: Path,
    module_name: str,
    progress: Callable[[str, int, int], None] | None = None,
) -> BulkResult:
    """Bring every certificate item of `module_id` in line with ENOM (see the module doc)."""
    from pmenomssl.handlers.enomssl.settings import from_params, make_client

    started = time.monotonic()
    result = BulkResult(module_id)
    modlog.set_context("sync --all", module=module_id)
    items = billing.module_items(module_id, itemtype=ITEMTYPE)
    params = billing.module_item_params(module_id, COMPARED_PARAMS)
    with_cert = [i for i in items if (params.get(i.id, {}).get(P.CERT_ID) or "").strip()]
    result.items = len(with_cert)
    connection = from_params(
        billing.module_params(module_id), where=f"processing module {module_id}"
    )
    with make_client(connection) as client:
        listed = list_certificates(client)
        result.listed = len(listed)
        todo = [
            i.id
            for i in with_cert
            if needs_sync(i, params[i.id], listed.get(params[i.id][P.CERT_ID].strip()))
        ]
        logger.info(
            "module %s: %s certificate items, %s certificates listed by ENOM, %s to sync",
            module_id,
            result.items,
            result.listed,
            len(todo),
        )
        for done, item_id in enumerate(todo, start=1):
            if progress is not None:
                progress(f"item {item_id}", done, len(todo))
            problem = _sync_one(billing, client, item_id, module_id, root, module_name)
            result.changed.append(item_id)
            if problem:
                result.failed[item_id] = problem
    modlog.set_context("sync --all", module=module_id)
    result.seconds = time.monotonic() - started
    logger.info(
        "module %s: synced %s changed certificates (%s failed) in %.1fs",
        module_id,
        len(result.changed),
        len(result.failed),
        result.seconds,
    )
    return result


def _sync_one(
    billing: BillingGateway,
    client: EnomClient,
    item_id: int,
    module_id: int,
    root: Path,
    module_name: str,
) -> str:
    """sync_item for one item, under its lock; returns "" or what went wrong."""
    from pmenomssl.handlers.base import Context
    from pmenomssl.handlers.enomssl.service import Service
    from pmenomssl.handlers.enomssl.sync import sync_service
    from pmenomssl.protocol import limits
    from pmenomssl.protocol.args import Invocation

    modlog.set_context("sync --all", item=item_id, module=module_id)
    now = time.monotonic()
    ctx = Context(
        Invocation(command="sync_item", item=item_id, module=module_id),
        module_name=module_name,
        root=root,
        billing_factory=lambda: billing,
        deadline=now + ITEM_DEADLINE_SECONDS,
    )
    try:
        with limits.item_lock(module_name, item_id, now + ITEM_LOCK_WAIT_SECONDS):
            svc = Service(ctx, client=client)
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
    progress: Callable[[str, int, int], None] | None = None,
) -> list[BulkResult]:
    """`sync_module` for each module; a module that cannot be listed is reported, not fatal."""
    results = []
    for module_id in module_ids:
        try:
            results.append(
                sync_module(
                    billing, module_id, root=root, module_name=module_name, progress=progress
                )
            )
        except ModuleError as exc:
            logger.error("module %s: %s (%s)", module_id, exc.desc, exc.error_type)
            results.append(BulkResult(module_id, error=exc.desc))
    return results
