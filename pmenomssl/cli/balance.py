"""`<executable> balance`: the balance of each processing module, as the handler's own
getbalance sees it (one call each), so the balance BILLmanager shows is refreshed as a side
effect, exactly as its periodic call does. The handler's room says what the subcommand asks and
how it labels it (`Room.balance`)."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import (
    EVERY_MODULE_HELP,
    add_module_option,
    error,
    failed,
    handler_command,
    new_parser,
    operator_context,
    output_document,
    start_log,
    wrapped,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import BalanceSpec, Room
    from pmenomssl.handlers.base import Context, Output
    from pmenomssl.operator.progress import Progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BalanceRow:
    module_id: int
    name: str
    balance: str
    currency: str
    problem: str = ""


BALANCE_EXAMPLES = """\
examples:
  # every active processing module of this module's name
  {executable} balance

  # only processing module 3
  {executable} balance --module 3

exit status: 0 every balance was read, 1 at least one module failed (the output says why).
"""


def _spec(room: Room) -> BalanceSpec:
    if room.balance is None:
        raise RuntimeError(f"{room.prog} declares no balance in its room")
    return room.balance


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `<executable> balance` (--module M)."""
    spec = _spec(room)
    parser = new_parser(
        subparsers,
        name,
        help=spec.help,
        description=spec.description,
        examples=BALANCE_EXAMPLES.format(executable=room.prog),
    )
    add_module_option(parser, EVERY_MODULE_HELP)


def run(args: argparse.Namespace) -> int:
    """`<executable> balance`: the handler's own getbalance for each processing module (or the
    one --module names), one row each; exit status 1 when one failed. With the room's
    `own_modules_only`, a --module of another module name is refused before anything is
    asked."""
    from pmenomssl.billing import BillingGateway
    from pmenomssl.errors import ModuleError
    from pmenomssl.operator.progress import Progress

    room: Room = args.room
    spec = _spec(room)
    start_log("balance", module=args.module)
    try:
        with BillingGateway(config.mgr_root()) as billing:
            if args.module is not None:
                modules = [billing.module(args.module)]
            else:
                modules = billing.modules_named(config.module_name())
    except ModuleError as exc:
        return failed(exc.desc)
    if not modules:
        return error(
            "balance",
            f"BILLmanager has no active processing module named {config.module_name()!r}: "
            "create one (Integration > Processing modules) or give --module M",
            executable=room.prog,
        )
    own = config.module_name()
    wrong = [m for m in modules if m.module != own] if spec.own_modules_only else []
    if wrong:
        return error(
            "balance",
            f"processing module {wrong[0].id} belongs to {wrong[0].module!r}, not "
            f"{own!r}: give a {own} module",
            executable=room.prog,
        )
    getbalance = handler_command(room.handler, "getbalance")
    with Progress(spec.asking, total=len(modules)) as progress:
        rows = [_balance(m.id, m.name, progress, getbalance) for m in modules]
    _print_balances(rows, spec.header)
    return 1 if any(r.problem for r in rows) else 0


def _balance(
    module_id: int,
    name: str,
    progress: Progress,
    getbalance: Callable[[Context], Output],
) -> BalanceRow:
    from pmenomssl.errors import ModuleError

    progress.show(f"module {module_id}")
    ctx = operator_context("getbalance", module=module_id)
    try:
        doc = output_document(getbalance(ctx))
    except ModuleError as exc:
        logger.error("balance of processing module %s: %s", module_id, exc.desc)
        return BalanceRow(module_id, name, "", "", exc.desc)
    finally:
        if ctx.billing_started:
            ctx.billing.close()
        progress.advance(f"module {module_id}")
    balance = doc.findtext("balance") if doc is not None else None
    if not balance:
        return BalanceRow(module_id, name, "", "", "the handler answered no balance")
    currency = doc.findtext("currency") if doc is not None else ""
    return BalanceRow(module_id, name, balance, currency or "")


def _print_balances(rows: list[BalanceRow], header: str) -> None:
    width = max(17, *(len(f"{r.module_id} {r.name}") for r in rows))
    print(f"{'processing module'.ljust(width)}  {header}")
    for row in rows:
        label = f"{row.module_id} {row.name}".ljust(width)
        if row.problem:
            print(wrapped(row.problem, f"{label}  FAILED: ", " " * (width + 4)))
        else:
            print(f"{label}  {row.balance} {row.currency}".rstrip())
