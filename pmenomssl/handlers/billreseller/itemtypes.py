"""The item types this module resells, and what differs between them: ONE table.

For each type: which local item params go into the upstream order (copied when not empty), and
whether the upstream lets a client suspend/resume such a service.
"""

from __future__ import annotations

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import UnknownTariffError
from pmenomssl.records import record


@record(frozen=True)
class ItemTypeSpec:
    name: str
    # Local item params copied into the order when not empty (same name upstream).
    order_params: tuple[str, ...]
    # UNCONFIRMED (issue 8) beyond soft: whether the upstream lets a CLIENT suspend/resume it
    # (`<itemtype>.suspend|resume`). False: suspend/resume only record the state locally.
    client_can_suspend: bool


# In the order `features` lists them (the order).
ITEMTYPES: dict[str, ItemTypeSpec] = {
    spec.name: spec
    for spec in (
        # A certificate cannot be suspended at a CA; its order fields come from order.py.
        ItemTypeSpec("certificate", (), client_can_suspend=False),
        # Licences: ISPsystem's WHMCS module calls soft.suspend/soft.resume as a client.
        ItemTypeSpec("soft", (P.DOMAIN,), client_can_suspend=True),
        # `datacenter` is not copied: order.py sends the upstream's id from the order form.
        ItemTypeSpec("vhost", (P.DOMAIN, P.RECIPE), client_can_suspend=True),
        ItemTypeSpec("vds", (P.DOMAIN, P.OSTEMPL, P.RECIPE), client_can_suspend=True),
        ItemTypeSpec("dedic", (P.DOMAIN, P.OSTEMPL), client_can_suspend=True),
    )
}


def spec_for(itemtype: str, *, item_id: int | None = None) -> ItemTypeSpec:
    spec = ITEMTYPES.get(itemtype)
    if spec is None:
        what = f"Service {item_id} is" if item_id is not None else "The service is"
        raise UnknownTariffError(
            f"{what} of the item type {itemtype or '(none)'!r}, which this module does not "
            f"resell (it resells: {', '.join(ITEMTYPES)}). Attach the tariff to a processing "
            "module of the right kind.",
            obj="itemtype",
            value=itemtype,
        )
    return spec
