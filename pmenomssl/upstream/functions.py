"""The ONE table of upstream functions the client calls, and what repeating each would cost.

READ   repeating is harmless: retried on connect errors, timeouts, 5xx and truncated replies.
WRITE  changes the upstream service (edit with sok, delete, suspend, resume, setremoteid).
PAID   charges the upstream account (order with sok, prolong).
WRITE and PAID calls are retried only when the request certainly never left (a connect error);
after that the client raises UpstreamOutcomeUnknown and the caller reconciles.

A BILLmanager form function is a READ without `sok` (it shows the form) and a WRITE or PAID with
`sok=ok` (it submits it), so the kind depends on the parameters too. Functions not in the table
count as PAID: the safe side.

Function names marked UNCONFIRMED could not be checked against a live upstream; each lives here
only.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Kind(enum.Enum):
    READ = "read"
    WRITE = "write"
    PAID = "paid"


ITEMTYPES = ("certificate", "soft", "vhost", "vds", "dedic")

# UNCONFIRMED: the function that reads our balance; the first element with a `balance`
# attribute (and its `currency`) is taken.
BALANCE_FUNC = "whoami"
# UNCONFIRMED: where the balance is read when BALANCE_FUNC has none (`<balance>`/`<currency>`).
BALANCE_FALLBACK_FUNC = "dashboard.info"
# Certificates are ordered without the `v2.` prefix (issue 8).
CERTIFICATE_ORDER_FUNC = "certificate.order.param"
# UNCONFIRMED: the function that returns the issued certificate (`<crt>`) and the CSR (`<csr>`);
# upstream answers type="missing" until the certificate is issued.
CERTIFICATE_FILE_FUNC = "certificate.file"
PROLONG_FUNC = "service.prolong"
SET_REMOTEID_FUNC = "item.setremoteid"
PRICELIST_EXPORT_FUNC = "pricelist.export"
# Which item types a CLIENT may suspend/resume upstream is UNCONFIRMED; the client sends what it
# is asked to and upstream answers type="access" where it is not allowed (the handler keeps the
# table of types it tries).


def list_func(itemtype: str) -> str:
    """The list of our services of one type: the function is the item type itself."""
    return itemtype


def order_func(itemtype: str) -> str:
    return CERTIFICATE_ORDER_FUNC if itemtype == "certificate" else f"v2.{itemtype}.order.param"


def pricelist_func(itemtype: str) -> str:
    """The catalogue of one type. UNCONFIRMED for certificates (same `v2.` shape assumed)."""
    return f"v2.{itemtype}.order.pricelist"


def _table() -> dict[str, tuple[Kind, Kind]]:
    """function -> (kind without sok, kind with sok=ok)."""
    read, write, paid = Kind.READ, Kind.WRITE, Kind.PAID
    table: dict[str, tuple[Kind, Kind]] = {
        BALANCE_FUNC: (read, read),
        BALANCE_FALLBACK_FUNC: (read, read),
        CERTIFICATE_FILE_FUNC: (read, read),
        PRICELIST_EXPORT_FUNC: (read, read),
        PROLONG_FUNC: (paid, paid),  # paid even if `sok` were forgotten: never retried
        SET_REMOTEID_FUNC: (write, write),
    }
    for itemtype in ITEMTYPES:
        table[list_func(itemtype)] = (read, read)
        table[pricelist_func(itemtype)] = (read, read)
        table[order_func(itemtype)] = (read, paid)  # without sok: the form (addons, templates)
        table[f"{itemtype}.edit"] = (read, write)  # raising an addon may charge: never retried
        table[f"{itemtype}.delete"] = (write, write)
        table[f"{itemtype}.suspend"] = (write, write)
        table[f"{itemtype}.resume"] = (write, write)
    return table


FUNCTIONS: Mapping[str, tuple[Kind, Kind]] = _table()


def kind(func: str, params: Mapping[str, str]) -> Kind:
    """How a call of `func` with `params` may be retried (unknown functions: PAID)."""
    without_sok, with_sok = FUNCTIONS.get(func, (Kind.PAID, Kind.PAID))
    return with_sok if params.get("sok", "") else without_sok
