"""The never-pay-twice guards of `pmbillreseller`'s open and prolong in-process, against a
scripted upstream and billing (issue 17: written for the mutants the end-to-end tests left
alive; test_guards.py and test_never_twice.py run the same paths through the real executable).

Each test pins one decision: which upstream service a lost order may adopt, what the order
intent records, when an order is refused for money, and that a lost paid answer is never
repeated (open) and a recorded renewal never paid again (prolong).
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest

from pmenomssl.billing.models import CertificateRow
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import (
    BalanceTooLowError,
    OrderAmbiguousError,
    PeriodNotAvailableError,
)
from pmenomssl.handlers.billreseller.order import acquire, check_balance
from pmenomssl.handlers.billreseller.plan import OrderPlan
from pmenomssl.handlers.billreseller.prolong import prolong_service
from pmenomssl.handlers.billreseller.reconcile import Intent, find_ours
from pmenomssl.handlers.billreseller.service import Service
from pmenomssl.handlers.billreseller.statuses import ACTIVE, DELETED
from pmenomssl.upstream import UpstreamOutcomeUnknown
from pmenomssl.upstream.errors import UpstreamTransportError
from pmenomssl.upstream.models import Balance, Choice, OrderForm, Tariff, UpstreamService

TARIFF = Tariff(id="5", title="Hosting", currency="RUB", periods={1: Decimal("100")})


def service(
    service_id: str,
    *,
    remoteid: str = "",
    name: str = "",
    status: int = ACTIVE,
    expiredate: date | None = None,
) -> UpstreamService:
    return UpstreamService(
        id=service_id,
        itemtype="vhost",
        name=name,
        status=status,
        expiredate=expiredate,
        period=1,
        remoteid=remoteid,
        pricelist="5",
    )


@dataclass
class FakeUpstream:
    listed: list[UpstreamService] = field(default_factory=list)
    amount: Decimal = Decimal("1000")
    currency: str = "RUB"
    ordered: str | Exception = "900"
    renewed: date | Exception | None = None
    orders: list[dict[str, str]] = field(default_factory=list)
    prolongs: list[tuple[str, int]] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)
    listing_fails: Exception | None = None

    def services(self, itemtype: str) -> list[UpstreamService]:
        if self.listing_fails is not None and self.orders:
            raise self.listing_fails
        return list(self.listed)

    def find_service(self, itemtype: str, service_id: str) -> UpstreamService | None:
        return next((s for s in self.listed if s.id == service_id), None)

    def set_remoteid(self, service_id: str, remoteid: str) -> None:
        self.linked.append((service_id, remoteid))

    def balance(self) -> Balance:
        return Balance(amount=self.amount, currency=self.currency)

    def tariffs(self, itemtype: str) -> list[Tariff]:
        return [TARIFF]

    def order_form(self, itemtype: str, pricelist: str) -> OrderForm:
        return OrderForm(pricelist, choices={"datacenter": [Choice("1", "Moscow")]})

    def order(self, itemtype: str, fields: dict[str, str]) -> str:
        self.orders.append(dict(fields))
        if isinstance(self.ordered, Exception):
            raise self.ordered
        return self.ordered

    def prolong(self, service_id: str, period: int) -> date | None:
        self.prolongs.append((service_id, period))
        if isinstance(self.renewed, Exception):
            raise self.renewed
        return self.renewed


@dataclass
class FakeBilling:
    params: dict[int, dict[str, str]] = field(default_factory=dict)
    csr: str | None = None  # the item's certificate row's CSR (None: no row)

    def items_with_param(self, name: str, value: str) -> list[int]:
        # by value, like BILLmanager's lookup: no value (None) matches no item
        return sorted(i for i, p in self.params.items() if p.get(name, "") == value)

    def certificate(self, item_id: int) -> CertificateRow | None:
        return None if self.csr is None else CertificateRow(pkey="", csr=self.csr, crt="")


@functools.cache
def csr_for(common_name: str) -> str:
    from pmenomssl.ssl import generate_key_and_csr

    return generate_key_and_csr(common_name)[1]


@dataclass
class Ctx:
    module_name: str = "pmbillreseller"
    deadline: float = 0.0


@dataclass
class Item:
    period: int | None = 1
    pricelist_intname: str = "5"


@dataclass
class Spec:
    order_params: tuple[str, ...] = ()


class FakeService:
    """What open and prolong read and write of one item (a vhost: no certificate fields)."""

    def __init__(
        self,
        item_id: int = 10,
        *,
        upstream: FakeUpstream | None = None,
        billing: FakeBilling | None = None,
        module_params: dict[str, str] | None = None,
    ) -> None:
        self.id = item_id
        self.itemtype = "vhost"
        self.spec = Spec()
        self.client = upstream or FakeUpstream()
        self.billing = billing or FakeBilling()
        self.billing.params.setdefault(item_id, {})
        self.module_params = module_params or {}
        self.module_id = 3
        self.ctx = Ctx()
        self.item = Item()
        self.expiredate: date | None = None
        self.posted: list[str] = []
        self.saved: list[tuple[str, str]] = []
        self.expiry_writes: list[date | None] = []

    @property
    def params(self) -> dict[str, str]:
        return self.billing.params[self.id]

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    @property
    def upstream_id(self) -> str:
        return self.param(P.UPSTREAM_ID)

    def addons(self) -> list[Any]:
        return []

    def save(self, name: str, value: str) -> None:
        self.saved.append((name, value))
        self.params[name] = value

    # the real check: its error names the command that could not be done
    require_upstream_id = Service.require_upstream_id

    def upstream_service(self) -> UpstreamService:
        found = self.client.find_service(self.itemtype, self.upstream_id)
        assert found is not None
        return found

    def set_expiredate(self, expiredate: date) -> None:
        self.expiry_writes.append(expiredate)
        self.expiredate = expiredate

    def post(self, operation: str) -> None:
        self.posted.append(operation)


def as_service(fake: FakeService) -> Service:
    return cast(Service, fake)


@pytest.fixture(autouse=True)
def lock_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))


# --- find_ours: which upstream service is this item's ----------------------------------------


def test_a_service_carrying_our_item_id_is_ours() -> None:
    svc = FakeService(10)
    listed = [service("7", remoteid="11"), service("8", remoteid="10"), service("9")]
    found = find_ours(as_service(svc), listed)
    assert found is not None and found.id == "8"
    assert svc.client.linked == []  # already linked: nothing written upstream


def test_a_deleted_service_carrying_our_id_is_not_adopted_by_remoteid() -> None:
    svc = FakeService(10)
    assert find_ours(as_service(svc), [service("8", remoteid="10", status=DELETED)]) is None


def test_of_several_services_carrying_our_id_the_first_is_adopted() -> None:
    svc = FakeService(10)
    listed = [service("8", remoteid="10"), service("9", remoteid="10")]
    found = find_ours(as_service(svc), listed)
    assert found is not None and found.id == "8"


def test_without_an_intent_an_unlinked_service_is_never_adopted() -> None:
    assert find_ours(as_service(FakeService(10)), [service("50")]) is None


def test_an_intent_adopts_the_one_unlinked_service_above_its_highest_id() -> None:
    svc = FakeService(10)
    svc.save(P.ORDER_INTENT, Intent("t", 40).to_json())
    listed = [service("39"), service("40"), service("41"), service("42", remoteid="77")]
    found = find_ours(as_service(svc), listed)
    assert found is not None and found.id == "41"
    assert svc.client.linked == [("41", "10")]  # linked to our item at once


def test_an_intent_never_adopts_a_service_another_item_holds() -> None:
    billing = FakeBilling({4: {P.UPSTREAM_ID: "41"}})
    svc = FakeService(10, billing=billing)
    svc.save(P.ORDER_INTENT, Intent("t", 40).to_json())
    assert find_ours(as_service(svc), [service("41")]) is None
    # the item itself holding it is not "another item"
    billing.params[4] = {}
    svc.save(P.UPSTREAM_ID, "41")
    found = find_ours(as_service(svc), [service("41")])
    assert found is not None and found.id == "41"


def test_an_intent_with_several_candidates_stops_for_a_person() -> None:
    svc = FakeService(10)
    svc.save(P.ORDER_INTENT, Intent("t", 40).to_json())
    with pytest.raises(OrderAmbiguousError) as ambiguous:
        find_ours(as_service(svc), [service("41"), service("43")])
    assert ambiguous.value.obj == P.UPSTREAM_ID and ambiguous.value.value == "41, 43"
    assert svc.client.linked == []


def test_an_intent_without_a_highest_id_counts_every_unlinked_service() -> None:
    svc = FakeService(10)
    svc.save(P.ORDER_INTENT, Intent("t", None).to_json())
    found = find_ours(as_service(svc), [service("3"), service("4", remoteid="9")])
    assert found is not None and found.id == "3"


def test_an_intent_skips_non_numeric_ids_above_a_highest_id() -> None:
    svc = FakeService(10)
    svc.save(P.ORDER_INTENT, Intent("t", 0).to_json())
    assert find_ours(as_service(svc), [service("abc")]) is None


def test_the_order_intent_round_trips() -> None:
    text = Intent("2026-01-02T03:04:05Z", 41).to_json()
    assert json.loads(text) == {"time": "2026-01-02T03:04:05Z", "highest_id": 41}
    assert text == json.dumps(json.loads(text), sort_keys=True)
    assert Intent.from_json(text) == Intent("2026-01-02T03:04:05Z", 41)
    assert Intent.from_json('{"highest_id": "7"}') == Intent("", 7)
    assert Intent.from_json("{}") == Intent("", None)


@pytest.mark.parametrize("text", ["not json", "[1]", '{"highest_id": "x"}'])
def test_an_unreadable_order_intent_counts_every_unlinked_service(text: str) -> None:
    assert Intent.from_json(text) == Intent("", None)


# --- check_balance: refused before any money is spent --------------------------------------


def plan_costing(cost: str) -> OrderPlan:
    return OrderPlan(tariff=TARIFF, period=1, cost=Decimal(cost), fields={})


def test_the_balance_must_cover_the_cost() -> None:
    svc = FakeService(upstream=FakeUpstream(amount=Decimal("99.99")))
    with pytest.raises(BalanceTooLowError) as refused:
        check_balance(as_service(svc), plan_costing("100"))
    assert refused.value.obj == "balance" and refused.value.value == "99.99"
    assert "costs 100 RUB" in str(refused.value)
    svc.client.amount = Decimal("100")
    check_balance(as_service(svc), plan_costing("100"))  # exactly the cost: ordered


def test_the_tariffs_currency_names_an_unnamed_balance() -> None:
    svc = FakeService(upstream=FakeUpstream(amount=Decimal("1"), currency=""))
    with pytest.raises(BalanceTooLowError) as refused:
        check_balance(as_service(svc), plan_costing("100"))
    assert "has 1 RUB" in str(refused.value)


def test_the_threshold_counts_the_cost() -> None:
    svc = FakeService(upstream=FakeUpstream(amount=Decimal("150")), module_params={})
    svc.module_params = {"threshold": "50.01"}
    with pytest.raises(BalanceTooLowError) as refused:
        check_balance(as_service(svc), plan_costing("100"))
    assert "USD" not in str(refused.value) and "RUB" in str(refused.value)
    svc.module_params = {"threshold": "50"}
    check_balance(as_service(svc), plan_costing("100"))


# --- acquire: adopt, or order once -----------------------------------------------------------


def test_an_order_saves_its_intent_first_and_the_upstream_id_at_once() -> None:
    upstream = FakeUpstream(listed=[service("40", remoteid="2")], ordered="41")
    svc = FakeService(10, upstream=upstream)
    assert acquire(as_service(svc)) == "41"
    assert len(upstream.orders) == 1
    assert upstream.orders[0]["remoteid"] == "10" and upstream.orders[0]["pricelist"] == "5"
    assert svc.params[P.UPSTREAM_ID] == "41"
    intent = Intent.from_json(svc.params[P.ORDER_INTENT])
    assert intent.highest_id == 40 and intent.time.endswith("Z") and len(intent.time) == 20


def test_an_order_in_an_empty_or_unnumbered_list_has_no_highest_id() -> None:
    upstream = FakeUpstream(listed=[service("abc", remoteid="2")], ordered="41")
    svc = FakeService(10, upstream=upstream)
    acquire(as_service(svc))
    assert Intent.from_json(svc.params[P.ORDER_INTENT]).highest_id is None


def test_the_highest_id_is_the_numeric_maximum() -> None:
    listed = [service("9", remoteid="2"), service("100", remoteid="3"), service("x", remoteid="4")]
    svc = FakeService(10, upstream=FakeUpstream(listed=listed))
    acquire(as_service(svc))
    assert Intent.from_json(svc.params[P.ORDER_INTENT]).highest_id == 100


def test_a_service_carrying_our_id_is_adopted_without_ordering() -> None:
    upstream = FakeUpstream(listed=[service("41", remoteid="10")])
    svc = FakeService(10, upstream=upstream)
    assert acquire(as_service(svc)) == "41"
    assert upstream.orders == [] and svc.params[P.UPSTREAM_ID] == "41"
    assert P.ORDER_INTENT not in svc.params


def test_a_lost_order_answer_adopts_what_upstream_lists() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="vhost.order")
    upstream = FakeUpstream(listed=[service("40", remoteid="2")], ordered=lost)
    svc = FakeService(10, upstream=upstream)

    def order(itemtype: str, fields: dict[str, str]) -> str:
        upstream.orders.append(dict(fields))
        upstream.listed.append(service("41", remoteid="10"))  # it did happen
        raise lost

    upstream.order = order  # type: ignore[method-assign]
    assert acquire(as_service(svc)) == "41"
    assert len(upstream.orders) == 1 and svc.params[P.UPSTREAM_ID] == "41"


def test_a_lost_order_answer_is_never_repeated() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="vhost.order")
    upstream = FakeUpstream(listed=[service("40", remoteid="2")], ordered=lost)
    svc = FakeService(10, upstream=upstream)
    with pytest.raises(UpstreamOutcomeUnknown) as unknown:
        acquire(as_service(svc))
    assert unknown.value is lost
    assert len(upstream.orders) == 1 and not svc.param(P.UPSTREAM_ID)


def test_a_lost_order_whose_reconciling_fails_reports_the_lost_order() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="vhost.order")
    upstream = FakeUpstream(listed=[service("40", remoteid="2")], ordered=lost)
    upstream.listing_fails = UpstreamTransportError("listing failed too")
    svc = FakeService(10, upstream=upstream)
    with pytest.raises(UpstreamOutcomeUnknown) as unknown:
        acquire(as_service(svc))
    assert unknown.value is lost and unknown.value.__cause__ is None
    assert len(upstream.orders) == 1


# --- prolong: pay once, record a renewal that happened ---------------------------------------


def prolonging(before: date | None, **upstream: Any) -> FakeService:
    svc = FakeService(10, upstream=FakeUpstream(listed=[service("41", expiredate=before)]))
    for name, value in upstream.items():
        setattr(svc.client, name, value)
    svc.save(P.UPSTREAM_ID, "41")
    return svc


def test_a_prolong_saves_its_intent_pays_once_and_records_the_new_expiry() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    prolong_service(as_service(svc))
    assert svc.client.prolongs == [("41", 1)]
    intents = [value for name, value in svc.saved if name == P.PROLONG_INTENT]
    assert json.loads(intents[0]) == {"expiry_before": "2026-01-01", "period": 1}
    assert svc.params[P.PROLONG_INTENT] == ""
    assert svc.expiredate == date(2027, 1, 1) and svc.posted == ["prolong"]


def test_a_prolong_without_the_new_expiry_reads_it_upstream() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=None)
    prolong_service(as_service(svc))
    assert svc.expiredate == date(2026, 1, 1)


def test_a_recorded_intent_with_a_later_expiry_is_never_paid_again() -> None:
    svc = prolonging(date(2027, 1, 1))
    svc.save(P.PROLONG_INTENT, json.dumps({"expiry_before": "2026-01-01", "period": 1}))
    prolong_service(as_service(svc))
    assert svc.client.prolongs == []
    assert svc.expiredate == date(2027, 1, 1) and svc.posted == ["prolong"]
    assert svc.params[P.PROLONG_INTENT] == ""


def test_an_intent_with_the_same_expiry_pays() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    svc.save(P.PROLONG_INTENT, json.dumps({"expiry_before": "2026-01-01", "period": 1}))
    prolong_service(as_service(svc))
    assert len(svc.client.prolongs) == 1


def test_an_intent_without_an_expiry_counts_any_expiry_as_renewed() -> None:
    svc = prolonging(date(2026, 1, 1))
    svc.save(P.PROLONG_INTENT, json.dumps({"expiry_before": "", "period": 1}))
    prolong_service(as_service(svc))
    assert svc.client.prolongs == []
    # no expiry upstream at all: nothing says it was renewed
    svc = prolonging(None, renewed=date(2027, 1, 1))
    svc.save(P.PROLONG_INTENT, "unreadable")
    prolong_service(as_service(svc))
    assert len(svc.client.prolongs) == 1


def test_a_lost_prolong_answer_records_a_renewal_upstream_shows() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="service.prolong")
    svc = prolonging(date(2026, 1, 1))

    def prolong(service_id: str, period: int) -> date | None:
        svc.client.prolongs.append((service_id, period))
        svc.client.listed = [service("41", expiredate=date(2027, 1, 1))]
        raise lost

    svc.client.prolong = prolong  # type: ignore[method-assign]
    prolong_service(as_service(svc))
    assert len(svc.client.prolongs) == 1 and svc.expiredate == date(2027, 1, 1)


def test_a_lost_prolong_answer_without_a_renewal_is_never_repeated() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="service.prolong")
    svc = prolonging(date(2026, 1, 1), renewed=lost)
    with pytest.raises(UpstreamOutcomeUnknown) as unknown:
        prolong_service(as_service(svc))
    assert unknown.value is lost
    assert len(svc.client.prolongs) == 1 and svc.posted == []
    assert json.loads(svc.params[P.PROLONG_INTENT])["expiry_before"] == "2026-01-01"


def test_several_services_carrying_our_id_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    svc = FakeService(10)
    with caplog.at_level(logging.ERROR):
        find_ours(as_service(svc), [service("8", remoteid="10")])
        assert not caplog.records
        find_ours(as_service(svc), [service("8", remoteid="10"), service("9", remoteid="10")])
    assert [r.getMessage() for r in caplog.records] == [
        "several upstream services carry remoteid 10: 8, 9; adopting the first"
    ]


def certificate_item(csr: str | None) -> FakeService:
    svc = FakeService(10, billing=FakeBilling(csr=csr))
    svc.itemtype = "certificate"
    svc.save(P.ORDER_INTENT, Intent("t", 40).to_json())
    return svc


def test_a_certificate_shown_for_another_common_name_is_never_adopted() -> None:
    svc = certificate_item(csr_for("Shop.Example.com"))
    listed = [service("41", name="other.example.com"), service("42", name="shop.example.COM")]
    found = find_ours(as_service(svc), listed)
    assert found is not None and found.id == "42"
    found = find_ours(as_service(svc), [service("41", name="")])  # no CN shown: not refused
    assert found is not None and found.id == "41"


@pytest.mark.parametrize("csr", [None, "  ", "not a CSR"], ids=["no row", "blank", "unreadable"])
def test_without_a_readable_csr_no_common_name_is_compared(csr: str | None) -> None:
    svc = certificate_item(csr)
    found = find_ours(as_service(svc), [service("41", name="other.example.com")])
    assert found is not None and found.id == "41"


def test_other_item_types_never_compare_a_common_name() -> None:
    svc = FakeService(10, billing=FakeBilling(csr=csr_for("shop.example.com")))
    svc.save(P.ORDER_INTENT, Intent("t", 40).to_json())
    found = find_ours(as_service(svc), [service("41", name="www.other.example.com")])
    assert found is not None and found.id == "41"


def test_the_ambiguity_names_the_candidates_and_what_to_do() -> None:
    svc = FakeService(10)
    svc.save(P.ORDER_INTENT, Intent("t", 40).to_json())
    with pytest.raises(OrderAmbiguousError) as ambiguous:
        find_ours(as_service(svc), [service("41"), service("43")])
    assert ambiguous.value.desc == (
        "The answer to an earlier order of service 10 was lost, and the upstream account has "
        "several unlinked vhost services ordered since then that may be it: 41, 43. Nothing was "
        "ordered again. Find the one ordered for service 10, save its id as the service's "
        "upstream_id param, then retry."
    )


def test_the_balance_refusals_say_what_to_do() -> None:
    svc = FakeService(upstream=FakeUpstream(amount=Decimal("99")))
    with pytest.raises(BalanceTooLowError) as low:
        check_balance(as_service(svc), plan_costing("100"))
    assert low.value.desc == (
        "The upstream account has 99 RUB; Hosting for 1 month(s) costs 100 RUB. Top up the "
        "upstream account, then the order is retried. Nothing was ordered."
    )
    svc = FakeService(upstream=FakeUpstream(amount=Decimal("150")))
    svc.module_params = {"threshold": "60"}
    with pytest.raises(BalanceTooLowError) as kept:
        check_balance(as_service(svc), plan_costing("100"))
    assert kept.value.desc == (
        "The upstream account has 150 RUB, 100 RUB of it for this order, and the module's "
        "minimal balance (threshold) is 60 RUB: this purchase would leave 50 RUB. Top up the "
        "upstream account (or lower the threshold in the processing module's settings), then "
        "the order is retried. Nothing was bought."
    )


def test_an_unreadable_threshold_is_a_settings_error() -> None:
    from pmenomssl.handlers.errors import ConnectionSettingsError

    svc = FakeService()
    svc.module_params = {"threshold": "ten"}
    with pytest.raises(ConnectionSettingsError):
        check_balance(as_service(svc), plan_costing("1"))


def test_an_order_waits_for_the_modules_purchase_lock() -> None:
    from pmenomssl.protocol.limits import ItemBusy, purchase_lock

    svc = FakeService(10)
    with purchase_lock("pmbillreseller", 3, 0.0), pytest.raises(ItemBusy) as busy:
        acquire(as_service(svc))
    assert busy.value.obj == "purchase-3"
    assert svc.client.orders == []


def test_the_order_intents_time_is_utc_whatever_the_servers_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time
    from datetime import datetime, timezone

    svc = FakeService(10)
    monkeypatch.setenv("TZ", "Asia/Kamchatka")  # UTC+12: a local time would be half a day off
    time.tzset()
    try:
        acquire(as_service(svc))
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = Intent.from_json(svc.params[P.ORDER_INTENT]).time
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    saved = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - saved).total_seconds()) < 120


def test_a_prolong_for_a_period_the_tariff_does_not_sell_pays_nothing() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    svc.item.period = None
    with pytest.raises(PeriodNotAvailableError) as refused:
        prolong_service(as_service(svc))
    assert refused.value.desc == (
        "Service 10 is renewed for 0 month(s), but upstream tariff 5 (Hosting) is sold for 1 "
        "month(s) only. Change the service's period to one of those; nothing was paid."
    )
    assert refused.value.obj == "period" and refused.value.value == "0"
    assert svc.client.prolongs == [] and P.PROLONG_INTENT not in svc.params


def test_a_prolong_of_a_tariff_upstream_does_not_list_is_not_checked() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    svc.item.pricelist_intname = " 99 "
    svc.item.period = 12
    prolong_service(as_service(svc))
    assert svc.client.prolongs == [("41", 12)]
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    svc.item.pricelist_intname = " 5 "  # the internal name is read without spaces
    svc.item.period = 12
    with pytest.raises(PeriodNotAvailableError):
        prolong_service(as_service(svc))


def test_a_prolong_without_any_expiry_writes_none() -> None:
    svc = prolonging(None, renewed=None)
    prolong_service(as_service(svc))
    intents = [value for name, value in svc.saved if name == P.PROLONG_INTENT]
    assert json.loads(intents[0]) == {"expiry_before": "", "period": 1}
    assert svc.expiry_writes == [] and svc.posted == ["prolong"]


def test_a_lost_prolong_whose_reconciling_fails_reports_the_lost_prolong() -> None:
    from pmenomssl.handlers.billreseller.errors import UpstreamServiceMissingError

    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="service.prolong")
    svc = prolonging(date(2026, 1, 1), renewed=lost)
    calls = {"n": 0}
    original = svc.upstream_service

    def failing_second_read() -> UpstreamService:
        calls["n"] += 1
        if calls["n"] > 1:
            raise UpstreamServiceMissingError("gone", obj=P.UPSTREAM_ID, value="41")
        return original()

    svc.upstream_service = failing_second_read  # type: ignore[method-assign]
    with pytest.raises(UpstreamOutcomeUnknown) as unknown:
        prolong_service(as_service(svc))
    assert unknown.value is lost and unknown.value.__cause__ is None
    assert len(svc.client.prolongs) == 1


def test_a_prolong_of_an_item_never_ordered_says_so_and_pays_nothing() -> None:
    from pmenomssl.handlers.errors import NotOrderedError

    svc = FakeService(10)
    with pytest.raises(NotOrderedError) as never:
        prolong_service(as_service(svc))
    assert "has no upstream service yet, so prolong cannot be done upstream" in never.value.desc
    assert svc.client.prolongs == []


def test_a_prolong_of_a_tariff_sold_for_no_period_says_so() -> None:
    svc = prolonging(date(2026, 1, 1), renewed=date(2027, 1, 1))
    unsold = Tariff(id="5", title="Hosting", currency="RUB", periods={})
    svc.client.tariffs = lambda itemtype: [unsold]  # type: ignore[method-assign]
    with pytest.raises(PeriodNotAvailableError) as refused:
        prolong_service(as_service(svc))
    assert "is sold for no month(s) only" in refused.value.desc
    assert svc.client.prolongs == []
