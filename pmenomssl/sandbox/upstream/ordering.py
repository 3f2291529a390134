"""Ordering from the upstream sandbox: the paid `<order>.param` call, the fields each order
function requires (see functions.py), and services that already exist upstream.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.upstream.account import UpstreamAccount
from pmenomssl.sandbox.upstream.catalogue import COUNTRIES, DATACENTERS, SandboxTariff
from pmenomssl.sandbox.upstream.errors import ERROR_TYPE_EMPTY, ERROR_TYPE_VALUE, ApiError
from pmenomssl.sandbox.upstream.services import (
    ACTIVE,
    ORDERED,
    STATUS_NAMES,
    STOPPED,
    OrderRecord,
    SandboxService,
    throwaway_csr,
)
from pmenomssl.upstream import functions


class Ordering(UpstreamAccount):
    """The calls that create services."""

    # --- ordering -----------------------------------------------------------------------------

    def order(self, func: str, itemtype: str, params: Mapping[str, str]) -> SandboxService:
        """A paid order (`v2.<itemtype>.order.param` / `<itemtype>.order.param` with sok)."""
        with self.lock:
            self.require_customer("order")
            tariff = self.tariff(itemtype, params.get("pricelist", ""))
            period_field = functions.order_period_field(itemtype)
            months = self._period(tariff, params.get(period_field, ""), period_field)
            addons = self._addon_values(tariff, params)
            if params.get("skipbasket", "") != "on":
                # Without it a real upstream puts the order into a basket that nobody pays.
                raise ApiError(
                    ERROR_TYPE_VALUE, "skipbasket", "The sandbox only orders with skipbasket=on"
                )
            self._check_order_form(itemtype, params)
            csr_info: ca.CsrInfo | None = None
            if itemtype == "certificate":
                csr_info = self._certificate_request(params)
            cost = self.cost(tariff, months, addons)
            self._charge(cost, f"{tariff.title} for {months} month(s)")
            service = self._new_service(
                itemtype,
                tariff,
                months,
                status=ORDERED,
                remoteid=params.get("remoteid", ""),
                fields=self._order_fields(params, addons),
            )
            if csr_info is not None:
                service.csr = csr_info.pem
                service.fields["domain"] = csr_info.common_name
            service.name = service.fields.get("domain") or f"{tariff.title} #{service.id}"
            self.orders.append(
                OrderRecord(func, itemtype, tariff.id, months, service.remoteid, service.id, cost)
            )
            if self.settings.activate_after <= 0:
                self.activate(service.id)
            else:
                service.reads_to_activate = self.settings.activate_after
            return service

    @staticmethod
    def _check_order_form(itemtype: str, params: Mapping[str, str]) -> None:
        """The fields each order function requires, as documented (see functions.py)."""
        autoprolong = params.get("autoprolong", "")
        allowed = ("on", "off") if functions.is_v2(itemtype) else ("null", "on")
        if autoprolong and autoprolong not in allowed:
            raise ApiError(
                ERROR_TYPE_VALUE,
                "autoprolong",
                f"autoprolong of this order function is one of {', '.join(allowed)}",
            )
        if functions.is_v2(itemtype) and params.get("clicked_button") != "finish":
            raise ApiError(ERROR_TYPE_EMPTY, "clicked_button", "The order form was not finished")
        if functions.requires_datacenter(itemtype):
            datacenter = params.get("datacenter", "")
            if not datacenter:
                raise ApiError(ERROR_TYPE_EMPTY, "datacenter", "The data centre is required")
            if datacenter not in dict(DATACENTERS):
                raise ApiError(
                    ERROR_TYPE_VALUE, "datacenter", f"There is no data centre {datacenter!r}"
                )

    def _certificate_request(self, params: Mapping[str, str]) -> ca.CsrInfo:
        """certificate.order.param's fields (ispmanager's "Reselling SSL certificates"):
        `crt_type=generate` with the `csr`, `CN` matching it, `field_country` a country id,
        additional domains in both `altname` and `altname_input`."""
        if params.get("crt_type") != "generate":
            raise ApiError(ERROR_TYPE_VALUE, "crt_type", "crt_type must be generate")
        info = self._csr(params.get("csr", ""))
        common_name = params.get("CN", "").strip().lower()
        if not common_name:
            raise ApiError(ERROR_TYPE_EMPTY, "CN", "The domain name (CN) is required")
        if common_name != info.common_name.lower():
            raise ApiError(ERROR_TYPE_VALUE, "CN", "CN differs from the request's common name")
        country = params.get("field_country", "")
        if country and country not in dict(COUNTRIES):
            raise ApiError(ERROR_TYPE_VALUE, "field_country", f"No country with id {country!r}")
        if params.get("altname", "").split() != params.get("altname_input", "").split():
            raise ApiError(
                ERROR_TYPE_VALUE, "altname", "altname and altname_input must list the same names"
            )
        return info

    @staticmethod
    def _order_fields(params: Mapping[str, str], addons: Mapping[str, int]) -> dict[str, str]:
        kept = {
            k: v
            for k, v in params.items()
            if k not in ("func", "sok", "skipbasket", "pricelist", "order_period", "remoteid")
            and k not in ("csr", "out", "lang", "authinfo", "period", "clicked_button")
            and not k.startswith("addon_")
        }
        # BILLmanager's default is on; `null` (the older functions) and `off` switch it off.
        kept["autoprolong"] = "off" if kept.get("autoprolong") in ("off", "null") else "on"
        kept.update({f"addon_{k}": str(v) for k, v in addons.items()})
        return kept

    @staticmethod
    def _csr(text: str) -> ca.CsrInfo:
        if not text.strip():
            raise ApiError(ERROR_TYPE_EMPTY, "csr", "The certificate request (csr) is required")
        try:
            return ca.parse_csr(text)
        except ca.CsrError as error:
            raise ApiError(
                ERROR_TYPE_VALUE, "csr", f"Invalid certificate request: {error}"
            ) from None

    def _new_service(
        self,
        itemtype: str,
        tariff: SandboxTariff,
        months: int,
        *,
        status: int,
        remoteid: str,
        fields: dict[str, str],
        expiredate: datetime.date | None = None,
    ) -> SandboxService:
        service = SandboxService(
            id=str(self._next_id),
            itemtype=itemtype,
            pricelist=tariff.id,
            period=months,
            status=status,
            expiredate=expiredate,
            remoteid=remoteid,
            fields=fields,
            createdate=self.today(),
        )
        self._next_id += 1
        self.services[service.id] = service
        return service

    def add_service(
        self,
        itemtype: str,
        pricelist: str,
        period: int,
        *,
        remoteid: str,
        status: int,
        expiredate: datetime.date | None,
    ) -> SandboxService:
        """A service that already exists upstream (bought earlier, e.g. for `import`); free."""
        if status not in STATUS_NAMES:
            raise ValueError(f"unknown status {status}; known: {sorted(STATUS_NAMES)}")
        with self.lock:
            tariff = self.tariffs.get(str(pricelist))
            if tariff is None or tariff.itemtype != itemtype:
                raise ValueError(f"no {itemtype} tariff {pricelist!r}")
            if period not in tariff.periods:
                raise ValueError(f"tariff {pricelist} has no period {period}")
            service = self._new_service(
                itemtype,
                tariff,
                period,
                status=status,
                remoteid=remoteid,
                fields={"autoprolong": "off"},
                expiredate=expiredate,
            )
            service.name = f"{tariff.title} #{service.id}"
            if itemtype == "certificate":
                domain = f"import-{service.id}.example.com"
                service.csr = throwaway_csr(domain)
                service.fields["domain"] = service.name = domain
            if status in (ACTIVE, STOPPED):
                self._open(service)
            return service
