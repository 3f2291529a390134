"""`prolong`: ENOM has no renewal, so a renewal is a new purchase of the same product.

It is configured like the old certificate (the stored CSR, the contacts, the approver) and may
only be bought inside the brand's window before expiry (30 days DigiCert family, 60 days
Sectigo; products.py). Inside the window `prolong` buys, configures and submits at once, with
the same never-buy-twice guard as `open` (the RENEWAL slot). Outside it `prolong` records the
day the window opens (enom_renewal_due) and `sync_item` places the order from that day on.
Either way `service.postprolong`. The renewal's certificate replaces the old one once issued.

BILLmanager gives certificates one try for prolong (max_tries), so any failure becomes a
manual task instead of a second charge.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone

from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.order import configure_and_submit, prepare, refunded_error
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.handlers.enomssl.purchase import acquire
from pmenomssl.handlers.enomssl.reconcile import RENEWAL
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import CONFIGURABLE, ISSUED, REFUNDED
from pmenomssl.handlers.errors import NotOrderedError

logger = logging.getLogger(__name__)

# --- coverage: the one place that decides when the next certificate is bought (issue 12 §5) ---
#
# ENOM sells 12-month certificates only (enom-api.md 3.3: "a new certificate is valid for 12
# months from purchase"), while BILLmanager may be paid for 24 or 36 months, and a renewal bought
# inside the window starts on its purchase day (the days left on the old one may be lost). The
# client paid BILLmanager for every day up to the service's expiry, so:
# - the service's expiry is never moved earlier than what was paid (sync.py keeps the later of
#   the two dates);
# - while the current certificate ends before the paid-until date, the next one is bought, at the
#   provider's cost (the client already paid for the period), on the first day ENOM allows it:
#   the brand's renewal window before the current certificate's end. sync_item places it.
# A chain of certificates may then run past the paid-until date; a later prolong finds the
# service covered and buys nothing until the chain needs its next link.


def next_certificate_due(
    spec: ProductSpec, cert_expires: date, paid_until: date | None
) -> date | None:
    """The day the next certificate is to be bought, or None while this one covers the paid
    period (or BILLmanager shows no paid-until date)."""
    if paid_until is None or cert_expires >= paid_until:
        return None
    return cert_expires - timedelta(days=spec.rules.renewal_window_days)


def schedule_coverage(svc: Service, cert_expires: date) -> None:
    """After an issue: record when the next certificate is due, if the paid period needs one."""
    due = next_certificate_due(svc.product(), cert_expires, svc.item.expiredate)
    if due is None or _in_progress(svc) or svc.param(P.RENEWAL_DUE):
        return
    logger.info(
        "service %s is paid until %s, its certificate ends %s: the next certificate is due "
        "on %s (sync_item buys it; the client paid for the period already)",
        svc.id,
        svc.item.expiredate,
        cert_expires,
        due,
    )
    svc.save(P.RENEWAL_DUE, due.isoformat())


def _in_progress(svc: Service) -> bool:
    return bool(svc.param(P.RENEWAL_CERT_ID) or svc.param(P.RENEWAL_INTENT))


def current_expiry(svc: Service) -> date:
    """notAfter of the item's current certificate: from the stored one, else from ENOM."""
    row = svc.certificate()
    if row is not None and row.crt.strip():
        from pmenomssl.ssl import parse_certificate

        return parse_certificate(row.crt).not_after.astimezone(timezone.utc).date()
    cert_id = svc.param(P.CERT_ID)
    detail = svc.client.get_cert_detail(cert_id)
    # ENOM fills ExpirationDate even before issue (order date + validity: an "Awaiting
    # Configuration" certificate shows one, settled-facts.md), so only an issued one counts.
    issued = detail.status_id == ISSUED or bool(detail.ssl_certificate)
    if not issued or detail.expiration_date is None:
        raise NotOrderedError(
            f"ENOM certificate {cert_id} of service {svc.id} is not issued yet "
            f"({detail.status}), so there is nothing to renew yet: sync_item follows it; run "
            "prolong again once it is issued.",
            obj="enom",
            value=cert_id,
        )
    # ENOM's own clock, a few hours off UTC at most: the day is what matters here.
    return detail.expiration_date.date()


def prolong_service(svc: Service, today: date | None = None) -> None:
    spec = svc.product()
    if not svc.param(P.CERT_ID):
        raise NotOrderedError(
            f"Service {svc.id} has no ENOM certificate to renew (open has not completed).",
            obj="item",
            value=str(svc.id),
        )
    day = today or datetime.now(timezone.utc).date()
    if _in_progress(svc):
        logger.info("a renewal of service %s is already under way: continuing it", svc.id)
        run_renewal(svc)
        svc.post("prolong")
        return
    expires = current_expiry(svc)
    paid_until = svc.item.expiredate
    due = next_certificate_due(spec, expires, paid_until)
    if due is None:
        logger.info(
            "service %s: the certificate runs until %s, the service is paid until %s: "
            "already covered, nothing to buy",
            svc.id,
            expires,
            paid_until,
        )
        svc.post("prolong")
        return
    opens = due
    if day >= opens:
        logger.info(
            "service %s: inside the %s-day renewal window (expires %s): buying the renewal",
            svc.id,
            spec.rules.renewal_window_days,
            expires,
        )
        svc.save(P.RENEWAL_DUE, opens.isoformat())
        run_renewal(svc)
    else:
        logger.info(
            "service %s: expires %s, ENOM renews %s at most %s days ahead: renewal scheduled "
            "for %s (sync_item places the order)",
            svc.id,
            expires,
            spec.title,
            spec.rules.renewal_window_days,
            opens,
        )
        svc.save(P.RENEWAL_DUE, opens.isoformat())
    svc.post("prolong")


def run_renewal(svc: Service) -> None:
    """Buy (or find), configure and submit the renewal; resumable like open."""
    order = prepare(svc)
    cert_id, unconfigured = acquire(svc, order, RENEWAL)
    if not unconfigured:
        detail = svc.client.get_cert_detail(cert_id)
        if detail.status_id in REFUNDED:
            raise refunded_error(svc, detail)
        if detail.status_id not in CONFIGURABLE:
            return  # already submitted: sync_item follows it
    configure_and_submit(svc, order, cert_id)


def sync_renewal(svc: Service) -> None:
    """sync_item while a renewal is due or under way."""
    renewal_id = svc.param(P.RENEWAL_CERT_ID)
    if not renewal_id:
        run_renewal(svc)  # due, or an intent left by a crash: buy or adopt, then submit
        return
    detail = svc.client.get_cert_detail(renewal_id)
    if detail.status_id in REFUNDED:
        logger.error(
            "the renewal CertID %s of service %s was refunded at ENOM: the renewal is dropped; "
            "renew again with prolong if still wanted",
            renewal_id,
            svc.id,
        )
        for name in (P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID, P.RENEWAL_INTENT, P.RENEWAL_DUE):
            svc.save(name, "")
        return
    if detail.status_id in CONFIGURABLE:
        configure_and_submit(svc, prepare(svc), renewal_id)
        return
    if detail.status_id == ISSUED or detail.ssl_certificate:
        promote(svc, detail.cert_id, detail.order_id or svc.param(P.RENEWAL_ORDER_ID))
        from pmenomssl.handlers.enomssl.sync import apply_detail

        apply_detail(svc, detail)
        return
    logger.debug("renewal CertID %s still pending (%s)", renewal_id, detail.status)


def promote(svc: Service, new_cert_id: str, new_order_id: str) -> None:
    """The renewal's certificate becomes the item's certificate (crash-safe order of writes)."""
    old = svc.param(P.CERT_ID)
    if old and old != new_cert_id:
        previous = [c for c in svc.param(P.PREVIOUS_CERT_IDS).split(",") if c]
        if old not in previous:
            previous.append(old)
            svc.save(P.PREVIOUS_CERT_IDS, ",".join(previous))
    svc.save(P.CERT_ID, new_cert_id)
    if new_order_id:
        svc.save(P.ORDER_ID, new_order_id)
    for name in (P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID, P.RENEWAL_INTENT, P.RENEWAL_DUE):
        svc.save(name, "")
    logger.info("service %s: renewal CertID %s replaces CertID %s", svc.id, new_cert_id, old)
