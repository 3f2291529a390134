"""`prolong` of pmbillreseller in-process (issue 17): what is asked of upstream and what is
written down, beyond the pay-once guards of test_paid_guards_unit.py (whose scripted upstream
and billing these tests use). test_never_twice.py and test_lifecycle.py run the same paths
through the real executable.

Upstream shapes from /work/shared/reference/settled-facts.md ("Upstream BILLmanager"): a renewal
is `service.prolong` of the upstream service id for a period in months; the tariffs are the
item type's price list (`doc/list/elem` with `prices/price` per period).
"""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal

import pytest

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import PeriodNotAvailableError
from pmenomssl.handlers.billreseller.prolong import prolong_service
from pmenomssl.upstream import UpstreamOutcomeUnknown
from pmenomssl.upstream.errors import UpstreamTransportError
from pmenomssl.upstream.models import Tariff, UpstreamService
from tests.billreseller.test_paid_guards_unit import (
    as_service,
    lock_folder,  # noqa: F401 (autouse: the module's folder)
    prolonging,
    service,
)

PROLONG_LOGGER = "pmenomssl.handlers.billreseller.prolong"


def test_the_tariff_is_looked_up_in_the_items_own_price_list() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    asked: list[str] = []
    vhost = Tariff(id="5", title="Hosting", currency="RUB", periods={1: Decimal("100")})
    other = Tariff(id="5", title="Other", currency="RUB", periods={12: Decimal("900")})

    def tariffs(itemtype: str) -> list[Tariff]:
        asked.append(itemtype)
        return [vhost] if itemtype == "vhost" else [other]

    svc.client.tariffs = tariffs  # type: ignore[method-assign]
    prolong_service(as_service(svc))
    assert asked == ["vhost"]
    assert svc.client.prolongs == [("41", 1)]


def test_the_refusal_lists_every_period_the_tariff_is_sold_for() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    sold = Tariff(
        id="5",
        title="Hosting",
        currency="RUB",
        periods={12: Decimal("900"), 1: Decimal("100"), 3: Decimal("280")},
    )
    svc.client.tariffs = lambda itemtype: [sold]  # type: ignore[method-assign]
    svc.item.period = 6
    with pytest.raises(PeriodNotAvailableError) as refused:
        prolong_service(as_service(svc))
    assert refused.value.desc == (
        "Service 10 is renewed for 6 month(s), but upstream tariff 5 (Hosting) is sold for "
        "1, 3, 12 month(s) only. Change the service's period to one of those; nothing was paid."
    )
    assert svc.client.prolongs == []


def test_an_intent_without_an_expiry_is_read_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    for text in (json.dumps({"expiry_before": "", "period": 1}), json.dumps({"period": 1})):
        svc.save(P.PROLONG_INTENT, text)
        with caplog.at_level(logging.WARNING, logger=PROLONG_LOGGER):
            prolong_service(as_service(svc))
    unreadable = [r for r in caplog.records if "unreadable prolong intent" in r.getMessage()]
    assert unreadable == []
    # an intent that is not JSON is reported (and counts as no known expiry)
    svc.save(P.PROLONG_INTENT, "garbled")
    with caplog.at_level(logging.WARNING, logger=PROLONG_LOGGER):
        prolong_service(as_service(svc))
    unreadable = [r for r in caplog.records if "unreadable prolong intent" in r.getMessage()]
    assert [r.getMessage() for r in unreadable] == ["unreadable prolong intent 'garbled'"]


def test_a_lost_answer_records_the_expiry_of_the_reconciling_read() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="service.prolong")
    svc = prolonging(date(2026, 1, 1))
    reads: list[str] = []
    shown = [date(2026, 1, 1), date(2027, 1, 1)]  # before the call, then after it

    def upstream_service() -> UpstreamService:
        reads.append(svc.upstream_id)
        return service("41", expiredate=shown[min(len(reads), len(shown)) - 1])

    def prolong(service_id: str, period: int) -> date | None:
        svc.client.prolongs.append((service_id, period))
        raise lost

    svc.upstream_service = upstream_service  # type: ignore[method-assign]
    svc.client.prolong = prolong  # type: ignore[method-assign]
    prolong_service(as_service(svc))
    # one read before paying, one to reconcile: its expiry is recorded, no third read
    assert reads == ["41", "41"]
    assert svc.expiry_writes == [date(2027, 1, 1)] and svc.posted == ["prolong"]
    assert svc.client.prolongs == [("41", 1)]
