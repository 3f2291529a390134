"""parse_certificate, split_pem_chain, bundle and key/CSR matching on a real three-level PKI."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from pmenomssl.errors import ModuleError
from pmenomssl.ssl import (
    CertificateError,
    CsrError,
    PrivateKeyError,
    bundle,
    csr_matches_certificate,
    key_matches_certificate,
    parse_certificate,
    split_pem_chain,
)
from tests.ssl.factory import Pki, build_certificate, build_csr, key_pem


def cdata_style(*pems: str) -> str:
    """How ENOM returns PEM inside CDATA: indented lines, CRLF, blank lines around."""
    lines = [" " * 8 + line for pem in pems for line in pem.splitlines()]
    return "\r\n\r\n" + "\r\n".join(lines) + "   \r\n"


def test_parse_certificate_fields(pki: Pki) -> None:
    info = parse_certificate(pki.leaf)
    assert info.subject_cn == "example.com"
    assert info.issuer_cn == "Test Intermediate"
    assert info.sans == ("example.com", "www.example.com")
    assert info.serial == 123456789
    assert info.not_before == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    assert info.not_after == info.not_before + datetime.timedelta(days=90)
    assert info.not_after.utcoffset() == datetime.timedelta(0)
    assert info.pem == pki.leaf
    cert = x509.load_pem_x509_certificate(pki.leaf.encode())
    assert info.fingerprint_sha256 == cert.fingerprint(cert.signature_hash_algorithm).hex()  # type: ignore[arg-type]


def test_parse_certificate_takes_the_first_of_a_chain_in_cdata_style(pki: Pki) -> None:
    info = parse_certificate(cdata_style(pki.leaf, pki.intermediate))
    assert info.subject_cn == "example.com"
    assert info.pem == pki.leaf


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "holds no certificate"),
        ("hello world", "holds no certificate"),
        ("-----BEGIN CERTIFICATE-----\nMIIB\n", "is incomplete"),
        (
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
            "not valid base64",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "damaged or not an X.509 certificate",
        ),
    ],
)
def test_parse_certificate_errors(text: str, expected: str) -> None:
    with pytest.raises(CertificateError, match=expected) as caught:
        parse_certificate(text)
    assert isinstance(caught.value, ModuleError)
    assert caught.value.error_type == "invalid_certificate"


def test_parse_certificate_refuses_a_csr(rsa2048: rsa.RSAPrivateKey) -> None:
    with pytest.raises(CertificateError, match="is a certificate signing request"):
        parse_certificate(build_csr(rsa2048, "example.com"))


def test_split_pem_chain_normalises_each_block(pki: Pki) -> None:
    text = cdata_style(pki.leaf, pki.intermediate) + "\n garbage between \n" + pki.root
    assert split_pem_chain(text) == [pki.leaf, pki.intermediate, pki.root]
    assert all(block.endswith("-----END CERTIFICATE-----\n") for block in split_pem_chain(text))


def test_split_pem_chain_of_nothing_is_empty(pki: Pki) -> None:
    assert split_pem_chain("") == []
    assert split_pem_chain("   \r\n") == []
    assert split_pem_chain(key_pem(pki.leaf_key)) == []  # other blocks are skipped


def test_split_pem_chain_damaged_block_says_which(pki: Pki) -> None:
    broken = pki.intermediate.replace(pki.intermediate.splitlines()[3], "*" * 64)
    with pytest.raises(CertificateError, match="Certificate 2 of 2 is damaged"):
        split_pem_chain(pki.leaf + broken)


def test_bundle_orders_dedupes_and_drops_the_root(pki: Pki) -> None:
    chain = cdata_style(pki.root, pki.intermediate, pki.leaf, pki.intermediate)
    result = bundle(pki.leaf, chain)
    assert result == pki.leaf + pki.intermediate
    assert result.endswith("\n")


def test_bundle_puts_intermediates_in_issuing_order(
    ec_keys: dict[str, ec.EllipticCurvePrivateKey], rsa2048: rsa.RSAPrivateKey
) -> None:
    root_key, mid_key, low_key = ec_keys["p384"], ec_keys["p256"], ec_keys["p521"]
    mid = build_certificate(mid_key, "Mid CA", root_key, "Root CA", ca=True)
    low = build_certificate(low_key, "Low CA", mid_key, "Mid CA", ca=True)
    leaf = build_certificate(rsa2048, "example.com", low_key, "Low CA")
    unrelated = build_certificate(rsa2048, "Other CA", root_key, "Elsewhere", ca=True)
    assert bundle(leaf, unrelated + mid + low) == leaf + low + mid + unrelated


def test_bundle_accepts_a_leaf_that_already_carries_its_chain(pki: Pki) -> None:
    assert bundle(pki.leaf + pki.intermediate, "") == pki.leaf + pki.intermediate


def test_bundle_needs_a_leaf(pki: Pki) -> None:
    with pytest.raises(CertificateError, match="leaf certificate text holds no certificate"):
        bundle("", pki.intermediate)


def test_key_matches_certificate(pki: Pki, rsa2048_other: rsa.RSAPrivateKey) -> None:
    assert key_matches_certificate(key_pem(pki.leaf_key), pki.leaf)
    assert not key_matches_certificate(key_pem(rsa2048_other), pki.leaf)
    traditional = pki.leaf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    assert key_matches_certificate(cdata_style(traditional), cdata_style(pki.leaf))


def test_key_errors(pki: Pki) -> None:
    encrypted = pki.leaf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    ).decode()
    with pytest.raises(PrivateKeyError, match="encrypted with a passphrase") as caught:
        key_matches_certificate(encrypted, pki.leaf)
    assert caught.value.error_type == "invalid_private_key"
    with pytest.raises(PrivateKeyError, match="holds no private key"):
        key_matches_certificate(pki.leaf, pki.leaf)
    damaged = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    with pytest.raises(PrivateKeyError, match="damaged"):
        key_matches_certificate(damaged, pki.leaf)


def test_csr_matches_certificate(pki: Pki, rsa2048_other: rsa.RSAPrivateKey) -> None:
    assert csr_matches_certificate(build_csr(pki.leaf_key, "example.com"), pki.leaf)
    assert not csr_matches_certificate(build_csr(rsa2048_other, "example.com"), pki.leaf)
    with pytest.raises(CsrError):
        csr_matches_certificate(pki.leaf, pki.leaf)


def test_public_key_matches_any_pem_kind(pki: Pki, rsa2048_other: rsa.RSAPrivateKey) -> None:
    info = parse_certificate(pki.leaf)
    public = (
        pki.leaf_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    assert info.public_key_matches(key_pem(pki.leaf_key))
    assert info.public_key_matches(build_csr(pki.leaf_key, "example.com"))
    assert info.public_key_matches(pki.leaf)
    assert info.public_key_matches(public)
    assert not info.public_key_matches(pki.intermediate)
    assert not info.public_key_matches(key_pem(rsa2048_other))


@settings(max_examples=200, deadline=None)
@given(st.text(), st.binary(max_size=300))
def test_random_input_only_ever_raises_certificate_error(text: str, der: bytes) -> None:
    armoured = (
        f"-----BEGIN CERTIFICATE-----\n{base64.b64encode(der).decode()}\n-----END CERTIFICATE-----"
    )
    # random text holds no certificate: nothing found, or refused; never a certificate
    try:
        found = split_pem_chain(text)
    except CertificateError:
        found = []
    assert found == []
    with pytest.raises(CertificateError):
        bundle(text, text)
    # random bytes in a certificate's armour are never accepted as one
    with pytest.raises(CertificateError):
        split_pem_chain(armoured)
    with pytest.raises(CertificateError):
        bundle(armoured, armoured)
