"""`close`: cancel at ENOM what can still be cancelled, then service.postclose.

CertModifyOrder cancels the configuration while the certificate is processing or awaiting
approval; it is not a refund (enom-api.md 3.12). Refunds need an ENOM support request quoting
the Order ID, so the module says so in the log and in the item param enom_refund_note.
"""

from __future__ import annotations

import logging

from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.reconcile import OPEN, Intent, reconcile
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import CANCELLABLE

logger = logging.getLogger(__name__)


def close_service(svc: Service) -> None:
    if not svc.param(P.CERT_ID) and svc.param(P.PURCHASE_INTENT):
        # A purchase may have happened without being recorded: find it so the note names it.
        found = reconcile(svc, svc.product(), Intent.from_text(svc.param(P.PURCHASE_INTENT)))
        if found is not None:
            svc.save(OPEN.cert_id, found.cert_id)
            svc.save(OPEN.order_id, found.order_id)
    notes = []
    for cert_param, order_param in (
        (P.CERT_ID, P.ORDER_ID),
        (P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID),
    ):
        cert_id = svc.param(cert_param)
        if not cert_id:
            continue
        detail = svc.client.get_cert_detail(cert_id)
        order_id = svc.param(order_param) or detail.order_id
        cancelled = False
        if detail.status_id in CANCELLABLE:
            svc.client.modify_order(cert_id)
            cancelled = True
            logger.info("CertID %s was %s: configuration cancelled at ENOM", cert_id, detail.status)
        notes.append(
            f"ENOM Order ID {order_id or 'unknown'} (CertID {cert_id}, "
            + ("CA order cancelled with CertModifyOrder" if cancelled else detail.status or "?")
            + ")"
        )
    if notes:
        note = (
            "A refund needs an ENOM support request quoting " + "; ".join(notes) + ". The module "
            "cannot refund: ENOM has no refund API."
        )
        logger.warning("service %s closed: %s", svc.id, note)
        svc.save(P.REFUND_NOTE, note)
    svc.post("close")
