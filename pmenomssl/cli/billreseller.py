"""The `pmbillreseller` executable: BILLmanager's `--command` protocol, and subcommands for people.

`pmbillreseller --command open --item 42` is BILLmanager talking (the reseller handler, found by
the module name `pmbillreseller`); `pmbillreseller check`, `balance`, `tariffs`, `status`,
`demo`, `install` and `uninstall` are for the provider's staff. As in `pmenomssl`, subcommand
modules are imported only when used.

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

# subcommand -> module providing add_parser(subparsers, name) and run(args) -> int
SUBCOMMANDS = {
    "balance": "pmenomssl.cli.reseller_balance",
    "check": "pmenomssl.cli.reseller_check",
    "demo": "pmenomssl.cli.reseller_demo",
    "install": "pmenomssl.cli.reseller_install",
    "status": "pmenomssl.cli.reseller_status",
    "tariffs": "pmenomssl.cli.reseller_tariffs",
    "uninstall": "pmenomssl.cli.reseller_install",
}

DESCRIPTION = (
    "Resell the services of an upstream BILLmanager (certificate, soft, vhost, vds, dedic) "
    "through its client API. BILLmanager runs this program as `pmbillreseller --command NAME`; "
    "the subcommands below are for people."
)
EPILOG = """\
examples:
  pmbillreseller demo
  pmbillreseller check --url https://my.example.com/billmgr --username reseller
  pmbillreseller tariffs --module 3 --itemtype vds
  pmbillreseller status --item 42
"""


def set_identity(argv0: str | None = None) -> str:
    """Fix the module name and handler in the environment (see the module's docstring)."""
    if not os.environ.get("PMENOMSSL_NAME"):
        base = os.path.basename(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
        os.environ["PMENOMSSL_NAME"] = base if base.startswith("pm") else MODULE_NAME
    os.environ["PMENOMSSL_HANDLER"] = HANDLER
    return os.environ["PMENOMSSL_NAME"]


def main(argv: list[str] | None = None) -> int:
    set_identity()
    return dispatch(
        argv,
        prog="pmbillreseller",
        subcommands=SUBCOMMANDS,
        description=DESCRIPTION,
        epilog=EPILOG,
        name_argument=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
