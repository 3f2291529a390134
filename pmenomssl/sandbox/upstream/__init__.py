"""A local upstream BILLmanager (client HTTP API, `out=xml`) for tests and demos: an account
with a balance, seeded tariffs, services that move from ordered to active, real X.509 for
certificates, the account-level failure modes, fault injection and a JSON admin API.

    from pmenomssl.sandbox.upstream import UpstreamSandbox
    with UpstreamSandbox(balance=Decimal("10000"), currency="RUB") as up:
        ...  # up.url, up.username, up.password, up.calls, up.orders, up.services(), up.balance

`pmenomssl sandbox upstream --port N` serves it for people (see `pmenomssl.sandbox.upstream.cli`).
Tariff ids: `pmenomssl.sandbox.upstream.catalogue`; charging rules:
`pmenomssl.sandbox.upstream.state`; functions:
`pmenomssl.sandbox.upstream.functions`; faults: `pmenomssl.sandbox.upstream.faults`.
"""

from __future__ import annotations

from pmenomssl.sandbox.upstream.catalogue import (
    ITEMTYPES,
    SandboxTariff,
    TariffAddon,
    format_money,
)
from pmenomssl.sandbox.upstream.faults import FAULT_KINDS, Fault, Faults
from pmenomssl.sandbox.upstream.server import UpstreamSandbox
from pmenomssl.sandbox.upstream.services import (
    ACTIVE,
    CLIENT_SUSPENDABLE_ITEMTYPES,
    DELETED,
    ORDERED,
    PROCESSING,
    STOPPED,
    OrderRecord,
    ProlongRecord,
    SandboxService,
)

__all__ = [
    "ACTIVE",
    "CLIENT_SUSPENDABLE_ITEMTYPES",
    "DELETED",
    "FAULT_KINDS",
    "ITEMTYPES",
    "ORDERED",
    "PROCESSING",
    "STOPPED",
    "Fault",
    "Faults",
    "OrderRecord",
    "ProlongRecord",
    "SandboxService",
    "SandboxTariff",
    "TariffAddon",
    "UpstreamSandbox",
    "format_money",
]
