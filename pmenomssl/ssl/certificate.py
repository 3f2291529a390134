"""Issued certificates: read one, split and rebuild chains, and match keys and CSRs to them.

ENOM returns PEM inside CDATA with indentation and stray whitespace (enom-api.md, "Parsing
quirks"); everything here accepts that and emits standard PEM with 64-column lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from cryptography.x509.oid import NameOID

from pmenomssl.ssl import _pem
from pmenomssl.ssl.csr_parsing import parse_csr
from pmenomssl.ssl.errors import CertificateError, PrivateKeyError

CERTIFICATE_LABELS = ("CERTIFICATE", "X509 CERTIFICATE")


@dataclass(frozen=True)
class CertInfo:
    """The parts of an issued certificate the handler needs."""

    subject_cn: str  # "" when the certificate has no common name
    sans: tuple[str, ...]  # DNS subjectAltNames, lower-case
    not_before: datetime  # timezone-aware, UTC
    not_after: datetime  # timezone-aware, UTC
    serial: int
    issuer_cn: str  # "" when the issuer has no common name
    pem: str  # this certificate alone, standard PEM
    fingerprint_sha256: str  # lower-case hex, no separators
    public_key_der: bytes = field(repr=False, default=b"")  # SubjectPublicKeyInfo DER

    def public_key_matches(self, pem: str) -> bool:
        """Whether a private key, CSR, certificate or public key PEM has this public key."""
        return _public_key_der(pem) == self.public_key_der


def parse_certificate(pem: str) -> CertInfo:
    """Read the first certificate in `pem` (the leaf when given a chain)."""
    certs = _load_certificates(pem)
    if not certs:
        raise CertificateError(_no_certificate_message(pem, "The text"))
    return _info(certs[0])


def split_pem_chain(text: str) -> list[str]:
    """Every certificate in `text`, in order, each as standard PEM ending in a newline.

    Indentation, CRLF and other whitespace around and inside the blocks are ignored; other PEM
    blocks and surrounding text are skipped. Empty text gives an empty list.
    """
    return [_to_pem(cert) for cert in _load_certificates(text)]


def bundle(leaf: str, chain: str) -> str:
    """The leaf certificate followed by its intermediates, each once, ready for a web server.

    The intermediates are put in issuing order (each one signs the one before) as far as the
    names allow; self-signed roots are left out, since clients have them already and some
    servers reject a chain that includes one. `leaf` may itself carry intermediates after it.
    """
    leaf_certs = _load_certificates(leaf)
    if not leaf_certs:
        raise CertificateError(_no_certificate_message(leaf, "The leaf certificate text"))
    head = leaf_certs[0]
    seen = {_der(head)}
    others: list[x509.Certificate] = []
    for cert in leaf_certs[1:] + _load_certificates(chain):
        der = _der(cert)
        if der not in seen and not _is_self_signed_root(cert):
            seen.add(der)
            others.append(cert)
    ordered = [head]
    current = head
    while True:
        parent = next((c for c in others if c.subject == current.issuer), None)
        if parent is None:
            break
        others.remove(parent)
        ordered.append(parent)
        current = parent
    ordered.extend(others)
    return "".join(_to_pem(cert) for cert in ordered)


def key_matches_certificate(key_pem: str, cert_pem: str) -> bool:
    """Whether the private key belongs to the (first) certificate in `cert_pem`."""
    return _private_key_spki(key_pem) == parse_certificate(cert_pem).public_key_der


def csr_matches_certificate(csr_pem: str, cert_pem: str) -> bool:
    """Whether the certificate was issued for the CSR's key (the same public key)."""
    return _csr_spki(csr_pem) == parse_certificate(cert_pem).public_key_der


# --- internals -----------------------------------------------------------------------------


def _load_certificates(text: str) -> list[x509.Certificate]:
    certs = []
    blocks = [b for b in _pem.find_blocks(text) if b.label in CERTIFICATE_LABELS]
    for number, block in enumerate(blocks, 1):
        where = f"Certificate {number} of {len(blocks)}" if len(blocks) > 1 else "The certificate"
        der = _pem.decode(block.body)
        if not der:
            raise CertificateError(
                f"{where} is damaged: the text between its BEGIN and END lines is not valid "
                "base64. Copy it again unchanged, or download it again from the provider."
            )
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except Exception as exc:  # any parse failure of the DER means a damaged certificate
            raise CertificateError(
                f"{where} is damaged or not an X.509 certificate ({type(exc).__name__}): "
                "copy it again unchanged, or download it again from the provider."
            ) from exc
    return certs


def _no_certificate_message(text: str, what: str) -> str:
    labels = _pem.begin_labels(text)
    if any(label in CERTIFICATE_LABELS for label in labels):
        return (
            f"{what} is incomplete: a -----END CERTIFICATE----- line is missing. Copy the "
            "whole certificate, BEGIN and END lines included."
        )
    if any(label in ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST") for label in labels):
        return f"{what} is a certificate signing request (CSR), not a certificate."
    return (
        f"{what} holds no certificate: expected a PEM block from -----BEGIN CERTIFICATE----- "
        "to -----END CERTIFICATE-----."
    )


def _info(cert: x509.Certificate) -> CertInfo:
    try:
        san_ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        sans = tuple(
            dict.fromkeys(
                n.strip().lower() for n in san_ext.value.get_values_for_type(x509.DNSName)
            )
        )
    except x509.ExtensionNotFound:
        sans = ()
    except Exception as exc:  # malformed extensions are only found when read
        raise CertificateError(
            f"The certificate's extensions are damaged ({type(exc).__name__}): download it "
            "again from the provider."
        ) from exc
    return CertInfo(
        subject_cn=_common_name(cert.subject),
        sans=sans,
        not_before=_utc(cert, "not_valid_before"),
        not_after=_utc(cert, "not_valid_after"),
        serial=cert.serial_number,
        issuer_cn=_common_name(cert.issuer),
        pem=_to_pem(cert),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        public_key_der=_spki(cert.public_key()),
    )


def _utc(cert: x509.Certificate, name: str) -> datetime:
    # cryptography >= 42 has the *_utc properties; older versions give naive UTC datetimes.
    value: datetime | None = getattr(cert, f"{name}_utc", None)
    if value is None:
        naive: datetime = getattr(cert, name)
        value = naive.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not values:
        return ""
    value = values[0].value
    return value if isinstance(value, str) else value.decode("latin-1")


def _to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _is_self_signed_root(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:  # not signed by its own key: a cross-signed or odd certificate; keep it
        return False
    return True


def _spki(public_key: PublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _private_key_spki(key_pem: str) -> bytes:
    blocks = [b for b in _pem.find_blocks(key_pem) if _pem.is_private_key_label(b.label)]
    if not blocks:
        raise PrivateKeyError(
            "The text holds no private key: expected a PEM block from -----BEGIN PRIVATE "
            "KEY----- to -----END PRIVATE KEY----- (or RSA/EC PRIVATE KEY)."
        )
    block = blocks[0]
    if block.label == "ENCRYPTED PRIVATE KEY" or "Proc-Type:" in block.body:
        raise PrivateKeyError(
            "The private key is encrypted with a passphrase: decrypt it first "
            "(openssl pkey -in encrypted.key -out plain.key) and use the decrypted key."
        )
    der = _pem.decode(block.body)
    try:
        if not der:
            raise ValueError("not base64")
        private_key = serialization.load_der_private_key(der, password=None)
    except Exception as exc:  # any failure here means an unreadable key
        raise PrivateKeyError(
            f"The private key is damaged or in an unknown format ({type(exc).__name__}): "
            "copy it again unchanged from the server where it was generated."
        ) from exc
    return _spki(private_key.public_key())


def _csr_spki(csr_pem: str) -> bytes:
    return _spki(x509.load_pem_x509_csr(parse_csr(csr_pem).pem.encode("ascii")).public_key())


def _public_key_der(pem: str) -> bytes:
    labels = [b.label for b in _pem.find_blocks(pem)]
    if any(_pem.is_private_key_label(label) for label in labels):
        return _private_key_spki(pem)
    if any(label in ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST") for label in labels):
        return _csr_spki(pem)
    if "PUBLIC KEY" in labels:
        block = next(b for b in _pem.find_blocks(pem) if b.label == "PUBLIC KEY")
        der = _pem.decode(block.body)
        try:
            if not der:
                raise ValueError("not base64")
            return _spki(serialization.load_der_public_key(der))
        except Exception as exc:  # any failure here means an unreadable key
            raise PrivateKeyError(
                f"The public key is damaged ({type(exc).__name__}): copy it again unchanged."
            ) from exc
    return parse_certificate(pem).public_key_der
