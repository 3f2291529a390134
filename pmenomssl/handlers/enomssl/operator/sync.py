"""`pmenomssl sync --all [--module M]`: every certificate of a module, in one run.

The same effects as BILLmanager's `sync_item` on each certificate, at the cost of one
CertGetCerts call per 250 certificates plus one CertGetCertDetail per certificate whose state
changed (`pmenomssl.handlers.enomssl.bulk`). Progress goes to stderr on a terminal only.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import (
    EVERY_MODULE_HELP,
    add_module_option,
    error,
    failed,
    new_parser,
    positive_int,
    start_log,
    wrapped,
)
from pmenomssl.errors import ModuleError

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room

EXAMPLES = """\
examples:
  # every certificate of every active processing module of this module's name
  pmenomssl sync --all

  # only the certificates of processing module 3
  pmenomssl sync --all --module 3

exit status: 0 every certificate was synced, 1 at least one failed (the output and the log
say which and why).
"""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl sync`."""
    parser = new_parser(
        subparsers,
        name,
        help="update every certificate from ENOM (what sync_item does, in bulk)",
        description=(
            "Update every certificate of a processing module from ENOM's certificate list, "
            "fetching details only for the certificates whose state changed, with the same "
            "effects in BILLmanager as its sync_item command on each of them."
        ),
        examples=EXAMPLES,
    )
    parser.add_argument(
        "--all",
        action="store_true",
        required=True,
        help="every certificate (required: bulk work is never started by accident)",
    )
    add_module_option(parser, EVERY_MODULE_HELP)
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=positive_int,
        default=None,
        help="sync up to N changed certificates at a time (default 4)",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl sync --all`; return the exit status."""
    from pmenomssl.billing import BillingGateway
    from pmenomssl.handlers.enomssl.bulk import DEFAULT_WORKERS, sync_modules
    from pmenomssl.operator.progress import Progress

    start_log("sync --all", module=args.module)
    if config.do_nothing_path().exists():
        print(
            f"{config.do_nothing_path()} exists (a staging copy of the billing): "
            "nothing was synced."
        )
        return 0
    name = config.module_name()
    with BillingGateway(config.mgr_root()) as billing:
        try:
            if args.module is not None:
                module_ids = [billing.module(args.module).id]
            else:
                module_ids = [m.id for m in billing.modules_named(name)]
        except ModuleError as exc:
            return failed(exc.desc)
        if not module_ids:
            return error(
                "sync",
                f"BILLmanager has no active processing module named {name!r}: create one "
                "(Integration > Processing modules) or give --module M",
            )
        with Progress("syncing changed certificates") as shown:

            def progress(detail: str, done: int, total: int) -> None:
                shown.total = total
                shown.done = done - 1
                shown.advance(detail)

            results = sync_modules(
                billing,
                module_ids,
                root=config.mgr_root(),
                module_name=name,
                workers=args.jobs or DEFAULT_WORKERS,
                progress=progress,
            )
    status = 0
    for result in results:
        if result.error:
            print(wrapped(result.error, f"module {result.module_id}: FAILED: "))
            status = 1
            continue
        print(result.summary())
        for item_id, problem in sorted(result.failed.items()):
            print(wrapped(problem, f"  item {item_id}: ", "    "))
            status = 1
    sys.stdout.flush()
    return status
