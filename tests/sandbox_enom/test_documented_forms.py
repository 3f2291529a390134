"""The sandbox answers in ENOM's documented forms (issue 12 §8), each a shape the module's own
tests rely on: ENOM's clock behind UTC with RequestDateTime/TimeDifference, CertGetCerts'
date-only OrderDate, ExpirationDate before issue, CACerts with the root, lower-case tags, UCC
name limits, and names the CA refuses only after the purchase has charged.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from pmenomssl.enom import EnomClient
from pmenomssl.ssl import bundle
from tests.sandbox_enom.conftest import Api, buy_and_configure, contacts, make_csr

US_TIME = "%m/%d/%Y %I:%M:%S %p"


def _utc() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def test_enom_clock_runs_behind_utc_by_default(api: Api) -> None:
    """The documented CertPurchaseCert example answers 4:52 PM for a notBefore of 00:00Z the
    next day: ENOM's clock is behind UTC, and the default is too (clock.py: UTC-8)."""
    root = api.ok("GetBalance")
    shown = datetime.strptime(root.findtext("RequestDateTime") or "", US_TIME)
    assert abs(shown - (_utc() - timedelta(hours=8))) < timedelta(seconds=10)
    assert root.findtext("TimeDifference") == "-8.00"


@pytest.mark.parametrize("hours", [-8, 0, 3])
def test_enom_clock_is_configurable(api: Api, hours: int) -> None:
    api.sb.configure({"utc_offset_hours": hours})
    root = api.ok("GetBalance")
    shown = datetime.strptime(root.findtext("RequestDateTime") or "", US_TIME)
    assert abs(shown - (_utc() + timedelta(hours=hours))) < timedelta(seconds=10)
    assert root.findtext("TimeDifference") == f"{hours:+.2f}"


def test_enom_clock_before_its_midnight(api: Api) -> None:
    api.sb.configure({"seconds_before_midnight": 30})
    shown = datetime.strptime(api.ok("GetBalance").findtext("RequestDateTime") or "", US_TIME)
    assert (shown.hour, shown.minute) == (23, 59)


def test_dates_are_on_enoms_clock_certificates_on_utc(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    """CertGetCerts' OrderDate is a date only (documented `12/15/2016`); CertGetCertDetail's
    has a time; ExpirationDate is filled before issue; X.509 validity is real UTC."""
    api.sb.configure({"utc_offset_hours": -8})
    cert_id = buy_and_configure(api, rsa_keys[0])
    listed = api.ok("CertGetCerts").find("CertGetCerts/Certs/Cert")
    assert listed is not None
    datetime.strptime(listed.findtext("OrderDate") or "", "%m/%d/%Y")  # a date, no time
    detail = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert detail is not None
    assert " " in (detail.findtext("OrderDate") or "")  # with a time
    expiration = datetime.strptime(detail.findtext("ExpirationDate") or "", US_TIME)
    assert expiration > _utc() + timedelta(days=360)  # filled while awaiting configuration
    api.sb.configure({"issue_immediately": True})
    api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    issued = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert issued is not None
    leaf = x509.load_pem_x509_certificate((issued.findtext("SSLCertificate") or "").encode())
    assert abs(leaf.not_valid_before_utc.replace(tzinfo=None) - _utc()) < timedelta(minutes=1)
    shown = datetime.strptime(issued.findtext("ExpirationDate") or "", US_TIME)
    assert shown == leaf.not_valid_after_utc.replace(tzinfo=None) - timedelta(hours=8)


def test_cacerts_include_the_root_and_the_bundle_leaves_it_out(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    api.sb.configure({"issue_immediately": True})
    cert_id = buy_and_configure(api, rsa_keys[0])
    api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    detail = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert detail is not None
    chain = x509.load_pem_x509_certificates((detail.findtext("CACerts") or "").encode())
    intermediate, root = chain
    assert root.subject == root.issuer and intermediate.issuer == root.subject
    leaf_pem = detail.findtext("SSLCertificate") or ""
    saved = x509.load_pem_x509_certificates(bundle(leaf_pem, detail.findtext("CACerts")).encode())
    assert [c.subject for c in saved[1:]] == [intermediate.subject]  # no root in the chain


def test_lower_case_tags_switch_and_the_client_reads_them(api: Api) -> None:
    api.sb.configure({"lower_case_tags": True})
    raw = api.raw("PurchaseServices", Service="certificate-rapidssl-rapidssl").text
    assert "<certid>" in raw and "<orderid>" in raw and "<CertID>" not in raw
    assert "<errcount>0</errcount>" in raw and "<done>true</done>" in raw
    with EnomClient(api.sb.url, api.sb.uid, api.sb.pw) as client:
        bought = client.purchase_services("certificate-rapidssl-rapidssl")
        assert bought.cert_id and bought.order_id
        assert client.get_balance().available == Decimal("5000.00") - 2 * Decimal("9.95")
        page = client.get_certs_page(page_size=5)
        assert {c.cert_id for c in page.certs} >= {bought.cert_id} and page.enom_time
        detail = client.get_cert_detail(bought.cert_id)
        assert detail.status_id == 1 and detail.expiration_date is not None


def _ucc_params(names: list[str]) -> dict[str, object]:
    params: dict[str, object] = {"DomainListNumber": len(names)}
    for number, name in enumerate(names, start=1):
        params[f"UCCDomainList{number}"] = name
        params[f"UCCEmailList{number}"] = "admin@" + name.split(".", 1)[1]
    return params


def _configure_error(
    api: Api, cert_id: str, key: rsa.RSAPrivateKey, cn: str, **extra: object
) -> list[str]:
    errors, _ = api.error(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=1002 if extra else 18,
        CSR=make_csr(key, cn),
        **contacts(),
        **extra,
    )
    return errors


def test_ucc_covers_three_names_with_the_csr_domain(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    bought = api.ok("PurchaseServices", Service="certificate-comodo-ucc-dv").findtext("CertID")
    assert bought
    four = ["ucc.example.com", "a.example.com", "b.example.com", "c.example.com"]
    assert (
        "At most 3"
        in _configure_error(api, bought, rsa_keys[0], "ucc.example.com", **_ucc_params(four))[0]
    )
    without_cn = ["a.example.com", "b.example.com"]
    assert (
        "must include the CSR's domain"
        in _configure_error(api, bought, rsa_keys[0], "ucc.example.com", **_ucc_params(without_cn))[
            0
        ]
    )
    detail = api.ok("CertGetCertDetail", CertID=bought).find("CertGetCertDetail")
    assert detail is not None and detail.findtext("DomainCountAllowed") == "3"


@pytest.mark.parametrize(
    "name", ["localhost", "1.2.3.4", "under_score.example.com", "server.local", "foo.internal"]
)
def test_names_cas_refuse_are_refused_after_the_charge(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey], name: str
) -> None:
    """ENOM refuses "localhost" only at configuration, after PurchaseServices has charged:
    the module must refuse such names before buying (the money is gone here)."""
    cert_id = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl").findtext("CertID")
    assert cert_id and len(api.sb.purchases) == 1
    errors = _configure_error(api, cert_id, rsa_keys[0], name)
    assert "does not issue certificates" in errors[0]
    assert len(api.sb.purchases) == 1 and api.sb.state.balance == Decimal("4990.05")
