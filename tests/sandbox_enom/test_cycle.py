"""The sandbox over real HTTP: the full purchase -> configure -> submit -> issued cycle and the
rules around it, asserted on the exact XML shapes of the reference (enom-api.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pmenomssl.sandbox.ca import CA_COMMON_NAME
from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.enom import EnomSandbox

from .conftest import Api, buy_and_configure, contacts, make_csr


def _spki(key: rsa.RSAPrivateKey | x509.Certificate) -> bytes:
    public = key.public_key()
    return public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _verify(leaf: x509.Certificate, ca_cert: x509.Certificate) -> None:
    ca_key = ca_cert.public_key()
    assert isinstance(ca_key, rsa.RSAPublicKey)
    assert leaf.signature_hash_algorithm is not None
    ca_key.verify(
        leaf.signature,
        leaf.tbs_certificate_bytes,
        padding.PKCS1v15(),
        leaf.signature_hash_algorithm,
    )
    assert leaf.issuer == ca_cert.subject


def test_full_cycle_dv(sb: EnomSandbox, api: Api, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    key = rsa_keys[0]
    root = api.ok("GetBalance")
    assert root.findtext("Balance") == "5,000.00"
    assert root.findtext("AvailableBalance") == "5,000.00"

    products = api.ok("GetCerts")
    codes = [c.findtext("ProdCode") for c in products.find("GetCerts/Certs")]
    assert "certificate-rapidssl-rapidssl" in codes
    assert products.find("GetCerts/Certs")[0].tag == "Cert1"
    assert products.findtext("GetCerts/Certs/Cert1/ResellerPrice") == "$9.95"

    bought = api.ok("PurchaseServices", Service="Certificate-RapidSSL-RapidSSL", NumYears=1)
    cert_id = bought.findtext("CertID")
    order_id = bought.findtext("OrderID")
    assert cert_id and order_id
    assert api.ok("GetBalance").findtext("AvailableBalance") == "4,990.05"
    assert [(p.cert_id, p.price) for p in sb.purchases] == [(int(cert_id), Decimal("9.95"))]

    detail = api.ok("CertGetCertDetail", CertID=cert_id)
    assert detail.findtext("CertGetCertDetail/CertStatusID") == "1"
    assert detail.findtext("CertGetCertDetail/CertStatus") == "Awaiting Configuration"

    csr = make_csr(key, "www.example.com", ("www.example.com", "example.com"))
    configured = api.ok(
        "CertConfigureCert", CertID=cert_id, WebServerType=18, CSR=csr, **contacts()
    )
    body = configured.find("CertConfigureCert")
    assert body.findtext("CertID") == cert_id
    assert body.findtext("ProdType") == "23"
    assert body.findtext("CSRData/DomainName") == "www.example.com"
    assert body.findtext("CSRData/Organization") == "Example Org"
    assert body.findtext("Success") == "True"
    approvers = [a.findtext("ApproverEmail") for a in body.iterfind("Approver")]
    assert "admin@www.example.com" in approvers
    assert "webmaster@example.com" in approvers
    assert {a.get("Type") for a in body.iterfind("Approver")} == {"Generic", "Manual"}

    listed = api.ok("CertGetApproverEmail", CertID=cert_id, Domain="example.com")
    wrapper = listed.find("CertGetApproverEMail")
    assert wrapper is not None, "the wrapper is CertGetApproverEMail with a capital M"
    assert [a.findtext("ApproverEmail") for a in wrapper.iterfind("Approver")][:5] == [
        "admin@example.com",
        "administrator@example.com",
        "hostmaster@example.com",
        "postmaster@example.com",
        "webmaster@example.com",
    ]

    errors, _ = api.error("CertPurchaseCert", CertID=cert_id, ApproverEmail="me@gmail.com")
    assert "not an approver address" in errors[0]
    submitted = api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    assert submitted.findtext("CertPurchaseCert/Success") == "True"
    assert submitted.findtext("CertPurchaseCert/GeoTrustOrderID")
    assert submitted.findtext("CertPurchaseCert/CertID") == cert_id

    first = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert (first.findtext("CertStatusID"), first.findtext("CertStatus")) == ("2", "Processing")
    assert first.findtext("SSLCertificate") == ""
    second = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert (second.findtext("CertStatusID"), second.findtext("CertStatus")) == (
        "4",
        "Certificate Issued",
    )
    assert second.findtext("ApproverEmail") == "admin@example.com"
    assert second.findtext("AdminPhone") == "+1.5125550100"
    assert second.findtext("AdminStateProvince") == "TX"
    assert second.findtext("AdminStateProvinceChoice") == "S"
    assert "BEGIN CERTIFICATE REQUEST" in second.findtext("CSR")

    leaf = x509.load_pem_x509_certificate(second.findtext("SSLCertificate").encode())
    ca_cert = x509.load_pem_x509_certificate(second.findtext("CACerts").encode())
    assert ca_cert.subject.rfc4514_string().endswith(f"CN={CA_COMMON_NAME}") or (
        CA_COMMON_NAME in ca_cert.subject.rfc4514_string()
    )
    _verify(leaf, ca_cert)
    assert _spki(leaf) == _spki(key), "issued for the CSR's key"
    cn = leaf.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value
    assert cn == "www.example.com"
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(sans.get_values_for_type(x509.DNSName)) == {"www.example.com", "example.com"}
    validity = leaf.not_valid_after_utc - leaf.not_valid_before_utc
    assert datetime.timedelta(days=365) <= validity <= datetime.timedelta(days=366)
    expiration = datetime.datetime.strptime(
        second.findtext("ExpirationDate"), "%m/%d/%Y %I:%M:%S %p"
    )
    # on ENOM's clock, 8 hours behind UTC by default (sandbox/enom/clock.py)
    behind = datetime.timedelta(hours=8)
    assert expiration == leaf.not_valid_after_utc.replace(tzinfo=None) - behind

    page = api.ok("CertGetCerts", PagingPageSize=10)
    cert = page.find("CertGetCerts/Certs/Cert")
    assert cert.findtext("CertID") == cert_id
    assert cert.findtext("CertStatusID") == "4"
    assert cert.findtext("DomainName") == "www.example.com"
    assert page.findtext("CertGetCerts/Certs/TotalRecords") == "1"
    assert page.findtext("TotalCertCount") == "1"

    order = api.ok("GetOrderDetail", OrderID=order_id)
    assert order.findtext("Order/Result") == "true"
    assert order.findtext("Order/OrderBillAmount") == "$9.95"
    assert sb.calls["CertGetCertDetail"] == 3
    assert sb.calls["PurchaseServices"] == 1


def test_get_and_case_insensitive_parameters(sb: EnomSandbox) -> None:
    response = httpx.get(
        sb.url.replace("interface.asp", "Interface.asp"),
        params={"UID": sb.uid, "PW": sb.pw, "Command": "GETBALANCE", "responsetype": "xml"},
    )
    assert response.status_code == 200
    assert b"<Balance>5,000.00</Balance>" in response.content
    assert response.content.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<interface-response>'
    )


def test_comodo_goes_through_approval_email_sent(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    cert_id = buy_and_configure(
        api, rsa_keys[1], "shop.example.org", "certificate-comodo-essential", web_server_type=1002
    )
    submitted = api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.org")
    assert submitted.findtext("CertPurchaseCert/GeoTrustOrderID") == ""
    detail = api.ok("CertGetCertDetail", CertID=cert_id)
    assert detail.findtext("CertGetCertDetail/CertStatusID") == "9"
    assert detail.findtext("CertGetCertDetail/CertStatus") == "Approval Email Sent"
    changed = api.ok(
        "CertChangeApproverEmail", CertID=cert_id, ApproverEmail="webmaster@shop.example.org"
    )
    assert changed.findtext("CertChangeApproverEmail/ApproverEmail") == "webmaster@shop.example.org"
    resent = api.ok("CertResendApproverEmail", CertID=cert_id)
    assert resent.findtext("CertResendApproverEmail/Success") == "true"
    # Sectigo/Comodo has no DNS/File validation through the API, and no API reissue.
    assert (
        api.ok("CertGetCertDetail", CertID=cert_id).findtext("CertGetCertDetail/CertStatusID")
        == "4"
    )
    errors, numbers = api.error(
        "CertReissueCert", CertID=cert_id, CSR=make_csr(rsa_keys[2], "shop.example.org")
    )
    assert "support" in errors[0] and numbers == ["706397"]


def test_web_server_type_must_match_the_brand(api: Api, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    cert_id = api.ok("PurchaseServices", Service="certificate-comodo-essential").findtext("CertID")
    errors, _ = api.error(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "a.example.com"),
        **contacts(),
    )
    assert "WebServerType 18" in errors[0]


def test_dns_validation_for_rapidssl_only(api: Api, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    cert_id = buy_and_configure(api, rsa_keys[0], "dns.example.com")
    submitted = api.ok("CertPurchaseCert", CertID=cert_id, DVAuthMethod="DNS")
    body = submitted.find("CertPurchaseCert")
    assert body.findtext("DVAuthMethod") == "DNS"
    assert body.findtext("DNSAuthEntry").startswith("s")
    assert body.findtext("DNSAuthAddress").endswith(".dns.example.com")
    detail = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert detail.findtext("DNSAuthAddress") == body.findtext("DNSAuthAddress")
    errors, _ = api.error("CertResendApproverEmail", CertID=cert_id)
    assert "DNS validation" in errors[0]

    comodo = buy_and_configure(
        api, rsa_keys[0], "c.example.com", "certificate-comodo-essential", web_server_type=1002
    )
    errors, _ = api.error("CertPurchaseCert", CertID=comodo, DVAuthMethod="File")
    assert "not available" in errors[0]
    file_cert = buy_and_configure(
        api, rsa_keys[0], "f.example.com", "certificate-geotrust-quickssl"
    )
    body = api.ok("CertPurchaseCert", CertID=file_cert, DVAuthMethod="file").find(
        "CertPurchaseCert"
    )
    assert (
        body.findtext("FileAuthName")
        == "http://f.example.com/.well-known/pki-validation/fileauth.txt"
    )
    assert body.findtext("FileAuthContents")


def test_bad_csr_is_the_documented_two_error_answer(api: Api) -> None:
    cert_id = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl").findtext("CertID")
    for garbage in (
        "not a csr",
        "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
    ):
        errors, numbers = api.error(
            "CertConfigureCert", CertID=cert_id, WebServerType=18, CSR=garbage, **contacts()
        )
        assert errors == ["500 - Unable to parse CSR.", "Unable to retrieve CSR information"]
        assert numbers == ["620397"]
    errors, _ = api.error("CertParseCSR", CertID=cert_id, CSR="garbage")
    assert errors[0] == "500 - Unable to parse CSR."


def test_parse_csr_accepts_new_header_and_indentation(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    cert_id = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl").findtext("CertID")
    csr = make_csr(rsa_keys[0], "Parse.Example.com", new_header=True)
    csr = "\r\n".join("  " + line for line in csr.splitlines())
    parsed = api.ok("CertParseCSR", CertID=cert_id, CSR=csr).find("CertParseCSR")
    assert parsed.findtext("DomainName") == "parse.example.com"
    assert parsed.findtext("Country") == "US"
    assert parsed.findtext("Locality") == "kirkland"
    assert parsed.findtext("HasBadExtensions") == "False"


def test_weak_key_and_wildcard_rules(api: Api, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - on purpose
    cert_id = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl").findtext("CertID")
    errors, _ = api.error(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=make_csr(weak, "weak.example.com"),
        **contacts(),
    )
    assert errors[0] == "500 - Unable to parse CSR."
    errors, _ = api.error(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "*.example.com"),
        **contacts(),
    )
    assert "wildcard" in errors[0]
    wild = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl-wildcard").findtext(
        "CertID"
    )
    errors, _ = api.error(
        "CertConfigureCert",
        CertID=wild,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "www.example.com"),
        **contacts(),
    )
    assert "wildcard" in errors[0]
    configured = api.ok(
        "CertConfigureCert",
        CertID=wild,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "*.example.com"),
        **contacts(),
    )
    approvers = [
        a.findtext("ApproverEmail") for a in configured.iterfind("CertConfigureCert/Approver")
    ]
    assert approvers[0] == "admin@example.com"


def test_contact_validation(api: Api, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    cert_id = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl").findtext("CertID")
    csr = make_csr(rsa_keys[0], "www.example.com")
    # A raw "+" decodes as a space: the phone must arrive as "+1.5125550100".
    errors, numbers = api.error(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=csr,
        **contacts(Phone=" 1.5125550100"),
    )
    assert errors == ["Parameter value range error - 7037 - Invalid telephone number format."]
    assert numbers == ["304148"]
    params = contacts()
    del params["TechEmailAddress"]
    errors, numbers = api.error(
        "CertConfigureCert", CertID=cert_id, WebServerType=18, CSR=csr, **params
    )
    assert errors == ["TechEmailAddress is required"] and numbers == ["301147"]


def test_non_ascii_contacts_fail_for_geotrust_family(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    cert_id = api.ok("PurchaseServices", Service="certificate-rapidssl-rapidssl").findtext("CertID")
    api.ok(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "www.example.com"),
        **contacts(City="Zürich"),
    )
    errors, _ = api.error("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    assert errors == ["Failure connecting to GeoTrust API"]
    comodo = api.ok("PurchaseServices", Service="certificate-comodo-essential").findtext("CertID")
    api.ok(
        "CertConfigureCert",
        CertID=comodo,
        WebServerType=1002,
        CSR=make_csr(rsa_keys[0], "www.example.com"),
        **contacts(City="Zürich"),
    )
    api.ok("CertPurchaseCert", CertID=comodo, ApproverEmail="admin@example.com")


def test_modify_order_returns_to_awaiting_configuration(
    api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    cert_id = buy_and_configure(api, rsa_keys[0])
    errors, _ = api.error("CertModifyOrder", CertID=cert_id)
    assert "cannot be modified" in errors[0] or "can be modified" in errors[0]
    api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    errors, _ = api.error(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "www.example.com"),
        **contacts(),
    )
    assert "CertModifyOrder" in errors[0]
    modified = api.ok("CertModifyOrder", CertID=cert_id)
    assert modified.findtext("CertModifyOrder/CertID") == cert_id
    detail = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert detail.findtext("CertStatusID") == "1"
    errors, _ = api.error("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    assert "CertConfigureCert" in errors[0]
    # It can be configured again, even for another domain.
    api.ok(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=18,
        CSR=make_csr(rsa_keys[1], "other.example.net"),
        **contacts(),
    )
    api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.net")


def test_reissue_geotrust_with_a_new_key(
    sb: EnomSandbox, api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    sb.state.policy.immediately = True
    cert_id = buy_and_configure(api, rsa_keys[0], "re.example.com")
    api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    before = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert before.findtext("CertStatusID") == "4"
    old = x509.load_pem_x509_certificate(before.findtext("SSLCertificate").encode())

    errors, _ = api.error(
        "CertReissueCert", CertID=cert_id, CSR=make_csr(rsa_keys[1], "other.example.com")
    )
    assert "new purchase" in errors[0]
    reissued = api.ok(
        "CertReissueCert", CertID=cert_id, CSR=make_csr(rsa_keys[1], "re.example.com")
    )
    assert reissued.findtext("Success") == "True"
    after = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    new = x509.load_pem_x509_certificate(after.findtext("SSLCertificate").encode())
    assert _spki(new) == _spki(rsa_keys[1]) != _spki(old)
    assert new.not_valid_after_utc == old.not_valid_after_utc
    assert after.findtext("ReissueStatus") == "Reissued"
    assert api.ok("CertResendFulfillmentEmail", CertID=cert_id).findtext("Success") == "True"


def test_issue_policies(sb: EnomSandbox, api: Api, rsa_keys: list[rsa.RSAPrivateKey]) -> None:
    sb.state.policy.polls_before_issue = 0
    first = buy_and_configure(api, rsa_keys[0], "p0.example.com")
    api.ok("CertPurchaseCert", CertID=first, ApproverEmail="admin@example.com")
    assert (
        api.ok("CertGetCertDetail", CertID=first).findtext("CertGetCertDetail/CertStatusID") == "4"
    )

    sb.state.policy.polls_before_issue = None
    sb.state.policy.seconds_before_issue = 0.2
    timed = buy_and_configure(api, rsa_keys[0], "t.example.com")
    api.ok("CertPurchaseCert", CertID=timed, ApproverEmail="admin@example.com")
    assert (
        api.ok("CertGetCertDetail", CertID=timed).findtext("CertGetCertDetail/CertStatusID") == "2"
    )
    import time

    time.sleep(0.25)
    listed = api.ok("CertGetCerts", DomainNameContains="t.example")
    assert listed.findtext("CertGetCerts/Certs/Cert/CertStatusID") == "4"

    sb.state.policy.reject_domains = {"bad.example.com"}
    sb.state.policy.immediately = True
    rejected = buy_and_configure(api, rsa_keys[0], "bad.example.com")
    api.ok("CertPurchaseCert", CertID=rejected, ApproverEmail="admin@bad.example.com")
    detail = api.ok("CertGetCertDetail", CertID=rejected).find("CertGetCertDetail")
    assert (detail.findtext("CertStatusID"), detail.findtext("CertStatus")) == (
        "6",
        "Rejected by Customer",
    )
    # Rejected orders can be configured and submitted again.
    sb.state.policy.reject_domains = set()
    api.ok(
        "CertConfigureCert",
        CertID=rejected,
        WebServerType=18,
        CSR=make_csr(rsa_keys[0], "bad.example.com"),
        **contacts(),
    )
    api.ok("CertPurchaseCert", CertID=rejected, ApproverEmail="admin@bad.example.com")
    assert (
        api.ok("CertGetCertDetail", CertID=rejected).findtext("CertGetCertDetail/CertStatusID")
        == "4"
    )


def test_ucc_domains_become_sans(
    sb: EnomSandbox, api: Api, rsa_keys: list[rsa.RSAPrivateKey]
) -> None:
    sb.state.policy.immediately = True
    cert_id = buy_and_configure(
        api,
        rsa_keys[0],
        "ucc.example.com",
        "certificate-comodo-ucc-dv",
        web_server_type=1002,
        DomainListNumber=3,
        UCCDomainList1="ucc.example.com",
        UCCDomainList2="a.example.net",
        UCCDomainList3="b.example.org",
        UCCEmailList1="admin@example.com",
        UCCEmailList2="admin@example.net",
        UCCEmailList3="admin@example.org",
    )
    api.ok("CertPurchaseCert", CertID=cert_id, ApproverEmail="admin@example.com")
    detail = api.ok("CertGetCertDetail", CertID=cert_id).find("CertGetCertDetail")
    assert [d.text for d in detail.iterfind("DomainList/Domain")] == [
        "ucc.example.com",
        "a.example.net",
        "b.example.org",
    ]
    leaf = x509.load_pem_x509_certificate(detail.findtext("SSLCertificate").encode())
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(names.get_values_for_type(x509.DNSName)) == {
        "ucc.example.com",
        "a.example.net",
        "b.example.org",
    }


def test_not_found_unknown_command_and_unknown_order(api: Api) -> None:
    errors, numbers = api.error("CertGetCertDetail", CertID=999)
    assert "not found" in errors[0] and numbers == ["316397"]
    errors, numbers = api.error("CertFrobnicate")
    assert errors == ["Invalid command: CertFrobnicate"] and numbers == []
    order = api.ok("GetOrderDetail", OrderID=123)
    assert order.findtext("Order/Result") == "False"
    errors, _ = api.error("PurchaseServices", Service="certificate-nope")
    assert "Invalid product type" in errors[0]
    errors, _ = api.error("PurchaseServices", Service="certificate-rapidssl-rapidssl", NumYears=5)
    assert "NumYears 5" in errors[0]


def test_credentials_and_ip_allow_list(sb: EnomSandbox, api: Api) -> None:
    response = httpx.post(sb.url, data={"uid": sb.uid, "pw": "wrong", "command": "GetBalance"})
    assert response.status_code == 200
    assert b"<Err1>Bad User name or Password</Err1>" in response.content
    assert b"<ResponseNumber>304155</ResponseNumber>" in response.content

    sb.state.ip_allowlist = {"192.0.2.1"}
    errors, numbers = api.error("GetBalance")
    assert errors[0].startswith(
        "User not permitted from this IP address - 127.0.0.1. See Whitelisting your IP"
    )
    assert numbers == ["713254"]
    sb.state.ip_allowlist.add("127.0.0.1")
    api.ok("GetBalance")


@pytest.mark.parametrize("command", ["CertGetCertDetail", "CertPurchaseCert", "CertModifyOrder"])
def test_missing_cert_id(api: Api, command: str) -> None:
    errors, numbers = api.error(command)
    assert errors == ["CertID is required"] and numbers == ["301397"]


def test_add_months_clamps() -> None:
    assert add_months(datetime.datetime(2024, 1, 31), 1) == datetime.datetime(2024, 2, 29)
    assert add_months(datetime.datetime(2024, 11, 15), 14) == datetime.datetime(2026, 1, 15)
