"""Money as upstream renders it, and charging that is all-or-nothing."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from pmenomssl.sandbox.upstream import UpstreamSandbox, format_money
from pmenomssl.upstream.errors import (
    ERROR_TYPE_NOT_ENOUGH_MONEY,
    UpstreamInsufficientFunds,
    error_class,
)

from .conftest import Api

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0", "0,00"),
        ("5", "5,00"),
        ("999.99", "999,99"),
        ("1000", f"1{NBSP}000,00"),
        ("12345.67", f"12{NBSP}345,67"),
        ("1234567.891", f"1{NBSP}234{NBSP}567,89"),
        ("-50.5", "-50,50"),
        ("-1000000", f"-1{NBSP}000{NBSP}000,00"),
        ("0.005", "0,01"),
    ],
)
def test_format_money(amount: str, text: str) -> None:
    assert format_money(Decimal(amount)) == text


def test_balance_can_be_spent_to_exactly_zero(api: Api) -> None:
    api.up.configure(balance=Decimal("1620.00"))
    api.order("vhost", "11", 12)
    assert api.up.balance == Decimal("0.00")
    assert api.ok("dashboard.info").findtext("balance") == "0,00"


@pytest.mark.parametrize(
    ("func", "params"),
    [
        ("v2.dedic.order.param", {"pricelist": 31, "order_period": 12, "datacenter": 1}),
        (
            "v2.vds.order.param",
            {"pricelist": 21, "order_period": 12, "addon_211": 64, "datacenter": 1},
        ),
    ],
)
def test_insufficient_funds_leaves_balance_and_services_unchanged(
    api: Api, func: str, params: dict[str, object]
) -> None:
    existing = api.order("vhost", "11", 1, remoteid=1)
    balance = api.up.balance
    services = api.up.services()
    error_type, obj, msg = api.error(
        func, clicked_button="finish", skipbasket="on", sok="ok", remoteid=2, **params
    )
    assert error_type == ERROR_TYPE_NOT_ENOUGH_MONEY
    assert error_class(error_type, obj) is UpstreamInsufficientFunds
    assert f"{format_money(balance)} RUB" in msg, "the message names the balance"
    assert api.up.balance == balance
    assert api.up.services() == services and [s.id for s in services] == [existing]
    assert [o.service_id for o in api.up.orders] == [existing]


def test_prolong_without_money_keeps_the_expiry(api: Api) -> None:
    service_id = api.order("vds", "21", 1)
    expiry = api.up.service(service_id).expiredate
    api.up.configure(balance=Decimal("299.99"))
    error_type, _, _ = api.error("service.prolong", elid=service_id, period=1, sok="ok")
    assert error_type == ERROR_TYPE_NOT_ENOUGH_MONEY
    assert api.up.service(service_id).expiredate == expiry
    assert api.up.balance == Decimal("299.99") and api.up.prolongs == []


def test_the_account_currency_is_shown_everywhere(http: httpx.Client) -> None:
    with UpstreamSandbox(balance=Decimal("1234.5"), currency="EUR") as up:
        api = Api(up, http)
        user = api.ok("whoami").find("user")
        assert user is not None and user.get("currency") == "EUR"
        assert user.get("balance") == f"1{NBSP}234,50"
        pricelist = api.ok("v2.vhost.order.pricelist")
        assert pricelist.findtext("list/elem/prices/price/currency") == "EUR"
        assert (
            "EUR"
            in api.error(
                "v2.vhost.order.param",
                pricelist=11,
                order_period=12,
                datacenter=1,
                clicked_button="finish",
                skipbasket="on",
                sok="ok",
            )[2]
        )
