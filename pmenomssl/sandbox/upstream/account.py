"""The upstream sandbox's account: credentials and settings, balance, tariffs, services and
their statuses (see `state.py` for the whole).
"""

from __future__ import annotations

import collections
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.account import SandboxAccount, credentials_match
from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.upstream.catalogue import SandboxTariff, default_tariffs, format_money
from pmenomssl.sandbox.upstream.errors import ERROR_TYPE_EMPTY, ERROR_TYPE_VALUE, ApiError
from pmenomssl.sandbox.upstream.services import (
    ACTIVE,
    ORDERED,
    PROCESSING,
    STATUS_NAMES,
    OrderRecord,
    ProlongRecord,
    SandboxService,
    service_json,
)
from pmenomssl.upstream.errors import (
    AUTH_OBJECT_BAD_PASSWORD,
    AUTH_OBJECT_IP_RESTRICTED,
    AUTH_OBJECT_TWO_FACTOR,
    ERROR_TYPE_ACCESS,
    ERROR_TYPE_AUTH,
    ERROR_TYPE_MISSING,
    ERROR_TYPE_NOT_ENOUGH_MONEY,
)

CUSTOMER_LEVEL = "customer"


@dataclass
class AccountSettings:
    """What `configure()` changes."""

    level: str = CUSTOMER_LEVEL
    two_factor: bool = False
    ip_restricted: bool = False
    # New orders become active after this many list reads that show them (0: at once).
    activate_after: int = 0
    # False: whoami carries no balance attribute, so clients must fall back to dashboard.info.
    whoami_balance: bool = True
    # Two-factor authentication as reported for real accounts: authinfo is accepted, but every
    # call answers a bare <doc><ok/></doc> without data.
    two_factor_ok: bool = False


class UpstreamAccount(SandboxAccount):
    """One upstream client account: who it is, what it holds, its services' statuses."""

    def __init__(
        self,
        username: str,
        password: str,
        balance: Decimal,
        currency: str = "RUB",
        tariffs: list[SandboxTariff] | None = None,
    ) -> None:
        super().__init__()
        self.username = username
        self.password = password
        self.balance = balance
        self.currency = currency
        self.settings = AccountSettings()
        self.tariffs: dict[str, SandboxTariff] = {
            t.id: t for t in (tariffs if tariffs is not None else default_tariffs())
        }
        self.services: dict[str, SandboxService] = {}
        self.orders: list[OrderRecord] = []
        self.prolongs: list[ProlongRecord] = []
        # Paid changes submitted without skipbasket=on: they wait unpaid in the upstream cart
        # and are not applied (what a real upstream does with them).
        self.basket: list[str] = []
        self.submitted: collections.Counter[str] = collections.Counter()  # calls with sok=ok
        self._next_id = 1001  # one id sequence for every item type, as BILLmanager's item ids

    # --- clock (tests may replace it) -------------------------------------------------------

    def today(self) -> datetime.date:
        return datetime.date.today()

    # --- authentication ---------------------------------------------------------------------

    def authenticate(self, authinfo: str) -> None:
        """Credentials first (never reveal the account's settings to a stranger), then the
        IP restriction, then two-factor authentication."""
        username, _, password = authinfo.partition(":")
        matches = credentials_match(username, password, self.username, self.password)
        if not (authinfo and matches):
            raise ApiError(
                ERROR_TYPE_AUTH, AUTH_OBJECT_BAD_PASSWORD, "Invalid username or password"
            )
        if self.settings.ip_restricted:
            raise ApiError(
                ERROR_TYPE_AUTH,
                AUTH_OBJECT_IP_RESTRICTED,
                "Access with authinfo is not allowed from your IP address",
            )
        if self.settings.two_factor:
            raise ApiError(
                ERROR_TYPE_AUTH,
                AUTH_OBJECT_TWO_FACTOR,
                "Two-factor authentication is on: enter the one-time code",
            )

    def require_customer(self, what: str) -> None:
        if self.settings.level != CUSTOMER_LEVEL:
            raise ApiError(
                ERROR_TYPE_ACCESS,
                what,
                f"Access denied: {what} is not allowed at level {self.settings.level!r}",
            )

    # --- lookups ----------------------------------------------------------------------------

    def tariff(self, itemtype: str, pricelist: str) -> SandboxTariff:
        if not pricelist:
            raise ApiError(ERROR_TYPE_EMPTY, "pricelist", "The tariff (pricelist) is required")
        found = self.tariffs.get(pricelist)
        if found is None or found.itemtype != itemtype:
            raise ApiError(
                ERROR_TYPE_VALUE, "pricelist", f"There is no {itemtype} tariff {pricelist!r}"
            )
        return found

    def tariffs_of(self, itemtype: str) -> list[SandboxTariff]:
        return [t for t in self.tariffs.values() if t.itemtype == itemtype]

    def service(self, itemtype: str | None, elid: str) -> SandboxService:
        """The service `elid` of this account (of `itemtype`, unless None)."""
        if not elid:
            raise ApiError(ERROR_TYPE_EMPTY, "elid", "The service id (elid) is required")
        found = self.services.get(elid)
        if found is None or (itemtype is not None and found.itemtype != itemtype):
            kind = itemtype or "service"
            raise ApiError(ERROR_TYPE_MISSING, "elid", f"There is no {kind} with id {elid!r}")
        return found

    def snapshot_services(self, itemtype: str | None = None) -> list[SandboxService]:
        """Copies, in id order, so callers never share mutable state with the server."""
        with self.lock:
            return [
                replace(s, fields=dict(s.fields))
                for s in self.services.values()
                if itemtype is None or s.itemtype == itemtype
            ]

    # --- money --------------------------------------------------------------------------------

    def _charge(self, cost: Decimal, what: str) -> None:
        if cost > self.balance:
            raise ApiError(
                ERROR_TYPE_NOT_ENOUGH_MONEY,
                "balance",
                f"Not enough money for {what}: it costs {format_money(cost)} {self.currency}, "
                f"the balance is {format_money(self.balance)} {self.currency}",
            )
        self.balance -= cost

    @staticmethod
    def _period(tariff: SandboxTariff, text: str, param: str) -> int:
        if not text:
            raise ApiError(ERROR_TYPE_EMPTY, param, "The period (months) is required")
        months = int(text) if text.strip().lstrip("-").isdigit() else None
        if months is None or months not in tariff.periods:
            offered = ", ".join(str(m) for m in sorted(tariff.periods))
            raise ApiError(
                ERROR_TYPE_VALUE,
                param,
                f"Tariff {tariff.id} ({tariff.title}) has no period of {text!r} months; "
                f"its periods: {offered}",
            )
        return months

    @staticmethod
    def _addon_values(tariff: SandboxTariff, params: Mapping[str, str]) -> dict[str, int]:
        values: dict[str, int] = {}
        for key, text in params.items():
            if not key.startswith("addon_"):
                continue
            addon_id = key[len("addon_") :]
            addon = tariff.addon(addon_id)
            if addon is None:
                raise ApiError(
                    ERROR_TYPE_VALUE, key, f"Tariff {tariff.id} has no addon {addon_id!r}"
                )
            value = int(text) if text.strip().isdigit() else None
            if value is None or not addon.min <= value <= addon.max:
                raise ApiError(
                    ERROR_TYPE_VALUE,
                    key,
                    f"{addon.name}: {text!r} is not a whole number from {addon.min} to {addon.max}",
                )
            values[addon_id] = value
        return values

    @staticmethod
    def cost(tariff: SandboxTariff, months: int, addons: Mapping[str, int]) -> Decimal:
        """Period price plus each addon's cost x value x months."""
        total = tariff.periods[months]
        for addon_id, value in addons.items():
            addon = tariff.addon(addon_id)
            if addon is not None:
                total += addon.cost * value * months
        return total

    # --- status ---------------------------------------------------------------------------------

    def activate(self, service_id: str) -> SandboxService:
        """Make a service active now: expiry set from today, a certificate issued."""
        with self.lock:
            service = self._known(service_id)
            service.status = ACTIVE
            service.reads_to_activate = None
            self._open(service)
            return service

    def set_status(self, service_id: str, status: int) -> SandboxService:
        """Set a status by hand (automatic activation stops); 2 activates as `activate`."""
        if status not in STATUS_NAMES:
            raise ValueError(f"unknown status {status}; known: {sorted(STATUS_NAMES)}")
        with self.lock:
            if status == ACTIVE:
                return self.activate(service_id)
            service = self._known(service_id)
            service.status = status
            service.reads_to_activate = None
            return service

    def _known(self, service_id: str) -> SandboxService:
        service = self.services.get(str(service_id))
        if service is None:
            raise KeyError(f"no upstream service {service_id!r}")
        return service

    def _open(self, service: SandboxService) -> None:
        """What opening does upstream: an expiry date, and for certificates the certificate."""
        if service.expiredate is None:
            service.expiredate = add_months(self.today(), service.period)
        if service.itemtype == "certificate" and not service.crt and service.csr:
            info = ca.parse_csr(service.csr)
            public_key = info.csr.public_key()
            if not isinstance(public_key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
                raise ValueError("the CSR's key type cannot be issued")  # parse_csr refuses it
            names = list(info.sans) + service.fields.get("altname", "").lower().split()
            issued = ca.issue(public_key, info.common_name, names, service.period)
            service.crt = issued.pem + ca.get_ca().issuing_pem

    def seen_in_list(self, service: SandboxService) -> None:
        """A list read shows `service`: count it toward automatic activation. The read that
        completes `activate_after` shows it active, the one before processing, earlier ones
        ordered."""
        if service.reads_to_activate is None or service.status not in (ORDERED, PROCESSING):
            return
        service.list_reads += 1
        remaining = service.reads_to_activate - service.list_reads
        if remaining <= 0:
            self.activate(service.id)
        else:
            service.status = PROCESSING if remaining == 1 else ORDERED

    # --- admin --------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, object]:
        """A JSON-able summary (never the password) for GET /_sandbox/state."""
        with self.lock:
            settings = self.settings
            return {
                "username": self.username,
                "balance": str(self.balance),
                "currency": self.currency,
                "level": settings.level,
                "two_factor": settings.two_factor,
                "ip_restricted": settings.ip_restricted,
                "activate_after": settings.activate_after,
                "whoami_balance": settings.whoami_balance,
                "two_factor_ok": settings.two_factor_ok,
                "basket": list(self.basket),
                "calls": dict(self.calls),
                "orders": [
                    {
                        "func": o.func,
                        "itemtype": o.itemtype,
                        "pricelist": o.pricelist,
                        "period": o.period,
                        "remoteid": o.remoteid,
                        "service_id": o.service_id,
                        "cost": str(o.cost),
                    }
                    for o in self.orders
                ],
                "prolongs": [
                    {
                        "service_id": p.service_id,
                        "period": p.period,
                        "cost": str(p.cost),
                        "expiredate": p.expiredate.isoformat(),
                    }
                    for p in self.prolongs
                ],
                "services": [service_json(s) for s in self.services.values()],
            }
