"""`sync_item`: one CertGetCertDetail, and BILLmanager writes only for what changed.

issued   -> certificate.save (leaf + chain), service.setexpiredate (notAfter, never earlier than
            the paid-until date), status 5, certificate.open for each new certificate (first
            issue, renewal, reissue), and the next certificate's due day when the paid period
            runs past this one (renewal.py)
pending  -> status 4 (3 while ENOM shows it unsubmitted, or 6 "Rejected by Customer": it can
            be configured again by running open again, so the service does not fail)
refunded -> certificate.failed and status 6

A renewal in progress is followed instead (renewal.py); once its certificate is issued it
replaces the old one. Every write is skipped when BILLmanager already holds the value, so a
second run with nothing new makes no write at all.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import (
    PENDING,
    REJECTED,
    STATUS_ENROLLED,
    STATUS_FAILED,
    STATUS_ISSUED,
    STATUS_REQUESTED,
    service_status_for,
)

if TYPE_CHECKING:
    from pmenomssl.enom import CertDetail

logger = logging.getLogger(__name__)


def renewal_due(svc: Service, today: date | None = None) -> bool:
    due = svc.param(P.RENEWAL_DUE)
    if not due:
        return False
    try:
        day = date.fromisoformat(due)
    except ValueError:
        logger.warning("ignoring the unreadable %s %r", P.RENEWAL_DUE, due)
        return False
    return (today or datetime.now(timezone.utc).date()) >= day


def sync_service(svc: Service) -> None:
    if svc.param(P.RENEWAL_CERT_ID) or svc.param(P.RENEWAL_INTENT) or renewal_due(svc):
        from pmenomssl.handlers.enomssl.renewal import sync_renewal

        sync_renewal(svc)
        return
    cert_id = svc.param(P.CERT_ID)
    if not cert_id:
        logger.info("service %s has no ENOM certificate yet (open has not bought one)", svc.id)
        return
    apply_detail(svc, svc.client.get_cert_detail(cert_id))


def apply_detail(svc: Service, detail: CertDetail) -> None:
    """Bring BILLmanager in line with what ENOM says about the item's current certificate."""
    if detail.order_id and not svc.param(P.ORDER_ID):
        svc.save(P.ORDER_ID, detail.order_id)
    status = detail.status_id
    wanted = service_status_for(status)
    if wanted == STATUS_FAILED:
        _failed(svc, detail)
    elif wanted == STATUS_ISSUED or (detail.ssl_certificate and wanted != STATUS_REQUESTED):
        _issued(svc, detail)
    elif wanted == STATUS_REQUESTED:
        if status == REJECTED:
            logger.warning(
                "CertID %s was rejected (%s): it is paid and can be configured again; correct "
                "the approver or the data, then run open again for service %s",
                detail.cert_id,
                detail.status_detail or detail.status,
                svc.id,
            )
        svc.set_status(STATUS_REQUESTED)
    else:
        if status not in PENDING:
            logger.warning(
                "CertID %s has the unknown status %s %r: treated as pending",
                detail.cert_id,
                status,
                detail.status,
            )
        svc.set_status(STATUS_ENROLLED)


def _norm(pem: str) -> str:
    return "".join(pem.split())


def _issued(svc: Service, detail: CertDetail) -> None:
    from pmenomssl.ssl import bundle, csr_matches_certificate, parse_certificate

    leaf = detail.ssl_certificate
    if not leaf.strip():
        logger.info("CertID %s is issued but ENOM has not delivered it yet", detail.cert_id)
        svc.set_status(STATUS_ENROLLED)
        return
    row = svc.certificate()
    if row is not None and row.csr.strip():
        try:
            matches = csr_matches_certificate(row.csr, leaf)
        except ModuleError as exc:  # an unreadable stored CSR must not hide the certificate
            logger.warning("cannot compare the stored CSR with the certificate: %s", exc)
            matches = True
        if not matches:
            logger.info(
                "CertID %s: ENOM's certificate is for another key than the service's CSR "
                "(a reissue is in progress); waiting",
                detail.cert_id,
            )
            svc.set_status(STATUS_ENROLLED)
            return
    crt = bundle(leaf, detail.ca_certs)
    info = parse_certificate(leaf)
    saved = row is None or _norm(row.crt) != _norm(crt)
    if saved:
        svc.billing.certificate_save(svc.id, crt)
        logger.info("saved the certificate of CertID %s (serial %x)", detail.cert_id, info.serial)
    expires = info.not_after.astimezone(timezone.utc).date()
    paid_until = svc.item.expiredate
    # Never earlier than what BILLmanager has been paid for (issue 12 §5; renewal.py decides
    # how the rest of a longer paid period is covered).
    if paid_until is None or expires > paid_until:
        svc.billing.set_expiredate(svc.id, expires)
    from pmenomssl.handlers.enomssl.renewal import schedule_coverage

    schedule_coverage(svc, expires)
    svc.set_status(STATUS_ISSUED)
    _announce(svc, detail.cert_id, f"{info.serial:x}", saved=saved)


def _announce(svc: Service, cert_id: str, serial: str, *, saved: bool) -> None:
    """certificate.open for every newly issued certificate: the first, a renewal's, a
    reissue's. ISPsystem's TheSSLStore module (pmthesslstore.cpp SyncItem) sends it whenever
    service_status moves to issued, which settled-facts.md confirms; that wins over
    billmanager-protocol.md's "on first issue". Here a renewal keeps status 5 while ENOM
    works on it, so newness is judged by the serial, which also covers what TheSSLStore's rule
    covers. A certificate is new when
    its serial is not the one announced last; an item announced before serials were kept
    (OPENED set, no OPENED_SERIAL) is announced again only when a new certificate was saved
    now, so an upgrade does not repeat the client's notice."""
    announced = svc.param(P.OPENED_SERIAL)
    if announced == serial:
        return
    if not svc.param(P.OPENED) or announced or saved:
        svc.billing.certificate_open(svc.id)
        logger.info("certificate.open for CertID %s (serial %s)", cert_id, serial)
    svc.save(P.OPENED, cert_id)
    svc.save(P.OPENED_SERIAL, serial)


def _failed(svc: Service, detail: CertDetail) -> None:
    if svc.param(P.SERVICE_STATUS) == str(STATUS_FAILED):
        return
    logger.warning(
        "CertID %s ended as %r (%s): marking the certificate failed",
        detail.cert_id,
        detail.status,
        detail.status_detail or "no detail",
    )
    svc.billing.certificate_failed(svc.id)
    svc.set_status(STATUS_FAILED)
