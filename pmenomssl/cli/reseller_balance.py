"""`pmbillreseller balance`: the upstream balance of each processing module, as getbalance sees
it. Runs the handler's getbalance per module (one balance read each), so the balance BILLmanager
shows is refreshed as a side effect, exactly as its periodic call does."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass

from pmenomssl import config
from pmenomssl.cli.common import operator_context, paragraph, start_log, wrapped
from pmenomssl.cli.reseller_common import (
    error,
    handler_command,
    output_document,
    positive_int,
)
from pmenomssl.errors import ModuleError
from pmenomssl.operator.progress import Progress

logger = logging.getLogger(__name__)

EXAMPLES = """\
examples:
  # every active processing module of this module's name
  pmbillreseller balance

  # only processing module 3
  pmbillreseller balance --module 3

exit status: 0 every balance was read, 1 at least one module failed (the output says why).
"""


@dataclass(frozen=True)
class Row:
    module_id: int
    name: str
    balance: str
    currency: str
    problem: str = ""


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str = "balance"
) -> None:
    """Register `pmbillreseller balance`."""
    parser = subparsers.add_parser(
        name,
        help="show (and save) the upstream balance of each processing module",
        description=paragraph(
            "Ask the upstream BILLmanager for the balance of each processing module's account "
            "and save it in BILLmanager (processing.savebalance), as BILLmanager's periodic "
            "getbalance does."
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
    """Carry out `pmbillreseller balance`; return the exit status."""
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
    wrong = [m for m in modules if m.module != config.module_name()]
    if wrong:
        return error(
            "balance",
            f"processing module {wrong[0].id} belongs to {wrong[0].module!r}, not "
            f"{config.module_name()!r}: give a {config.module_name()} module",
        )
    with Progress("asking the upstream for the balance", total=len(modules)) as progress:
        rows = [_balance(m.id, m.name, progress) for m in modules]
    _print(rows)
    return 1 if any(r.problem for r in rows) else 0


def _balance(module_id: int, name: str, progress: Progress) -> Row:
    progress.show(f"module {module_id}")
    ctx = operator_context("getbalance", module=module_id)
    try:
        doc = output_document(handler_command("getbalance")(ctx))
    except ModuleError as exc:
        logger.error("balance of processing module %s: %s", module_id, exc.desc)
        return Row(module_id, name, "", "", exc.desc)
    finally:
        if ctx.billing_started:
            ctx.billing.close()
        progress.advance(f"module {module_id}")
    balance = doc.findtext("balance") if doc is not None else None
    if not balance:
        return Row(module_id, name, "", "", "the handler answered no balance")
    currency = doc.findtext("currency") if doc is not None else ""
    return Row(module_id, name, balance, currency or "")


def _print(rows: list[Row]) -> None:
    width = max(17, *(len(f"{r.module_id} {r.name}") for r in rows))
    print(f"{'processing module'.ljust(width)}  balance")
    for row in rows:
        label = f"{row.module_id} {row.name}".ljust(width)
        if row.problem:
            print(wrapped(row.problem, f"{label}  FAILED: ", " " * (width + 4)))
        else:
            print(f"{label}  {row.balance} {row.currency}".rstrip())
