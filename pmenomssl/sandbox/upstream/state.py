"""The sandbox's upstream account: tariffs, balance, services and the rules that move them.

Plain Python behind one re-entrant lock (`UpstreamState.lock`); the HTTP layer holds it for the
whole of a call, so calls are atomic and tests may read or seed the state from their own thread.
Every refusal is an `ApiError(type, object, msg)`, which the wire layer renders as upstream's
`<doc><error type object><msg/></error></doc>`. The error shapes the client classifies
(auth, access, notenoughmoney, missing) come from `pmenomssl.upstream.errors`, so the two sides
cannot drift apart; the rest ("value", "empty") are the sandbox's own choice (UNCONFIRMED).

Seeded tariffs (ids are stable; periods in months; addon cost per unit per month):

    itemtype     id  title              periods: cost                      addons
    vhost        11  Hosting-1          1: 150,00     12: 1 620,00
    vds          21  VDS-1              1: 300,00     3: 870,00   12: 3 240,00
                                                                    211 RAM, GB 50,00 (1..64)
                                                                    212 CPU     100,00 (1..32)
    dedic        31  Dedic-1            1: 5 000,00   12: 54 000,00
    soft         41  ISPmanager Lite    1: 400,00     12: 4 320,00
    certificate  51  AlphaSSL           12: 1 990,00  24: 3 580,00

Charging (the sandbox's choice): an order costs the period's price plus, for each addon given,
cost x value x months; a prolong costs the same for the service's current addons; raising an
addon with `<itemtype>.edit` costs the increase x cost x the whole months left until expiry
(lowering refunds nothing). An addon left out of an order is not part of the service.
"""

from __future__ import annotations

import calendar
import collections
import datetime
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from pmenomssl.sandbox import ca
from pmenomssl.upstream import functions
from pmenomssl.upstream.errors import (
    AUTH_OBJECT_BAD_PASSWORD,
    AUTH_OBJECT_IP_RESTRICTED,
    AUTH_OBJECT_TWO_FACTOR,
    ERROR_TYPE_ACCESS,
    ERROR_TYPE_AUTH,
    ERROR_TYPE_MISSING,
    ERROR_TYPE_NOT_ENOUGH_MONEY,
)

# --- statuses (as upstream lists them) --------------------------------------------------------

ORDERED = 1
ACTIVE = 2
STOPPED = 3
DELETED = 4
PROCESSING = 5
STATUS_NAMES: dict[int, str] = {
    ORDERED: "ordered",
    ACTIVE: "active",
    STOPPED: "stopped",
    DELETED: "deleted",
    PROCESSING: "processing",
}

ITEMTYPES = ("certificate", "soft", "vhost", "vds", "dedic")

# UNCONFIRMED (the issue leaves client-level suspend/resume open): the item types whose services
# a client may stop and start itself. For the others suspend/resume answer type="access". This is
# the sandbox's choice and the only place it is made.
# Licences: ISPsystem's WHMCS module calls soft.suspend/soft.resume from a client account.
CLIENT_SUSPENDABLE_ITEMTYPES = frozenset({"soft", "vhost", "vds", "dedic"})

# The data centres every vhost/vds/dedic order form offers (`slist name="datacenter"`, keys are
# upstream ids; the requirement document makes `datacenter` mandatory). The first is the preset.
DATACENTERS: tuple[tuple[str, str], ...] = (("1", "Moscow DC"), ("2", "Amsterdam DC"))
# The certificate order form's countries (`slist name="field_country"`: BILLmanager country ids
# -> names). UNCONFIRMED how a real upstream words them; the sandbox's choice: "Name (ISO)".
COUNTRIES: tuple[tuple[str, str], ...] = (
    ("182", "Russian Federation (RU)"),
    ("230", "United States (US)"),
    ("80", "Germany (DE)"),
    ("77", "United Kingdom (GB)"),
)

CUSTOMER_LEVEL = "customer"
# Error types that the client does not classify specially (sandbox's choice, UNCONFIRMED).
ERROR_TYPE_VALUE = "value"  # a parameter has a value upstream does not accept
ERROR_TYPE_EMPTY = "empty"  # a required parameter is missing

CENT = Decimal("0.01")
NBSP = "\u00a0"


class ApiError(Exception):
    """A call refused the upstream way: `<error type=… object=…><msg>…</msg></error>`."""

    def __init__(self, error_type: str, error_object: str, msg: str) -> None:
        super().__init__(f"{error_type}/{error_object}: {msg}")
        self.error_type = error_type
        self.error_object = error_object
        self.msg = msg


def format_money(amount: Decimal) -> str:
    """Upstream's rendering: U+00A0 between thousands, a decimal comma ("12 345,67")."""
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{abs(cents):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if cents < 0 else "") + NBSP.join(groups) + "," + fraction


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus whole calendar months, clamping the day (Jan 31 + 1 month = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- tariffs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TariffAddon:
    id: str
    name: str
    cost: Decimal  # per unit per month
    min: int
    max: int


@dataclass(frozen=True)
class SandboxTariff:
    id: str
    itemtype: str
    title: str
    periods: Mapping[int, Decimal]  # months -> price
    addons: tuple[TariffAddon, ...] = ()
    ostempls: tuple[str, ...] = ()

    def addon(self, addon_id: str) -> TariffAddon | None:
        return next((a for a in self.addons if a.id == addon_id), None)


def default_tariffs() -> list[SandboxTariff]:
    """The seeded catalogue (see the module docstring; the ids are part of the sandbox API)."""
    d = Decimal
    return [
        SandboxTariff("11", "vhost", "Hosting-1", {1: d("150.00"), 12: d("1620.00")}),
        SandboxTariff(
            "21",
            "vds",
            "VDS-1",
            {1: d("300.00"), 3: d("870.00"), 12: d("3240.00")},
            (
                TariffAddon("211", "RAM, GB", d("50.00"), 1, 64),
                TariffAddon("212", "CPU", d("100.00"), 1, 32),
            ),
            ("Debian-12", "Ubuntu-24.04", "AlmaLinux-9"),
        ),
        SandboxTariff(
            "31", "dedic", "Dedic-1", {1: d("5000.00"), 12: d("54000.00")}, (), ("Debian-12",)
        ),
        SandboxTariff("41", "soft", "ISPmanager Lite", {1: d("400.00"), 12: d("4320.00")}),
        SandboxTariff("51", "certificate", "AlphaSSL", {12: d("1990.00"), 24: d("3580.00")}),
    ]


# --- services and ledgers ---------------------------------------------------------------------


@dataclass
class SandboxService:
    id: str
    itemtype: str
    pricelist: str
    period: int
    status: int
    expiredate: datetime.date | None
    remoteid: str = ""
    name: str = ""
    createdate: datetime.date = field(default_factory=datetime.date.today)
    # What `<itemtype>.edit` shows and changes: autoprolong, addon_<id>, domain, ostempl, ...
    fields: dict[str, str] = field(default_factory=dict)
    crt: str = ""  # PEM leaf + sandbox CA, once a certificate is active
    csr: str = ""
    # Automatic activation: list reads still needed (None: moved only by hand).
    reads_to_activate: int | None = None
    list_reads: int = 0

    def addons(self) -> dict[str, int]:
        return {
            k[len("addon_") :]: int(v) for k, v in self.fields.items() if k.startswith("addon_")
        }


@dataclass(frozen=True)
class OrderRecord:
    """One paid order: what the sandbox charged, for which local item (remoteid)."""

    func: str
    itemtype: str
    pricelist: str
    period: int
    remoteid: str
    service_id: str
    cost: Decimal


@dataclass(frozen=True)
class ProlongRecord:
    service_id: str
    period: int
    cost: Decimal
    expiredate: datetime.date


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


class UpstreamState:
    """One upstream client account. Thread-safe through `lock` (re-entrant)."""

    def __init__(
        self,
        username: str,
        password: str,
        balance: Decimal,
        currency: str = "RUB",
        tariffs: list[SandboxTariff] | None = None,
    ) -> None:
        self.lock = threading.RLock()
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
        self.calls: collections.Counter[str] = collections.Counter()
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
        ok_user = secrets.compare_digest(username.encode(), self.username.encode())
        ok_password = secrets.compare_digest(password.encode(), self.password.encode())
        if not (authinfo and ok_user and ok_password):
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
        remoteid: str = "",
        status: int = ACTIVE,
        expiredate: datetime.date | None = None,
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
                service.csr = _throwaway_csr(domain)
                service.fields["domain"] = service.name = domain
            if status in (ACTIVE, STOPPED):
                self._open(service)
            return service

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

    # --- paid and write calls on a service ----------------------------------------------------

    def prolong(self, elid: str, period_text: str) -> SandboxService:
        with self.lock:
            self.require_customer("prolong")
            service = self.service(None, elid)
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
            self.require_customer("edit")
            service = self.service(itemtype, elid)
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
            self.require_customer("delete")
            service = self.service(itemtype, elid)
            service.status = DELETED
            service.reads_to_activate = None
            return service

    def suspend(self, itemtype: str, elid: str, stop: bool) -> SandboxService:
        """suspend (active -> stopped) or resume (stopped -> active); repeating is harmless."""
        with self.lock:
            action = "suspend" if stop else "resume"
            self.require_customer(action)
            service = self.service(itemtype, elid)
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
            self.require_customer("service.changepricelist")
            service = self.service(None, params.get("elid", ""))
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
            self.require_customer("item.setremoteid")
            service = self.service(None, elid)
            service.remoteid = value
            return service

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


def service_json(service: SandboxService) -> dict[str, object]:
    return {
        "id": service.id,
        "itemtype": service.itemtype,
        "pricelist": service.pricelist,
        "period": service.period,
        "status": service.status,
        "expiredate": service.expiredate.isoformat() if service.expiredate else None,
        "remoteid": service.remoteid,
        "name": service.name,
        "fields": dict(service.fields),
        "has_crt": bool(service.crt),
    }


def _throwaway_csr(common_name: str) -> str:
    """A CSR for a seeded certificate that never had one (a cheap EC key)."""
    key = ca.throwaway_key()
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode("ascii")
