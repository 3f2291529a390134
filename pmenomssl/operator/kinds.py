"""The kinds of module this package installs, and what differs between them: ONE table.

Each kind is one handler (entry point in `pmenomssl.handlers`) with its own operator executable,
default module name, wrapper target and module XML. `pmenomssl install` installs the ENOM SSL
kind, `pmbillreseller install` the upstream-BILLmanager reseller; both share
`pmenomssl.operator.install` and `pmenomssl.operator.module_xml`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModuleKind:
    #: The handler's entry-point name (PMENOMSSL_HANDLER in the wrapper).
    handler: str
    #: The operator executable (`pmenomssl install …`, `pmbillreseller install …`).
    command: str
    #: The module name `install` uses without --name.
    default_name: str
    #: What the wrapper runs with `python -I -m` (its `main` answers both the protocol and the
    #: operator subcommands).
    entry_module: str
    #: Module names BILLmanager ships a compiled module under. `--replace-stock` may replace one
    #: only where `replace_stock_allowed`; otherwise any foreign file is left alone.
    stock_names: frozenset[str]
    replace_stock_allowed: bool
    #: Packages of the OTHER kinds: the error types they raise are not this module's (the
    #: module XML lists a msgerror for every error type this kind's code can raise).
    foreign_packages: tuple[str, ...]
    #: The module's label in messages (`ENOM SSL`, `BILLmanager reseller`).
    title: str


ENOM = ModuleKind(
    handler="pmenomssl",
    command="pmenomssl",
    default_name="pmenomssl",
    entry_module="pmenomssl",
    stock_names=frozenset({"pmenomssl"}),
    replace_stock_allowed=True,
    foreign_packages=(
        "pmenomssl.upstream",
        "pmenomssl.handlers.billreseller",
        "pmenomssl.sandbox.upstream",
        "pmenomssl.cli.billreseller",
        "pmenomssl.cli.reseller_",
    ),
    title="ENOM SSL",
)

BILLRESELLER = ModuleKind(
    handler="pmbillreseller",
    command="pmbillreseller",
    default_name="pmbillreseller",
    entry_module="pmenomssl.cli.billreseller",
    # It must never take the place of a module BILLmanager ships (its own "BILLmanager"
    # reselling module among them): no --replace-stock at all, any foreign file stops install.
    stock_names=frozenset({"pmenomssl"}),
    replace_stock_allowed=False,
    foreign_packages=(
        "pmenomssl.enom",
        "pmenomssl.handlers.enomssl",
        "pmenomssl.sandbox.enom",
    ),
    title="BILLmanager reseller",
)

KINDS: dict[str, ModuleKind] = {kind.handler: kind for kind in (ENOM, BILLRESELLER)}


def by_handler(handler: str) -> ModuleKind:
    """The kind of `handler` (KeyError for a handler this package does not install)."""
    return KINDS[handler]
