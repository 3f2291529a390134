"""The error types every handler raises alike; a handler's own `errors.py` adds its others.

Each needs a `msg_error_<type>` in the module XML of every handler that raises it; a handler's
`ERROR_TYPES` lists only its own.
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError

ERROR_TYPES = ("invalid_connection", "not_ordered")


class ConnectionSettingsError(ModuleError):
    """The module's connection params (url, login, password, sourceip, threshold) are
    incomplete or malformed."""

    error_type = "invalid_connection"


class NotOrderedError(ModuleError):
    """The service has nothing at the provider yet: `open` has not completed."""

    error_type = "not_ordered"
