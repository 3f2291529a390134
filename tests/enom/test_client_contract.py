"""The client's contract: invariants that hold on the cassettes AND on the ENOM sandbox.

Each test runs once per backend (`contract_backend`: "cassette", "sandbox"). On the cassette
backend the cassettes named by `@pytest.mark.cassettes` are merged and matched on the command
only, so tests can chain commands; the assertions therefore never compare ids across calls.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pmenomssl.enom import (
    Approver,
    Balance,
    CertDetail,
    CertPage,
    CertSummary,
    Configured,
    Contact,
    EnomAuthError,
    EnomClient,
    OrderDetail,
    ParsedCsr,
    Product,
    Purchase,
    Submitted,
)

Backend = tuple[EnomClient, str]
DATA = Path(__file__).resolve().parent / "data"
CSR = (DATA / "csr_resellerdocs.pem").read_text()
CSR_BUDITEST = (DATA / "csr_buditest.pem").read_text()
PRODUCT = "certificate-rapidssl-rapidssl"
CONTACT = Contact(
    "John", "Doe", "rightside.co", "IT Manager", "10500 NE 8th St", "", "Kirkland", "WA",
    "98004", "US", "+1.4252744500", "admin@example.com",
)  # fmt: skip
CONTACTS = {"Admin": CONTACT, "Tech": CONTACT, "Billing": CONTACT}
KNOWN_STATUS_IDS = {1, 2, 4, 6, 7, 8, 9, 10, 12, 13}


def _numeric(value: str) -> bool:
    return value.isdigit()


def _purchase_and_configure(client: EnomClient) -> tuple[Purchase, Configured]:
    bought = client.purchase_services(PRODUCT)
    configured = client.configure_cert(
        bought.cert_id, csr=CSR, web_server_type=18, contacts=CONTACTS
    )
    return bought, configured


@pytest.mark.cassettes("GetBalance")
def test_balance(contract_backend: Backend) -> None:
    client, _ = contract_backend
    balance = client.get_balance()
    assert isinstance(balance, Balance)
    assert isinstance(balance.balance, Decimal) and isinstance(balance.available, Decimal)
    assert balance.available.as_tuple().exponent >= -2


@pytest.mark.cassettes("GetCerts")
def test_products(contract_backend: Backend) -> None:
    client, _ = contract_backend
    products = client.get_certs()
    assert products and all(isinstance(p, Product) for p in products)
    assert all(p.code == p.code.lower() and p.code.startswith("certificate-") for p in products)
    assert PRODUCT in {p.code for p in products}
    priced = [p for p in products if p.reseller_price is not None]
    assert priced and all(p.reseller_price > 0 for p in priced if p.reseller_price is not None)
    assert all(isinstance(p.prod_type, int) for p in products)


@pytest.mark.cassettes("PurchaseServices")
def test_purchase_returns_numeric_ids(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought = client.purchase_services(PRODUCT)
    assert isinstance(bought, Purchase)
    assert _numeric(bought.cert_id) and _numeric(bought.order_id)


@pytest.mark.cassettes("PurchaseServices", "CertConfigureCert")
def test_configure_returns_approvers(contract_backend: Backend) -> None:
    client, _ = contract_backend
    _, configured = _purchase_and_configure(client)
    assert isinstance(configured, Configured) and _numeric(configured.cert_id)
    assert configured.approvers
    assert all(isinstance(a, Approver) and "@" in a.email for a in configured.approvers)
    assert {a.type for a in configured.approvers} <= {"Domain", "Generic", "Manual"}
    assert any(a.email.startswith("admin@") for a in configured.approvers)


@pytest.mark.cassettes("PurchaseServices", "CertConfigureCert", "CertGetApproverEmail")
def test_approver_list(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought, _ = _purchase_and_configure(client)
    approvers = client.get_approver_emails(bought.cert_id, "resellerdocs.com")
    assert approvers and all("@" in a.email for a in approvers)


@pytest.mark.cassettes(
    "PurchaseServices", "CertConfigureCert", "CertPurchaseCert", "CertGetCertDetail"
)
def test_submit_and_detail(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought, configured = _purchase_and_configure(client)
    approver = next(a.email for a in configured.approvers if a.email.startswith("admin@"))
    submitted = client.purchase_cert(bought.cert_id, approver_email=approver)
    assert isinstance(submitted, Submitted) and _numeric(submitted.cert_id)
    detail = client.get_cert_detail(bought.cert_id)
    assert isinstance(detail, CertDetail) and _numeric(detail.cert_id)
    assert detail.status_id in KNOWN_STATUS_IDS and detail.status
    assert detail.order_date is not None
    assert detail.validity_months in (None, 12, 24, 36)
    for pem in (detail.ssl_certificate, detail.ca_certs, detail.csr):
        assert pem == "" or (pem.startswith("-----BEGIN ") and pem.endswith("-----\n"))


@pytest.mark.cassettes("PurchaseServices", "CertGetCerts")
def test_cert_page_structure(contract_backend: Backend) -> None:
    client, _ = contract_backend
    client.purchase_services(PRODUCT)
    page = client.get_certs_page(page_size=10)
    assert isinstance(page, CertPage)
    assert page.start == 1 and page.page_size == 10
    assert 1 <= len(page.certs) <= page.page_size and page.total >= len(page.certs)
    for cert in page.certs:
        assert isinstance(cert, CertSummary) and _numeric(cert.cert_id)
        assert cert.status_id in KNOWN_STATUS_IDS and cert.order_date is not None
        assert isinstance(cert.is_expired, bool)


@pytest.mark.cassettes("PurchaseServices", "CertGetCerts_paged")
def test_iter_certs_walks_all_pages(contract_backend: Backend) -> None:
    client, _ = contract_backend
    for _ in range(5):
        client.purchase_services(PRODUCT)
    total = client.get_certs_page(page_size=2).total
    certs = list(client.iter_certs(page_size=2))
    ids = [c.cert_id for c in certs]
    assert len(ids) == len(set(ids)) == total >= 5
    assert ids == sorted(ids, key=int, reverse=True)  # SortBy=CertID descending


@pytest.mark.cassettes("CertParseCSR", "PurchaseServices")
def test_parse_csr_reads_the_common_name(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought = client.purchase_services(PRODUCT)
    parsed = client.parse_csr(bought.cert_id, CSR_BUDITEST)
    assert isinstance(parsed, ParsedCsr)
    assert parsed.domain == "buditest.com" and parsed.country == "US"
    assert parsed.has_bad_extensions is False


@pytest.mark.cassettes(
    "PurchaseServices",
    "CertConfigureCert",
    "CertPurchaseCert",
    "CertChangeApproverEmail",
    "CertResendApproverEmail",
    "CertModifyOrder",
)
def test_approver_changes_and_cancel_after_submission(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought, configured = _purchase_and_configure(client)
    approvers = [a.email for a in configured.approvers]
    client.purchase_cert(bought.cert_id, approver_email=approvers[0])
    webmaster = next(e for e in approvers if e.startswith("webmaster@"))
    assert client.change_approver_email(bought.cert_id, webmaster) == webmaster
    assert client.resend_approver_email(bought.cert_id) in approvers
    assert client.modify_order(bought.cert_id) is None


@pytest.mark.cassettes("PurchaseServices", "GetOrderDetail")
def test_order_detail_reports_what_was_paid(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought = client.purchase_services(PRODUCT)
    detail = client.get_order_detail(bought.order_id)
    assert isinstance(detail, OrderDetail) and _numeric(detail.order_id)
    assert detail.bill_amount is not None and detail.bill_amount > 0
    assert detail.bill_date is not None


@pytest.mark.cassettes(
    "PurchaseServices",
    "CertConfigureCert",
    "CertPurchaseCert",
    "CertGetCertDetail",
    "CertReissueCert",
    "CertResendFulfillmentEmail",
)
def test_issued_certificate_can_be_reissued(contract_backend: Backend) -> None:
    client, _ = contract_backend
    bought, configured = _purchase_and_configure(client)
    client.purchase_cert(bought.cert_id, approver_email=configured.approvers[0].email)
    detail = client.get_cert_detail(bought.cert_id)
    for _ in range(5):
        if detail.ssl_certificate:
            break
        detail = client.get_cert_detail(bought.cert_id)
    assert detail.ssl_certificate.startswith("-----BEGIN CERTIFICATE-----\n")
    assert isinstance(client.reissue_cert(bought.cert_id, CSR), str)
    assert client.resend_fulfillment_email(bought.cert_id) is None


@pytest.mark.cassettes("error_bad_credentials")
def test_bad_credentials(contract_backend: Backend) -> None:
    client, _ = contract_backend
    with (
        EnomClient(client.url, "nobody", "wrong-password") as wrong,
        pytest.raises(EnomAuthError) as caught,
    ):
        wrong.get_balance()
    assert caught.value.command == "GetBalance"
    assert caught.value.messages and "separate" in caught.value.desc
