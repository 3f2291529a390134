"""Client of an upstream BILLmanager's client HTTP API (issue 8: the `pmbillreseller` handler).

    with UpstreamClient(url, username, password, deadline=...) as client:
        client.balance(); client.services("vds"); client.order("vds", {...})

`client` speaks the wire protocol (on the shared `pmenomssl.transport`), `replies` reads the
replies, `functions` is the one table of functions (each one's call class; the UNCONFIRMED
names), `errors` the one table of upstream error shapes, `numbers` parses upstream's money,
`models` holds the results.
"""

from __future__ import annotations

from pmenomssl.upstream.client import (
    DEFAULT_PAGE_SIZE,
    DEFAULT_TIMEOUT,
    UpstreamClient,
    normalise_url,
)
from pmenomssl.upstream.errors import (
    UpstreamAccessDenied,
    UpstreamAuthFailed,
    UpstreamBadResponse,
    UpstreamBadUrl,
    UpstreamDeadlineExceeded,
    UpstreamError,
    UpstreamInsufficientFunds,
    UpstreamIpRestricted,
    UpstreamMissing,
    UpstreamNotBillmanager,
    UpstreamOutcomeUnknown,
    UpstreamTransportError,
    UpstreamTwoFactor,
    UpstreamUnknownFunction,
    UpstreamUnreachable,
)
from pmenomssl.upstream.functions import ITEMTYPES
from pmenomssl.upstream.models import (
    STATUS_ACTIVE,
    STATUS_DELETED,
    STATUS_ORDERED,
    STATUS_PROCESSING,
    STATUS_STOPPED,
    STATUS_UNKNOWN,
    Balance,
    CertificateFiles,
    Choice,
    OrderForm,
    Tariff,
    TariffAddon,
    UpstreamService,
)
from pmenomssl.upstream.numbers import parse_int, parse_money

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_TIMEOUT",
    "ITEMTYPES",
    "STATUS_ACTIVE",
    "STATUS_DELETED",
    "STATUS_ORDERED",
    "STATUS_PROCESSING",
    "STATUS_STOPPED",
    "STATUS_UNKNOWN",
    "Balance",
    "CertificateFiles",
    "Choice",
    "OrderForm",
    "Tariff",
    "TariffAddon",
    "UpstreamAccessDenied",
    "UpstreamAuthFailed",
    "UpstreamBadResponse",
    "UpstreamBadUrl",
    "UpstreamClient",
    "UpstreamDeadlineExceeded",
    "UpstreamError",
    "UpstreamInsufficientFunds",
    "UpstreamIpRestricted",
    "UpstreamMissing",
    "UpstreamNotBillmanager",
    "UpstreamOutcomeUnknown",
    "UpstreamService",
    "UpstreamTransportError",
    "UpstreamTwoFactor",
    "UpstreamUnknownFunction",
    "UpstreamUnreachable",
    "normalise_url",
    "parse_int",
    "parse_money",
]
