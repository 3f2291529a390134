"""What the ENOM SSL module's installation differs in (`pmenomssl install`)."""

from pmenomssl.operator.kinds import ModuleKind

KIND = ModuleKind(
    handler="pmenomssl",
    entry_module="pmenomssl.cli",
    own_packages=("pmenomssl.enom", "pmenomssl.handlers.enomssl", "pmenomssl.sandbox.enom"),
    # It is the Python successor of BILLmanager's stock module of the same name.
    replace_stock_allowed=True,
)
