"""Every error type the upstream-BILLmanager reseller handler ends a command with.

Raised by this handler: the classes below, each saying when (each type needs a
`msg_error_<type>` in the module XML; `invalid_connection` and `not_ordered` are the
framework's classes, pmenomssl.handlers.errors).

Passed through from the layers below (their modules list them): `upstream_*`
(pmenomssl.upstream.errors: auth, ip_restricted, two_factor, access_denied,
insufficient_funds, not_billmanager, bad_url, unreachable, bad_response, outcome_unknown,
error); `invalid_csr` (pmenomssl.ssl); `mgrctl_error`, `mgrctl_timeout`, `item_not_found`,
`module_not_found`, `decrypt_failed`, `database_unreachable` (pmenomssl.billing);
`protocol_error`, `deadline_exceeded`, `item_busy`, `unknown` (pmenomssl.protocol).
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.errors import error_types


class UnknownTariffError(ModuleError):
    """The local tariff (or an addon) names no upstream tariff (addon), or the item type is not
    one this module resells."""

    error_type = "unknown_tariff"


class PeriodNotAvailableError(ModuleError):
    """The service's period is not a period of the upstream tariff."""

    error_type = "period_not_available"


class BalanceTooLowError(ModuleError):
    """The upstream balance is below the order's cost or the module's minimal balance (checked
    before ordering; same type as the client's error for upstream's own refusal)."""

    error_type = "upstream_insufficient_funds"


class OrderAmbiguousError(ModuleError):
    """After a lost order answer, several unlinked upstream services could be ours: a person
    must pick (nothing is ordered again)."""

    error_type = "order_ambiguous"


class UpstreamServiceMissingError(ModuleError):
    """The saved upstream service id is not in the upstream account."""

    error_type = "upstream_service_missing"


class OrderDataError(ModuleError):
    """The order lacks data the upstream needs (a data centre the order form offers;
    certificate: the CSR, its CN, a country id)."""

    error_type = "invalid_order_data"


class TariffChangeUnsupportedError(ModuleError):
    """A tariff change cannot be confirmed upstream (rolled back)."""

    error_type = "tariff_change_unsupported"


ERROR_TYPES = error_types(
    UnknownTariffError,
    PeriodNotAvailableError,
    BalanceTooLowError,
    OrderAmbiguousError,
    UpstreamServiceMissingError,
    OrderDataError,
    TariffChangeUnsupportedError,
)
