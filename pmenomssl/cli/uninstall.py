"""`pmenomssl uninstall`: reverse `pmenomssl install` from its manifest, restoring backups."""

from __future__ import annotations

import argparse

from pmenomssl.cli.common import run_uninstall

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
    # Each executable removes only its own kind (an old manifest without a kind is ENOM's).
    return run_uninstall(args, executable="pmenomssl", handler="pmenomssl")
