"""`pmenomssl products`: the certificate templates the module declares, with ENOM's prices.

The table is the handler's catalogue (its product table merged with the list ENOM sells, cached
under `$ROOT/var/<name>.products.json`); `--refresh` asks ENOM for that list first (GetCerts)
and updates the cache, as check_connection does.
"""

from __future__ import annotations

import argparse
import logging
from datetime import timezone
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import (
    UsageError,
    add_module_option,
    failed,
    new_parser,
    operator_context,
    start_log,
    wrapped,
)
from pmenomssl.errors import ModuleError
from pmenomssl.operator.progress import Progress

if TYPE_CHECKING:
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room
    from pmenomssl.handlers.enomssl.products import ProductCache

logger = logging.getLogger(__name__)

EXAMPLES = """\
examples:
  # the templates as `features` declares them, with the prices last fetched from ENOM
  pmenomssl products

  # ask ENOM for its current product list and prices first (through processing module 3)
  pmenomssl products --refresh --module 3

columns: template (the tariff's certificate type in BILLmanager), ENOM product code, years ENOM
sells, reseller cost per year, whether ENOM has the product enabled. A * marks a product the
module's table does not know (flags guessed conservatively).
exit status: 0 shown, 1 the refresh failed (the output says why).
"""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmenomssl products`."""
    parser = new_parser(
        subparsers,
        name,
        help="list the certificate templates with ENOM's codes and prices",
        description=(
            "List the certificate templates the module declares to BILLmanager, with the ENOM "
            "product code, years and reseller cost from the cached ENOM product list."
        ),
        examples=EXAMPLES,
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="fetch the product list from ENOM first (GetCerts) and update the cache",
    )
    add_module_option(
        parser,
        "with --refresh: connect with processing module M's settings "
        "(default: the first active module of this name)",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmenomssl products`; return the exit status."""
    from pmenomssl.handlers.enomssl import products

    if args.module is not None and not args.refresh:
        raise UsageError("--module is used with --refresh only")
    path = products.cache_path(config.mgr_root(), config.module_name())
    cache: ProductCache | None
    if args.refresh:
        try:
            cache = _refresh(args.module)
        except ModuleError as exc:
            return failed(exc.desc)
        print(f"ENOM's product list refreshed: {len(cache.products)} products, cached in {path}")
        print()
    else:
        cache = products.load_cache(path)
    _print_table(cache)
    if cache is None:
        print()
        print(
            wrapped(
                f"No product list from ENOM is cached yet ({path}): this is the module's own "
                "table, without prices. `pmenomssl products --refresh` fetches it (so do the "
                "panel's connection check and the first order)."
            )
        )
    else:
        stamp = cache.updated.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        print()
        print(f"ENOM's product list as of {stamp} ({path}).")
        missing = [p.template for p in products.STATIC_PRODUCTS if cache.offered(p.code) is None]
        if missing:
            print(
                wrapped(
                    "Not offered by ENOM, so not declared to BILLmanager: " + ", ".join(missing)
                )
            )
    return 0


def _refresh(module_id: int | None) -> ProductCache:
    from pmenomssl.billing import BillingGateway, NotFoundError
    from pmenomssl.handlers.enomssl import account, settings

    start_log("products", module=module_id)
    with BillingGateway(config.mgr_root()) as billing:
        if module_id is None:
            modules = billing.modules_named(config.module_name())
            if not modules:
                raise NotFoundError(
                    f"BILLmanager has no active processing module named "
                    f"{config.module_name()!r} to ask ENOM with: create one, or give --module M.",
                    error_type="module_not_found",
                    obj="processingmodule",
                )
            module_id = modules[0].id
        connection = settings.from_params(
            billing.module_params(module_id), where=f"processing module {module_id}"
        )
    ctx = operator_context("products", module=module_id)
    client = settings.make_client(connection, deadline=ctx.deadline)
    with client, Progress(f"fetching ENOM's product list (module {module_id})"):
        return account.refresh_products(ctx, client)


def _print_table(cache: ProductCache | None) -> None:
    from pmenomssl.handlers.enomssl import products

    header = ("template", "ENOM code", "years", "cost/year", "enabled")
    rows: list[tuple[str, ...]] = []
    for spec in products.catalogue(cache):
        offered = cache.offered(spec.code) if cache is not None else None
        if offered is None:
            years, cost, enabled = "?", "?", "?"
        else:
            years = ",".join(str(y) for y in offered.years) or "?"
            cost = f"{offered.reseller_price} USD" if offered.reseller_price is not None else "?"
            enabled = "yes" if offered.enabled else "no"
        template = spec.template + (" *" if spec.derived else "")
        rows.append((template, spec.code, years, cost, enabled))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
