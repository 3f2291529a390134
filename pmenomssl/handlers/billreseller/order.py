"""`open`: order the service upstream, never twice, then open it when upstream says it is active.

Steps, each skipped on a re-run when already done (under the item lock the runner takes, and
`purchase_lock` from the first upstream read to the saved upstream id):

1. `upstream_id` saved -> go to 5.
2. An upstream service whose `remoteid` is our item id -> adopt it (save `upstream_id`).
3. An order intent saved by an earlier run (its answer was lost, or the process died): unlinked
   upstream services of the same tariff with an id above the intent's highest id seen -> one:
   adopt it and link it (`item.setremoteid`); several: stop, a person picks (nothing ordered);
   none: the earlier order did not happen.
4. Check the tariff, the period, the addons and the balance (below the cost or the module's
   minimal balance: refused, nothing ordered); save the intent; order (PAID, never repeated);
   save `upstream_id` at once. A lost answer reconciles as in 2-3 before giving up.
5. Sync (sync.py): active -> service.postopen (certificates: certificate.save and
   certificate.open). Ordered/processing -> return; BILLmanager re-runs open, and sync_item
   finishes it too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import (
    BalanceTooLowError,
    ConnectionSettingsError,
    OrderAmbiguousError,
    OrderDataError,
    PeriodNotAvailableError,
    UnknownTariffError,
    UpstreamServiceMissingError,
)
from pmenomssl.handlers.billreseller.service import Service
from pmenomssl.handlers.billreseller.statuses import DELETED
from pmenomssl.handlers.billreseller.sync import apply_upstream

if TYPE_CHECKING:
    from pmenomssl.upstream import Tariff, UpstreamService

logger = logging.getLogger(__name__)

# UNCONFIRMED (issue 8): the certificate order form's field names beyond those the issue lists.
# `crt_type` says the client brings its own CSR; CSR subject attributes -> order fields.
CERTIFICATE_CRT_TYPE = "csr"
CERTIFICATE_SUBJECT_FIELDS = {
    "O": "org_name",
    "OU": "org_unit",
    "L": "city",
    "ST": "state",
    "C": "country",
    "emailAddress": "email",
}


@dataclass(frozen=True)
class Intent:
    """What was known just before the paid order call."""

    time: str
    highest_id: int | None  # the highest upstream service id seen; None: the list was empty

    def to_json(self) -> str:
        return json.dumps({"time": self.time, "highest_id": self.highest_id}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Intent:
        """An unreadable intent counts every unlinked service as a candidate (the safe side)."""
        try:
            data = json.loads(text)
            highest = data.get("highest_id")
            return cls(str(data.get("time", "")), int(highest) if highest is not None else None)
        except (ValueError, TypeError, AttributeError):
            logger.warning(
                "unreadable order intent %r: every unlinked service is a candidate", text
            )
            return cls("", None)


@dataclass(frozen=True)
class OrderPlan:
    """Everything the paid call needs, checked before any money is spent."""

    tariff: Tariff
    period: int
    cost: Decimal
    fields: dict[str, str]


def _number(upstream_id: str) -> int | None:
    return int(upstream_id) if upstream_id.isdigit() else None


# --- step 1-3: adopt what is already ours -------------------------------------------------


def _claimed_elsewhere(svc: Service, upstream_id: str) -> bool:
    return any(i != svc.id for i in svc.billing.items_with_param(P.UPSTREAM_ID, upstream_id))


def find_ours(svc: Service, services: Sequence[UpstreamService]) -> UpstreamService | None:
    """The upstream service that belongs to this item: `remoteid` is our item id, or (after an
    intent) exactly one unlinked service of the tariff ordered since. Links the latter."""
    mine = [s for s in services if s.remoteid == str(svc.id) and s.status != DELETED]
    if mine:
        if len(mine) > 1:
            logger.error(
                "several upstream services carry remoteid %s: %s; adopting the first",
                svc.id,
                ", ".join(s.id for s in mine),
            )
        return mine[0]
    raw_intent = svc.param(P.ORDER_INTENT)
    if not raw_intent:
        return None
    intent = Intent.from_json(raw_intent)
    tariff_id = svc.item.pricelist_intname.strip()
    candidates = [
        s
        for s in services
        if not s.remoteid
        and s.status != DELETED
        and s.pricelist_id == tariff_id
        and (intent.highest_id is None or (_number(s.id) or 0) > intent.highest_id)
        and not _claimed_elsewhere(svc, s.id)
    ]
    if len(candidates) > 1:
        ids = ", ".join(s.id for s in candidates)
        raise OrderAmbiguousError(
            f"The answer to an earlier order of service {svc.id} was lost, and the upstream "
            f"account has several unlinked {svc.itemtype} services of tariff {tariff_id} ordered "
            f"since then: {ids}. Nothing was ordered again. Find the one ordered for service "
            f"{svc.id}, save its id as the service's {P.UPSTREAM_ID} param, then retry.",
            obj=P.UPSTREAM_ID,
            value=ids,
        )
    if not candidates:
        logger.info("order intent of service %s: nothing was ordered upstream", svc.id)
        return None
    found = candidates[0]
    svc.client.set_remoteid(found.id, str(svc.id))
    return found


def _adopt(svc: Service, found: UpstreamService) -> None:
    svc.save(P.UPSTREAM_ID, found.id)
    logger.warning(
        "adopted upstream %s service %s for service %s instead of ordering again",
        svc.itemtype,
        found.id,
        svc.id,
    )


# --- step 4: plan, check, order -------------------------------------------------------------


def plan(svc: Service) -> OrderPlan:
    """Tariff, period, addons, fields and cost; every refusal here costs nothing."""
    itemtype = svc.itemtype
    tariff_id = svc.item.pricelist_intname.strip()
    tariffs = {t.id: t for t in svc.client.tariffs(itemtype)}
    tariff = tariffs.get(tariff_id)
    if tariff is None:
        offered = ", ".join(f"{t.id} ({t.title})" for t in tariffs.values()) or "none"
        raise UnknownTariffError(
            f"The tariff of service {svc.id} has the internal name {tariff_id!r}, which is not "
            f"an upstream {itemtype} tariff id. Set the local tariff's internal name to one of: "
            f"{offered} (`pmbillreseller tariffs --itemtype {itemtype}` lists them). Nothing "
            "was ordered.",
            obj="pricelist",
            value=tariff_id,
        )
    period = svc.item.period or 0
    if period not in tariff.periods:
        offered_periods = ", ".join(str(p) for p in sorted(tariff.periods)) or "none"
        raise PeriodNotAvailableError(
            f"Service {svc.id} is ordered for {period} month(s), but upstream tariff {tariff.id} "
            f"({tariff.title}) is sold for {offered_periods} month(s) only. Offer only those "
            "periods in the local tariff; nothing was ordered.",
            obj="period",
            value=str(period),
        )
    cost = tariff.periods[period]
    fields: dict[str, str] = {
        "pricelist": tariff.id,
        "order_period": str(period),
        "remoteid": str(svc.id),
    }
    offered_addons = {a.id: a for a in tariff.addons}
    for addon in svc.addons():
        upstream_addon = offered_addons.get(addon.intname.strip())
        if upstream_addon is None:
            raise UnknownTariffError(
                f"Service {svc.id} has an addon whose internal name {addon.intname!r} is not an "
                f"addon id of upstream tariff {tariff.id} (its addons: "
                f"{', '.join(a.id for a in tariff.addons) or 'none'}). Set the local addon's "
                "internal name to the upstream addon id; nothing was ordered.",
                obj="addon",
                value=addon.intname,
            )
        if addon.value is None:
            continue
        fields[f"addon_{upstream_addon.id}"] = str(addon.value)
        cost += upstream_addon.cost * addon.value * period
    if itemtype == "certificate":
        fields.update(certificate_fields(svc))
    else:
        for name in svc.spec.order_params:
            if svc.param(name):
                fields[name] = svc.param(name)
    return OrderPlan(tariff=tariff, period=period, cost=cost, fields=fields)


def certificate_fields(svc: Service) -> dict[str, str]:
    """The certificate order's fields: the CSR and its subject, contacts, approver, SANs."""
    from pmenomssl.ssl import CsrError, name_refusals, parse_csr

    row = svc.billing.certificate(svc.id)
    csr = row.csr if row is not None else ""
    if not csr.strip():
        raise OrderDataError(
            f"Service {svc.id} has no certificate signing request (CSR): the client must "
            "generate or paste one in the order, then the order is retried. Nothing was ordered.",
            obj="csr",
        )
    info = parse_csr(csr)
    altnames = svc.param(P.ALTNAME).replace(",", " ").split()
    # The upstream charges before its CA refuses an IP address, localhost or *.co.uk: refused
    # here with the same rules as the ENOM handler (pmenomssl.dnsnames), nothing ordered.
    refused = name_refusals(info.names, [a.lower() for a in altnames])
    if refused:
        raise CsrError(refused)
    fields = {"crt_type": CERTIFICATE_CRT_TYPE, "csr": info.pem}
    if info.common_name:
        fields["domain"] = info.common_name
    for attribute, name in CERTIFICATE_SUBJECT_FIELDS.items():
        if info.subject.get(attribute):
            fields[name] = info.subject[attribute]
    for name, value in svc.params.items():
        if name.startswith((P.ADMIN_PREFIX, P.TECH_PREFIX)) and value.strip():
            fields[name] = value.strip()
    approvers = [a for a in svc.param(P.APPROVER_EMAIL).replace(",", " ").split() if a]
    if approvers:
        fields["approver_email_1"] = approvers[0]
    if altnames:
        fields["altname"] = " ".join(altnames)
    return fields


def check_balance(svc: Service, order: OrderPlan) -> None:
    """Refuse before ordering when the upstream balance is below the cost or the order would
    take it below the module's threshold (pmenomssl.handlers.threshold)."""
    from pmenomssl.handlers import threshold

    balance = svc.client.balance()
    currency = balance.currency or order.tariff.currency
    minimum = threshold.threshold(svc.module_params, ConnectionSettingsError)
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


def _highest_id(services: Sequence[UpstreamService]) -> int | None:
    numbers = [n for n in (_number(s.id) for s in services) if n is not None]
    return max(numbers) if numbers else None


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
        _adopt(svc, found)
        return found.id
    order = plan(svc)
    check_balance(svc, order)
    intent = Intent(
        time=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        highest_id=_highest_id(services),
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
        _adopt(svc, found)
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
