"""Every error type the ENOM SSL handler can end a command with.

Raised by this handler: the classes below, each saying when (each type needs a
`msg_error_<type>` in the module XML; `invalid_connection` and `not_ordered` are the
framework's classes, pmenomssl.handlers.errors).

Passed through from the layers below (their modules list them): `invalid_csr` and
`invalid_certificate` (pmenomssl.ssl); `enom_api_error`, `invalid_login_or_passwd`,
`enom_ip_not_allowed`, `enom_insufficient_funds`, `enom_payment_declined`,
`enom_payment_not_taken`, `enom_payment_error`, `enom_invalid_csr`, `enom_not_found`,
`enom_unreachable`, `enom_bad_response`, `enom_outcome_unknown` (pmenomssl.enom);
`mgrctl_error`, `mgrctl_timeout`, `item_not_found`, `module_not_found`, `decrypt_failed`,
`database_unreachable` (pmenomssl.billing); `protocol_error`, `deadline_exceeded`, `item_busy`,
`unknown` (pmenomssl.protocol).
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.errors import error_types


class UnknownProductError(ModuleError):
    """The tariff's certificate type is not an ENOM product of this module."""

    error_type = "unknown_product"


class ContactError(ModuleError):
    """Contact data missing, not ASCII for a DigiCert-family brand, bad phone."""

    error_type = "invalid_contact"


class ApproverError(ModuleError):
    """Approver e-mail / validation method missing, not allowed or not in the list ENOM accepts
    for the domain."""

    error_type = "invalid_approver"


class DomainError(ModuleError):
    """`approver` was asked for a name that is not a public domain name."""

    error_type = "invalid_domain"


class BalanceTooLowError(ModuleError):
    """AvailableBalance is below the product's price (checked before buying)."""

    error_type = "enom_insufficient_funds"


class PurchaseUnconfirmedError(ModuleError):
    """A purchase may have happened and could not be found yet (retry)."""

    error_type = "enom_outcome_unknown"


class CertificateRefundedError(ModuleError):
    """The certificate was refunded at ENOM; the order cannot continue."""

    error_type = "certificate_refunded"


class ReissueBySupportError(ModuleError):
    """The brand reissues only through ENOM support (manual run only)."""

    error_type = "reissue_by_support"


ERROR_TYPES = error_types(
    UnknownProductError,
    ContactError,
    ApproverError,
    DomainError,
    BalanceTooLowError,
    PurchaseUnconfirmedError,
    CertificateRefundedError,
    ReissueBySupportError,
)
