"""`setparam`: apply the service's changed tariff and addons upstream.

A tariff change (`item.lastpricelist` set) becomes `service.changepricelist` (elid, pricelist,
period; PAID, never repeated: an intent is saved first, and a re-run that finds the intent
checks the upstream tariff instead of paying again). The local addons (child items, value =
`intvalue`) are compared with the upstream service's fields (`<itemtype>.edit` without sok);
only differing `addon_<id>` fields are sent, with `skipbasket=on` (the client adds it) so a paid
increase is paid at once instead of waiting in the upstream cart. A re-run after success sends
nothing. On any failure while `item.lastpricelist` is set, the tariff change is rolled back
(service.changepricelist.rollback) and the error reported.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import TariffChangeUnsupportedError, UnknownTariffError
from pmenomssl.handlers.billreseller.plan import upstream_tariff
from pmenomssl.handlers.billreseller.service import Service

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pmenomssl.upstream import Tariff, UpstreamService

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
        _change_tariff(svc, upstream_id)
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


def _on_tariff(service: UpstreamService, tariff: Tariff) -> bool:
    """Whether the list row shows `tariff`: its column holds the id, or (the certificate list)
    the tariff's name."""
    return service.pricelist in (tariff.id, tariff.title)


def _change_tariff(svc: Service, upstream_id: str) -> None:
    """service.changepricelist to the local tariff's upstream id, at most once (see above)."""
    from pmenomssl.upstream import UpstreamOutcomeUnknown

    def unknown(wanted: str, tariffs: Mapping[str, Tariff]) -> str:
        return (
            f"Service {svc.id} was moved to a tariff whose internal name {wanted!r} is not an "
            f"upstream {svc.itemtype} tariff id (upstream offers: "
            f"{', '.join(tariffs) or 'none'}). The change was rolled back; set the tariff's "
            "internal name to the upstream tariff id."
        )

    def unsold(tariff: Tariff, period: int) -> str:
        return (
            f"Upstream tariff {tariff.id} ({tariff.title}) is sold for "
            f"{', '.join(str(p) for p in sorted(tariff.periods)) or 'no'} month(s), not "
            f"{period}: the tariff change of service {svc.id} was rolled back."
        )

    tariff, period = upstream_tariff(svc, unknown=unknown, unsold=unsold)
    service = svc.upstream_service()
    if _on_tariff(service, tariff):
        logger.info("upstream service %s is on tariff %s already", upstream_id, tariff.id)
        svc.save(P.TARIFF_INTENT, "")
        return
    if svc.param(P.TARIFF_INTENT) == tariff.id:
        # An earlier run may have paid: its answer was lost and the list does not show the
        # tariff by a value we can compare. A person checks; never paid twice.
        raise TariffChangeUnsupportedError(
            f"An earlier change of upstream service {upstream_id} to tariff {tariff.id} may "
            f"have been carried out (its answer was lost), and the upstream list shows the "
            f"tariff as {service.pricelist!r}. Nothing was paid again. Check the service "
            f"upstream; clear the service's {P.TARIFF_INTENT} param to change it again.",
            obj="pricelist",
            value=tariff.id,
        )
    svc.save(P.TARIFF_INTENT, tariff.id)
    try:
        svc.client.change_pricelist(upstream_id, tariff.id, period)
    except UpstreamOutcomeUnknown:
        if not _on_tariff(svc.upstream_service(), tariff):
            raise  # not repeated; the intent stops a blind repeat
        logger.warning("the tariff change's answer was lost, but upstream shows it: recorded")
    svc.save(P.TARIFF_INTENT, "")
    logger.info("moved upstream service %s to tariff %s", upstream_id, tariff.id)
