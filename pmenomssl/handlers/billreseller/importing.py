"""`import --module M [--itemtype T]`: upstream services not linked to any local service become
local services (processing.import.service), then are linked upstream (`item.setremoteid`).

Left out: services linked already (a `remoteid`, or a local item holding the id as
`upstream_id`), deleted ones, and those an `open` in flight may still adopt (unlinked services
above the highest id an unfinished order intent saw). The import holds `purchase_lock`, so no
order of this module is between its paid call and its saved id meanwhile.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.itemtypes import ITEMTYPES, spec_for
from pmenomssl.handlers.billreseller.reconcile import Intent
from pmenomssl.handlers.billreseller.settings import from_params, make_client
from pmenomssl.handlers.billreseller.statuses import DELETED, STOPPED

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pmenomssl.handlers.base import Context
    from pmenomssl.upstream import Tariff, UpstreamClient, UpstreamService

logger = logging.getLogger(__name__)


def _local_links(ctx: Context, module_id: int) -> tuple[dict[str, int], int | None]:
    """({upstream id: the item of this module it is linked to}, the lowest id above which an
    unfinished order intent may still adopt a service; None when no order is unfinished)."""
    billing = ctx.billing
    item_ids = [item.id for item in billing.module_items(module_id)]
    values = billing.items_params(item_ids, [P.UPSTREAM_ID, P.ORDER_INTENT])
    linked: dict[str, int] = {}
    floor: int | None = None
    for item_id, params in values.items():
        upstream_id = (params.get(P.UPSTREAM_ID) or "").strip()
        if upstream_id:
            linked[upstream_id] = item_id
        elif params.get(P.ORDER_INTENT):
            highest = Intent.from_json(params[P.ORDER_INTENT]).highest_id or 0
            floor = highest if floor is None else min(floor, highest)
    return linked, floor


def import_services(ctx: Context) -> None:
    from pmenomssl.protocol.limits import purchase_lock

    assert ctx.args.module is not None  # the protocol layer requires --module
    billing = ctx.billing
    module_id = billing.module(ctx.args.module).id
    ctx.module_id = module_id
    itemtypes = [spec_for(ctx.args.itemtype).name] if ctx.args.itemtype else list(ITEMTYPES)
    connection = from_params(billing.module_params(module_id), where=f"module {module_id}")
    counts = {"imported": 0, "skipped": 0, "failed": 0}
    with (
        purchase_lock(ctx.module_name, module_id, ctx.deadline),
        make_client(connection, deadline=ctx.deadline) as client,
    ):
        linked, floor = _local_links(ctx, module_id)
        for itemtype in itemtypes:
            tariffs: list[Tariff] | None = None  # read once per type, when a service needs it
            for service in client.services(itemtype):
                if service.id in linked and not service.remoteid:
                    # An earlier import died between importing and linking: link it now.
                    _link(client, service, linked[service.id])
                reason = _skip_reason(service, linked, floor)
                if reason is None and billing.items_with_param(P.UPSTREAM_ID, service.id):
                    reason = "linked to a service of another module"
                if reason is not None:
                    logger.debug("import: upstream %s %s skipped: %s", itemtype, service.id, reason)
                    counts["skipped"] += 1
                    continue
                if tariffs is None:
                    tariffs = client.tariffs(itemtype)
                item_id = _import_one(ctx, client, module_id, service, tariffs)
                if item_id is not None:
                    linked[service.id] = item_id
                    counts["imported"] += 1
                else:
                    counts["failed"] += 1
    logger.info("import: %(imported)s imported, %(skipped)s skipped, %(failed)s failed", counts)


def _skip_reason(service: UpstreamService, linked: dict[str, int], floor: int | None) -> str | None:
    if service.id in linked:
        return "already linked"
    if service.remoteid:
        return f"linked upstream to remoteid {service.remoteid}"
    if service.status == DELETED:
        return "deleted"
    number = int(service.id) if service.id.isdigit() else None
    if floor is not None and (number is None or number > floor):
        return "an unfinished order may still adopt it"
    return None


def tariff_id_of(service: UpstreamService, tariffs: Sequence[Tariff]) -> str:
    """The upstream tariff id of a list row: its tariff column holds the id, or (the
    certificate list) the tariff's name, which must name exactly one tariff; "" when unsure."""
    if any(t.id == service.pricelist for t in tariffs):
        return service.pricelist
    named = [t.id for t in tariffs if t.title and t.title == service.pricelist]
    return named[0] if len(named) == 1 else ""


def _import_one(
    ctx: Context,
    client: UpstreamClient,
    module_id: int,
    service: UpstreamService,
    tariffs: Sequence[Tariff],
) -> int | None:
    """The new local service's id (None when the tariff is unknown or BILLmanager refused)."""
    tariff_id = tariff_id_of(service, tariffs)
    if not tariff_id:
        # An empty tariff would import the service onto no tariff (or a wrong one).
        logger.error(
            "import: upstream %s %s shows the tariff %r, which names no single upstream tariff "
            "(%s); not imported",
            service.itemtype,
            service.id,
            service.pricelist,
            ", ".join(f"{t.id} {t.title}" for t in tariffs) or "none",
        )
        return None
    fields = {
        "import_pricelist_intname": tariff_id,
        # The reseller's item types may share tariff intnames (upstream ids): pmopenprovider
        # names the item type too, so BILLmanager picks the tariff of the right type.
        "import_itemtype_intname": service.itemtype,
        "import_service_name": service.name or f"{service.itemtype} {service.id}",
        "status": "3" if service.status == STOPPED else "2",
        P.UPSTREAM_ID: service.id,
        # Imported services are open already: sync_item must not announce them again.
        P.OPENED: service.id,
    }
    if service.expiredate is not None:
        fields["expiredate"] = service.expiredate.isoformat()
    if service.period:
        fields["period"] = str(service.period)
    try:
        item_id = ctx.billing.import_service(module_id, **fields)
    except ModuleError as exc:
        logger.error(
            "import: upstream %s %s (tariff %s) failed: %s",
            service.itemtype,
            service.id,
            tariff_id,
            exc.desc,
        )
        return None
    _link(client, service, item_id)
    logger.info(
        "import: upstream %s %s (%s) became service %s",
        service.itemtype,
        service.id,
        service.name,
        item_id,
    )
    return item_id


def _link(client: UpstreamClient, service: UpstreamService, item_id: int) -> None:
    """`item.setremoteid`; a failure is logged, and the next import retries the link (the local
    item holds `upstream_id`, so the service is never imported twice)."""
    try:
        client.set_remoteid(service.id, str(item_id))
    except ModuleError as exc:
        logger.error(
            "import: linking upstream %s to service %s failed: %s", service.id, item_id, exc.desc
        )
