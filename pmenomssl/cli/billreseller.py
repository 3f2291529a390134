"""The `pmbillreseller` executable: BILLmanager's `--command` protocol, and subcommands for people.

`pmbillreseller --command open --item 42` is BILLmanager talking (the reseller handler, found by
the module name `pmbillreseller`); `pmbillreseller check`, `balance`, `tariffs`, `status`,
`demo`, `install` and `uninstall` are for the provider's staff; the handler's room
(`pmenomssl.handlers.billreseller.operator`) declares them. As in `pmenomssl`, subcommand
modules are imported only when used.

This module stays this small and outside the handler's package on purpose: it is what the
wrapper runs for every BILLmanager call, and importing the handler's package first would
triple the start of a `features` answered from its prepared copy (10 ms -> 30 ms measured).

The module name: the install wrapper sets `PMENOMSSL_NAME` (the name it was installed under);
otherwise it is the executable's name when that starts with `pm`, else `pmbillreseller` (so
`python -m pmenomssl.cli.billreseller` is `pmbillreseller` too). The handler is always the
reseller's: this executable never runs the ENOM handler.
"""

from __future__ import annotations

import os
import sys

from pmenomssl.cli import dispatch

MODULE_NAME = "pmbillreseller"
HANDLER = "pmbillreseller"


def set_identity(argv0: str | None = None) -> str:
    """Fix the module name and handler in the environment (see the module's docstring)."""
    if not os.environ.get("PMENOMSSL_NAME"):
        base = os.path.basename(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
        os.environ["PMENOMSSL_NAME"] = base if base.startswith("pm") else MODULE_NAME
    os.environ["PMENOMSSL_HANDLER"] = HANDLER
    return os.environ["PMENOMSSL_NAME"]


def main(argv: list[str] | None = None) -> int:
    set_identity()
    return dispatch(argv, handler=HANDLER)


if __name__ == "__main__":
    raise SystemExit(main())
