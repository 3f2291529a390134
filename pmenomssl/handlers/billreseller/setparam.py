"""`setparam`: apply the service's changed addons upstream (`<itemtype>.edit`).

The local addons (child items, value = `intvalue`) are compared with the upstream service's
fields (`<itemtype>.edit` without sok); only differing `addon_<id>` fields are sent, so a re-run
after success sends nothing. A tariff change (`item.lastpricelist` set) to another upstream
tariff cannot be applied through the client API. On any failure while `item.lastpricelist` is
set, the tariff change is rolled back (service.changepricelist.rollback) and the error reported.
"""

from __future__ import annotations

import logging

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller.errors import TariffChangeUnsupportedError, UnknownTariffError
from pmenomssl.handlers.billreseller.service import Service

logger = logging.getLogger(__name__)

ADDON_FIELD_PREFIX = "addon_"


def setparam_service(svc: Service) -> None:
    try:
        _apply(svc)
    except ModuleError:
        if svc.item.lastpricelist is not None:
            try:
                svc.billing.changepricelist_rollback(svc.id)
                logger.warning("setparam of service %s failed: tariff change rolled back", svc.id)
            except ModuleError as rollback_error:  # the original error matters more
                logger.error("could not roll back the tariff change: %s", rollback_error)
        raise
    svc.post("setparam")


def _apply(svc: Service) -> None:
    upstream_id = svc.require_upstream_id("setparam")
    if svc.item.lastpricelist is not None:
        service = svc.upstream_service()
        wanted = svc.item.pricelist_intname.strip()
        if service.pricelist_id != wanted:
            raise TariffChangeUnsupportedError(
                f"Service {svc.id} was moved to the tariff {wanted!r}, but upstream service "
                f"{upstream_id} is on upstream tariff {service.pricelist_id}; the upstream's "
                "client API cannot change a service's tariff. The change was rolled back: "
                "change the tariff with the upstream provider first, or order a new service.",
                obj="pricelist",
                value=wanted,
            )
    current = svc.client.service_fields(svc.itemtype, upstream_id)
    changes: dict[str, str] = {}
    for addon in svc.addons():
        name = ADDON_FIELD_PREFIX + addon.intname.strip()
        if addon.value is None:
            continue
        if name not in current:
            raise UnknownTariffError(
                f"Upstream service {upstream_id} has no addon {addon.intname!r} (no field "
                f"{name}); set the local addon's internal name to the upstream addon id.",
                obj="addon",
                value=addon.intname,
            )
        if current[name].strip() != str(addon.value):
            changes[name] = str(addon.value)
    if not changes:
        logger.info("service %s: upstream addons already match, nothing to change", svc.id)
        return
    svc.client.edit(svc.itemtype, upstream_id, changes)
    logger.info(
        "changed upstream service %s: %s",
        upstream_id,
        ", ".join(f"{k}={v}" for k, v in sorted(changes.items())),
    )
