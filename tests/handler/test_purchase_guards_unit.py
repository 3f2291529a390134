"""The never-buy-twice guards of `open`/`prolong` in-process, against a scripted ENOM and billing
(issue 17: written for the mutants the end-to-end tests left alive; the end-to-end guard tests in
test_guards.py and test_faults.py run the same paths through the real executable).

Each test pins one decision: which certificates reconciliation may adopt (the CertID watermark,
the product, the status, claims by other items, the lowest candidate), what an intent records
and reads back, when a purchase is refused for money, and that a lost purchase answer is never
repeated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest

from pmenomssl.enom import CertSummary, EnomOutcomeUnknownError
from pmenomssl.enom.errors import EnomTransportError
from pmenomssl.enom.models import Balance, Purchase
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.errors import (
    BalanceTooLowError,
    PurchaseUnconfirmedError,
    UnknownProductError,
)
from pmenomssl.handlers.enomssl.products import OfferedProduct, ProductCache
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.handlers.enomssl.purchase import acquire, check_funds
from pmenomssl.handlers.enomssl.reconcile import (
    OPEN,
    RENEWAL,
    Intent,
    make_intent,
    reconcile,
    unfinished_watermark,
)
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.enomssl.statuses import AWAITING_CONFIGURATION
from tests.handler.conftest import find_product

RAPIDSSL = find_product("rapidssl")
AWAITING = AWAITING_CONFIGURATION
OTHER = ProductSpec(template="other", code="othercode", prod_type=1, title="Other", brand="sectigo")


def cert(
    cert_id: str,
    *,
    status_id: int | None = AWAITING,
    prod_type: int | None = None,
    prod_desc: str = "",
    order_id: str = "",
) -> CertSummary:
    return CertSummary(
        cert_id=cert_id,
        order_id=order_id or f"o{cert_id}",
        domain="example.com",
        prod_type=prod_type,
        prod_desc=prod_desc,
        status_id=status_id,
        status="",
        order_date=None,
        config_date=None,
        expiration_date=None,
        is_expired=False,
        validity_months=12,
    )


@dataclass
class Page:
    certs: list[CertSummary]
    enom_time: str = "12/15/2016 4:52:44 PM"


@dataclass
class FakeEnom:
    """ENOM as the guards call it: the listing newest CertID first, the balance, the purchase."""

    certs: list[CertSummary] = field(default_factory=list)
    available: Decimal = Decimal("100")
    purchase: Purchase | Exception = field(default_factory=lambda: Purchase("900", "o900"))
    listings: list[dict[str, Any]] = field(default_factory=list)
    pages: list[dict[str, Any]] = field(default_factory=list)
    purchases: list[tuple[str, int]] = field(default_factory=list)

    def iter_certs(self, **kwargs: Any) -> Iterator[CertSummary]:
        self.listings.append(kwargs)
        yield from self.certs

    def get_certs_page(self, **kwargs: Any) -> Page:
        self.pages.append(kwargs)
        return Page(self.certs[: kwargs["page_size"]])

    def get_balance(self) -> Balance:
        return Balance(balance=self.available, available=self.available)

    def purchase_services(self, code: str, years: int) -> Purchase:
        self.purchases.append((code, years))
        if isinstance(self.purchase, Exception):
            raise self.purchase
        return self.purchase


@dataclass
class FakeBilling:
    """Every item's params; `items_with_param` is how claims by other items are seen."""

    params: dict[int, dict[str, str]] = field(default_factory=dict)

    def items_with_param(self, name: str, value: str) -> list[int]:
        # by value, like BILLmanager's lookup: no value (None) matches no item
        return sorted(i for i, p in self.params.items() if p.get(name, "") == value)


@dataclass
class Ctx:
    module_name: str = "pmenomssl"
    deadline: float = 0.0


@dataclass
class Item:
    processingmodule: int = 7


class FakeService:
    def __init__(
        self,
        item_id: int = 10,
        *,
        enom: FakeEnom | None = None,
        billing: FakeBilling | None = None,
        cache: ProductCache | None = None,
        module_params: dict[str, str] | None = None,
    ) -> None:
        self.id = item_id
        self.client = enom or FakeEnom()
        self.billing = billing or FakeBilling()
        self.billing.params.setdefault(item_id, {})
        self.cache = cache
        self.refreshed = 0
        self.module_params = module_params or {}
        self.ctx = Ctx()
        self.item = Item()

    @property
    def params(self) -> dict[str, str]:
        return self.billing.params[self.id]

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def save(self, name: str, value: str) -> None:
        self.params[name] = value

    def refresh_cache(self) -> ProductCache:
        self.refreshed += 1
        self.cache = offering()
        return self.cache


def as_service(fake: FakeService) -> Service:
    return cast(Service, fake)


def offering(
    spec: ProductSpec = RAPIDSSL, price: str | None = "10.00", enabled: bool = True
) -> ProductCache:
    from datetime import datetime, timezone

    offered = OfferedProduct(
        code=spec.code,
        prod_type=spec.prod_type,
        description=spec.title,
        years=(1,),
        reseller_price=Decimal(price) if price is not None else None,
        enabled=enabled,
    )
    return ProductCache(updated=datetime.now(timezone.utc), products=(offered,))


@pytest.fixture(autouse=True)
def lock_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))


# --- reconcile: which purchase may be adopted -------------------------------------------


def test_reconcile_lists_newest_first_the_products_unconfigured_certificates() -> None:
    svc = FakeService(enom=FakeEnom(certs=[]))
    assert reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 5)) is None
    assert svc.client.listings == [
        {
            "page_size": 50,
            "sort_by": "CertID",
            "descending": True,
            "status_id": AWAITING,
            "prod_type": RAPIDSSL.prod_type,
        }
    ]


def test_reconcile_adopts_the_lowest_unclaimed_certificate_above_the_watermark() -> None:
    enom = FakeEnom(certs=[cert("13"), cert("12"), cert("11"), cert("10"), cert("9")])
    billing = FakeBilling({3: {P.CERT_ID: "11"}, 4: {P.RENEWAL_CERT_ID: "12"}})
    svc = FakeService(enom=enom, billing=billing)
    found = reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 10))
    assert found is not None and found.cert_id == "13"  # 11 and 12 are claimed, 10 is not newer


def test_reconcile_never_adopts_the_watermark_itself_or_what_follows_it() -> None:
    # 8 is newer than nothing once the listing reached the watermark: the walk stops there.
    enom = FakeEnom(certs=[cert("10"), cert("8")])
    svc = FakeService(enom=enom)
    assert reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 10)) is None


def test_reconcile_takes_the_first_purchase_after_the_intent_of_several() -> None:
    enom = FakeEnom(certs=[cert("13"), cert("12"), cert("11")])
    svc = FakeService(enom=enom)
    found = reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 10))
    assert found is not None and found.cert_id == "11"


def test_reconcile_without_a_watermark_counts_every_unclaimed_certificate() -> None:
    enom = FakeEnom(certs=[cert("3"), cert("2")])
    billing = FakeBilling({3: {P.CERT_ID: "2"}})
    svc = FakeService(enom=enom, billing=billing)
    found = reconcile(as_service(svc), RAPIDSSL, Intent("", None))
    assert found is not None and found.cert_id == "3"


def test_reconcile_skips_a_non_numeric_cert_id_above_a_watermark() -> None:
    enom = FakeEnom(certs=[cert("x12")])
    svc = FakeService(enom=enom)
    assert reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 10)) is None


def test_reconcile_skips_certificates_no_longer_awaiting_configuration() -> None:
    enom = FakeEnom(certs=[cert("12", status_id=4), cert("11", status_id=None)])
    svc = FakeService(enom=enom)
    found = reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 10))
    assert found is not None and found.cert_id == "11"  # no status given: the filter vouches


def test_reconcile_of_a_product_without_prod_type_compares_the_title() -> None:
    spec = ProductSpec(
        template="derived", code="newcert", prod_type=None, title="New Cert", brand=RAPIDSSL.brand
    )
    enom = FakeEnom(
        certs=[cert("13", prod_desc="Other product"), cert("12", prod_desc=spec.title), cert("11")]
    )
    svc = FakeService(enom=enom)
    found = reconcile(as_service(svc), spec, Intent(spec.code, 10))
    assert found is not None and found.cert_id == "11"  # no description: not refused
    assert svc.client.listings[0]["prod_type"] is None
    enom.certs = enom.certs[:1]
    assert reconcile(as_service(svc), spec, Intent(spec.code, 10)) is None


def test_reconcile_with_a_prod_type_trusts_the_filter_over_the_title() -> None:
    enom = FakeEnom(certs=[cert("12", prod_desc="How ENOM words it today")])
    svc = FakeService(enom=enom)
    found = reconcile(as_service(svc), RAPIDSSL, Intent(RAPIDSSL.code, 10))
    assert found is not None and found.cert_id == "12"


# --- the intent: what it records and how it reads back -----------------------------------


def test_an_intent_round_trips_through_its_text() -> None:
    intent = Intent("rapidssl", 42, saved_at="2026-01-02T03:04:05Z", enom_time="1/2/2026 1:00 AM")
    text = intent.to_text()
    assert json.loads(text) == {
        "product": "rapidssl",
        "highest_cert_id": 42,
        "saved_at": "2026-01-02T03:04:05Z",
        "enom_time": "1/2/2026 1:00 AM",
    }
    assert text == json.dumps(json.loads(text), sort_keys=True)
    assert Intent.from_text(text) == intent


def test_an_intent_reads_a_watermark_written_as_text() -> None:
    assert Intent.from_text('{"highest_cert_id": "7"}') == Intent("", 7)
    assert Intent.from_text('{"product": "x", "highest_cert_id": null}') == Intent("x", None)
    assert Intent.from_text("{}") == Intent("", None)


@pytest.mark.parametrize(
    "text", ["2026-01-01T00:00:00Z rapidssl", "[1]", '{"highest_cert_id": {}}']
)
def test_an_unreadable_intent_has_no_watermark(text: str) -> None:
    assert Intent.from_text(text) == Intent(product="", highest_cert_id=None)


def test_make_intent_records_the_accounts_highest_cert_id_and_enoms_clock() -> None:
    enom = FakeEnom(certs=[cert("77"), cert("5")])
    intent = make_intent(as_service(FakeService(enom=enom)), RAPIDSSL)
    assert intent.product == RAPIDSSL.code
    assert intent.highest_cert_id == 77
    assert intent.enom_time == "12/15/2016 4:52:44 PM"
    assert len(intent.saved_at) == 20 and intent.saved_at.endswith("Z")
    assert enom.pages == [{"page_size": 1, "sort_by": "CertID", "descending": True}]


def test_make_intent_in_an_empty_account_counts_every_certificate_as_newer() -> None:
    assert make_intent(as_service(FakeService()), RAPIDSSL).highest_cert_id == 0
    enom = FakeEnom(certs=[cert("abc")])
    assert make_intent(as_service(FakeService(enom=enom)), RAPIDSSL).highest_cert_id == 0


def test_unfinished_watermark_is_the_lowest_of_the_unrecorded_purchases() -> None:
    assert unfinished_watermark({}) is None
    assert unfinished_watermark({P.PURCHASE_INTENT: "  "}) is None
    recorded = {P.PURCHASE_INTENT: Intent("a", 5).to_text(), P.CERT_ID: "9"}
    assert unfinished_watermark(recorded) is None
    both = {
        P.PURCHASE_INTENT: Intent("a", 20).to_text(),
        P.RENEWAL_INTENT: Intent("a", 12).to_text(),
    }
    assert unfinished_watermark(both) == 12
    assert unfinished_watermark({**both, P.RENEWAL_CERT_ID: "13"}) == 20
    assert unfinished_watermark({**both, P.PURCHASE_INTENT: "old style"}) == -1
    assert unfinished_watermark({P.RENEWAL_INTENT: Intent("a", 0).to_text()}) == 0


# --- check_funds: refused before any money is spent ----------------------------------------


def test_the_balance_must_cover_the_price() -> None:
    svc = FakeService(enom=FakeEnom(available=Decimal("9.99")), cache=offering(price="10.00"))
    with pytest.raises(BalanceTooLowError) as refused:
        check_funds(as_service(svc), RAPIDSSL)
    assert refused.value.value == "9.99"
    assert "costs 10.00 USD" in str(refused.value)
    svc.client.available = Decimal("10.00")
    check_funds(as_service(svc), RAPIDSSL)  # exactly the price: bought


def test_an_unknown_price_still_needs_a_positive_balance() -> None:
    svc = FakeService(enom=FakeEnom(available=Decimal("0")), cache=offering(price=None))
    with pytest.raises(BalanceTooLowError) as refused:
        check_funds(as_service(svc), RAPIDSSL)
    assert "a positive amount" in str(refused.value)
    svc.client.available = Decimal("0.01")
    check_funds(as_service(svc), RAPIDSSL)


def test_a_product_missing_from_the_cache_is_looked_up_again() -> None:
    other = offering(OTHER)
    svc = FakeService(cache=other)
    check_funds(as_service(svc), RAPIDSSL)
    assert svc.refreshed == 1
    svc = FakeService(cache=None)
    check_funds(as_service(svc), RAPIDSSL)
    assert svc.refreshed == 1


def test_a_product_enom_no_longer_offers_buys_nothing() -> None:
    svc = FakeService(cache=offering())
    svc.refresh_cache = lambda: ProductCache(updated=offering().updated, products=())  # type: ignore[method-assign]
    with pytest.raises(UnknownProductError) as refused:
        check_funds(as_service(svc), OTHER)
    assert refused.value.obj == "pricelist" and refused.value.value == OTHER.template


def test_a_disabled_product_buys_nothing() -> None:
    svc = FakeService(cache=offering(enabled=False))
    with pytest.raises(UnknownProductError) as refused:
        check_funds(as_service(svc), RAPIDSSL)
    assert refused.value.obj == "pricelist" and refused.value.value == RAPIDSSL.template


def test_the_threshold_counts_the_price() -> None:
    svc = FakeService(
        enom=FakeEnom(available=Decimal("30")),
        cache=offering(price="10.00"),
        module_params={"threshold": "20.01"},
    )
    with pytest.raises(BalanceTooLowError):
        check_funds(as_service(svc), RAPIDSSL)
    svc.module_params = {"threshold": "20"}
    check_funds(as_service(svc), RAPIDSSL)


# --- acquire: adopt, or buy once ------------------------------------------------------------


def order_for(spec: ProductSpec = RAPIDSSL) -> Any:
    @dataclass
    class _Order:
        spec: ProductSpec

    return _Order(spec)


def test_a_saved_cert_id_is_never_bought_again() -> None:
    svc = FakeService()
    svc.save(OPEN.cert_id, "55")
    assert acquire(as_service(svc), order_for(), OPEN) == ("55", False)
    assert svc.client.purchases == [] and svc.client.listings == []


@pytest.mark.parametrize("slot", [OPEN, RENEWAL], ids=["open", "renewal"])
def test_a_purchase_saves_its_intent_first_and_its_ids_at_once(slot: Any) -> None:
    enom = FakeEnom(certs=[cert("40")], purchase=Purchase("41", "o41"))
    svc = FakeService(enom=enom, cache=offering())
    assert acquire(as_service(svc), order_for(), slot) == ("41", True)
    assert enom.purchases == [(RAPIDSSL.code, 1)]
    assert svc.params[slot.cert_id] == "41" and svc.params[slot.order_id] == "o41"
    assert Intent.from_text(svc.params[slot.intent]).highest_cert_id == 40
    assert enom.listings == []  # no intent before: nothing to reconcile


def test_a_rerun_adopts_the_purchase_its_intent_made() -> None:
    enom = FakeEnom(certs=[cert("41", order_id="o41")])
    svc = FakeService(enom=enom, cache=offering())
    svc.save(OPEN.intent, Intent(RAPIDSSL.code, 40).to_text())
    assert acquire(as_service(svc), order_for(), OPEN) == ("41", True)
    assert enom.purchases == []
    assert svc.params[OPEN.cert_id] == "41" and svc.params[OPEN.order_id] == "o41"


def test_a_rerun_keeps_its_earlier_intent_when_nothing_was_bought() -> None:
    enom = FakeEnom(certs=[cert("40", status_id=4)], purchase=Purchase("41", "o41"))
    svc = FakeService(enom=enom, cache=offering())
    earlier = Intent(RAPIDSSL.code, 30, saved_at="then").to_text()
    svc.save(OPEN.intent, earlier)
    assert acquire(as_service(svc), order_for(), OPEN) == ("41", True)
    assert svc.params[OPEN.intent] == earlier  # the lower watermark still covers that purchase
    assert enom.pages == []


def test_a_lost_purchase_answer_adopts_what_enom_lists() -> None:
    lost = EnomOutcomeUnknownError(EnomTransportError("reset"), command="PurchaseServices")
    enom = FakeEnom(certs=[cert("40", status_id=4)], purchase=lost)
    svc = FakeService(enom=enom, cache=offering())

    def listing(**kwargs: Any) -> Iterator[CertSummary]:
        enom.listings.append(kwargs)
        yield cert("41", order_id="o41")  # ENOM shows the lost purchase now

    enom.iter_certs = listing  # type: ignore[method-assign]
    assert acquire(as_service(svc), order_for(), OPEN) == ("41", True)
    assert len(enom.purchases) == 1
    assert svc.params[OPEN.cert_id] == "41" and svc.params[OPEN.order_id] == "o41"


def test_a_lost_purchase_answer_is_never_repeated() -> None:
    lost = EnomOutcomeUnknownError(EnomTransportError("reset"), command="PurchaseServices")
    enom = FakeEnom(certs=[cert("40", status_id=4)], purchase=lost)
    svc = FakeService(enom=enom, cache=offering())
    with pytest.raises(PurchaseUnconfirmedError) as unconfirmed:
        acquire(as_service(svc), order_for(), OPEN)
    assert unconfirmed.value.obj == "enom" and unconfirmed.value.value == "PurchaseServices"
    assert unconfirmed.value.__cause__ is lost
    assert len(enom.purchases) == 1
    assert not svc.param(OPEN.cert_id) and svc.param(OPEN.intent)


def test_an_adoption_claimed_at_the_same_moment_goes_to_the_lowest_item() -> None:
    billing = FakeBilling({4: {P.CERT_ID: "41"}})
    enom = FakeEnom(certs=[cert("41")])
    svc = FakeService(10, enom=enom, billing=billing, cache=offering())
    svc.save(OPEN.intent, Intent(RAPIDSSL.code, 40).to_text())
    # item 4 saved 41 after this run's reconcile listed it as unclaimed
    billing.params[4] = {}
    original = billing.items_with_param
    calls = {"n": 0}

    def racing(name: str, value: str) -> list[int]:
        calls["n"] += 1
        if calls["n"] > len(P.CLAIMING_PARAMS):  # after reconcile: item 4 claims it too
            billing.params[4] = {P.CERT_ID: "41"}
        return original(name, value)

    billing.items_with_param = racing  # type: ignore[method-assign]
    with pytest.raises(PurchaseUnconfirmedError) as lost_race:
        acquire(as_service(svc), order_for(), OPEN)
    assert lost_race.value.obj == "enom" and lost_race.value.value == "41"
    assert svc.params[OPEN.cert_id] == "" and svc.params[OPEN.order_id] == ""
    assert enom.purchases == []


def test_an_adoption_claimed_by_a_higher_item_stays_with_the_lower() -> None:
    billing = FakeBilling()
    enom = FakeEnom(certs=[cert("41")])
    svc = FakeService(4, enom=enom, billing=billing, cache=offering())
    svc.save(OPEN.intent, Intent(RAPIDSSL.code, 40).to_text())
    original = billing.items_with_param
    calls = {"n": 0}

    def racing(name: str, value: str) -> list[int]:
        calls["n"] += 1
        if calls["n"] > len(P.CLAIMING_PARAMS):
            billing.params[10] = {P.CERT_ID: "41"}
        return original(name, value)

    billing.items_with_param = racing  # type: ignore[method-assign]
    assert acquire(as_service(svc), order_for(), OPEN) == ("41", True)
    assert svc.params[OPEN.cert_id] == "41"


def test_reconcile_looks_past_a_claimed_certificate() -> None:
    enom = FakeEnom(certs=[cert("12"), cert("11")])
    billing = FakeBilling({3: {P.CERT_ID: "12"}})
    found = reconcile(as_service(FakeService(enom=enom, billing=billing)), RAPIDSSL, Intent("", 10))
    assert found is not None and found.cert_id == "11"


def test_the_intents_time_is_utc_whatever_the_servers_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import re
    import time
    from datetime import datetime, timezone

    monkeypatch.setenv("TZ", "Asia/Kamchatka")  # UTC+12: a local time would be half a day off
    time.tzset()
    try:
        intent = make_intent(as_service(FakeService()), RAPIDSSL)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", intent.saved_at)
    saved = datetime.strptime(intent.saved_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - saved).total_seconds()) < 120


def test_a_purchase_waits_for_the_modules_purchase_lock() -> None:
    from pmenomssl.protocol.limits import ItemBusy, purchase_lock

    svc = FakeService(cache=offering())
    with purchase_lock("pmenomssl", 7, 0.0), pytest.raises(ItemBusy) as busy:
        acquire(as_service(svc), order_for(), OPEN)
    assert busy.value.obj == "purchase-7"
    assert svc.client.purchases == []


def test_a_cached_product_is_not_looked_up_again() -> None:
    svc = FakeService(cache=offering())
    check_funds(as_service(svc), RAPIDSSL)
    assert svc.refreshed == 0


def test_an_unreadable_threshold_is_a_settings_error() -> None:
    from pmenomssl.handlers.errors import ConnectionSettingsError

    svc = FakeService(cache=offering(), module_params={"threshold": "ten"})
    with pytest.raises(ConnectionSettingsError):
        check_funds(as_service(svc), RAPIDSSL)


# --- the refusals' words: the operator reads them in BILLmanager's error ------------------


def test_the_refusals_say_what_happened_and_what_to_do() -> None:
    svc = FakeService(cache=offering())
    svc.refresh_cache = lambda: ProductCache(updated=offering().updated, products=())  # type: ignore[method-assign]
    with pytest.raises(UnknownProductError) as gone:
        check_funds(as_service(svc), OTHER)
    assert gone.value.desc == (
        "ENOM does not offer Other (othercode) to this account any more: move the tariff to "
        "another certificate type; nothing was bought."
    )
    with pytest.raises(UnknownProductError) as disabled:
        check_funds(as_service(FakeService(cache=offering(enabled=False))), RAPIDSSL)
    assert disabled.value.desc == (
        f"{RAPIDSSL.title} ({RAPIDSSL.code}) is disabled in the ENOM account: enable it in "
        "ENOM's reseller settings or change the tariff; nothing was bought."
    )
    poor = FakeService(enom=FakeEnom(available=Decimal("0")), cache=offering(price=None))
    with pytest.raises(BalanceTooLowError) as low:
        check_funds(as_service(poor), RAPIDSSL)
    assert low.value.desc == (
        f"The ENOM reseller account has 0 USD available, {RAPIDSSL.title} costs a positive "
        "amount: add funds to the ENOM account, then the order is retried. Nothing was bought."
    )
    assert low.value.obj == "balance" and low.value.value == "0"
    kept = FakeService(
        enom=FakeEnom(available=Decimal("30")),
        cache=offering(price="10.00"),
        module_params={"threshold": "25"},
    )
    with pytest.raises(BalanceTooLowError) as threshold:
        check_funds(as_service(kept), RAPIDSSL)
    assert threshold.value.desc == (
        "The ENOM reseller account has 30 USD, 10.00 USD of it for this order, and the module's "
        "minimal balance (threshold) is 25 USD: this purchase would leave 20.00 USD. Top up the "
        "ENOM reseller account (or lower the threshold in the processing module's settings), "
        "then the order is retried. Nothing was bought."
    )


def test_a_lost_purchase_and_a_lost_race_say_so() -> None:
    lost = EnomOutcomeUnknownError(EnomTransportError("reset"), command="PurchaseServices")
    enom = FakeEnom(purchase=lost)
    with pytest.raises(PurchaseUnconfirmedError) as unconfirmed:
        acquire(as_service(FakeService(enom=enom, cache=offering())), order_for(), OPEN)
    assert unconfirmed.value.desc == (
        f"ENOM's answer to the purchase of {RAPIDSSL.title} was lost and the purchase is not "
        "(yet) listed in the account. It was not repeated; the next run looks for it again "
        "and buys only if ENOM still shows nothing."
    )
    billing = FakeBilling()
    svc = FakeService(10, enom=FakeEnom(certs=[cert("41")]), billing=billing, cache=offering())
    svc.save(OPEN.intent, Intent(RAPIDSSL.code, 40).to_text())
    original = billing.items_with_param

    def racing(name: str, value: str) -> list[int]:
        billing.params[4] = {P.CERT_ID: "41"} if svc.param(OPEN.cert_id) else {}
        return original(name, value)

    billing.items_with_param = racing  # type: ignore[method-assign]
    with pytest.raises(PurchaseUnconfirmedError) as race:
        acquire(as_service(svc), order_for(), OPEN)
    assert race.value.desc == (
        "ENOM certificate 41 was claimed by service 4 at the same time; this order is retried "
        "and looks again."
    )
