"""Reconciliation: the purchase a lost answer or a crash left unrecorded, found in ENOM.

Every purchase lives in a `Slot` of item params (the certificate's, or its renewal's): an
intent saved just before PurchaseServices, then the CertID and OrderID saved at once. A slot
with an intent and no CertID may have bought: `reconcile` looks for that purchase in ENOM, and
`adopt` claims it, so a re-run never buys twice (purchase.py decides when to look).

The intent is a clock-free watermark. Reconciliation never compares times (issue 12 §1). ENOM's
dates carry no time zone, its documented clock runs hours behind UTC (CertPurchaseCert's
example: RequestDateTime 12/15/2016 4:52:44 PM for a notBefore of 2016-12-16 00:00Z) and
CertGetCerts' OrderDate is a date only (settled-facts.md). CertIDs, in contrast, only grow: ENOM
allots them in order, and CertGetCerts sorts by them. So just before PurchaseServices the intent
records the highest CertID in the account; a purchase that intent may have made is an unclaimed
certificate of the same product, awaiting configuration, with a higher CertID. Everything is
read and bought under `purchase_lock`, so no other item of this module buys between the
watermark and the purchase. ENOM's own RequestDateTime of that answer is kept for people reading
the intent, never compared.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.errors import PurchaseUnconfirmedError
from pmenomssl.handlers.enomssl.statuses import AWAITING_CONFIGURATION

if TYPE_CHECKING:
    from pmenomssl.enom import CertSummary
    from pmenomssl.handlers.enomssl.productspec import ProductSpec
    from pmenomssl.handlers.enomssl.service import Service

logger = logging.getLogger(__name__)

RECONCILE_PAGE_SIZE = 50


@dataclass(frozen=True)
class Slot:
    """Which params one purchase lives in: the item's certificate, or its renewal."""

    intent: str
    cert_id: str
    order_id: str
    label: str


OPEN = Slot(P.PURCHASE_INTENT, P.CERT_ID, P.ORDER_ID, "certificate")
RENEWAL = Slot(P.RENEWAL_INTENT, P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID, "renewal")


@dataclass(frozen=True)
class Intent:
    """What was known just before a purchase (saved in the slot's intent param)."""

    product: str  # ENOM product code
    highest_cert_id: int | None  # the account's highest CertID then; None: unknown (see below)
    saved_at: str = ""  # this server's UTC time, for people
    enom_time: str = ""  # ENOM's RequestDateTime then (ENOM's clock), for people

    def to_text(self) -> str:
        import json

        return json.dumps(
            {
                "product": self.product,
                "highest_cert_id": self.highest_cert_id,
                "saved_at": self.saved_at,
                "enom_time": self.enom_time,
            },
            sort_keys=True,
        )

    @classmethod
    def from_text(cls, text: str) -> Intent:
        """An unreadable intent, or one from before the watermark (a time stamp and a code), has
        no watermark: every unclaimed certificate of the product is a candidate (the safe side:
        adopting an unused purchase costs nothing, a second purchase costs the provider)."""
        import json

        try:
            data = json.loads(text)
            highest = data.get("highest_cert_id")
            return cls(
                product=str(data.get("product", "")),
                highest_cert_id=int(highest) if highest is not None else None,
                saved_at=str(data.get("saved_at", "")),
                enom_time=str(data.get("enom_time", "")),
            )
        except (ValueError, TypeError, AttributeError):
            logger.warning(
                "purchase intent %r has no CertID watermark: every unclaimed "
                "certificate of the product counts",
                text[:80],
            )
            return cls(product="", highest_cert_id=None)


def make_intent(svc: Service, spec: ProductSpec) -> Intent:
    """Read the watermark (one CertGetCerts, newest CertID first, any product and status)."""
    page = svc.client.get_certs_page(page_size=1, sort_by="CertID", descending=True)
    highest = max((int(c.cert_id) for c in page.certs if c.cert_id.isdigit()), default=None)
    moment = datetime.now(timezone.utc).replace(microsecond=0)
    return Intent(
        product=spec.code,
        # An empty account: nothing was bought before, so every certificate is newer (0).
        highest_cert_id=highest if highest is not None else 0,
        saved_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        enom_time=page.enom_time,
    )


def unfinished_watermark(params: Mapping[str, str]) -> int | None:
    """The lowest watermark of the item's purchases still unrecorded (an intent without its
    CertID), or None when none is unfinished. -1 when one has no watermark (all may be it)."""
    lowest: int | None = None
    for slot in (OPEN, RENEWAL):
        raw = (params.get(slot.intent) or "").strip()
        if not raw or (params.get(slot.cert_id) or "").strip():
            continue
        mark = Intent.from_text(raw).highest_cert_id
        value = -1 if mark is None else mark
        lowest = value if lowest is None else min(lowest, value)
    return lowest


def _claimed(svc: Service, cert_id: str) -> list[int]:
    items: set[int] = set()
    for name in P.CLAIMING_PARAMS:
        items.update(svc.billing.items_with_param(name, cert_id))
    return sorted(items)


def _newer(cert_id: str, intent: Intent) -> bool:
    if intent.highest_cert_id is None:
        return True
    return cert_id.isdigit() and int(cert_id) > intent.highest_cert_id


def reconcile(svc: Service, spec: ProductSpec, intent: Intent) -> CertSummary | None:
    """The purchase a lost answer or a crash left unrecorded, if ENOM shows one.

    CertGetCerts newest CertID first: same product, Awaiting Configuration, a CertID above the
    intent's watermark, and not claimed by any item. Of several, the lowest CertID (the first
    bought after the intent). None proves nothing was bought since the intent. No time is read.
    """
    candidates: list[CertSummary] = []
    for cert in svc.client.iter_certs(
        page_size=RECONCILE_PAGE_SIZE,
        sort_by="CertID",
        descending=True,
        status_id=AWAITING_CONFIGURATION,
        prod_type=spec.prod_type,
    ):
        if not _newer(cert.cert_id, intent):
            break  # newest first: everything after this was bought before the intent
        if cert.status_id not in (None, AWAITING_CONFIGURATION):
            continue
        if spec.prod_type is None and cert.prod_desc and cert.prod_desc != spec.title:
            continue
        if _claimed(svc, cert.cert_id):
            continue
        candidates.append(cert)
    found = candidates[-1] if candidates else None
    logger.info(
        "reconcile %s above CertID %s: %s",
        spec.code,
        intent.highest_cert_id if intent.highest_cert_id is not None else "(none: all count)",
        f"found unclaimed CertID {found.cert_id}" if found else "nothing bought",
    )
    return found


def adopt(svc: Service, slot: Slot, cert_id: str, order_id: str) -> None:
    """Claim a reconciled certificate; if another item claimed it at the same moment, the
    lowest item id keeps it and this run stops (its re-run reconciles again)."""
    svc.save(slot.cert_id, cert_id)
    svc.save(slot.order_id, order_id)
    others = [i for i in _claimed(svc, cert_id) if i != svc.id]
    if others and min(others) < svc.id:
        svc.save(slot.cert_id, "")
        svc.save(slot.order_id, "")
        raise PurchaseUnconfirmedError(
            f"ENOM certificate {cert_id} was claimed by service {min(others)} at the same time; "
            "this order is retried and looks again.",
            obj="enom",
            value=cert_id,
        )
    logger.warning(
        "adopted ENOM CertID %s (OrderID %s) for the %s of service %s instead of buying again",
        cert_id,
        order_id,
        slot.label,
        svc.id,
    )
