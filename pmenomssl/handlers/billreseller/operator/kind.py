"""What the BILLmanager reseller module's installation differs in (`pmbillreseller install`)."""

from pmenomssl.operator.kinds import ModuleKind

# It must never take the place of a module BILLmanager ships (its own "BILLmanager" reselling
# module among them): no --replace-stock at all, any foreign file stops install.
KIND = ModuleKind(
    handler="pmbillreseller",
    entry_module="pmenomssl.cli.billreseller",
    own_packages=(
        "pmenomssl.upstream",
        "pmenomssl.handlers.billreseller",
        "pmenomssl.sandbox.upstream",
        "pmenomssl.cli.billreseller",
    ),
)
