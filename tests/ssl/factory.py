"""Builders of real keys, CSRs and certificates for the X.509 tests."""

from __future__ import annotations

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
