"""Typed results of the upstream client: frozen dataclasses, no behaviour.

Money is `Decimal` in the upstream account's currency, dates are `datetime.date`, ids are the
decimal strings upstream sends. Periods are in months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Service statuses in upstream lists.
STATUS_ORDERED = 1
STATUS_ACTIVE = 2
STATUS_STOPPED = 3
STATUS_DELETED = 4
STATUS_PROCESSING = 5
# A row whose status the client could not read (no `status`/`item_status` column, or a value it
# does not know): treated as still pending, so nothing is opened, stopped or closed on a guess.
STATUS_UNKNOWN = 0


@dataclass(frozen=True)
class Balance:
    """Our upstream account's balance; `currency` is upstream's code (e.g. RUB), may be ""."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class UpstreamService:
    """One row of `func=<itemtype>`, read by the columns the row has.

    `remoteid` is our item id ("" when not linked, and always "" where the list has no such
    column: the certificate list has none). `pricelist` is the list's tariff column as shown: the
    certificate list shows the tariff's NAME there, not its id. `name` is the row's `name`, else
    its `CN` (certificates) or `domain`. `status` is STATUS_UNKNOWN when the row says none."""

    id: str
    itemtype: str
    name: str
    status: int
    expiredate: date | None
    period: int | None
    remoteid: str
    pricelist: str
    createdate: date | None = None


@dataclass(frozen=True)
class TariffAddon:
    """An addon of a tariff: an `addon_<id>` field of the order form. `value` is the form's
    preset; `cost` per unit per month, `min`/`max` units only when the form says (None: not
    known; the order's pre-check then counts the tariff's own price only)."""

    id: str
    name: str
    cost: Decimal | None = None
    min: int | None = None
    max: int | None = None
    value: str = ""


@dataclass(frozen=True)
class Choice:
    """One `<val key=…>text</val>` of an order form's `<slist>`."""

    key: str
    text: str


@dataclass(frozen=True)
class OrderForm:
    """The order form of one tariff (`<order func>` without `sok`): its fields' preset values,
    its choice lists (`slist name` -> choices) and its addons (`addon_<id>` fields)."""

    pricelist: str
    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, list[Choice]] = field(default_factory=dict)
    addons: list[TariffAddon] = field(default_factory=list)


@dataclass(frozen=True)
class Tariff:
    """An upstream tariff (a `doc/list/elem` row of the catalogue): `periods` maps months to the
    price of that period. `addons` are not in the catalogue: they come from the order form
    (`UpstreamClient.order_form`), and are empty here."""

    id: str
    title: str
    currency: str
    periods: dict[int, Decimal] = field(default_factory=dict)
    addons: list[TariffAddon] = field(default_factory=list)


@dataclass(frozen=True)
class CertificateFiles:
    """The issued certificate (PEM leaf + chain) and the CSR it was issued for."""

    crt: str
    csr: str
