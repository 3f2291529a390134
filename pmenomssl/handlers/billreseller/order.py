"""`open`: order the service upstream, never twice, then open it when upstream says it is active.

Steps, each skipped on a re-run when already done (under the item lock the runner takes, and
`purchase_lock` from the first upstream read to the saved upstream id):

1. `upstream_id` saved -> go to 5.
2. An upstream service whose `remoteid` is our item id -> adopt it (save `upstream_id`); only
   where the list carries a `remoteid` column (the certificate list does not). (reconcile.py)
3. An order intent saved by an earlier run (its answer was lost, or the process died): the
   upstream services that may be that order (see `find_ours` for the reasoning) -> one: adopt
   it and link it (`item.setremoteid`); several: stop, a person picks (nothing ordered); none:
   the earlier order did not happen.
4. Check the tariff, the period, the addons (plan.py) and the balance (below the cost or the
   module's minimal balance: refused, nothing ordered); save the intent; order (PAID, never
   repeated); save `upstream_id` at once. A lost answer reconciles as in 2-3 before giving up.
5. Sync (sync.py): active -> service.postopen (certificates: certificate.save and
   certificate.open). Ordered/processing -> return; BILLmanager re-runs open, and sync_item
   finishes it too.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import BalanceTooLowError, UpstreamServiceMissingError
from pmenomssl.handlers.billreseller.plan import OrderPlan, plan
from pmenomssl.handlers.billreseller.reconcile import Intent, adopt, find_ours, highest_id
from pmenomssl.handlers.billreseller.service import Service
from pmenomssl.handlers.billreseller.statuses import DELETED
from pmenomssl.handlers.billreseller.sync import apply_upstream

logger = logging.getLogger(__name__)


def check_balance(svc: Service, order: OrderPlan) -> None:
    """Refuse before ordering when the upstream balance is below the cost or the order would
    take it below the module's threshold (pmenomssl.handlers.threshold)."""
    from pmenomssl.handlers import threshold

    balance = svc.client.balance()
    currency = balance.currency or order.tariff.currency
    minimum = threshold.threshold(svc.module_params)
    if balance.amount < order.cost:
        raise BalanceTooLowError(
            f"The upstream account has {balance.amount} {currency}; {order.tariff.title} for "
            f"{order.period} month(s) costs {order.cost} {currency}. Top up the upstream account, "
            "then the order is retried. Nothing was ordered.",
            obj="balance",
            value=str(balance.amount),
        )
    threshold.refuse_below_threshold(
        balance=balance.amount,
        cost=order.cost,
        minimum=minimum,
        currency=currency,
        account="upstream account",
        balance_error=BalanceTooLowError,
    )


def acquire(svc: Service) -> str:
    """The upstream service id of this item: saved, adopted, or newly ordered."""
    from pmenomssl.protocol.limits import purchase_lock

    ctx = svc.ctx
    with purchase_lock(ctx.module_name, svc.module_id, ctx.deadline):
        return _adopt_or_order(svc)


def _adopt_or_order(svc: Service) -> str:
    from pmenomssl.upstream import UpstreamOutcomeUnknown

    services = svc.client.services(svc.itemtype)
    found = find_ours(svc, services)
    if found is not None:
        adopt(svc, found)
        return found.id
    order = plan(svc)
    check_balance(svc, order)
    intent = Intent(
        time=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        highest_id=highest_id(services),
    )
    svc.save(P.ORDER_INTENT, intent.to_json())
    try:
        upstream_id = svc.client.order(svc.itemtype, order.fields)
    except UpstreamOutcomeUnknown as exc:
        logger.warning("the order's answer was lost (%s): reconciling", exc.cause.summary)
        try:
            found = find_ours(svc, svc.client.services(svc.itemtype))
        except ModuleError as reconcile_error:
            # The order's unknown outcome is what staff must read, not why the look failed.
            logger.error("reconciling the lost order failed: %s", reconcile_error.desc)
            raise exc from None
        if found is None:
            raise  # not repeated; the next run reconciles again before ordering
        adopt(svc, found)
        return found.id
    # Save the id before anything else: from here on a re-run must never order.
    svc.save(P.UPSTREAM_ID, upstream_id)
    logger.info(
        "ordered upstream %s tariff %s for %s month(s) (%s): upstream service %s for service %s",
        svc.itemtype,
        order.tariff.id,
        order.period,
        order.cost,
        upstream_id,
        svc.id,
    )
    return upstream_id


# --- the command ---------------------------------------------------------------------------


def open_service(svc: Service) -> None:
    svc.spec  # noqa: B018 (an item type this module does not resell fails before any call)
    if not svc.upstream_id:
        acquire(svc)
    service = svc.upstream_service()
    if service.status == DELETED:
        raise UpstreamServiceMissingError(
            f"Upstream {svc.itemtype} service {service.id} of service {svc.id} is deleted "
            "upstream, so it cannot be opened. Ask the upstream provider why; to order anew, "
            f"clear the service's {P.UPSTREAM_ID} and {P.ORDER_INTENT} params and retry.",
            obj=P.UPSTREAM_ID,
            value=service.id,
        )
    if not apply_upstream(svc, service):
        logger.info(
            "upstream %s service %s is %s: open finishes when it is active (re-run or sync_item)",
            svc.itemtype,
            service.id,
            service.status,
        )
