"""Which upstream service is this item's, found without ordering again (steps 2-3 of `open`).

A row whose `remoteid` is our item id is ours. After an order whose answer was lost, the intent
saved before it (`Intent`: the highest upstream id seen then) bounds the candidates; `find_ours`
says which facts may reject one, and why only those. `close` asks the same question.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import OrderAmbiguousError
from pmenomssl.handlers.billreseller.statuses import DELETED

if TYPE_CHECKING:
    from pmenomssl.handlers.billreseller.service import Service
    from pmenomssl.upstream import UpstreamService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Intent:
    """What was known just before the paid order call."""

    time: str
    highest_id: int | None  # the highest upstream service id seen; None: the list was empty

    def to_json(self) -> str:
        return json.dumps({"time": self.time, "highest_id": self.highest_id}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Intent:
        """An unreadable intent counts every unlinked service as a candidate (the safe side)."""
        try:
            data = json.loads(text)
            highest = data.get("highest_id")
            return cls(str(data.get("time", "")), int(highest) if highest is not None else None)
        except (ValueError, TypeError, AttributeError):
            logger.warning(
                "unreadable order intent %r: every unlinked service is a candidate", text
            )
            return cls("", None)


def _number(upstream_id: str) -> int | None:
    return int(upstream_id) if upstream_id.isdigit() else None


def highest_id(services: Sequence[UpstreamService]) -> int | None:
    numbers = [n for n in (_number(s.id) for s in services) if n is not None]
    return max(numbers) if numbers else None


def _claimed_elsewhere(svc: Service, upstream_id: str) -> bool:
    return any(i != svc.id for i in svc.billing.items_with_param(P.UPSTREAM_ID, upstream_id))


def find_ours(svc: Service, services: Sequence[UpstreamService]) -> UpstreamService | None:
    """The upstream service that belongs to this item, linking it when found through an intent.

    Which list columns exist decides how (settled-facts.md): the certificate list has no
    `remoteid`, no tariff id and no status column; the other lists' columns are UNCONFIRMED.

    1. A row whose `remoteid` is our item id is ours (every order sends `remoteid`).
    2. Otherwise, only after a saved intent (an order whose answer was lost): our order, if it
       happened, has an id above the highest id the intent saw (BILLmanager's item ids grow in
       one sequence), and it is in the list whatever columns the list has. Every row above
       that id is a candidate unless it is CERTAINLY not ours; a wrong rejection would make the
       next run order a second time, so only facts the list states reject a row:
       - it carries another `remoteid` (ordered for another item or by someone else);
       - another local item already holds its id as `upstream_id`;
       - certificates: its `CN` is shown and differs from the CSR's common name we ordered for.
       Not compared: the tariff (the certificate list shows its NAME, which need not equal the
       title the catalogue gave us, e.g. in another language), the creation date (upstream's
       time zone), the status (a deleted order is still the order that was paid: adopting it
       makes `open` stop and ask a person instead of paying again).
       One candidate: ours, linked with item.setremoteid. Several: a person picks
       (OrderAmbiguousError; nothing is ordered). None: the earlier order did not happen.
    """
    mine = [s for s in services if s.remoteid == str(svc.id) and s.status != DELETED]
    if mine:
        if len(mine) > 1:
            logger.error(
                "several upstream services carry remoteid %s: %s; adopting the first",
                svc.id,
                ", ".join(s.id for s in mine),
            )
        return mine[0]
    raw_intent = svc.param(P.ORDER_INTENT)
    if not raw_intent:
        return None
    intent = Intent.from_json(raw_intent)
    common_name = _ordered_common_name(svc) if svc.itemtype == "certificate" else ""
    candidates = [
        s
        for s in services
        if not s.remoteid
        and (intent.highest_id is None or (_number(s.id) or 0) > intent.highest_id)
        and not (common_name and s.name and s.name.lower() != common_name)
        and not _claimed_elsewhere(svc, s.id)
    ]
    if len(candidates) > 1:
        ids = ", ".join(s.id for s in candidates)
        raise OrderAmbiguousError(
            f"The answer to an earlier order of service {svc.id} was lost, and the upstream "
            f"account has several unlinked {svc.itemtype} services ordered since then that may "
            f"be it: {ids}. Nothing was ordered again. Find the one ordered for service "
            f"{svc.id}, save its id as the service's {P.UPSTREAM_ID} param, then retry.",
            obj=P.UPSTREAM_ID,
            value=ids,
        )
    if not candidates:
        logger.info("order intent of service %s: nothing was ordered upstream", svc.id)
        return None
    found = candidates[0]
    svc.client.set_remoteid(found.id, str(svc.id))
    return found


def _ordered_common_name(svc: Service) -> str:
    """The CN a certificate order of this item sends (the CSR's), lower case; "" if unknown."""
    from pmenomssl.ssl import parse_csr

    row = svc.billing.certificate(svc.id)
    if row is None or not row.csr.strip():
        return ""
    try:
        return parse_csr(row.csr).common_name.strip().lower()
    except ModuleError:
        return ""  # unreadable here: compare nothing (the safe side: more candidates)


def adopt(svc: Service, found: UpstreamService) -> None:
    svc.save(P.UPSTREAM_ID, found.id)
    logger.warning(
        "adopted upstream %s service %s for service %s instead of ordering again",
        svc.itemtype,
        found.id,
        svc.id,
    )
