"""`pmbillreseller tariffs`: the upstream's tariffs, the table an admin needs to set up local
tariffs. A local tariff's internal name must be the upstream tariff id, a local addon's internal
name the upstream addon id, and each local period (months) one the upstream tariff has."""

from __future__ import annotations

import argparse
import logging
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from pmenomssl.cli.common import UsageError, failed, new_parser, start_log, wrapped
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller.operator.credentials import (
    EXAMPLE_URL,
    Source,
    add_credentials,
    first_module_id,
    module_source,
    typed_source,
)
from pmenomssl.operator.progress import Progress

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room
    from pmenomssl.upstream import OrderForm, Tariff

logger = logging.getLogger(__name__)

ITEMTYPES = ("certificate", "soft", "vhost", "vds", "dedic")  # = pmenomssl.upstream.ITEMTYPES
DEADLINE_SECONDS = 300.0

EXAMPLES = f"""\
examples:
  # every item type, with the settings of the first pmbillreseller processing module
  pmbillreseller tariffs

  # VDS tariffs through processing module 3
  pmbillreseller tariffs --itemtype vds --module 3

  # before any module exists: credentials typed in (the password as for `check`)
  pmbillreseller tariffs --url {EXAMPLE_URL} --username reseller

  # cache the certificate tariffs as certificate templates (a certificate tariff's
  # "Certificate type" in the panel can only be one of them), then restart the panel
  pmbillreseller tariffs --refresh --itemtype certificate

columns: id (= the internal name of the local tariff), title, periods in months with the
upstream price of each (a local tariff may only offer these periods), addons (the addon_<id>
fields of the tariff's order form): id (= the internal name of the local addon), and the name,
price and range where the form shows them.
exit status: 0 listed, 1 the upstream could not be asked (the output says why), 2 wrong arguments.
"""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmbillreseller tariffs`."""
    parser = new_parser(
        subparsers,
        name,
        help="list the upstream tariffs with ids, periods, prices and addons",
        description=(
            "List the tariffs the upstream BILLmanager sells to this account "
            "(v2.<itemtype>.order.pricelist): ids, periods, prices and addons, to set up the "
            "local tariffs (internal name = upstream tariff id)."
        ),
        examples=EXAMPLES,
    )
    parser.add_argument(
        "--itemtype",
        choices=ITEMTYPES,
        help="only this item type (default: all of them)",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="also cache the upstream's certificate tariffs as the module's certificate "
        "templates (upstream_<id>), which BILLmanager reads at its next start",
    )
    add_credentials(
        parser,
        module_help="connect with processing module M's settings (default: the first active "
        "module of this name)",
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmbillreseller tariffs`; return the exit status."""
    start_log("tariffs", module=args.module)
    try:
        if args.url is not None:
            source = typed_source(args)
        else:
            if args.username or args.password_file:
                raise UsageError("--username and --password-file go with --url")
            source = module_source(args.module if args.module else first_module_id())
    except ModuleError as exc:
        return failed(exc.desc)
    if args.refresh and args.itemtype not in (None, "certificate"):
        raise UsageError(
            "--refresh caches certificate tariffs: use it without "
            "--itemtype or with --itemtype certificate"
        )
    itemtypes = [args.itemtype] if args.itemtype else list(ITEMTYPES)
    return _list(source, itemtypes, refresh=args.refresh)


def _list(source: Source, itemtypes: list[str], *, refresh: bool = False) -> int:
    from pmenomssl.handlers.billreseller import settings
    from pmenomssl.upstream import UpstreamAccessDenied, UpstreamMissing

    # Any other error is the connection's, the same for every type: stop at the first.
    not_sold = (UpstreamAccessDenied, UpstreamMissing)
    deadline = time.monotonic() + DEADLINE_SECONDS
    status = 0
    with settings.make_client(source.connection, deadline=deadline) as client:
        print(f"Upstream {client.url} ({source.where}):")  # the URL as the module calls it
        for itemtype in itemtypes:
            try:
                with Progress(f"reading the upstream's {itemtype} tariffs"):
                    tariffs = client.tariffs(itemtype)
                    # Addons are fields of each tariff's order form, not of the price list.
                    forms = {t.id: client.order_form(itemtype, t.id) for t in tariffs}
            except not_sold as exc:
                logger.warning("%s tariffs: %s", itemtype, exc.desc)
                print()
                print(wrapped(exc.desc, f"{itemtype}: not available to this account: ", "    "))
                status = 1 if len(itemtypes) == 1 else status
                continue
            except ModuleError as exc:
                logger.error("%s tariffs: %s (%s)", itemtype, exc.desc, exc.error_type)
                print()
                print(wrapped(exc.desc, "FAILED: "))
                print(f"    error type: {exc.error_type}")
                return 1
            print()
            _print(itemtype, tariffs, forms)
            if refresh and itemtype == "certificate":
                _save_templates(client.url, tariffs)
    return status


def _save_templates(url: str, tariffs: list[Tariff]) -> None:
    from pmenomssl import config
    from pmenomssl.handlers.billreseller import templates

    path = templates.cache_path(config.mgr_root(), config.module_name())
    cached = templates.save(path, url, [(t.id, t.title) for t in tariffs])
    names = ", ".join(s.name for s in templates.declared({url: cached[url]})) or "none"
    print()
    print(
        wrapped(
            f"Certificate templates refreshed: {names} (cached in {path}; "
            f"{len(templates.declared(cached))} in all). BILLmanager reads them at its next "
            "start: then pick the template upstream_<id> as the certificate tariff's type, "
            "with the internal name <id>."
        )
    )


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _print(itemtype: str, tariffs: list[Tariff], forms: Mapping[str, OrderForm]) -> None:
    if not tariffs:
        print(f"{itemtype}: no tariffs")
        return
    print(f"{itemtype}:")
    header = ("id", "title", "periods (months: price)")
    rows = [
        (
            t.id,
            t.title,
            ", ".join(
                f"{m}: {_money(p)} {t.currency}".rstrip() for m, p in sorted(t.periods.items())
            )
            or "(none)",
        )
        for t in tariffs
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(2)]
    print("  " + f"{header[0].ljust(widths[0])}  {header[1].ljust(widths[1])}  {header[2]}")
    for tariff, row in zip(tariffs, rows):
        print("  " + f"{row[0].ljust(widths[0])}  {row[1].ljust(widths[1])}  {row[2]}")
        form = forms.get(tariff.id)
        for addon in form.addons if form is not None else []:
            limits = ""
            if addon.min is not None or addon.max is not None:
                low = "" if addon.min is None else str(addon.min)
                high = "" if addon.max is None else str(addon.max)
                limits = f", {low}-{high}"
            cost = (
                f", {_money(addon.cost)} {tariff.currency}".rstrip() + " per unit per month"
                if addon.cost is not None
                else ""
            )
            name = addon.name or f"preset {addon.value or '-'}"
            print("  " + " " * (widths[0] + 2) + f"addon {addon.id}: {name}{cost}{limits}")
