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


@dataclass(frozen=True)
class Balance:
    """Our upstream account's balance; `currency` is upstream's code (e.g. RUB), may be ""."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class UpstreamService:
    """One row of `func=<itemtype>`. `remoteid` is our item id ("" when not linked)."""

    id: str
    itemtype: str
    name: str
    status: int
    expiredate: date | None
    period: int | None
    remoteid: str
    pricelist_id: str


@dataclass(frozen=True)
class TariffAddon:
    """An addon of a tariff: `cost` per unit per month; `min`/`max` units when upstream says."""

    id: str
    name: str
    cost: Decimal
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class Tariff:
    """An upstream tariff: `periods` maps months to the price of that period."""

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
