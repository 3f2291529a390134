"""Handlers, found by the executable's name through the entry-point group `pmenomssl.handlers`.

A new kind of module is a new package that registers `NAME = "pkg.module:HandlerClass"` in that
group; the framework needs no change.
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.base import Handler

ENTRY_POINT_GROUP = "pmenomssl.handlers"


class NoHandlerError(ModuleError):
    error_type = "no_handler"


def load_handler(name: str) -> Handler:
    """Instantiate the handler registered under `name`."""
    import sys
    from importlib.metadata import EntryPoint, entry_points

    group: list[EntryPoint]
    if sys.version_info >= (3, 10):
        group = list(entry_points(group=ENTRY_POINT_GROUP))
    else:  # Python 3.9 returns a dict of groups
        group = list(entry_points().get(ENTRY_POINT_GROUP, []))
    for ep in group:
        if ep.name == name:
            handler_class = ep.load()
            if not (isinstance(handler_class, type) and issubclass(handler_class, Handler)):
                raise NoHandlerError(f"Entry point {name} does not name a Handler subclass.")
            return handler_class()
    known = ", ".join(sorted({ep.name for ep in group})) or "none"
    raise NoHandlerError(
        f"No handler is registered for the module name {name!r} (registered: {known}). "
        "The executable's file name chooses the handler: install the module under one of those "
        "names, or install the package that provides this handler.",
        obj=name,
    )
