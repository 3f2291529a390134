"""`parse_csr` reason by reason, on real CSRs, with the exact text a client sees (issue 17: the
in-process tests of `pmenomssl/ssl/csr_parsing.py`'s mutation run).

CSRs cryptography will not build (weak or unknown signature algorithms, duplicate extensions,
unknown key types, broken subjects) are real CSRs whose request info is changed and signed again
by hand (RFC 2986 4.2). Keys are made once, when the module is imported.
"""

from __future__ import annotations

import base64
import ipaddress
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from pmenomssl.ssl import CsrError, parse_csr
from tests.ssl.factory import _tlv, build_certificate, build_csr, key_pem

DATA = Path(__file__).parent / "data"
HINT = (
    "paste the whole CSR, from -----BEGIN CERTIFICATE REQUEST----- to -----END CERTIFICATE "
    "REQUEST----- inclusive"
)
SHA256_RSA = "2a864886f70d01010b"


# Made when the module is imported, so that the mutation run's fork server (which collects the
# tests once, then forks a process per mutant) makes them once, not once per mutant.
_RSA2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_P256 = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return _RSA2048


@pytest.fixture(scope="module")
def p256() -> ec.EllipticCurvePrivateKey:
    return _P256


def refused(text: str | bytes) -> list[str]:
    with pytest.raises(CsrError) as caught:
        parse_csr(text)
    return list(caught.value.problems)


def der(pem: str) -> bytes:
    return x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER)


def armour(data: bytes, label: str = "CERTIFICATE REQUEST") -> str:
    b64 = base64.b64encode(data).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def resign(
    pem: str,
    key: rsa.RSAPrivateKey,
    algorithm_hex: str = SHA256_RSA,
    *,
    null: bool = True,
    replace: tuple[bytes, bytes] = (b"", b""),
) -> str:
    """The CSR's request info (bytes replaced, same length) signed again with `key` (PKCS#1
    v1.5, SHA-256) under the signature algorithm `algorithm_hex` (the OID's DER content)."""
    tbs = x509.load_pem_x509_csr(pem.encode()).tbs_certrequest_bytes
    old, new = replace
    if old:
        assert len(old) == len(new) and tbs.count(old) == 1
        tbs = tbs.replace(old, new)
    signature = key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
    algorithm = _tlv(0x06, bytes.fromhex(algorithm_hex)) + (b"\x05\x00" if null else b"")
    return armour(_tlv(0x30, tbs + _tlv(0x30, algorithm) + _tlv(0x03, b"\x00" + signature)))


# --- the text: PEM, DER, bare base64, and what else people paste ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", f"The CSR is empty: {HINT}."),
        (" \r\n\t ", f"The CSR is empty: {HINT}."),
        ("hello", f"The text is not a CSR in PEM format: {HINT}."),
        ("TUlJQg==", f"The text is not a CSR in PEM format: {HINT}."),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n",
            "The CSR is incomplete: its -----END CERTIFICATE REQUEST----- line is missing; "
            f"{HINT}.",
        ),
        (
            "-----BEGIN NEW CERTIFICATE REQUEST-----\nMIIB\n",
            "The CSR is incomplete: its -----END CERTIFICATE REQUEST----- line is missing; "
            f"{HINT}.",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"
            "-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n",
            f"This is a PEM PUBLIC KEY block, not a CSR: {HINT}.",
        ),
        ("-----BEGIN PKCS7-----\nAAAA\n", f"This is a PEM PKCS7 block, not a CSR: {HINT}."),
        (
            "-----BEGIN X509 CERTIFICATE-----\nAAAA\n-----END X509 CERTIFICATE-----\n",
            f"This is a certificate, not a certificate signing request (CSR): {HINT}.",
        ),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\n%%%not base64***\n"
            "-----END CERTIFICATE REQUEST-----",
            "The CSR is damaged: the text between its BEGIN and END lines is not valid base64. "
            "Copy it again unchanged, or generate a new CSR.",
        ),
        (
            armour(b"definitely not DER"),
            "The CSR is damaged or is not a valid PKCS#10 certificate request: copy it again "
            "unchanged, or generate a new CSR.",
        ),
        (
            b"\x30\x03\x02\x01\x00",
            "The CSR is damaged or is not a valid PKCS#10 certificate request: copy it again "
            "unchanged, or generate a new CSR.",
        ),
    ],
)
def test_text_that_is_no_csr(text: str | bytes, expected: str) -> None:
    assert refused(text) == [expected]


PRIVATE_KEY = (
    "This is a private key, not a CSR. The private key must stay on your server: paste the CSR "
    "instead. If the key was sent or shared anywhere, generate a new key and CSR."
)


def test_a_private_key_whole_or_cut_never_quoted(key: rsa.RSAPrivateKey) -> None:
    pem = key_pem(key)
    assert refused(pem) == [PRIVATE_KEY]
    assert refused(pem.replace("PRIVATE KEY", "RSA PRIVATE KEY")) == [PRIVATE_KEY]
    assert refused(pem[: len(pem) // 2]) == [PRIVATE_KEY]  # no END line


def test_a_certificate_and_a_private_key_is_a_private_key(key: rsa.RSAPrivateKey) -> None:
    certificate = build_certificate(key, "example.com", key, "example.com")
    assert refused(certificate) == [
        f"This is a certificate, not a certificate signing request (CSR): {HINT}."
    ]
    assert refused(certificate + key_pem(key)) == [PRIVATE_KEY]


def test_a_csr_among_other_blocks_is_read(key: rsa.RSAPrivateKey) -> None:
    pem = build_csr(key, "example.com", ["example.com"])
    certificate = build_certificate(key, "example.com", key, "example.com")
    assert parse_csr(certificate + "\n" + pem).pem == pem


@pytest.mark.parametrize("count", [2, 3])
def test_more_than_one_csr(p256: ec.EllipticCurvePrivateKey, count: int) -> None:
    pem = build_csr(p256, "example.com")
    new = pem.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
    text = (pem + new + pem) if count == 3 else (pem + new)  # both labels count
    assert refused(text) == [f"The text contains {count} CSRs: paste only the one for this order."]


def test_der_bare_base64_and_pem_bytes_are_read(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = build_csr(p256, "example.com")
    raw = der(pem)
    for given in (
        raw,
        base64.b64encode(raw),
        base64.encodebytes(raw).decode(),
        b"\xff\xfe junk\n" + pem.encode(),
    ):
        info = parse_csr(given)
        assert (info.pem, info.names) == (pem, ("example.com",))


# --- the signature ------------------------------------------------------------------------------


def weak(name: str) -> str:
    return (
        f"The CSR is signed with {name}, which certificate authorities refuse: generate it again "
        "with SHA-256 (openssl req -new -sha256, or the panel's CSR generator)."
    )


@pytest.mark.parametrize(
    ("algorithm", "null", "name"),
    [
        ("2a864886f70d010105", True, "SHA-1"),  # sha1WithRSAEncryption
        ("2b0e03021d", True, "SHA-1"),  # sha1WithRSASignature (OIW)
        ("2a8648ce3d0401", False, "SHA-1"),  # ecdsa-with-SHA1
        ("2a8648ce380403", False, "SHA-1"),  # dsa-with-sha1
        ("2a864886f70d010104", True, "MD5"),
        ("2a864886f70d010103", True, "MD4"),
        ("2a864886f70d010102", True, "MD2"),
    ],
)
def test_weak_signature_algorithms_are_named(
    key: rsa.RSAPrivateKey, algorithm: str, null: bool, name: str
) -> None:
    # Only the algorithm's name is read: the signature itself is never checked.
    pem = resign(build_csr(key, "example.com"), key, algorithm, null=null)
    assert refused(pem) == [weak(name)]


def test_an_unknown_signature_algorithm_is_named_by_its_oid(key: rsa.RSAPrivateKey) -> None:
    pem = resign(build_csr(key, "example.com"), key, "2a864886f70d010163")
    assert refused(pem) == [
        "The CSR is signed with an algorithm certificate authorities do not accept "
        "(1.2.840.113549.1.1.99): generate it again with SHA-256 and an RSA or EC key."
    ]


def test_a_damaged_signature(key: rsa.RSAPrivateKey) -> None:
    raw = bytearray(der(build_csr(key, "example.com")))
    raw[-7] ^= 0x10
    assert refused(bytes(raw)) == [
        "The CSR's signature does not verify: it was changed or damaged after it was "
        "generated. Copy it again exactly as generated, or generate a new CSR."
    ]


def test_the_same_request_signed_again_properly_is_read(key: rsa.RSAPrivateKey) -> None:
    pem = build_csr(key, "example.com")
    assert parse_csr(resign(pem, key)).pem == pem


def test_a_key_of_an_unknown_kind(key: rsa.RSAPrivateKey) -> None:
    # rsaEncryption (1.2.840.113549.1.1.1) in the public key info becomes 1.2.840.113549.1.1.99
    rsa_oid = bytes.fromhex("06092a864886f70d010101")
    unknown = bytes.fromhex("06092a864886f70d010163")
    pem = resign(build_csr(key, "example.com"), key, replace=(rsa_oid, unknown))
    assert refused(pem) == [
        "The CSR is signed with an algorithm certificate authorities do not accept: generate "
        "it again with SHA-256 and an RSA or EC key.",
        "The CSR's public key is of a kind certificate authorities do not accept: generate a "
        "new private key (RSA 2048 bits or more, or EC P-256/P-384) and a new CSR.",
    ]


def test_a_weak_signature_and_an_unknown_key_are_both_said(key: rsa.RSAPrivateKey) -> None:
    rsa_oid = bytes.fromhex("06092a864886f70d010101")
    unknown = bytes.fromhex("06092a864886f70d010163")
    pem = resign(
        build_csr(key, "example.com"), key, "2a864886f70d010105", replace=(rsa_oid, unknown)
    )
    assert refused(pem) == [
        weak("SHA-1"),
        "The CSR's public key is of a kind certificate authorities do not accept: generate a "
        "new private key (RSA 2048 bits or more, or EC P-256/P-384) and a new CSR.",
    ]


def test_a_bad_version(key: rsa.RSAPrivateKey) -> None:
    assert refused((DATA / "bad-version.pem").read_text()) == [
        "The CSR declares a PKCS#10 version other than 1, the only one there is: it was not "
        "made by a standard tool. Generate a new CSR (openssl req -new, or the panel's CSR "
        "generator)."
    ]


# --- the subject --------------------------------------------------------------------------------


SUBJECT_UNREADABLE = (
    "The CSR's subject (its common name and organisation fields) cannot be read: it is not "
    "encoded as the standard requires. Generate a new CSR."
)


def test_a_subject_that_is_not_utf8(key: rsa.RSAPrivateKey) -> None:
    pem = build_csr(key, "example.com", subject=[(NameOID.ORGANIZATION_NAME, "Example")])
    broken = resign(pem, key, replace=(b"Example", b"\xffxample"))
    assert refused(broken) == [SUBJECT_UNREADABLE]
    weak_too = resign(pem, key, "2a864886f70d010104", replace=(b"Example", b"\xffxample"))
    assert refused(weak_too) == [weak("MD5"), SUBJECT_UNREADABLE]


def test_names_are_trimmed_and_lowered_the_common_name_only_trimmed(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = build_csr(p256, " Example.COM ", [" WWW.Example.com ", "example.com", "www.example.com"])
    info = parse_csr(pem)
    assert info.common_name == "Example.COM"
    assert info.sans == ("www.example.com", "example.com")
    assert info.names == ("example.com", "www.example.com")


def test_two_common_names(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = build_csr(p256, "b.example.com", subject=[(NameOID.COMMON_NAME, "A.example.com")])
    info = parse_csr(pem)
    assert (info.common_name, info.names) == ("A.example.com", ("a.example.com", "b.example.com"))


def test_a_blank_common_name_is_none(p256: ec.EllipticCurvePrivateKey) -> None:
    info = parse_csr(build_csr(p256, None, ["example.com"]))
    assert (info.common_name, info.names) == ("", ("example.com",))
    info = parse_csr(build_csr(p256, "  ", ["example.com"]))
    assert (info.common_name, info.names) == ("", ("example.com",))
    assert refused(build_csr(p256, "  ")) == [
        "The CSR names no domain: it has neither a common name (CN) nor subject alternative "
        "names. Generate a new CSR whose common name is the domain to secure."
    ]


def test_subject_fields_by_their_short_names(p256: ec.EllipticCurvePrivateKey) -> None:
    attributes: list[x509.NameAttribute[Any]] = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"),
        x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ops@example.com"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "First"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Second"),
        x509.NameAttribute(NameOID.GIVEN_NAME, "Jo"),
        x509.NameAttribute(NameOID.X500_UNIQUE_IDENTIFIER, b"\xe9A", x509.name._ASN1Type.BitString),
        x509.NameAttribute(NameOID.COMMON_NAME, "example.com"),
    ]
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name(attributes))
        .sign(p256, hashes.SHA256())
    )
    info = parse_csr(request.public_bytes(serialization.Encoding.PEM))
    assert dict(info.subject) == {"C": "DE", "emailAddress": "ops@example.com", "O": "Second"}
    assert info.subject_attributes == (
        ("C", "DE"),
        ("emailAddress", "ops@example.com"),
        ("O", "First"),
        ("O", "Second"),
        ("2.5.4.42", "Jo"),
        ("2.5.4.45", "éA"),  # a BIT STRING's bytes, read as Latin-1
        ("CN", "example.com"),
    )


# --- the key --------------------------------------------------------------------------------


def test_key_types_and_sizes(key: rsa.RSAPrivateKey, p256: ec.EllipticCurvePrivateKey) -> None:
    def described(text: str) -> tuple[str, int, str | None]:
        info = parse_csr(text)
        return info.key_type, info.key_size, info.curve

    assert described(build_csr(key, "example.com")) == ("RSA", 2048, None)
    assert described(build_csr(p256, "example.com")) == ("EC", 256, "secp256r1")
    assert described(build_csr(ed25519.Ed25519PrivateKey.generate(), "example.com")) == (
        "Ed25519",
        256,
        None,
    )
    ed448_csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.com")]))
        .sign(ed448.Ed448PrivateKey.generate(), None)
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )
    assert described(ed448_csr) == ("Ed448", 456, None)
    # made by openssl (see data/README.md): DSA 2048, and RSA-PSS 2048
    assert described((DATA / "dsa.pem").read_text()) == ("DSA", 2048, None)
    assert described((DATA / "rsa-pss.pem").read_text()) == ("RSA-PSS", 2048, None)


# --- the extensions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oid", "shown"),
    [
        ("2.5.29.14", "subject key identifier"),
        ("2.5.29.15", "key usage"),
        ("2.5.29.17", "subject alternative name"),
        ("2.5.29.19", "basic constraints"),
        ("2.5.29.37", "extended key usage"),
        ("2.5.29.32", "2.5.29.32"),  # certificate policies: no name of its own here
    ],
)
def test_an_extension_requested_twice(key: rsa.RSAPrivateKey, oid: str, shown: str) -> None:
    value = b"\x30\x00"
    placeholder = "2.5.29.99"  # the builder refuses a duplicate: renamed after signing
    pem = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.com")]))
        .add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value), critical=False
        )
        .add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier(placeholder), value), critical=False
        )
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )
    last = int(oid.rsplit(".", 1)[1])
    doubled = resign(pem, key, replace=(b"\x06\x03\x55\x1d\x63", bytes([6, 3, 0x55, 0x1D, last])))
    assert refused(doubled) == [
        f"The CSR requests the same extension ({shown}) twice, which the standard forbids and "
        "certificate authorities refuse: generate a new CSR."
    ]


NOT_DER = (
    "The CSR's requested extensions (such as its subject alternative names) are not encoded as "
    "the standard (DER) requires, so the names in them cannot be read reliably: generate a new "
    "CSR (openssl req -new, or the panel's CSR generator)."
)


def test_extensions_not_in_der() -> None:
    assert refused((DATA / "freeipa-bad-critical.pem").read_text()) == [NOT_DER]


def test_an_empty_extension_request_is_no_extensions() -> None:
    info = parse_csr((DATA / "zero-element-attribute.pem").read_text())
    assert (info.sans, info.names, info.other_sans) == ((), ("mitel.blonay.ch",), ())


def test_sans_that_are_no_domain_names(p256: ec.EllipticCurvePrivateKey) -> None:
    names: list[x509.GeneralName] = [
        x509.DNSName("example.com"),
        x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
        x509.RFC822Name("ops@example.com"),
        x509.UniformResourceIdentifier("https://example.com/"),
        x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])),
        x509.RegisteredID(x509.ObjectIdentifier("1.2.3.4")),
    ]
    pem = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "example.com")]))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(p256, hashes.SHA256())
        .public_bytes(serialization.Encoding.PEM)
        .decode()
    )
    info = parse_csr(pem)
    assert info.sans == ("example.com",)
    assert info.other_sans == (
        "IP:2001:db8::1",
        "email:ops@example.com",
        "URI:https://example.com/",
        "DirectoryName",
        "RegisteredID",
    )
