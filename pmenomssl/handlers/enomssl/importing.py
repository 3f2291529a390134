"""`import --module M --itemtype certificate`: ENOM certificates not yet linked become services.

Each goes through processing.import.service with its status, expiry date, domain and template
(the product's ProdType -> template), and with its CertID and OrderID saved so sync_item works.
Left out: certificates already linked to an item (current, renewal or previous CertIDs),
expired and refunded ones, and unconfigured purchases an unfinished `open`/`prolong` may still
adopt: those above the lowest CertID watermark of an intent whose CertID is not saved (order.py;
no clock is read: ENOM's OrderDate in CertGetCerts is a date in ENOM's own time zone). The import
holds `purchase_lock`, so no purchase of this module is between its intent and its CertID.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl import products
from pmenomssl.handlers.enomssl.reconcile import unfinished_watermark
from pmenomssl.handlers.enomssl.settings import from_params, make_client
from pmenomssl.handlers.enomssl.statuses import (
    AWAITING_CONFIGURATION,
    ISSUED,
    REFUNDED,
    service_status_for,
)
from pmenomssl.protocol.args import ProtocolError

if TYPE_CHECKING:
    from pmenomssl.enom import CertSummary
    from pmenomssl.handlers.base import Context

logger = logging.getLogger(__name__)

ITEMTYPE = "certificate"


def _linked_cert_ids(ctx: Context, module_id: int) -> tuple[set[str], int | None]:
    """(CertIDs linked to an item of the module, the lowest watermark above which an unfinished
    purchase may still adopt a certificate; None when no purchase is unfinished)."""
    linked: set[str] = set()
    floor: int | None = None
    billing = ctx.billing
    for item in billing.module_items(module_id):
        params = billing.item_params(item.id)
        for name in (P.CERT_ID, P.RENEWAL_CERT_ID):
            if params.get(name):
                linked.add(params[name].strip())
        linked.update(c.strip() for c in (params.get(P.PREVIOUS_CERT_IDS) or "").split(",") if c)
        mark = unfinished_watermark(params)
        if mark is not None:
            floor = mark if floor is None else min(floor, mark)
    return linked, floor


def import_services(ctx: Context) -> None:
    if ctx.args.itemtype not in (None, "", ITEMTYPE):
        raise ProtocolError(
            f"This module imports only {ITEMTYPE} services, not {ctx.args.itemtype!r}.",
            obj="itemtype",
            value=ctx.args.itemtype or "",
        )
    assert ctx.args.module is not None
    billing = ctx.billing
    module_id = billing.module(ctx.args.module).id
    connection = from_params(billing.module_params(module_id), where=f"module {module_id}")
    cache = products.load_cache(products.cache_path(ctx.root, ctx.module_name))
    imported = skipped = failed = 0
    from pmenomssl.protocol.limits import purchase_lock

    with (
        purchase_lock(ctx.module_name, module_id, ctx.deadline),
        make_client(connection, deadline=ctx.deadline) as client,
    ):
        linked, floor = _linked_cert_ids(ctx, module_id)
        for cert in client.iter_certs(sort_by="CertID", descending=False):
            reason = _skip_reason(cert, linked, floor)
            if reason is None and any(
                billing.items_with_param(name, cert.cert_id) for name in P.CLAIMING_PARAMS
            ):
                reason = "linked to a service of another module"
            spec = products.by_prod_type(cert.prod_type, cache) if reason is None else None
            if reason is None and spec is None:
                reason = f"unknown product {cert.prod_type} {cert.prod_desc!r}"
            if reason is not None or spec is None:
                logger.debug("import: CertID %s skipped: %s", cert.cert_id, reason)
                skipped += 1
                continue
            fields = {
                "import_pricelist_intname": spec.template,
                "import_service_name": cert.domain or f"ENOM certificate {cert.cert_id}",
                "status": "2",
                "service_status": str(service_status_for(cert.status_id)),
                "period": str(cert.validity_months or 12),
                P.CERT_ID: cert.cert_id,
                P.ORDER_ID: cert.order_id,
            }
            if cert.expiration_date is not None and cert.status_id == ISSUED:
                fields["expiredate"] = cert.expiration_date.strftime("%Y-%m-%d")
            try:
                service_id = billing.import_service(module_id, **fields)
            except ModuleError as exc:
                logger.error("import: CertID %s (%s) failed: %s", cert.cert_id, cert.domain, exc)
                failed += 1
                continue
            linked.add(cert.cert_id)
            imported += 1
            logger.info(
                "import: CertID %s (%s, %s) became service %s",
                cert.cert_id,
                cert.domain,
                spec.template,
                service_id,
            )
    logger.info("import: %s imported, %s skipped, %s failed", imported, skipped, failed)


def _skip_reason(cert: CertSummary, linked: set[str], floor: int | None) -> str | None:
    if cert.cert_id in linked:
        return "already linked"
    if cert.status_id in REFUNDED:
        return "refunded"
    if cert.is_expired:
        return "expired"
    if (
        cert.status_id == AWAITING_CONFIGURATION
        and floor is not None
        and (not cert.cert_id.isdigit() or int(cert.cert_id) > floor)
    ):
        return (
            "not configured and bought after an unfinished purchase's intent (that open or "
            "prolong adopts it on its next run)"
        )
    return None
