"""`pmbillreseller status --item I`: a service as BILLmanager holds it and as the upstream
BILLmanager reports it, side by side, and what happens next in one sentence."""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pmenomssl import config
from pmenomssl.cli.common import add_item_option, failed, new_parser, print_next, start_log
from pmenomssl.cli.common import status_line as _line
from pmenomssl.errors import ModuleError
from pmenomssl.operator.progress import Progress

if TYPE_CHECKING:
    from pmenomssl.billing import Addon, Item
    from pmenomssl.cli.common import Subparsers
    from pmenomssl.cli.room import Room
    from pmenomssl.upstream import UpstreamService

logger = logging.getLogger(__name__)

# BILLmanager item.status (billmanager-protocol.md 3) and upstream list statuses (issue 8).
ITEM_STATUS = {1: "ordered", 2: "active", 3: "suspended", 4: "closed", 5: "processing"}
UPSTREAM_STATUS = {1: "ordered", 2: "active", 3: "stopped", 4: "deleted", 5: "processing"}
# The module's own item params (pmenomssl.handlers.billreseller.params), shown when set.
SHOWN_PARAMS = (
    "upstream_id",
    "upstream_order_intent",
    "upstream_prolong_intent",
    "upstream_opened",
    "domain",
    "ostempl",
    "recipe",
    "datacenter",
    "approver_email",
)
DEADLINE_SECONDS = 120.0

EXAMPLES = """\
examples:
  # service 42: BILLmanager's view, the upstream's view, and what happens next
  pmbillreseller status --item 42

  # only what BILLmanager holds, without asking the upstream
  pmbillreseller status --item 42 --local

exit status: 0 shown, 1 the service could not be read or the upstream could not be asked.
"""


@dataclass
class View:
    item: Item
    params: dict[str, str]
    addons: list[Addon]
    asked: bool = False
    upstream: UpstreamService | None = None
    adoptable: list[UpstreamService] = field(default_factory=list)  # remoteid == item, unsaved
    fields: dict[str, str] = field(default_factory=dict)
    problem: str = ""


def add_parser(subparsers: Subparsers, name: str, room: Room) -> None:
    """Register `pmbillreseller status`."""
    parser = new_parser(
        subparsers,
        name,
        help="a service as BILLmanager and the upstream each see it, and what comes next",
        description=(
            "Show a service as BILLmanager holds it (item status, tariff, period, expiry, the "
            "module's params, addons) and as the upstream BILLmanager reports it (status, "
            "expiry, remoteid, addons), then the next action in one sentence."
        ),
        examples=EXAMPLES,
    )
    add_item_option(parser)
    parser.add_argument(
        "--local", action="store_true", help="do not ask the upstream, show BILLmanager's side"
    )


def run(args: argparse.Namespace) -> int:
    """Carry out `pmbillreseller status`; return the exit status."""
    start_log("status", item=args.item)
    try:
        with Progress(f"reading service {args.item}"):
            view = _gather(args.item, ask=not args.local)
    except ModuleError as exc:
        return failed(exc.desc)
    _print(view)
    print_next(next_action(view))
    return 1 if view.problem else 0


def _gather(item_id: int, *, ask: bool) -> View:
    from pmenomssl.billing import BillingGateway

    with BillingGateway(config.mgr_root()) as billing:
        item = billing.item(item_id)
        params = billing.item_params(item_id)
        addons = billing.addons(item_id)
        module_params = (
            billing.module_params(item.processingmodule) if item.processingmodule else None
        )
    view = View(item, params, addons)
    if not ask:
        return view
    if module_params is None:
        view.problem = "the service has no processing module, so no upstream to ask"
        return view
    if item.module_name and item.module_name != config.module_name():
        view.problem = (
            f"the service belongs to the module {item.module_name!r}, not "
            f"{config.module_name()!r}: use that module's own status command"
        )
        return view
    try:
        _ask_upstream(view, module_params)
    except ModuleError as exc:
        logger.error("status of item %s: %s (%s)", item_id, exc.desc, exc.error_type)
        view.problem = f"{exc.desc} [{exc.error_type}]"
    return view


def _ask_upstream(view: View, module_params: dict[str, str]) -> None:
    from pmenomssl.handlers.billreseller import settings
    from pmenomssl.upstream import STATUS_DELETED, UpstreamError

    connection = settings.from_params(
        module_params, where=f"processing module {view.item.processingmodule}"
    )
    itemtype = view.item.itemtype
    saved = view.params.get("upstream_id", "")
    view.asked = True
    with settings.make_client(connection, deadline=time.monotonic() + DEADLINE_SECONDS) as client:
        if saved:
            view.upstream = client.find_service(itemtype, saved)
        else:
            view.adoptable = [
                s for s in client.services(itemtype) if s.remoteid == str(view.item.id)
            ]
        if view.upstream is not None and view.upstream.status != STATUS_DELETED:
            try:
                view.fields = client.service_fields(itemtype, view.upstream.id)
            except UpstreamError as exc:  # the fields are extra: the status is shown anyway
                logger.warning("fields of upstream service %s: %s", view.upstream.id, exc.desc)


def _print(view: View) -> None:
    item = view.item
    print(
        f"Service {item.id}: {item.itemtype or 'unknown type'}, tariff {item.pricelist_intname!r}"
        " (= the upstream tariff id)"
    )
    print()
    print("BILLmanager says:")
    _line("item status", f"{item.status} ({ITEM_STATUS.get(item.status, 'unknown')})")
    _line("processing module", str(item.processingmodule or "(none)"))
    _line("period", f"{item.period} months" if item.period else "(none)")
    _line("expiredate", str(item.expiredate or "(none)"))
    for name in SHOWN_PARAMS:
        value = view.params.get(name, "")
        if value:
            _line(name, value)
    for addon in view.addons:
        _line(f"addon {addon.intname}", "(no value)" if addon.value is None else str(addon.value))
    if not view.asked and not view.problem:
        return
    print()
    print("Upstream says:")
    if view.problem:
        _line("problem", view.problem)
        return
    svc = view.upstream
    if svc is None:
        saved = view.params.get("upstream_id", "")
        if saved:
            _line(f"service {saved}", "not in the upstream account")
        elif view.adoptable:
            ids = ", ".join(s.id for s in view.adoptable)
            _line("service", f"none saved; with remoteid {item.id}: {ids}")
        else:
            _line("service", f"none saved, none with remoteid {item.id}")
        return
    _line(f"service {svc.id}", f"{svc.status} ({UPSTREAM_STATUS.get(svc.status, 'unknown')})")
    _line("tariff", svc.pricelist or "?")
    _line("period", f"{svc.period} months" if svc.period else "?")
    _line("expiredate", str(svc.expiredate or "(none)"))
    _line("remoteid", svc.remoteid or "(not linked)")
    for key in sorted(k for k in view.fields if k.startswith("addon_")):
        _line(f"addon {key[len('addon_') :]}", view.fields[key])
    if "autoprolong" in view.fields:
        _line("autoprolong", view.fields["autoprolong"])


def next_action(view: View) -> str:
    """One sentence for staff: what happens next, or what they should do."""
    item, svc = view.item, view.upstream
    saved = view.params.get("upstream_id", "")
    if view.problem:
        return "Fix the problem above, then run this command again."
    if not view.asked:
        return "Run without --local to compare with the upstream."
    if svc is None and saved:
        return (
            f"The saved upstream service {saved} is not in the upstream account: check that the "
            "processing module uses the account the service was ordered with."
        )
    if svc is None and view.adoptable:
        return (
            "An upstream service already carries this service's id: the next open adopts it "
            "instead of ordering again."
        )
    if svc is None:
        if view.params.get("upstream_order_intent"):
            intent = _intent_time(view.params["upstream_order_intent"])
            return (
                f"An order was started{intent} but no upstream service is linked: the next open "
                "reconciles with the upstream before it would order."
            )
        return "Not ordered upstream yet: BILLmanager's open orders it."
    if svc.status in (1, 5):
        return (
            "The upstream is still setting the service up: open/sync_item finish the job once "
            "it is active."
        )
    if svc.status == 4 and item.status != 4:
        return (
            "Deleted upstream but not closed here: the module leaves that to staff; close the "
            "service in BILLmanager unless the client should keep it."
        )
    if svc.status == 2 and item.status in (1, 5):
        return "Active upstream: the next open or sync_item opens it here."
    if svc.status == 3 and item.status == 2:
        return (
            "Stopped upstream but active here: the next sync_item suspends it here too (and "
            "resumes it when upstream does); ask the upstream provider why it was stopped."
        )
    if (
        svc.expiredate is not None
        and item.expiredate is not None
        and svc.expiredate != (item.expiredate)
    ):
        return "The expiry dates differ: sync_item sets the upstream's date here."
    return "Nothing to do: BILLmanager and the upstream agree."


def _intent_time(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    when = data.get("time") if isinstance(data, dict) else None
    return f" at {when}" if when else ""
