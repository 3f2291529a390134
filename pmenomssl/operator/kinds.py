"""What differs between the kinds of module this package installs, and how the installer finds
a handler's kind.

A kind is one handler (an entry point in `pmenomssl.handlers`) with its own operator
executable, wrapper target and module XML. Each handler declares its kind in its own room,
`<handler package>.operator.kind` (`KIND`), and its panel texts beside it (`.operator.messages`):
the installer, the module XML and doctor ask for them by the handler's entry-point name, so no
table here names the handlers.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from types import ModuleType

#: The handler of the package's own executable: `pmenomssl install` and `pmenomssl doctor`
#: without a kind, and the module of an install manifest written before kinds existed.
DEFAULT_HANDLER = "pmenomssl"
#: The module name BILLmanager ships its own, compiled module under.
STOCK_NAME = "pmenomssl"


@dataclass(frozen=True)
class ModuleKind:
    #: The handler's entry-point name (PMENOMSSL_HANDLER in the wrapper). BILLmanager chooses
    #: the handler by the executable's name, so it is also the operator executable
    #: (`pmenomssl install …`) and the module name `install` uses without --name.
    handler: str
    #: The module whose `main()` the wrapper calls (`operator/files.entry_argv`); it answers both
    #: the protocol and the operator subcommands.
    entry_module: str
    #: Packages (or module-name prefixes ending in `_`) only this kind runs: the error types they
    #: raise are not the other kinds' (a module XML lists a msgerror for every error type its
    #: kind's code can raise).
    own_packages: tuple[str, ...]
    #: Whether `--replace-stock` may replace BILLmanager's stock module (STOCK_NAME); otherwise
    #: any foreign file is left alone, and the stock name cannot be taken at all.
    replace_stock_allowed: bool = False

    @property
    def command(self) -> str:
        return self.handler

    @property
    def default_name(self) -> str:
        return self.handler


def _entry_points() -> dict[str, str]:
    """`handler name -> "module:attr"` of every registered handler."""
    from pmenomssl.handlers import ENTRY_POINT_GROUP, own_entry_points

    found = own_entry_points()
    if found:
        return found
    from importlib.metadata import EntryPoint, entry_points

    group: list[EntryPoint]
    if sys.version_info >= (3, 10):
        group = list(entry_points(group=ENTRY_POINT_GROUP))
    else:  # Python 3.9 returns a dict of groups
        group = list(entry_points().get(ENTRY_POINT_GROUP, []))
    return {ep.name: ep.value for ep in group}


def handler_room(handler: str, module: str) -> ModuleType:
    """`<handler package>.operator.<module>` of the handler registered as `handler` (KeyError
    for a name no handler is registered under, or a handler without that module)."""
    package = _entry_points()[handler].partition(":")[0].strip()
    name = f"{package}.operator.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.startswith(exc.name):  # the room itself is missing
            raise KeyError(handler) from None
        raise


def by_handler(handler: str) -> ModuleKind:
    """The kind of `handler` (KeyError for a handler this package does not install)."""
    kind = getattr(handler_room(handler, "kind"), "KIND", None)
    if not isinstance(kind, ModuleKind):
        raise KeyError(handler)
    return kind


def known(handler: str) -> ModuleKind | None:
    """The kind of `handler`, None for one this package does not install."""
    try:
        return by_handler(handler)
    except KeyError:
        return None


def foreign_packages(kind: ModuleKind) -> tuple[str, ...]:
    """The packages of every OTHER installable kind: their error types are not `kind`'s."""
    others = (known(name) for name in sorted(_entry_points()) if name != kind.handler)
    return tuple(package for other in others if other is not None for package in other.own_packages)
