"""When the provider buys the next certificate, and how a renewal replaces the old one, in-process
(issue 17; test_lifecycle.py runs the same through the real executable).

ENOM sells 12-month certificates only, so a service paid for longer needs a chain of them: the
next one is bought inside the brand's renewal window before the current one ends, for as long as
the current one ends before the paid-until date. A renewal's certificate becomes the item's own
with the old CertID kept among the previous ones (import and reconciliation skip those).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import cast

import pytest

from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl import products
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.handlers.enomssl.renewal import next_certificate_due, promote, schedule_coverage
from pmenomssl.handlers.enomssl.service import Service


def _product(template: str) -> ProductSpec:
    spec = products.find(template)
    assert spec is not None, template
    return spec


RAPIDSSL = _product("rapidssl")  # DigiCert family: a 30-day window
SECTIGO = ProductSpec(template="s", code="s", prod_type=1, title="S", brand=products.SECTIGO)


def test_the_window_is_the_brands() -> None:
    assert RAPIDSSL.rules.renewal_window_days == 30 and SECTIGO.rules.renewal_window_days == 60


@pytest.mark.parametrize(
    ("spec", "due"), [(RAPIDSSL, date(2026, 5, 2)), (SECTIGO, date(2026, 4, 2))]
)
def test_the_next_certificate_is_due_a_window_before_the_current_one_ends(
    spec: ProductSpec, due: date
) -> None:
    assert next_certificate_due(spec, date(2026, 6, 1), date(2027, 6, 1)) == due


def test_no_next_certificate_while_the_current_one_covers_the_paid_period() -> None:
    assert next_certificate_due(RAPIDSSL, date(2026, 6, 1), date(2026, 6, 1)) is None
    assert next_certificate_due(RAPIDSSL, date(2026, 6, 2), date(2026, 6, 1)) is None
    assert next_certificate_due(RAPIDSSL, date(2026, 6, 1), None) is None
    assert next_certificate_due(RAPIDSSL, date(2026, 5, 31), date(2026, 6, 1)) == date(2026, 5, 1)


@dataclass
class Item:
    expiredate: date | None = None


@dataclass
class FakeService:
    params: dict[str, str] = field(default_factory=dict)
    item: Item = field(default_factory=Item)
    id: int = 10
    writes: list[tuple[str, str]] = field(default_factory=list)

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    def save(self, name: str, value: str) -> None:
        self.writes.append((name, value))
        self.params[name] = value

    def product(self) -> ProductSpec:
        return RAPIDSSL


def as_service(fake: FakeService) -> Service:
    return cast(Service, fake)


def test_an_issue_schedules_the_next_certificate_when_the_period_needs_one() -> None:
    svc = FakeService(item=Item(expiredate=date(2027, 6, 1)))
    schedule_coverage(as_service(svc), date(2026, 6, 1))
    assert svc.writes == [(P.RENEWAL_DUE, "2026-05-02")]


@pytest.mark.parametrize(
    "params",
    [
        {P.RENEWAL_CERT_ID: "5"},
        {P.RENEWAL_INTENT: "{}"},
        {P.RENEWAL_DUE: "2026-01-01"},
    ],
    ids=["renewal bought", "renewal under way", "already scheduled"],
)
def test_an_issue_schedules_nothing_while_a_renewal_is_under_way(params: dict[str, str]) -> None:
    svc = FakeService(params=dict(params), item=Item(expiredate=date(2027, 6, 1)))
    schedule_coverage(as_service(svc), date(2026, 6, 1))
    assert svc.writes == []


def test_an_issue_covering_the_paid_period_schedules_nothing() -> None:
    svc = FakeService(item=Item(expiredate=date(2026, 6, 1)))
    schedule_coverage(as_service(svc), date(2026, 6, 1))
    assert svc.writes == []


def renewing() -> FakeService:
    return FakeService(
        params={
            P.CERT_ID: "100",
            P.ORDER_ID: "o100",
            P.PREVIOUS_CERT_IDS: "90",
            P.RENEWAL_CERT_ID: "200",
            P.RENEWAL_ORDER_ID: "o200",
            P.RENEWAL_INTENT: "{}",
            P.RENEWAL_DUE: "2026-05-02",
        }
    )


def test_a_renewal_replaces_the_certificate_and_keeps_the_old_cert_id() -> None:
    svc = renewing()
    promote(as_service(svc), "200", "o200")
    assert svc.params[P.PREVIOUS_CERT_IDS] == "90,100"
    assert svc.params[P.CERT_ID] == "200" and svc.params[P.ORDER_ID] == "o200"
    for name in (P.RENEWAL_CERT_ID, P.RENEWAL_ORDER_ID, P.RENEWAL_INTENT, P.RENEWAL_DUE):
        assert svc.params[name] == ""
    # crash-safe order: the old CertID is kept before the new one replaces it
    names = [name for name, _ in svc.writes]
    assert names.index(P.PREVIOUS_CERT_IDS) < names.index(P.CERT_ID)
    assert names.index(P.CERT_ID) < names.index(P.RENEWAL_CERT_ID)


def test_a_repeated_promotion_keeps_each_old_cert_id_once() -> None:
    svc = renewing()
    svc.params[P.PREVIOUS_CERT_IDS] = "90,100"
    promote(as_service(svc), "200", "")
    assert svc.params[P.PREVIOUS_CERT_IDS] == "90,100"
    assert (P.PREVIOUS_CERT_IDS, "90,100") not in svc.writes
    assert svc.params[P.ORDER_ID] == "o100"  # no new OrderID: the old one stays
    svc = renewing()
    svc.params[P.PREVIOUS_CERT_IDS] = ""
    promote(as_service(svc), "100", "o100")  # already the item's: nothing to keep
    assert svc.params[P.PREVIOUS_CERT_IDS] == ""
    svc = renewing()
    svc.params[P.PREVIOUS_CERT_IDS] = ""
    promote(as_service(svc), "200", "o200")
    assert svc.params[P.PREVIOUS_CERT_IDS] == "100"
