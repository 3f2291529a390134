"""Fixtures for the upstream-BILLmanager sandbox tests: a running sandbox, a tiny API caller
over real loopback HTTP (httpx, no client package), CSRs."""

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

from pmenomssl.sandbox.upstream import UpstreamSandbox
from pmenomssl.upstream import functions


class Api:
    """POSTs form-encoded functions to the sandbox, as the client does, and parses the XML."""

    def __init__(self, up: UpstreamSandbox, http: httpx.Client) -> None:
        self.up = up
        self.http = http
        self.authinfo = f"{up.username}:{up.password}"

    def raw(self, func: str, **params: object) -> httpx.Response:
        data = {"authinfo": self.authinfo, "out": "xml", "lang": "en", "func": func}
        data.update({k: str(v) for k, v in params.items()})
        return self.http.post(self.up.url, data=data)

    def call(self, func: str, **params: object) -> etree._Element:
        response = self.raw(func, **params)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/xml")
        root = etree.fromstring(response.content)
        assert root.tag == "doc"
        return root

    def ok(self, func: str, **params: object) -> etree._Element:
        root = self.call(func, **params)
        error = root.find("error")
        assert error is None, etree.tostring(error, encoding="unicode")
        return root

    def error(self, func: str, **params: object) -> tuple[str, str, str]:
        """(type, object, msg) of a refused call; asserts the error document's shape."""
        root = self.call(func, **params)
        error = root.find("error")
        assert error is not None, etree.tostring(root, encoding="unicode")
        assert len(root) == 1, "an error document holds the error only"
        return error.get("type", ""), error.get("object", ""), error.findtext("msg") or ""

    def order(self, itemtype: str, pricelist: str, period: int, **params: object) -> str:
        """A paid order of a non-certificate service, with the fields its order function
        requires (functions.py); returns the upstream id."""
        fields: dict[str, object] = {
            "pricelist": pricelist,
            functions.order_period_field(itemtype): period,
            "autoprolong": functions.autoprolong_off(itemtype),
            "clicked_button": "finish",
            "skipbasket": "on",
            "sok": "ok",
        }
        if functions.requires_datacenter(itemtype):
            fields["datacenter"] = "1"
        fields.update(params)
        service_id = self.ok(functions.order_func(itemtype), **fields).findtext("id")
        assert service_id and service_id.isdigit()
        return service_id

    def rows(self, itemtype: str, **params: object) -> list[dict[str, str]]:
        """One list reply's rows as dicts (column -> text)."""
        root = self.ok(itemtype, **params)
        return [{child.tag: child.text or "" for child in elem} for elem in root.iter("elem")]


@pytest.fixture
def up() -> Iterator[UpstreamSandbox]:
    with UpstreamSandbox(balance=Decimal("10000.00"), currency="RUB") as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


@pytest.fixture
def api(up: UpstreamSandbox, http: httpx.Client) -> Api:
    return Api(up, http)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    """One RSA key for the session (generating keys is the slow part)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_csr(key: rsa.RSAPrivateKey, cn: str, sans: tuple[str, ...] = ()) -> str:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example LLC"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False
        )
    return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM).decode()
