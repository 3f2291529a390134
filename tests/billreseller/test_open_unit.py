"""`open` of pmbillreseller in-process (issue 17): what is ordered upstream and with which
fields, what is saved on the local service, and what the command does with the upstream
status it finds, against the scripted upstream and billing of test_paid_guards_unit.py.
test_lifecycle.py and test_never_twice.py run the same paths through the real executable.

Expected upstream shapes are written down from /work/shared/reference/settled-facts.md
("Upstream BILLmanager"): the order sends the tariff id as `pricelist` and our item id as
`remoteid`; vhost/vds/dedic orders need `datacenter` (the order form's slist key) and name the
period `order_period` (functions.order_period_field, UNCONFIRMED for `v2.*`); status numbers
1 ordered, 2 active, 3 stopped, 4 deleted, 5 processing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from pmenomssl.billing.models import CertificateRow
from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import UpstreamServiceMissingError
from pmenomssl.handlers.billreseller.order import open_service
from pmenomssl.handlers.billreseller.reconcile import Intent, adopt, find_ours, highest_id
from pmenomssl.upstream import UpstreamOutcomeUnknown
from pmenomssl.upstream.errors import UpstreamTransportError
from tests.billreseller.test_paid_guards_unit import (
    FakeBilling,
    FakeService,
    FakeUpstream,
    as_service,
    csr_for,
    lock_folder,  # noqa: F401 (autouse: the purchase lock's folder)
    service,
)

EXPIRY = date(2027, 3, 1)
ORDER_LOGGER = "pmenomssl.handlers.billreseller.order"


@dataclass
class OpenItem:
    """The local item as open reads it: period, tariff internal name, local status."""

    period: int | None = 1
    pricelist_intname: str = "5"
    status: int = 2  # active here (billmanager-protocol.md 3.3)


class OrderingUpstream(FakeUpstream):
    """Lists what it ordered, with the status and expiry the test chooses."""

    def __init__(self, status: int = 2, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.status_after_order = status
        self.calls: list[str] = []

    def services(self, itemtype: str) -> list[Any]:
        self.calls.append(f"services {itemtype}")
        return super().services(itemtype)

    def order(self, itemtype: str, fields: dict[str, str]) -> str:
        self.calls.append(f"order {itemtype}")
        upstream_id = super().order(itemtype, fields)
        self.listed.append(
            service(upstream_id, remoteid="10", status=self.status_after_order, expiredate=EXPIRY)
        )
        return upstream_id


def calls(svc: FakeService) -> list[str]:
    assert isinstance(svc.client, OrderingUpstream)
    return svc.client.calls


def opening(status: int = 2, **upstream: Any) -> FakeService:
    svc = FakeService(10, upstream=OrderingUpstream(status, **upstream))
    svc.item = OpenItem()  # type: ignore[assignment]
    return svc


def test_open_orders_the_tariff_once_and_opens_the_active_service() -> None:
    svc = opening(ordered="900")
    open_service(as_service(svc))
    upstream = svc.client
    # settled-facts.md: tariff id as pricelist, our item id as remoteid; datacenter is the form's
    # only slist key ("1", Moscow); the period in months under order_period (v2 vhost).
    assert upstream.orders == [
        {"pricelist": "5", "order_period": "1", "remoteid": "10", "datacenter": "1"}
    ]
    # the vhost list read, then the vhost order (v2.vhost.order.param: functions.order_func)
    assert calls(svc) == ["services vhost", "order vhost"]
    assert svc.params[P.UPSTREAM_ID] == "900"
    assert svc.params[P.OPENED] == "900"
    assert svc.posted == ["open"]
    assert svc.expiry_writes == [EXPIRY]
    saved = [name for name, _ in svc.saved]
    assert saved == [P.ORDER_INTENT, P.UPSTREAM_ID, P.OPENED]


def test_open_saves_the_order_intent_with_the_highest_listed_id() -> None:
    svc = opening(ordered="900", listed=[service("77", remoteid="3"), service("8", remoteid="4")])
    open_service(as_service(svc))
    intent = json.loads(svc.params[P.ORDER_INTENT])
    assert sorted(intent) == ["highest_id", "time"] and intent["highest_id"] == 77


def test_open_of_an_ordered_item_never_orders_again() -> None:
    svc = opening(listed=[service("41", remoteid="10", expiredate=EXPIRY)])
    svc.save(P.UPSTREAM_ID, "41")
    open_service(as_service(svc))
    assert calls(svc) == []  # not even a list read: the saved id is the answer
    assert svc.client.orders == []
    assert svc.posted == ["open"] and svc.params[P.OPENED] == "41"


def test_open_adopts_a_service_carrying_our_id_and_opens_it() -> None:
    svc = opening(listed=[service("41", remoteid="10", expiredate=EXPIRY)])
    open_service(as_service(svc))
    assert svc.client.orders == []
    assert svc.params[P.UPSTREAM_ID] == "41" and svc.posted == ["open"]


def test_a_lost_order_answer_reads_the_same_item_types_list_again() -> None:
    lost = UpstreamOutcomeUnknown(UpstreamTransportError("reset"), func="v2.vhost.order.param")
    svc = opening(ordered=lost)
    upstream = svc.client

    def order(itemtype: str, fields: dict[str, str]) -> str:
        calls(svc).append(f"order {itemtype}")
        upstream.listed.append(service("41", remoteid="10", expiredate=EXPIRY))  # it happened
        raise lost

    upstream.order = order  # type: ignore[method-assign]
    open_service(as_service(svc))
    assert calls(svc) == ["services vhost", "order vhost", "services vhost"]
    assert svc.params[P.UPSTREAM_ID] == "41" and svc.posted == ["open"]


@pytest.mark.parametrize("status", [1, 5])  # ordered, processing
def test_open_of_a_pending_upstream_service_returns_without_opening(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    svc = opening(status, ordered="900")
    with caplog.at_level(logging.INFO, logger=ORDER_LOGGER):
        open_service(as_service(svc))
    assert len(svc.client.orders) == 1 and svc.params[P.UPSTREAM_ID] == "900"
    assert svc.posted == [] and P.OPENED not in svc.params
    assert svc.expiry_writes == []
    assert open_lines(caplog) == [
        f"upstream vhost service 900 is {status}: open finishes when it is active (re-run or "
        "sync_item)"
    ]


def test_open_of_an_active_service_logs_no_wait(caplog: pytest.LogCaptureFixture) -> None:
    svc = opening(ordered="900")
    with caplog.at_level(logging.INFO, logger=ORDER_LOGGER):
        open_service(as_service(svc))
    assert svc.posted == ["open"] and open_lines(caplog) == []


def open_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "open finishes" in r.getMessage()]


def test_open_of_a_service_deleted_upstream_says_what_to_do() -> None:
    svc = opening(listed=[service("41", remoteid="10", status=4)])
    svc.save(P.UPSTREAM_ID, "41")
    with pytest.raises(UpstreamServiceMissingError) as missing:
        open_service(as_service(svc))
    assert missing.value.desc == (
        "Upstream vhost service 41 of service 10 is deleted upstream, so it cannot be opened. "
        "Ask the upstream provider why; to order anew, clear the service's upstream_id and "
        "upstream_order_intent params and retry."
    )
    assert missing.value.obj == "upstream_id" and missing.value.value == "41"
    assert svc.posted == [] and svc.client.orders == []


def test_open_of_an_item_type_not_resold_calls_nothing() -> None:
    svc = opening()

    class Unsold(Exception):
        pass

    def no_spec(self: Any) -> Any:
        raise Unsold

    svc.__class__ = type("NoSpec", (FakeService,), {"spec": property(no_spec)})
    with pytest.raises(Unsold):
        open_service(as_service(svc))
    assert calls(svc) == [] and svc.client.orders == []


# --- reconcile.py: adopt, highest_id, the link written upstream --------------------------------


def test_adopt_saves_the_upstream_id_only() -> None:
    svc = FakeService(10)
    adopt(as_service(svc), service("41"))
    assert svc.saved == [(P.UPSTREAM_ID, "41")]
    assert svc.client.linked == [] and svc.client.orders == []


def test_highest_id_reads_numbers_not_text() -> None:
    # "9" > "100" as text; the numeric maximum is 100.
    assert highest_id([service("9"), service("100"), service("x1")]) == 100
    assert highest_id([service("x1")]) is None
    assert highest_id([]) is None


def test_an_intent_links_the_adopted_service_upstream_with_our_item_id() -> None:
    svc = FakeService(10)
    svc.save(P.ORDER_INTENT, Intent("2026-01-01T00:00:00Z", 40).to_json())
    found = find_ours(as_service(svc), [service("40"), service("41")])
    assert found is not None and found.id == "41"
    # item.setremoteid's elid and value (upstream/client.py set_remoteid)
    assert svc.client.linked == [("41", "10")]


def test_the_intent_is_written_as_sorted_json() -> None:
    text = Intent("2026-01-01T00:00:00Z", 40).to_json()
    assert text == '{"highest_id": 40, "time": "2026-01-01T00:00:00Z"}'
    assert Intent("", None).to_json() == '{"highest_id": null, "time": ""}'


class CertificateBilling(FakeBilling):
    """Certificate rows by item id, as BILLmanager keeps them (one per item)."""

    def __init__(self, csrs: dict[int, str]) -> None:
        super().__init__()
        self.csrs = csrs

    def certificate(self, item_id: int) -> CertificateRow | None:
        csr = self.csrs.get(item_id)
        return None if csr is None else CertificateRow(pkey="", csr=csr, crt="")


def test_the_common_name_compared_is_that_of_this_items_csr() -> None:
    billing = CertificateBilling({10: csr_for("shop.example.com")})
    svc = FakeService(10, billing=billing)
    svc.itemtype = "certificate"
    svc.save(P.ORDER_INTENT, Intent("2026-01-01T00:00:00Z", 40).to_json())
    assert find_ours(as_service(svc), [service("41", name="other.example.com")]) is None
    found = find_ours(as_service(svc), [service("42", name="shop.example.com")])
    assert found is not None and found.id == "42"
