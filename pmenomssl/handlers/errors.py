"""The error types every handler raises alike; a handler's own `errors.py` adds its others.

Each needs a `msg_error_<type>` in the module XML of every handler that raises it; a handler's
`ERROR_TYPES` lists only its own.
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError


def error_types(*classes: type[ModuleError]) -> tuple[str, ...]:
    """The error types of `classes`, in their order: a handler's `ERROR_TYPES`, derived from
    its classes so that the list and the classes cannot drift apart."""
    return tuple(cls.error_type for cls in classes)


class ConnectionSettingsError(ModuleError):
    """The module's connection params (url, login, password, sourceip, threshold) are
    incomplete or malformed."""

    error_type = "invalid_connection"


class NotOrderedError(ModuleError):
    """The service has nothing at the provider yet: `open` has not completed."""

    error_type = "not_ordered"


ERROR_TYPES = error_types(ConnectionSettingsError, NotOrderedError)
