"""The project's EnomClient against the sandbox: the two must agree on every shape and error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from pmenomssl.enom import (
    Contact,
    EnomAuthError,
    EnomClient,
    EnomInsufficientFundsError,
    EnomInvalidCsrError,
    EnomIpNotAllowedError,
    EnomMalformedResponseError,
    EnomNotFoundError,
    EnomOutcomeUnknownError,
    EnomReadTimeoutError,
    Timeouts,
    UccDomain,
)
from pmenomssl.sandbox.enom import EnomSandbox
from pmenomssl.transport.calls import RetryPolicy

from .conftest import make_csr

CONTACT = Contact(
    first_name="Ann",
    last_name="Lee",
    org_name="Example Org",
    job_title="CTO",
    address1="1 Main St",
    address2="",
    city="Austin",
    state="TX",
    postal_code="78701",
    country="US",
    phone="+1.5125550100",
    email="ann@example.com",
)
CONTACTS = {"Admin": CONTACT, "Tech": CONTACT, "Billing": CONTACT}
FAST = RetryPolicy(attempts=3, wait_initial=0.01, wait_max=0.02)


@pytest.fixture
def client(sb: EnomSandbox) -> Iterator[EnomClient]:
    with EnomClient(sb.url, sb.uid, sb.pw, retry=FAST, timeouts=Timeouts(2, 5, 5)) as c:
        yield c


def test_client_full_cycle(
    sb: EnomSandbox, client: EnomClient, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    assert client.get_balance().available == Decimal("5000.00")
    products = {p.code: p for p in client.get_certs()}
    rapid = products["certificate-rapidssl-rapidssl"]
    assert (
        rapid.prod_type == 23 and rapid.reseller_price == Decimal("9.95") and rapid.years == (1, 2)
    )

    bought = client.purchase_services("certificate-rapidssl-rapidssl")
    assert client.get_balance().available == Decimal("4990.05")
    csr = make_csr(rsa_keys[0], "www.example.com", ("www.example.com", "example.com"))
    parsed = client.parse_csr(bought.cert_id, csr)
    assert parsed.domain == "www.example.com" and parsed.country == "US"
    configured = client.configure_cert(
        bought.cert_id, csr=csr, web_server_type=18, contacts=CONTACTS
    )
    assert configured.cert_id == bought.cert_id and configured.prod_type == 23
    emails = [a.email for a in configured.approvers]
    assert "admin@example.com" in emails and {a.type for a in configured.approvers} == {"Generic"}
    listed = client.get_approver_emails(bought.cert_id, "example.com")
    assert listed[0].email == "admin@example.com"

    submitted = client.purchase_cert(bought.cert_id, approver_email="admin@example.com")
    assert submitted.approver_email == "admin@example.com" and submitted.ca_order_id
    pending = client.get_cert_detail(bought.cert_id)
    assert (pending.status_id, pending.status, pending.ssl_certificate) == (2, "Processing", "")
    issued = client.get_cert_detail(bought.cert_id)
    assert issued.status_id == 4 and issued.domain == "www.example.com"
    leaf = x509.load_pem_x509_certificate(issued.ssl_certificate.encode())
    # ExpirationDate is on ENOM's clock, 8 hours behind UTC by default (sandbox/enom/clock.py)
    behind = timedelta(hours=8)
    assert issued.expiration_date == leaf.not_valid_after_utc.replace(tzinfo=None) - behind
    assert x509.load_pem_x509_certificate(issued.ca_certs.encode()).subject == leaf.issuer
    assert issued.validity_months == 12 and issued.order_id == bought.order_id

    page = client.get_certs_page(page_size=10)
    assert [c.cert_id for c in page.certs] == [bought.cert_id] and page.total == 1
    assert page.certs[0].status_id == 4 and not page.certs[0].is_expired
    order = client.get_order_detail(bought.order_id)
    assert order.bill_amount == Decimal("9.95") and order.result.lower() == "true"
    client.resend_fulfillment_email(bought.cert_id)
    assert client.reissue_cert(bought.cert_id, make_csr(rsa_keys[1], "www.example.com")) == ""
    # API economy as the performance issue counts it.
    assert sb.calls["PurchaseServices"] == 1 and sb.calls["CertGetCertDetail"] == 2


def test_client_comodo_ucc_and_modify(
    sb: EnomSandbox, client: EnomClient, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    bought = client.purchase_services("certificate-comodo-ucc-dv")
    # the list names the CSR's domain too (WHMCS: "Include the CSR Domain")
    ucc = [
        UccDomain("ucc.example.com", "admin@example.com"),
        UccDomain("a.example.net", "admin@example.net"),
    ]
    csr = make_csr(rsa_keys[0], "ucc.example.com")
    client.configure_cert(bought.cert_id, csr=csr, web_server_type=1002, contacts=CONTACTS, ucc=ucc)
    client.purchase_cert(
        bought.cert_id,
        approver_email="admin@example.com",
        ucc=ucc,
        csr_fields={"CSROrganization": "Example Org"},
    )
    detail = client.get_cert_detail(bought.cert_id)
    assert detail.status_id == 9
    assert detail.domain_list == ("ucc.example.com", "a.example.net")
    assert (
        client.change_approver_email(bought.cert_id, "webmaster@example.com")
        == "webmaster@example.com"
    )
    assert client.resend_approver_email(bought.cert_id) == "webmaster@example.com"
    client.modify_order(bought.cert_id)
    assert client.get_cert_detail(bought.cert_id).status_id == 1


def test_client_pages_through_seeded_certs(sb: EnomSandbox, client: EnomClient) -> None:
    sb.state.seed_certificates(1_000)
    ids = [c.cert_id for c in client.iter_certs(page_size=250, descending=False)]
    assert len(ids) == len(set(ids)) == 1_000
    assert sb.calls["CertGetCerts"] == 4


def test_client_error_classes(sb: EnomSandbox, client: EnomClient) -> None:
    with pytest.raises(EnomNotFoundError):
        client.get_cert_detail("424242")
    bought = client.purchase_services("certificate-rapidssl-rapidssl")
    with pytest.raises(EnomInvalidCsrError) as invalid:
        client.configure_cert(bought.cert_id, csr="garbage", web_server_type=18, contacts=CONTACTS)
    assert "Unable to parse CSR" in invalid.value.desc
    sb.state.available_balance = Decimal("1.00")
    with pytest.raises(EnomInsufficientFundsError):
        client.purchase_services("certificate-rapidssl-rapidssl")
    sb.state.ip_allowlist = {"192.0.2.7"}
    with pytest.raises(EnomIpNotAllowedError) as ip:
        client.get_balance()
    assert ip.value.ip == "127.0.0.1"
    sb.state.ip_allowlist = None
    with EnomClient(sb.url, sb.uid, "wrong", retry=FAST) as bad, pytest.raises(EnomAuthError):
        bad.get_balance()


@pytest.mark.parametrize("kind", ["bad_credentials", "ip_not_allowed"])
def test_client_on_auth_faults(sb: EnomSandbox, client: EnomClient, kind: str) -> None:
    sb.faults.add(kind, command="GetBalance")
    expected = EnomAuthError if kind == "bad_credentials" else EnomIpNotAllowedError
    with pytest.raises(expected):
        client.get_balance()
    assert client.get_balance().available == Decimal("5000.00")


@pytest.mark.parametrize(
    "kind",
    [
        "http_500",
        "html_page",
        "truncated",
        "empty",
        "wrong_root",
        "done_missing",
        "reset_before",
        "reset_after",
        "partial",
        "huge",
    ],
)
def test_client_retries_reads_through_one_fault(
    sb: EnomSandbox, client: EnomClient, kind: str
) -> None:
    sb.faults.add(kind, command="GetBalance", times=1, size=12_000_000)
    assert client.get_balance().available == Decimal("5000.00")
    assert sb.calls["GetBalance"] == 2


@pytest.mark.parametrize(
    "kind", ["http_500", "truncated", "wrong_root", "done_missing", "empty", "huge"]
)
def test_client_gives_up_on_persistent_bad_answers(
    sb: EnomSandbox, client: EnomClient, kind: str
) -> None:
    sb.faults.add(kind, command="GetBalance", times=None, size=12_000_000)
    with pytest.raises(EnomMalformedResponseError):
        client.get_balance()
    assert sb.calls["GetBalance"] == 3


@pytest.mark.parametrize(
    ("kind", "charged"),
    [
        ("reset_after", True),
        ("partial", True),
        ("truncated", True),
        ("done_missing", True),
        ("reset_before", False),
        ("http_500", False),
    ],
)
def test_client_never_repeats_a_purchase_whose_answer_was_lost(
    sb: EnomSandbox, client: EnomClient, kind: str, charged: bool
) -> None:
    sb.faults.add(kind, command="PurchaseServices")
    with pytest.raises(EnomOutcomeUnknownError):
        client.purchase_services("certificate-rapidssl-rapidssl")
    assert sb.calls["PurchaseServices"] == 1
    assert len(sb.purchases) == (1 if charged else 0)
    if charged:  # what the caller's reconciliation finds
        newest = client.get_certs_page(page_size=1).certs[0]
        assert int(newest.cert_id) == sb.purchases[0].cert_id and newest.status_id == 1


def test_client_read_timeout(sb: EnomSandbox) -> None:
    sb.faults.add("delay", seconds=0.6, times=None)
    with EnomClient(
        sb.url, sb.uid, sb.pw, retry=RetryPolicy(attempts=1), timeouts=Timeouts(1, 0.2, 0.2)
    ) as slow:
        with pytest.raises(EnomReadTimeoutError):
            slow.get_balance()
        with pytest.raises(EnomOutcomeUnknownError):
            slow.purchase_services("certificate-rapidssl-rapidssl")
    assert len(sb.purchases) == 1
