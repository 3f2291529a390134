"""`<executable> uninstall`: reverse `<executable> install` from its manifest, restoring
backups. Each executable removes only its own kind of module (an old manifest without a kind is
ENOM's: pmenomssl.operator.install)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pmenomssl.cli.common import error
from pmenomssl.cli.install import installation, location_parser, say

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `<executable> uninstall` (--root, --name, --no-restart)."""
    location_parser(subparsers, name, room, uninstall=True)


def run(args: argparse.Namespace) -> int:
    """Carry out `<executable> uninstall`; return the exit status."""
    from pmenomssl.operator.install import uninstall
    from pmenomssl.operator.layout import InstallError

    _, kind = installation(args.room)
    try:
        uninstall(args.root, args.name, restart=not args.no_restart, say=say, handler=kind.handler)
    except InstallError as exc:
        return error("uninstall", str(exc), executable=kind.command)
    print(f"uninstalled {args.name}")
    return 0
