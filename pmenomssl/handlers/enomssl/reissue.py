"""`reopen`: reissue the certificate with the new CSR from the `certificate` table.

DigiCert-family brands reissue through CertReissueCert (free): then status 3 and
service.postreopen, and sync_item saves the new certificate once it matches the new CSR.
Sectigo reissues only through ENOM support (enom-api.md 3.13): the operation becomes a manual
task whose text gives the ENOM Order ID and what to ask for.
"""

from __future__ import annotations

import logging

from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.errors import ReissueBySupportError
from pmenomssl.handlers.enomssl.order import prepare
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import STATUS_REQUESTED
from pmenomssl.handlers.errors import NotOrderedError

logger = logging.getLogger(__name__)


def reopen_service(svc: Service) -> None:
    cert_id = svc.param(P.CERT_ID)
    if not cert_id:
        raise NotOrderedError(
            f"Service {svc.id} has no ENOM certificate to reissue (open has not completed).",
            obj="item",
            value=str(svc.id),
        )
    order = prepare(svc)  # the new CSR must fit the order like the first one did
    if order.spec.rules.reissue_via_api:
        message = svc.client.reissue_cert(cert_id, order.csr.pem)
        logger.info("reissue of CertID %s requested%s", cert_id, f": {message}" if message else "")
        svc.set_status(STATUS_REQUESTED)
        svc.post("reopen")
        return
    detail = svc.client.get_cert_detail(cert_id)
    order_id = svc.param(P.ORDER_ID) or detail.order_id
    text = (
        f"Reissue of the {order.spec.title} certificate for {order.domains[0]} (service "
        f"{svc.id}): ENOM reissues this brand only through its support. Open a ticket with ENOM "
        f"quoting Order ID {order_id or 'unknown'} (CertID {cert_id}"
        + (f", Reference ID {detail.reference_id}" if detail.reference_id else "")
        + "), attach the new CSR from the service's certificate data and ask for a free "
        "reissue for the same domain. When ENOM has reissued it, run 'sync' on the service "
        "(it saves the new certificate), then close this task."
    )
    ro = svc.ctx.args.runningoperation
    if ro is None:
        raise ReissueBySupportError(text, obj="enom", value=order_id)
    # Here the text IS the task (what staff must ask ENOM for), unlike an error's escalation.
    if svc.billing.escalate(svc.id, ro, "reopen", params=text):
        logger.warning("reissue needs ENOM support: manual task created: %s", text)
    else:
        logger.warning("reissue needs ENOM support (no new task): %s", text)
