"""Fixtures for the ENOM sandbox tests: a running sandbox, CSRs, contacts and a tiny API caller."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from pmenomssl.sandbox.enom import EnomSandbox


@pytest.fixture(scope="session")
def rsa_keys() -> list[rsa.RSAPrivateKey]:
    """A few RSA keys, generated once (key generation is the slow part)."""
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3)]


def make_csr(
    key: rsa.RSAPrivateKey,
    cn: str,
    sans: tuple[str, ...] = (),
    *,
    org: str = "Example Org",
    new_header: bool = False,
) -> str:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "wa"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "kirkland"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "dev"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False
        )
    pem = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
    if new_header:
        pem = pem.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
    return pem


def contacts(**overrides: str) -> dict[str, str]:
    """Admin/Tech/Billing contact parameters as ENOM's CertConfigureCert wants them."""
    base = {
        "FName": "Ann",
        "LName": "Lee",
        "OrgName": "Example Org",
        "JobTitle": "CTO",
        "Address1": "1 Main St",
        "City": "Austin",
        "State": "TX",
        "PostalCode": "78701",
        "Country": "US",
        "Phone": "+1.5125550100",
        "EmailAddress": "ann@example.com",
    }
    base.update(overrides)
    return {
        kind + name: value for kind in ("Admin", "Tech", "Billing") for name, value in base.items()
    }


class Api:
    """POSTs form-encoded commands to the sandbox and parses the XML."""

    def __init__(self, sb: EnomSandbox, http: httpx.Client) -> None:
        self.sb = sb
        self.http = http

    def raw(self, command: str, **params: object) -> httpx.Response:
        data = {"uid": self.sb.uid, "pw": self.sb.pw, "command": command, "ResponseType": "XML"}
        data.update({k: str(v) for k, v in params.items()})
        return self.http.post(self.sb.url, data=data)

    def call(self, command: str, **params: object) -> etree._Element:
        response = self.raw(command, **params)
        assert response.status_code == 200
        return etree.fromstring(response.content)

    def ok(self, command: str, **params: object) -> etree._Element:
        root = self.call(command, **params)
        errors = [e.text for e in root.iterfind("errors/*")]
        assert root.findtext("ErrCount") == "0", errors
        assert root.findtext("Done") == "true"
        assert root.findtext("Command") == command.upper()
        return root

    def error(self, command: str, **params: object) -> tuple[list[str], list[str]]:
        """(Err texts, ResponseNumbers) of a failing command; asserts the error envelope."""
        root = self.call(command, **params)
        errors = [e.text or "" for e in root.iterfind("errors/*")]
        numbers = [n.text or "" for n in root.iterfind("responses/response/ResponseNumber")]
        assert root.tag == "interface-response"
        assert root.findtext("ErrCount") == str(len(errors)) != "0"
        assert root.findtext("ResponseCount") == str(len(numbers))
        assert root.findtext("Done") == "true"
        assert [e.tag for e in root.find("errors")] == [
            f"Err{i}" for i in range(1, len(errors) + 1)
        ]
        return errors, numbers


@pytest.fixture
def sb() -> Iterator[EnomSandbox]:
    with EnomSandbox(balance=Decimal("5000.00")) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    """One HTTP client for the session (creating one costs ~0.1 s of TLS set-up)."""
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def api(sb: EnomSandbox, http: httpx.Client) -> Api:
    return Api(sb, http)


def buy_and_configure(
    api: Api,
    key: rsa.RSAPrivateKey,
    cn: str = "www.example.com",
    product: str = "certificate-rapidssl-rapidssl",
    sans: tuple[str, ...] = (),
    web_server_type: int = 18,
    **extra: object,
) -> str:
    """PurchaseServices + CertConfigureCert; returns the CertID."""
    root = api.ok("PurchaseServices", Service=product, NumYears=1)
    cert_id = root.findtext("CertID")
    assert cert_id
    api.ok(
        "CertConfigureCert",
        CertID=cert_id,
        WebServerType=web_server_type,
        CSR=make_csr(key, cn, sans),
        **contacts(),
        **extra,
    )
    return cert_id
