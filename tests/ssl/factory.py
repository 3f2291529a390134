"""Builders of real keys, CSRs and certificates for the X.509 tests."""

from __future__ import annotations

import base64
import datetime
import ipaddress
from collections.abc import Sequence
from typing import Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey]


def build_csr(
    key: PrivateKey,
    cn: str | None = "example.com",
    sans: Sequence[str] | None = None,
    *,
    subject: Sequence[tuple[x509.ObjectIdentifier, str]] = (),
    ips: Sequence[str] = (),
) -> str:
    """A PEM CSR signed by `key`; `sans=None` means no subjectAltName extension at all."""
    attributes = [x509.NameAttribute(oid, value) for oid, value in subject]
    if cn is not None:
        attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(attributes))
    general_names: list[x509.GeneralName] = [x509.DNSName(n) for n in (sans or ())]
    general_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    if sans is not None or ips:
        builder = builder.add_extension(x509.SubjectAlternativeName(general_names), critical=False)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm).public_bytes(serialization.Encoding.PEM).decode()


def build_certificate(
    subject_key: PrivateKey,
    subject_cn: str,
    issuer_key: PrivateKey,
    issuer_cn: str,
    *,
    sans: Sequence[str] = (),
    ca: bool = False,
    serial: int = 1000,
    days: int = 90,
) -> str:
    start = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
        .public_key(subject_key.public_key())
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False
        )
    cert = builder.sign(issuer_key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode()


class Pki:
    """root (self-signed) -> intermediate -> leaf (example.com, www.example.com)."""

    def __init__(self, root_key: PrivateKey, inter_key: PrivateKey, leaf_key: PrivateKey) -> None:
        self.leaf_key = leaf_key
        self.root = build_certificate(root_key, "Test Root", root_key, "Test Root", ca=True)
        self.intermediate = build_certificate(
            inter_key, "Test Intermediate", root_key, "Test Root", ca=True, serial=2000
        )
        self.leaf = build_certificate(
            leaf_key,
            "example.com",
            inter_key,
            "Test Intermediate",
            sans=("example.com", "WWW.example.com"),
            serial=123456789,
        )


def key_pem(key: PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


# --- CSRs cryptography will not build: re-signed by hand (RFC 2986 4.2) ----------------------

# AlgorithmIdentifier DER of the signature algorithms the re-signing helper knows (RFC 4055 /
# RFC 3279: the RSA ones carry an explicit NULL parameter).
_SIGNATURE_ALGORITHMS = {
    "sha256": ("2a864886f70d01010b", hashes.SHA256()),
    "sha1": ("2a864886f70d010105", hashes.SHA1()),  # noqa: S303 (CSRs that must be refused)
    "md5": ("2a864886f70d010104", hashes.MD5()),  # noqa: S303 (CSRs that must be refused)
    # 1.2.840.113549.1.1.99: no such algorithm (a signature nobody can verify).
    "unknown": ("2a864886f70d010163", hashes.SHA256()),
}


def _tlv(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes([tag, length]) + content
    size = (length.bit_length() + 7) // 8
    return bytes([tag, 0x80 | size]) + length.to_bytes(size, "big") + content


def resign_csr(
    pem: str,
    key: rsa.RSAPrivateKey,
    *,
    hash_name: str = "sha256",
    replace: tuple[bytes, bytes] = (b"", b""),
) -> str:
    """The CSR's request info, optionally with bytes replaced (same length), signed again with
    PKCS#1 v1.5 and `hash_name`: CSRs signed with SHA-1/MD5, or holding raw UTF-8 in a name."""
    from cryptography.hazmat.primitives.asymmetric import padding

    old, new = replace
    assert len(old) == len(new), "a replacement must keep every DER length"
    tbs = x509.load_pem_x509_csr(pem.encode()).tbs_certrequest_bytes
    if old:
        assert old in tbs
        tbs = tbs.replace(old, new)
    oid_hex, algorithm = _SIGNATURE_ALGORITHMS[hash_name]
    signature = key.sign(tbs, padding.PKCS1v15(), algorithm)
    algorithm_id = _tlv(0x30, _tlv(0x06, bytes.fromhex(oid_hex)) + b"\x05\x00")
    der = _tlv(0x30, tbs + algorithm_id + _tlv(0x03, b"\x00" + signature))
    body = base64.encodebytes(der).decode().replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        "-----BEGIN CERTIFICATE REQUEST-----\n"
        + "\n".join(lines)
        + "\n-----END CERTIFICATE REQUEST-----\n"
    )
