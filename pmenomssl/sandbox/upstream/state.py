"""The upstream sandbox's account as a whole: `UpstreamState`, with the paid and write calls
on a service (prolong, edit, delete, suspend/resume, tariff change, remote id).

Plain Python behind one re-entrant lock (`UpstreamState.lock`, see `pmenomssl.sandbox.account`).
The pieces, each in its own module: the account (credentials, settings, money, statuses:
`account.py`), ordering (`ordering.py`), the catalogue and tariffs (`catalogue.py`), services
and ledgers (`services.py`) and refusals (`errors.py`).

Charging (the sandbox's choice): an order costs the period's price plus, for each addon given,
cost x value x months; a prolong costs the same for the service's current addons; raising an
addon with `<itemtype>.edit` costs the increase x cost x the whole months left until expiry
(lowering refunds nothing). An addon left out of an order is not part of the service.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.upstream.errors import ERROR_TYPE_VALUE, ApiError
from pmenomssl.sandbox.upstream.ordering import Ordering
from pmenomssl.sandbox.upstream.services import (
    ACTIVE,
    CLIENT_SUSPENDABLE_ITEMTYPES,
    DELETED,
    STATUS_NAMES,
    STOPPED,
    ProlongRecord,
    SandboxService,
)
from pmenomssl.upstream.errors import ERROR_TYPE_ACCESS


class UpstreamState(Ordering):
    """One upstream client account. Thread-safe through `lock` (re-entrant)."""

    def _customer_service(self, action: str, itemtype: str | None, elid: str) -> SandboxService:
        """The service a client call acts on: the level is checked first (a reseller that may
        not call `action` learns nothing about the service), then the service looked up."""
        self.require_customer(action)
        return self.service(itemtype, elid)

    def prolong(self, elid: str, period_text: str) -> SandboxService:
        with self.lock:
            service = self._customer_service("prolong", None, elid)
            tariff = self.tariffs[service.pricelist]
            months = self._period(tariff, period_text, "period")
            if service.status not in (ACTIVE, STOPPED) or service.expiredate is None:
                raise ApiError(
                    ERROR_TYPE_VALUE,
                    "elid",
                    f"Service {elid} is {STATUS_NAMES[service.status]}: it cannot be prolonged",
                )
            cost = self.cost(tariff, months, service.addons())
            self._charge(cost, f"prolonging service {elid} by {months} month(s)")
            service.expiredate = add_months(service.expiredate, months)
            self.prolongs.append(ProlongRecord(service.id, months, cost, service.expiredate))
            return service

    def edit(self, itemtype: str, elid: str, params: Mapping[str, str]) -> SandboxService:
        """`<itemtype>.edit` with sok: autoprolong and addon values; raising an addon charges."""
        with self.lock:
            service = self._customer_service("edit", itemtype, elid)
            if service.status == DELETED:
                raise ApiError(ERROR_TYPE_VALUE, "elid", f"Service {elid} is deleted")
            tariff = self.tariffs[service.pricelist]
            autoprolong = params.get("autoprolong")
            if autoprolong is not None and autoprolong not in ("on", "off"):
                raise ApiError(ERROR_TYPE_VALUE, "autoprolong", "autoprolong is on or off")
            wanted = self._addon_values(tariff, params)
            current = service.addons()
            months_left = self._months_left(service)
            cost = Decimal("0")
            for addon_id, value in wanted.items():
                addon = tariff.addon(addon_id)
                increase = value - current.get(addon_id, 0)
                if addon is not None and increase > 0:
                    cost += addon.cost * increase * months_left
            if cost > 0 and params.get("skipbasket", "") != "on":
                # A real upstream puts the paid change into the cart and answers ok; nothing
                # changes until somebody pays the cart.
                self.basket.append(f"{itemtype}.edit elid={elid}")
                return service
            self._charge(cost, f"raising the addons of service {elid}")
            if autoprolong is not None:
                service.fields["autoprolong"] = autoprolong
            service.fields.update({f"addon_{k}": str(v) for k, v in wanted.items()})
            return service

    def _months_left(self, service: SandboxService) -> int:
        """Whole months from today to the expiry, rounded up (at least 1)."""
        if service.expiredate is None:
            return service.period
        today, months = self.today(), 1
        while add_months(today, months) < service.expiredate:
            months += 1
        return months

    def delete(self, itemtype: str, elid: str) -> SandboxService:
        """Status 4. Deleting a deleted service changes nothing and succeeds."""
        with self.lock:
            service = self._customer_service("delete", itemtype, elid)
            service.status = DELETED
            service.reads_to_activate = None
            return service

    def suspend(self, itemtype: str, elid: str, stop: bool) -> SandboxService:
        """suspend (active -> stopped) or resume (stopped -> active); repeating is harmless."""
        with self.lock:
            action = "suspend" if stop else "resume"
            service = self._customer_service(action, itemtype, elid)
            if itemtype not in CLIENT_SUSPENDABLE_ITEMTYPES:
                raise ApiError(
                    ERROR_TYPE_ACCESS,
                    f"{itemtype}.{action}",
                    f"A client may not {action} a {itemtype} service",
                )
            target, source = (STOPPED, ACTIVE) if stop else (ACTIVE, STOPPED)
            if service.status not in (source, target):
                raise ApiError(
                    ERROR_TYPE_VALUE,
                    "elid",
                    f"Service {elid} is {STATUS_NAMES[service.status]}: it cannot be {action}ed",
                )
            service.status = target
            return service

    def change_pricelist(self, params: Mapping[str, str]) -> SandboxService:
        """`service.changepricelist` (elid, pricelist, period, sok): moves the service to another
        tariff of its type; a dearer tariff charges the difference of the period's prices (the
        sandbox's choice), paid at once only with skipbasket=on."""
        with self.lock:
            service = self._customer_service(
                "service.changepricelist", None, params.get("elid", "")
            )
            tariff = self.tariff(service.itemtype, params.get("pricelist", ""))
            months = self._period(tariff, params.get("period", ""), "period")
            if params.get("skipbasket", "") != "on":
                raise ApiError(
                    ERROR_TYPE_VALUE, "skipbasket", "The sandbox only pays with skipbasket=on"
                )
            old = self.tariffs[service.pricelist].periods.get(months, Decimal("0"))
            self._charge(max(Decimal("0"), tariff.periods[months] - old), "the tariff change")
            service.pricelist = tariff.id
            service.period = months
            return service

    def set_remoteid(self, elid: str, value: str) -> SandboxService:
        with self.lock:
            service = self._customer_service("item.setremoteid", None, elid)
            service.remoteid = value
            return service
