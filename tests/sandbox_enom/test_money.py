"""Balance, the purchase ledger and insufficient funds."""

from __future__ import annotations

import threading
from decimal import Decimal

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from pmenomssl.sandbox.enom import EnomSandbox

from .conftest import Api, buy_and_configure


def test_purchases_debit_and_are_recorded(sb: EnomSandbox, api: Api) -> None:
    api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl", NumYears=2)
    api.ok("PurchaseServices", Service="certificate-comodo-ev")
    balance = api.ok("GetBalance")
    # 2 x 9.95 + 149.00 = 168.90
    assert balance.findtext("Balance") == "4,831.10"
    assert balance.findtext("AvailableBalance") == "4,831.10"
    assert [(p.product_code, p.years, p.price) for p in sb.purchases] == [
        ("certificate-rapidssl-rapidssl", 2, Decimal("19.90")),
        ("certificate-comodo-ev", 1, Decimal("149.00")),
    ]
    # Configuration and submission never charge.
    assert len({p.cert_id for p in sb.purchases}) == 2


def test_insufficient_funds(api: Api) -> None:
    with EnomSandbox(balance=Decimal("10.00"), available_balance=Decimal("9.00")) as small:
        poor = Api(small, api.http)
        balance = poor.ok("GetBalance")
        assert (balance.findtext("Balance"), balance.findtext("AvailableBalance")) == (
            "10.00",
            "9.00",
        )
        errors, numbers = poor.error("PurchaseServices", Service="certificate-rapidssl-rapidssl")
        assert errors == ["Insufficient funds to complete this purchase"]
        assert numbers == ["524181"]
        assert small.purchases == []
        assert small.state.available_balance == Decimal("9.00")
        small.state.available_balance = Decimal("9.95")
        poor.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl")
        assert poor.ok("GetBalance").findtext("AvailableBalance") == "0.00"


def test_negative_balance_is_rendered_with_sign(sb: EnomSandbox, api: Api) -> None:
    sb.state.balance = Decimal("-1832.23")
    sb.state.available_balance = Decimal("6193.37")
    root = api.ok("GetBalance")
    assert root.findtext("Balance") == "-1,832.23"
    assert root.findtext("AvailableBalance") == "6,193.37"


def test_concurrent_purchases_never_overspend(http: httpx.Client) -> None:
    with EnomSandbox(balance=Decimal("99.50")) as sb:  # room for exactly 10 RapidSSL
        results: list[bytes] = []

        def buy() -> None:
            with httpx.Client(timeout=10) as client:
                response = client.post(
                    sb.url,
                    data={
                        "uid": sb.uid,
                        "pw": sb.pw,
                        "command": "PurchaseServices",
                        "Service": "certificate-rapidssl-rapidssl",
                    },
                )
                results.append(response.content)

        threads = [threading.Thread(target=buy) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(b"<ErrCount>0</ErrCount>" in r for r in results) == 10
        assert sum(b"Insufficient funds" in r for r in results) == 6
        assert sb.state.available_balance == Decimal("0.00")
        assert len(sb.purchases) == 10
        assert len({p.cert_id for p in sb.purchases}) == 10


def test_purchases_by_domain_and_refund(
    sb: EnomSandbox, api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    first = buy_and_configure(api, rsa_keys[0], "one.example.com")
    buy_and_configure(api, rsa_keys[0], "one.example.com")
    api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl")
    assert sb.state.purchases_by_domain() == {"one.example.com": 2, "": 1}
    before = sb.state.available_balance
    cert = sb.state.refund(int(first))
    assert cert.status_id == 7
    assert sb.state.available_balance == before + Decimal("9.95")
    detail = api.ok("CertGetCertDetail", CertID=first).find("CertGetCertDetail")
    assert detail.findtext("CertStatus") == "Refunded - No Cert Issued"
