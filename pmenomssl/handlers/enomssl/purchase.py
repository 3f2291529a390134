"""Step 2 of `open` (and of a renewal): the slot's CertID, saved, adopted or bought once.

Under `purchase_lock`: an intent saved by an earlier run is reconciled first (reconcile.py) and
its purchase adopted when ENOM shows one; otherwise the product and the balance are checked, the
intent saved, PurchaseServices called, and its CertID and OrderID saved at once. A lost answer
is reconciled again; what cannot be confirmed is never bought a second time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.handlers.enomssl.errors import (
    BalanceTooLowError,
    PurchaseUnconfirmedError,
    UnknownProductError,
)
from pmenomssl.handlers.enomssl.reconcile import Intent, Slot, adopt, make_intent, reconcile

if TYPE_CHECKING:
    from pmenomssl.handlers.enomssl.order import Order
    from pmenomssl.handlers.enomssl.productspec import ProductSpec
    from pmenomssl.handlers.enomssl.service import Service

logger = logging.getLogger(__name__)

# Certificates are bought for one year: ENOM now issues 12-month certificates only
# (enom-api.md 3.3); longer service periods are served by renewals (prolong).
NUM_YEARS = 1


def check_funds(svc: Service, spec: ProductSpec) -> None:
    """Refuse before buying when ENOM does not sell the product or the balance is too low."""
    cache = svc.cache
    offered = cache.offered(spec.code) if cache is not None else None
    if offered is None:
        cache = svc.refresh_cache()
        offered = cache.offered(spec.code)
        if offered is None:
            raise UnknownProductError(
                f"ENOM does not offer {spec.title} ({spec.code}) to this account any more: "
                "move the tariff to another certificate type; nothing was bought.",
                obj="pricelist",
                value=spec.template,
            )
    if not offered.enabled:
        raise UnknownProductError(
            f"{spec.title} ({spec.code}) is disabled in the ENOM account: enable it in ENOM's "
            "reseller settings or change the tariff; nothing was bought.",
            obj="pricelist",
            value=spec.template,
        )
    price = offered.reseller_price * NUM_YEARS if offered.reseller_price is not None else None
    balance = svc.client.get_balance()
    if (price is not None and balance.available < price) or balance.available <= 0:
        need = f"{price} USD" if price is not None else "a positive amount"
        raise BalanceTooLowError(
            f"The ENOM reseller account has {balance.available} USD available, {spec.title} "
            f"costs {need}: add funds to the ENOM account, then the order is retried. Nothing "
            "was bought.",
            obj="balance",
            value=str(balance.available),
        )
    from pmenomssl.handlers import threshold

    threshold.refuse_below_threshold(
        balance=balance.available,
        cost=price,
        minimum=threshold.threshold(svc.module_params),
        currency="USD",
        account="ENOM reseller account",
        balance_error=BalanceTooLowError,
    )


def acquire(svc: Service, order: Order, slot: Slot) -> tuple[str, bool]:
    """The slot's CertID: the saved one, an adopted one, or a new purchase.

    Returns (cert_id, known_unconfigured): True when the certificate is known to await
    configuration (just bought or adopted), so no CertGetCertDetail is needed.
    """
    cert_id = svc.param(slot.cert_id)
    if cert_id:
        return cert_id, False
    from pmenomssl.protocol.limits import purchase_lock

    ctx = svc.ctx
    with purchase_lock(ctx.module_name, svc.item.processingmodule, ctx.deadline):
        return _adopt_or_buy(svc, order, slot)


def _adopt_or_buy(svc: Service, order: Order, slot: Slot) -> tuple[str, bool]:
    spec = order.spec
    raw = svc.param(slot.intent)
    intent = Intent.from_text(raw) if raw else None
    if intent is not None:
        found = reconcile(svc, spec, intent)
        if found is not None:
            adopt(svc, slot, found.cert_id, found.order_id)
            return found.cert_id, True
    check_funds(svc, spec)
    if intent is None:
        # A re-run keeps the earlier intent: its lower watermark still covers that purchase.
        intent = make_intent(svc, spec)
        svc.save(slot.intent, intent.to_text())
    from pmenomssl.enom import EnomOutcomeUnknownError

    try:
        purchase = svc.client.purchase_services(spec.code, NUM_YEARS)
    except EnomOutcomeUnknownError as exc:
        logger.warning("PurchaseServices answer lost (%s): reconciling", exc.cause.summary)
        found = reconcile(svc, spec, intent)
        if found is not None:
            adopt(svc, slot, found.cert_id, found.order_id)
            return found.cert_id, True
        raise PurchaseUnconfirmedError(
            f"ENOM's answer to the purchase of {spec.title} was lost and the purchase is not "
            "(yet) listed in the account. It was not repeated; the next run looks for it again "
            "and buys only if ENOM still shows nothing.",
            obj="enom",
            value="PurchaseServices",
        ) from exc
    # Save the CertID before anything else: from here on a re-run must never buy.
    svc.save(slot.cert_id, purchase.cert_id)
    svc.save(slot.order_id, purchase.order_id)
    logger.info(
        "bought %s for the %s of service %s: CertID %s, OrderID %s",
        spec.code,
        slot.label,
        svc.id,
        purchase.cert_id,
        purchase.order_id,
    )
    return purchase.cert_id, True
