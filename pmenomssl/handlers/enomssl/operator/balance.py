"""`pmenomssl balance`: the ENOM balance of each processing module, as getbalance sees it.

Runs the handler's getbalance for each module (one GetBalance each), so the panel's stored
balance is refreshed as a side effect, exactly as BILLmanager's periodic call does.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from pmenomssl.cli.balance import add_balance_parser, run_balance

if TYPE_CHECKING:
    from lxml import etree

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room
    from pmenomssl.handlers.base import Context


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl balance`."""
    add_balance_parser(
        subparsers,
        name,
        executable=room.prog,
        help="show the ENOM account balance of each processing module",
        description=(
            "Ask ENOM for the available balance of each processing module (GetBalance) and "
            "save it in BILLmanager, as BILLmanager's periodic getbalance does."
        ),
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl balance`; return the exit status."""
    return run_balance(
        args,
        executable=args.room.prog,
        asking="asking ENOM for the balance",
        header="available balance",
        getbalance=_getbalance,
        # Unlike pmbillreseller, a --module of another module name is asked all the same.
        own_modules_only=False,
    )


def _getbalance(ctx: Context) -> etree._Element:
    """The ENOM handler's getbalance: for one module, always `balance` and `currency` (USD)."""
    from pmenomssl.handlers.enomssl import account

    return account.getbalance(ctx)
