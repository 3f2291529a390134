"""`pmenomssl uninstall`: reverse `pmenomssl install` from its manifest, restoring backups."""

from __future__ import annotations

import argparse
import sys

EXAMPLES = """\
examples:
  pmenomssl uninstall --name pmenomsslpy
  pmenomssl uninstall --root /usr/local/mgr5 --name pmenomssl --no-restart

exit status: 0 removed, 1 nothing installed under that name or a step failed.
"""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from pmenomssl.cli.install import add_common

    parser = subparsers.add_parser(
        "uninstall",
        help="remove a module installed by `pmenomssl install`, restoring what it replaced",
        description=(
            "Remove the wrapper, the module XML and the venv that `pmenomssl install` created "
            "(as listed in $ROOT/lib/NAME/install.json), put back the files it replaced, and "
            "restart BILLmanager. The log and the product cache in $ROOT/var stay."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(parser)


def run(args: argparse.Namespace) -> int:
    from pmenomssl.operator.install import InstallError, uninstall

    try:
        uninstall(
            args.root,
            args.name,
            restart=not args.no_restart,
            say=lambda line: print(line, flush=True),
        )
    except InstallError as exc:
        print(f"pmenomssl uninstall: {exc}", file=sys.stderr)
        return 1
    print(f"uninstalled {args.name}")
    return 0
