"""Every error type the ENOM SSL handler can end a command with.

Raised by this handler (each needs a `msg_error_<type>` in the module XML; `invalid_connection`
and `not_ordered` are the framework's classes, pmenomssl.handlers.errors):

    unknown_product          the tariff's certificate type is not an ENOM product of this module
    invalid_contact          contact data missing, not ASCII for a DigiCert-family brand, bad phone
    invalid_approver         approver e-mail / validation method missing, not allowed or not
                             in the list ENOM accepts for the domain
    invalid_domain           `approver` was asked for a name that is not a public domain name
    invalid_connection       the module's connection settings are incomplete or malformed
    enom_insufficient_funds  AvailableBalance is below the product's price (checked before buying)
    enom_outcome_unknown     a purchase may have happened and could not be found yet (retry)
    certificate_refunded     the certificate was refunded at ENOM; the order cannot continue
    reissue_by_support       the brand reissues only through ENOM support (manual run only)
    not_ordered              the service has no ENOM certificate yet (open has not completed)

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
    error_type = "unknown_product"


class ContactError(ModuleError):
    error_type = "invalid_contact"


class ApproverError(ModuleError):
    error_type = "invalid_approver"


class DomainError(ModuleError):
    error_type = "invalid_domain"


class BalanceTooLowError(ModuleError):
    error_type = "enom_insufficient_funds"


class PurchaseUnconfirmedError(ModuleError):
    error_type = "enom_outcome_unknown"


class CertificateRefundedError(ModuleError):
    error_type = "certificate_refunded"


class ReissueBySupportError(ModuleError):
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
