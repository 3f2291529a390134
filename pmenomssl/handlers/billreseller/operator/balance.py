"""`pmbillreseller balance`: the upstream balance of each processing module, as getbalance sees
it. Runs the handler's getbalance per module (one balance read each), so the balance BILLmanager
shows is refreshed as a side effect, exactly as its periodic call does."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pmenomssl.cli.balance import add_balance_parser, run_balance
from pmenomssl.cli.common import handler_command, output_document

if TYPE_CHECKING:
    from lxml import etree

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room
    from pmenomssl.handlers.base import Context


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmbillreseller balance`."""
    add_balance_parser(
        subparsers,
        name,
        executable=room.prog,
        help="show (and save) the upstream balance of each processing module",
        description=(
            "Ask the upstream BILLmanager for the balance of each processing module's account "
            "and save it in BILLmanager (processing.savebalance), as BILLmanager's periodic "
            "getbalance does."
        ),
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmbillreseller balance`; return the exit status."""
    return run_balance(
        args,
        executable=args.room.prog,
        asking="asking the upstream for the balance",
        header="balance",
        getbalance=_getbalance,
        own_modules_only=True,
    )


def _getbalance(ctx: Context) -> etree._Element | None:
    return output_document(handler_command("getbalance")(ctx))
