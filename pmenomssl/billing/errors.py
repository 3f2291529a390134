"""Errors of the billing gateway (everything that talks to BILLmanager).

Error types raised here (each needs a `msg_error_<type>` in the module XML):

- ``billing_error``        generic base, not raised directly
- ``mgrctl_error``         mgrctl answered an <error>, exited non-zero, or printed no XML
- ``mgrctl_timeout``       mgrctl did not answer in time
- ``item_not_found``       no such row in `item`
- ``module_not_found``     no such row in `processingmodule`
- ``decrypt_failed``       a crypted param does not decrypt, or the panel key is unreadable
- ``database_unreachable`` BILLmanager's database cannot be reached or queried
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError

ERROR_TYPES = (
    "billing_error",
    "mgrctl_error",
    "mgrctl_timeout",
    "item_not_found",
    "module_not_found",
    "decrypt_failed",
    "database_unreachable",
)


class BillingError(ModuleError):
    """Something between the module and BILLmanager failed."""

    error_type = "billing_error"


class MgrctlError(BillingError):
    """A mgrctl call failed: `func` is the function called (the error's object too);
    `mgr_type`/`mgr_object`/`mgr_message` come from the <error> BILLmanager answered, if any."""

    error_type = "mgrctl_error"

    def __init__(
        self,
        desc: str,
        *,
        func: str,
        error_type: str | None = None,
        value: str = "",
        mgr_type: str = "",
        mgr_object: str = "",
        mgr_message: str = "",
    ) -> None:
        super().__init__(desc, error_type=error_type, obj=func, value=value)
        self.func = func
        self.mgr_type, self.mgr_object, self.mgr_message = mgr_type, mgr_object, mgr_message


class NotFoundError(BillingError):
    """An item or processing module the command names does not exist."""

    error_type = "item_not_found"


class CryptError(BillingError):
    """A crypted value cannot be decrypted with the panel key."""

    error_type = "decrypt_failed"


class DatabaseError(BillingError):
    """BILLmanager's database cannot be reached or queried."""

    error_type = "database_unreachable"
