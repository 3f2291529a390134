"""Plain, immutable rows the gateway returns; nothing here talks to BILLmanager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Item:
    """One `item` row joined with its tariff, item type and processing module."""

    id: int
    status: int
    period: int | None  # months
    expiredate: date | None
    opendate: date | None
    remoteid: str
    processingmodule: int | None
    pricelist: int | None
    pricelist_intname: str
    itemtype: str
    module_name: str
    account: int | None
    # The tariff before a tariff change; set while BILLmanager waits for `setparam` to apply it
    # (a failed setparam rolls back to it with service.changepricelist.rollback).
    lastpricelist: int | None = None


@dataclass(frozen=True)
class Addon:
    """One addon of a service: a child item (`item.parent` = the service) and its tariff.

    `intname` is the addon tariff's internal name; `value` is the child item's `intvalue` (the
    ordered amount, e.g. GB of RAM), None for an addon without a number.
    """

    item_id: int
    intname: str
    value: int | None


@dataclass(frozen=True)
class CertificateRow:
    """The `certificate` row of an item. `pkey` is a secret (registered when read)."""

    pkey: str
    csr: str
    crt: str

    def __repr__(self) -> str:  # never print the private key by accident
        return (
            f"CertificateRow(pkey=<{len(self.pkey)} chars>, csr=<{len(self.csr)} chars>,"
            f" crt=<{len(self.crt)} chars>)"
        )


@dataclass(frozen=True)
class ModuleRow:
    """One `processingmodule` row."""

    id: int
    name: str
    module: str
    active: bool
