"""`pmenomssl balance`: the ENOM balance of each processing module, as getbalance sees it.

Runs the handler's getbalance for each module (one GetBalance each), so the panel's stored
balance is refreshed as a side effect, exactly as BILLmanager's periodic call does.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass

from pmenomssl import config
from pmenomssl.cli.common import (
    error,
    operator_context,
    paragraph,
    positive_int,
    start_log,
    wrapped,
)
from pmenomssl.errors import ModuleError
from pmenomssl.operator.progress import Progress

logger = logging.getLogger(__name__)

EXAMPLES = """\
examples:
  # every active processing module of this module's name
  pmenomssl balance

  # only processing module 3
  pmenomssl balance --module 3

exit status: 0 every balance was read, 1 at least one module failed (the output says why).
"""


@dataclass(frozen=True)
class Row:
    module_id: int
    name: str
    balance: str
    currency: str
    problem: str = ""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `pmenomssl balance`."""
    parser = subparsers.add_parser(
        "balance",
        help="show the ENOM account balance of each processing module",
        description=paragraph(
            "Ask ENOM for the available balance of each processing module (GetBalance) and "
            "save it in BILLmanager, as BILLmanager's periodic getbalance does."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--module",
        metavar="M",
        type=positive_int,
        help="only processing module M (default: every active module of this name)",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl balance`; return the exit status."""
    from pmenomssl.billing import BillingGateway

    start_log("balance", module=args.module)
    try:
        with BillingGateway(config.mgr_root()) as billing:
            if args.module is not None:
                modules = [billing.module(args.module)]
            else:
                modules = billing.modules_named(config.module_name())
    except ModuleError as exc:
        print(wrapped(exc.desc, "FAILED: "))
        return 1
    if not modules:
        return error(
            "balance",
            f"BILLmanager has no active processing module named {config.module_name()!r}: "
            "create one (Integration > Processing modules) or give --module M",
        )
    with Progress("asking ENOM for the balance", total=len(modules)) as progress:
        rows = [_balance(m.id, m.name, progress) for m in modules]
    _print(rows)
    return 1 if any(r.problem for r in rows) else 0


def _balance(module_id: int, name: str, progress: Progress) -> Row:
    from pmenomssl.handlers.enomssl import account

    progress.show(f"module {module_id}")
    ctx = operator_context("getbalance", module=module_id)
    try:
        doc = account.getbalance(ctx)
    except ModuleError as exc:
        logger.error("balance of processing module %s: %s", module_id, exc.desc)
        return Row(module_id, name, "", "", exc.desc)
    finally:
        if ctx.billing_started:
            ctx.billing.close()
        progress.advance(f"module {module_id}")
    return Row(module_id, name, doc.findtext("balance") or "", doc.findtext("currency") or "")


def _print(rows: list[Row]) -> None:
    width = max(len(f"{r.module_id} {r.name}") for r in rows)
    print(f"{'processing module'.ljust(max(width, 17))}  available balance")
    for row in rows:
        label = f"{row.module_id} {row.name}".ljust(max(width, 17))
        if row.problem:
            print(wrapped(row.problem, f"{label}  FAILED: ", " " * (max(width, 17) + 4)))
        else:
            print(f"{label}  {row.balance} {row.currency}")
