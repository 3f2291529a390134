"""`pmenomssl install`: put the module into BILLmanager (see pmenomssl.operator.install)."""

from __future__ import annotations

import argparse

from pmenomssl.cli.common import add_install_options, add_location_options, run_install
from pmenomssl.handlers.enomssl.operator.kind import KIND as ENOM

EXAMPLES = """\
examples:
  # install as `pmenomsslpy` beside BILLmanager's stock pmenomssl (survives panel updates)
  pmenomssl install --name pmenomsslpy

  # AlmaLinux 8: the system python3 is 3.6, use the python39 package
  pmenomssl install --name pmenomsslpy --python /usr/bin/python3.9

  # no access to PyPI: dependencies from a wheelhouse made with `pip download`
  pmenomssl install --name pmenomsslpy --find-links /root/wheels

exit status: 0 installed, 1 refused or failed (the message says why and what to do).
"""

NAME_HELP = (
    "module name = executable and XML name (default: %(default)s; "
    "`pmenomsslpy` keeps BILLmanager's stock pmenomssl untouched)"
)


def add_common(parser: argparse.ArgumentParser) -> None:
    """--root, --name and --no-restart, as `pmenomssl uninstall` has them too."""
    add_location_options(parser, default_name=ENOM.default_name, name_help=NAME_HELP)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "install",
        help="install the module into BILLmanager (venv, wrapper, module XML)",
        description=(
            "Create $ROOT/lib/NAME/venv with this package, the executable $ROOT/processing/NAME "
            "and the description $ROOT/etc/xml/billmgr_mod_NAME.xml, then restart BILLmanager. "
            "Idempotent; every replaced file is backed up and `pmenomssl uninstall` restores it."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_install_options(
        parser,
        default_name=ENOM.default_name,
        name_help=NAME_HELP,
        replace_stock_help=(
            "replace BILLmanager's own pmenomssl (or another program at processing/NAME); "
            "a panel update can restore the stock one, another --name avoids that"
        ),
    )


def run(args: argparse.Namespace) -> int:
    return run_install(
        args,
        executable=ENOM.command,
        handler=ENOM.handler,
        replace_stock=args.replace_stock,
        done=(
            f"installed {args.name}; check it with `pmenomssl doctor --root {args.root} --name "
            f"{args.name}`"
        ),
    )
