"""`prolong`: renew the upstream service (PAID), at most once per local prolong.

BILLmanager re-runs a failed prolong only by hand (max_tries 1 in the handler), and each run
reconciles first: the upstream expiry before the paid call is saved as an intent; if a later run
finds the upstream expiry past it, the renewal happened and is only recorded, not paid again.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from pmenomssl.errors import ModuleError
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import PeriodNotAvailableError
from pmenomssl.handlers.billreseller.service import Service

logger = logging.getLogger(__name__)


def _intent_expiry(text: str) -> date | None:
    """The upstream expiry saved before an earlier paid call (None: none was known)."""
    try:
        value = json.loads(text).get("expiry_before") or ""
        return date.fromisoformat(value) if value else None
    except (ValueError, TypeError, AttributeError):
        logger.warning("unreadable prolong intent %r", text)
        return None


def _renewed(before: date | None, now: date | None) -> bool:
    return now is not None and (before is None or now > before)


def prolong_service(svc: Service) -> None:
    from pmenomssl.upstream import UpstreamOutcomeUnknown

    upstream_id = svc.require_upstream_id("prolong")
    service = svc.upstream_service()
    intent = svc.param(P.PROLONG_INTENT)
    if intent and _renewed(_intent_expiry(intent), service.expiredate):
        # The earlier run paid, but did not record it: record it now, never pay again.
        logger.warning(
            "upstream service %s was already renewed (expiry %s): recording it without paying "
            "again",
            upstream_id,
            service.expiredate,
        )
        _finish(svc, service.expiredate)
        return
    period = svc.item.period or 0
    tariffs = {t.id: t for t in svc.client.tariffs(svc.itemtype)}
    # The local tariff's internal name is the upstream tariff id (order.py orders by it); the
    # list's tariff column cannot say it: the certificate list shows the tariff's name there.
    tariff = tariffs.get(svc.item.pricelist_intname.strip())
    if tariff is not None and period not in tariff.periods:
        raise PeriodNotAvailableError(
            f"Service {svc.id} is renewed for {period} month(s), but upstream tariff "
            f"{tariff.id} ({tariff.title}) is sold for "
            f"{', '.join(str(p) for p in sorted(tariff.periods)) or 'no'} month(s) only. Change "
            "the service's period to one of those; nothing was paid.",
            obj="period",
            value=str(period),
        )
    before = service.expiredate
    svc.save(
        P.PROLONG_INTENT,
        json.dumps(
            {"expiry_before": before.isoformat() if before else "", "period": period},
            sort_keys=True,
        ),
    )
    try:
        new_expiry = svc.client.prolong(upstream_id, period)
    except UpstreamOutcomeUnknown as exc:
        try:
            again = svc.upstream_service()
        except ModuleError as reconcile_error:
            # The renewal's unknown outcome is what staff must read (a manual task follows).
            logger.error("reconciling the lost prolong failed: %s", reconcile_error.desc)
            raise exc from None
        if not _renewed(before, again.expiredate):
            raise  # not repeated; a person re-runs it, and that run reconciles again
        new_expiry = again.expiredate
        logger.warning("the prolong answer was lost, but upstream shows the renewal: recorded")
    if new_expiry is None:
        new_expiry = svc.upstream_service().expiredate
    logger.info(
        "renewed upstream service %s for %s month(s): expires %s", upstream_id, period, new_expiry
    )
    _finish(svc, new_expiry)


def _finish(svc: Service, expiry: date | None) -> None:
    svc.save(P.PROLONG_INTENT, "")
    if expiry is not None:
        svc.set_expiredate(expiry)
    svc.post("prolong")
