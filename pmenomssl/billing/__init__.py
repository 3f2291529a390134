"""The billing gateway: the only code that talks to BILLmanager (its database, read-only, and
`mgrctl` for every write). Importing this package imports neither PyMySQL nor cryptography."""

from __future__ import annotations

from pmenomssl.billing.choices import CERTIFICATE_OPEN_FUNC, POST_OPERATIONS
from pmenomssl.billing.connection import clear_caches
from pmenomssl.billing.errors import (
    ERROR_TYPES,
    BillingError,
    CryptError,
    DatabaseError,
    MgrctlError,
    NotFoundError,
)
from pmenomssl.billing.gateway import BillingGateway
from pmenomssl.billing.models import Addon, CertificateRow, Item, ModuleRow

__all__ = [
    "CERTIFICATE_OPEN_FUNC",
    "ERROR_TYPES",
    "POST_OPERATIONS",
    "Addon",
    "BillingError",
    "BillingGateway",
    "CertificateRow",
    "CryptError",
    "DatabaseError",
    "Item",
    "MgrctlError",
    "ModuleRow",
    "NotFoundError",
    "clear_caches",
]
