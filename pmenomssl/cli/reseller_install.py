"""`pmbillreseller install` / `uninstall`: put the reseller module into BILLmanager, or take it out
(pmenomssl.operator.install, kind BILLRESELLER: its own venv, wrapper and module XML; it never
replaces another module, BILLmanager's stock ones included)."""

from __future__ import annotations

import argparse

from pmenomssl.cli.common import (
    add_install_options,
    add_location_options,
    run_install,
    run_uninstall,
)
from pmenomssl.handlers.billreseller.operator.kind import KIND as BILLRESELLER

INSTALL_EXAMPLES = """\
examples:
  # the usual: /usr/local/mgr5/processing/pmbillreseller and its XML, then a panel restart
  pmbillreseller install

  # AlmaLinux 8: the system python3 is 3.6, use the python39 package
  pmbillreseller install --python /usr/bin/python3.9

  # no access to PyPI: dependencies from a wheelhouse made with `pip download`
  pmbillreseller install --find-links /root/wheels

exit status: 0 installed, 1 refused or failed (the message says why and what to do).
"""

UNINSTALL_EXAMPLES = """\
examples:
  pmbillreseller uninstall
  pmbillreseller uninstall --root /usr/local/mgr5 --no-restart

exit status: 0 removed, 1 nothing installed under that name or a step failed.
"""


NAME_HELP = "module name = executable and XML name (default: %(default)s)"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str) -> None:
    if name == "uninstall":
        parser = subparsers.add_parser(
            "uninstall",
            help="remove a module installed by `pmbillreseller install`, restoring backups",
            description=(
                "Remove the wrapper, the module XML and the venv that `pmbillreseller install` "
                "created (as listed in $ROOT/lib/NAME/install.json) and restart BILLmanager. "
                "The log in $ROOT/var stays. An ENOM module is never removed by this command."
            ),
            epilog=UNINSTALL_EXAMPLES,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_location_options(parser, default_name=BILLRESELLER.default_name, name_help=NAME_HELP)
        return
    parser = subparsers.add_parser(
        "install",
        help="install the module into BILLmanager (venv, wrapper, module XML)",
        description=(
            "Create $ROOT/lib/NAME/venv with this package, the executable $ROOT/processing/NAME "
            "(which runs pmbillreseller) and the description $ROOT/etc/xml/billmgr_mod_NAME.xml, "
            "then restart BILLmanager. Idempotent. It never replaces a file another module "
            "owns (BILLmanager's stock modules, the ENOM module): it stops and says so."
        ),
        epilog=INSTALL_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # No --replace-stock: this kind never replaces another module (kinds.BILLRESELLER).
    add_install_options(parser, default_name=BILLRESELLER.default_name, name_help=NAME_HELP)


def run(args: argparse.Namespace) -> int:
    if args.subcommand == "uninstall":
        return run_uninstall(args, executable=BILLRESELLER.command, handler=BILLRESELLER.handler)
    return run_install(
        args,
        executable=BILLRESELLER.command,
        handler=BILLRESELLER.handler,
        done=(
            f"installed {args.name}; check it with `{args.root / 'processing' / args.name} check "
            "--module M` once the processing module exists"
        ),
    )
