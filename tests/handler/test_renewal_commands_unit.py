"""`prolong` and a renewal's `sync_item` in-process, against a scripted ENOM and billing (issue 17:
renewal.py's command functions; test_lifecycle.py runs the same through the real executable).

The real purchase guard (purchase.acquire, reconcile.py) runs underneath: each test pins one
decision of renewal.py: when a renewal is bought (never twice: a saved renewal CertID or intent is
continued, never bought anew), when it is only scheduled, what counts as the current
certificate's end (the stored certificate's notAfter in UTC, else ENOM's issued certificate), and
what a renewal's sync does in each ENOM state (refunded: dropped; configurable: submitted;
issued: it replaces the old certificate; pending: nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from pmenomssl.enom import CertDetail, CertSummary
from pmenomssl.enom.models import Balance, Purchase
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl import renewal
from pmenomssl.handlers.enomssl.errors import CertificateRefundedError
from pmenomssl.handlers.enomssl.products import OfferedProduct, ProductCache
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.handlers.enomssl.reconcile import Intent
from pmenomssl.handlers.enomssl.renewal import (
    current_expiry,
    prolong_service,
    run_renewal,
    sync_renewal,
)
from pmenomssl.handlers.enomssl.service import Service
from pmenomssl.handlers.errors import NotOrderedError
from tests.handler.conftest import find_product
from tests.ssl.factory import build_certificate

RAPIDSSL = find_product("rapidssl")  # DigiCert family: a 30-day renewal window

AWAITING, PROCESSING, ISSUED, REJECTED, APPROVAL_SENT = 1, 2, 4, 6, 9


def detail(
    cert_id: str,
    status_id: int | None,
    *,
    expires: datetime | None = None,
    crt: str = "",
    order_id: str = "",
    status: str = "",
) -> CertDetail:
    return CertDetail(
        cert_id=cert_id,
        order_id=order_id,
        domain="renew.example.com",
        status_id=status_id,
        status=status or f"status {status_id}",
        status_detail="",
        prod_type=RAPIDSSL.prod_type,
        prod_desc=RAPIDSSL.title,
        order_date=None,
        config_date=None,
        expiration_date=expires,
        validity_months=12,
        approver_email="",
        ssl_certificate=crt,
        ca_certs="",
        csr="",
        reissue_status="",
        reference_id="",
    )


def summary(cert_id: str) -> CertSummary:
    return CertSummary(
        cert_id=cert_id,
        order_id=f"o{cert_id}",
        domain="renew.example.com",
        prod_type=RAPIDSSL.prod_type,
        prod_desc="",
        status_id=AWAITING,
        status="Awaiting Configuration",
        order_date=None,
        config_date=None,
        expiration_date=None,
        is_expired=False,
        validity_months=12,
    )


@dataclass
class Page:
    certs: list[CertSummary]
    enom_time: str = "5/1/2026 1:00:00 PM"


@dataclass
class FakeEnom:
    """ENOM as renewal.py and the purchase guard call it; every call is recorded."""

    details: dict[str, CertDetail] = field(default_factory=dict)
    listed: list[CertSummary] = field(default_factory=list)  # what reconcile finds
    purchase: Purchase = field(default_factory=lambda: Purchase("300", "o300"))
    asked: list[str] = field(default_factory=list)
    purchases: list[tuple[str, int]] = field(default_factory=list)

    def get_cert_detail(self, cert_id: str) -> CertDetail:
        self.asked.append(cert_id)
        return self.details[cert_id]

    def iter_certs(self, **kwargs: Any) -> Iterator[CertSummary]:
        yield from self.listed

    def get_certs_page(self, **kwargs: Any) -> Page:
        return Page([summary("250")])

    def get_balance(self) -> Balance:
        return Balance(balance=Decimal("100"), available=Decimal("100"))

    def purchase_services(self, code: str, years: int) -> Purchase:
        self.purchases.append((code, years))
        return self.purchase


@dataclass
class FakeBilling:
    params: dict[int, dict[str, str]] = field(default_factory=dict)

    def items_with_param(self, name: str, value: str) -> list[int]:
        return sorted(i for i, p in self.params.items() if p.get(name, "") == value)


@dataclass
class Row:
    crt: str


@dataclass
class Item:
    expiredate: date | None = None
    processingmodule: int = 7


@dataclass
class Ctx:
    module_name: str = "pmenomssl"
    deadline: float = 0.0


class FakeService:
    def __init__(
        self, params: dict[str, str], *, paid_until: date | None, row: Row | None = None
    ) -> None:
        self.id = 10
        self.client = FakeEnom()
        self.billing = FakeBilling({10: dict(params)})
        self.item = Item(expiredate=paid_until)
        self.ctx = Ctx()
        self.row = row
        self.posts: list[str] = []
        self.writes: list[tuple[str, str]] = []
        self.module_params: dict[str, str] = {}
        self.cache = ProductCache(
            updated=datetime.now(timezone.utc),
            products=(
                OfferedProduct(
                    code=RAPIDSSL.code,
                    prod_type=RAPIDSSL.prod_type,
                    description=RAPIDSSL.title,
                    years=(1,),
                    reseller_price=Decimal("10"),
                    enabled=True,
                ),
            ),
        )

    @property
    def params(self) -> dict[str, str]:
        return self.billing.params[self.id]

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def save(self, name: str, value: str) -> None:
        self.writes.append((name, value))
        self.params[name] = value

    def product(self) -> ProductSpec:
        return RAPIDSSL

    def certificate(self) -> Row | None:
        return self.row

    def refresh_cache(self) -> ProductCache:
        raise AssertionError("the product is in the cache")

    def post(self, operation: str) -> None:
        self.posts.append(operation)


def as_service(fake: FakeService) -> Service:
    return cast(Service, fake)


@dataclass
class Steps:
    """What renewal.py asked order.py and sync.py to do (their own tests cover them)."""

    prepared: list[int] = field(default_factory=list)
    submitted: list[tuple[str, str]] = field(default_factory=list)  # (order's marker, CertID)
    applied: list[CertDetail] = field(default_factory=list)


@dataclass(frozen=True)
class FakeOrder:
    spec: ProductSpec
    marker: str


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Steps:
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))  # the purchase lock's folder
    done = Steps()

    def prepare(svc: Service) -> FakeOrder:
        done.prepared.append(svc.id)
        return FakeOrder(RAPIDSSL, f"order of {svc.id}")

    def configure_and_submit(svc: Service, order: FakeOrder, cert_id: str) -> None:
        assert svc.id == 10
        done.submitted.append((order.marker, cert_id))

    def apply_detail(svc: Service, d: CertDetail) -> None:
        assert svc.id == 10
        done.applied.append(d)

    monkeypatch.setattr(renewal, "prepare", prepare)
    monkeypatch.setattr(renewal, "configure_and_submit", configure_and_submit)
    from pmenomssl.handlers.enomssl import sync

    monkeypatch.setattr(sync, "apply_detail", apply_detail)
    return done


ENDS = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)  # the current certificate's notAfter
OPENS = date(2026, 5, 2)  # RapidSSL: 30 days before


def issued_service(
    paid_until: date | None = date(2027, 6, 1), extra: dict[str, str] | None = None
) -> FakeService:
    params = {P.CERT_ID: "100", P.ORDER_ID: "o100", **(extra or {})}
    svc = FakeService(params, paid_until=paid_until)
    svc.client.details["100"] = detail("100", ISSUED, expires=ENDS, crt="PEM")
    return svc


# --- prolong ---------------------------------------------------------------------------------


def test_prolong_without_a_certificate_says_open_has_not_completed(steps: Steps) -> None:
    svc = FakeService({P.CERT_ID: " "}, paid_until=date(2027, 6, 1))
    with pytest.raises(NotOrderedError) as refused:
        prolong_service(as_service(svc), OPENS)
    assert refused.value.desc == (
        "Service 10 has no ENOM certificate to renew (open has not completed)."
    )
    assert refused.value.obj == "item" and refused.value.value == "10"
    assert svc.posts == [] and svc.client.asked == [] and svc.client.purchases == []


def test_prolong_inside_the_window_buys_the_renewal_once(steps: Steps) -> None:
    svc = issued_service()
    prolong_service(as_service(svc), OPENS)  # the window's first day
    assert svc.client.purchases == [(RAPIDSSL.code, 1)]
    assert svc.params[P.RENEWAL_DUE] == "2026-05-02"
    assert svc.params[P.RENEWAL_CERT_ID] == "300" and svc.params[P.RENEWAL_ORDER_ID] == "o300"
    assert Intent.from_text(svc.params[P.RENEWAL_INTENT]).highest_cert_id == 250
    assert svc.params[P.CERT_ID] == "100"  # the old certificate serves until the renewal issues
    assert steps.submitted == [("order of 10", "300")]
    assert svc.posts == ["prolong"]
    assert svc.client.asked == ["100"]  # the current certificate's end; the new one is known
    # BILLmanager runs prolong again: the renewal is continued, never bought a second time
    svc.client.details["300"] = detail("300", PROCESSING)
    prolong_service(as_service(svc), OPENS + timedelta(days=1))
    assert svc.client.purchases == [(RAPIDSSL.code, 1)]
    assert svc.client.asked == ["100", "300"]
    assert steps.submitted == [("order of 10", "300")]  # already submitted: left to sync_item
    assert svc.posts == ["prolong", "prolong"]


def test_prolong_before_the_window_only_schedules_the_renewal(steps: Steps) -> None:
    svc = issued_service()
    prolong_service(as_service(svc), OPENS - timedelta(days=1))
    assert svc.writes == [(P.RENEWAL_DUE, "2026-05-02")]
    assert svc.client.purchases == [] and steps.prepared == [] and steps.submitted == []
    assert svc.posts == ["prolong"]


@pytest.mark.parametrize(
    "paid_until", [date(2026, 6, 1), date(2026, 5, 1), None], ids=["same day", "earlier", "none"]
)
def test_prolong_of_a_covered_service_buys_nothing(steps: Steps, paid_until: date | None) -> None:
    svc = issued_service(paid_until)
    prolong_service(as_service(svc), date(2026, 5, 20))
    assert svc.writes == [] and svc.client.purchases == [] and steps.prepared == []
    assert svc.posts == ["prolong"]


def test_prolong_continues_a_renewal_whose_answer_was_lost_by_adopting_it(steps: Steps) -> None:
    # An earlier prolong saved its intent and ENOM's answer was lost: ENOM lists the purchase.
    svc = issued_service(extra={P.RENEWAL_INTENT: Intent(RAPIDSSL.code, 250).to_text()})
    svc.client.listed = [summary("301")]
    prolong_service(as_service(svc), date(2026, 1, 1))  # long before the window: still continued
    assert svc.client.purchases == []
    assert svc.params[P.RENEWAL_CERT_ID] == "301" and svc.params[P.RENEWAL_ORDER_ID] == "o301"
    assert steps.submitted == [("order of 10", "301")]
    assert svc.client.asked == []  # the current certificate's end is not needed
    assert svc.posts == ["prolong"]


def test_prolong_continues_a_bought_renewal_that_awaits_configuration(steps: Steps) -> None:
    svc = issued_service(extra={P.RENEWAL_CERT_ID: "300"})
    svc.client.details["300"] = detail("300", REJECTED)  # paid; may be configured again
    prolong_service(as_service(svc), date(2026, 1, 1))
    assert svc.client.purchases == [] and svc.client.asked == ["300"]
    assert steps.submitted == [("order of 10", "300")]
    assert svc.posts == ["prolong"]


class UtcEvening(datetime):
    """2026-05-01 23:30 UTC: already 2026-05-02 on a server at UTC+12."""

    @classmethod
    def now(cls, tz: Any = None) -> UtcEvening:
        moment = cls(2026, 5, 1, 23, 30, tzinfo=timezone.utc)
        if tz is None:
            return moment.astimezone(timezone(timedelta(hours=12))).replace(tzinfo=None)
        return moment.astimezone(tz)


def test_prolong_reads_the_day_in_utc(monkeypatch: pytest.MonkeyPatch, steps: Steps) -> None:
    monkeypatch.setattr(renewal, "datetime", UtcEvening)
    svc = issued_service()
    prolong_service(as_service(svc))  # 2026-05-01 in UTC: the window opens tomorrow
    assert svc.client.purchases == [] and svc.params[P.RENEWAL_DUE] == "2026-05-02"
    svc = issued_service()
    prolong_service(as_service(svc), OPENS)  # a day given wins over the clock
    assert svc.client.purchases == [(RAPIDSSL.code, 1)]


# --- the current certificate's end ---------------------------------------------------------


def stored_certificate() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    # notAfter 2024-04-01 03:04:05 UTC (the factory starts 2024-01-02 03:04:05 UTC)
    return build_certificate(key, "renew.example.com", key, "Test CA", days=90)


def test_the_stored_certificate_gives_the_end_as_a_utc_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    svc = FakeService({P.CERT_ID: "100"}, paid_until=None, row=Row(stored_certificate()))
    monkeypatch.setenv("TZ", "America/Los_Angeles")  # still 31 March there
    time.tzset()
    try:
        assert current_expiry(as_service(svc)) == date(2024, 4, 1)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert svc.client.asked == []


@pytest.mark.parametrize("row", [None, Row(" \n")], ids=["no row", "no certificate in it"])
def test_without_a_stored_certificate_enom_gives_the_end(row: Row | None) -> None:
    svc = FakeService({P.CERT_ID: " 100 "}, paid_until=None, row=row)
    svc.client.details["100"] = detail("100", ISSUED, expires=ENDS)
    assert current_expiry(as_service(svc)) == date(2026, 6, 1)
    assert svc.client.asked == ["100"]


def test_a_certificate_enom_shows_with_its_pem_counts_as_issued() -> None:
    svc = FakeService({P.CERT_ID: "100"}, paid_until=None)
    svc.client.details["100"] = detail("100", APPROVAL_SENT, expires=ENDS, crt="PEM")
    assert current_expiry(as_service(svc)) == date(2026, 6, 1)


@pytest.mark.parametrize(
    "answer",
    [
        detail("100", AWAITING, expires=ENDS, status="Awaiting Configuration"),
        detail("100", ISSUED, expires=None, status="Awaiting Configuration"),
    ],
    ids=["not issued, an expiry already", "issued, no expiry"],
)
def test_a_certificate_not_yet_issued_has_nothing_to_renew(answer: CertDetail) -> None:
    svc = FakeService({P.CERT_ID: "100"}, paid_until=None)
    svc.client.details["100"] = answer
    with pytest.raises(NotOrderedError) as refused:
        current_expiry(as_service(svc))
    assert refused.value.desc == (
        "ENOM certificate 100 of service 10 is not issued yet (Awaiting Configuration), so "
        "there is nothing to renew yet: sync_item follows it; run prolong again once it is "
        "issued."
    )
    assert refused.value.obj == "enom" and refused.value.value == "100"


# --- run_renewal -----------------------------------------------------------------------------


def test_a_refunded_renewal_is_an_error_and_nothing_is_submitted(steps: Steps) -> None:
    svc = issued_service(extra={P.RENEWAL_CERT_ID: "300"})
    svc.client.details["300"] = detail("300", 7, status="Refunded")
    with pytest.raises(CertificateRefundedError) as refused:
        run_renewal(as_service(svc))
    assert refused.value.desc == (
        "ENOM certificate 300 of service 10 was refunded (Refunded); it cannot be issued. "
        "Order a new certificate if one is needed."
    )
    assert refused.value.value == "300"
    assert steps.submitted == [] and svc.client.purchases == []


def test_a_just_bought_renewal_is_submitted_without_asking_enom(steps: Steps) -> None:
    svc = issued_service()
    run_renewal(as_service(svc))
    assert svc.client.asked == [] and steps.submitted == [("order of 10", "300")]


# --- sync_item while a renewal is due or under way -----------------------------------------


def renewing(status_id: int | None, **changes: Any) -> FakeService:
    svc = issued_service(
        extra={
            P.PREVIOUS_CERT_IDS: "90",
            P.RENEWAL_CERT_ID: "300",
            P.RENEWAL_ORDER_ID: "o300",
            P.RENEWAL_INTENT: Intent(RAPIDSSL.code, 250).to_text(),
            P.RENEWAL_DUE: "2026-05-02",
        }
    )
    svc.client.details["300"] = replace(detail("300", status_id, order_id="o300"), **changes)
    return svc


def test_sync_of_a_due_renewal_buys_it(steps: Steps) -> None:
    svc = issued_service(extra={P.RENEWAL_DUE: "2026-05-02"})
    sync_renewal(as_service(svc))
    assert svc.client.purchases == [(RAPIDSSL.code, 1)]
    assert svc.params[P.RENEWAL_CERT_ID] == "300"
    assert steps.submitted == [("order of 10", "300")] and svc.client.asked == []


def test_sync_drops_a_refunded_renewal(steps: Steps) -> None:
    svc = renewing(8)
    sync_renewal(as_service(svc))
    for name in (P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID, P.RENEWAL_INTENT, P.RENEWAL_DUE):
        assert svc.params[name] == ""
    assert svc.params[P.CERT_ID] == "100" and svc.params[P.PREVIOUS_CERT_IDS] == "90"
    assert steps.submitted == [] and steps.applied == [] and svc.client.purchases == []
    assert svc.client.asked == ["300"]


@pytest.mark.parametrize("status_id", [AWAITING, REJECTED])
def test_sync_submits_a_renewal_awaiting_configuration(steps: Steps, status_id: int) -> None:
    svc = renewing(status_id)
    sync_renewal(as_service(svc))
    assert steps.prepared == [10] and steps.submitted == [("order of 10", "300")]
    assert svc.writes == [] and svc.client.purchases == []


def test_sync_promotes_an_issued_renewal(steps: Steps) -> None:
    svc = renewing(ISSUED, order_id="o301")
    sync_renewal(as_service(svc))
    assert svc.params[P.CERT_ID] == "300" and svc.params[P.ORDER_ID] == "o301"
    assert svc.params[P.PREVIOUS_CERT_IDS] == "90,100"
    for name in (P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID, P.RENEWAL_INTENT, P.RENEWAL_DUE):
        assert svc.params[name] == ""
    assert steps.applied == [svc.client.details["300"]]
    assert steps.submitted == [] and svc.client.purchases == []


def test_sync_promotes_a_renewal_enom_shows_with_its_pem(steps: Steps) -> None:
    # no OrderID in the answer: the one saved at purchase is kept
    svc = renewing(APPROVAL_SENT, ssl_certificate="PEM", order_id="")
    sync_renewal(as_service(svc))
    assert svc.params[P.CERT_ID] == "300" and svc.params[P.ORDER_ID] == "o300"
    assert steps.applied == [svc.client.details["300"]]


@pytest.mark.parametrize("status_id", [PROCESSING, APPROVAL_SENT, None])
def test_sync_leaves_a_pending_renewal_alone(steps: Steps, status_id: int | None) -> None:
    svc = renewing(status_id)
    sync_renewal(as_service(svc))
    assert svc.writes == [] and steps.submitted == [] and steps.applied == []
    assert steps.prepared == [] and svc.client.purchases == []
