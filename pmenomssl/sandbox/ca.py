"""The sandboxes' certificate authority: parses CSRs and issues real X.509 certificates.

Shared by the ENOM and the upstream sandbox (both hand out real certificates). One CA (RSA 2048,
self-signed, 10 years) is generated per process on first use and cached, so every sandbox in a
test run shares it and start-up stays cheap. Issued certificates carry the
CSR's public key, its CN and its SANs (plus any extra names, e.g. a UCC domain list) and are
valid for a given number of months from the issue time.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
import threading
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from pmenomssl.sandbox.dates import add_months

CA_COMMON_NAME = "pmenomssl ENOM Sandbox CA (not trusted anywhere)"
ROOT_COMMON_NAME = "pmenomssl ENOM Sandbox Root (not trusted anywhere)"
MIN_RSA_BITS = 2048

_PEM_BLOCK = re.compile(
    r"-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----(.*?)-----END (?:NEW )?CERTIFICATE REQUEST-----",
    re.DOTALL,
)


class CsrError(ValueError):
    """The CSR cannot be parsed, is not self-consistent, or its key is unusable."""


@dataclass(frozen=True)
class CsrInfo:
    """What ENOM's CSR parser reports (the CSRData block), plus what issuing needs."""

    common_name: str
    organization: str
    organization_unit: str
    locality: str
    state: str
    country: str
    email: str
    sans: tuple[str, ...]
    pem: str
    csr: x509.CertificateSigningRequest = field(repr=False, compare=False)


@dataclass(frozen=True)
class SandboxCA:
    """An issuing (intermediate) CA under a self-signed root, as real CAs are.

    `pem` is what CertGetCertDetail's CACerts carries: the intermediate AND the root (ENOM's
    CACerts include the root, issue 12 §8), so the module's choice to leave the root out of the
    chain it saves (pmenomssl.ssl.bundle) is exercised.
    """

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate  # the intermediate that signs leaves
    root: x509.Certificate

    @property
    def issuing_pem(self) -> str:
        """The intermediate alone."""
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def pem(self) -> str:
        return "".join(
            c.public_bytes(serialization.Encoding.PEM).decode("ascii")
            for c in (self.certificate, self.root)
        )


_ca: SandboxCA | None = None
_ca_lock = threading.Lock()


def get_ca() -> SandboxCA:
    """The process-wide sandbox CA, generated on first use."""
    global _ca
    with _ca_lock:
        if _ca is None:
            _ca = _generate_ca()
        return _ca


def _ca_certificate(
    name: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    path_length: int | None,
) -> x509.Certificate:
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def _generate_ca() -> SandboxCA:
    def named(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "pmenomssl sandbox"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = named(ROOT_COMMON_NAME)
    root = _ca_certificate(root_name, root_key, root_name, root_key, path_length=1)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuing = _ca_certificate(named(CA_COMMON_NAME), key, root_name, root_key, path_length=0)
    return SandboxCA(key=key, certificate=issuing, root=root)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def normalize_csr_pem(text: str) -> str:
    """Accept `NEW CERTIFICATE REQUEST` headers, indentation and CRLF, as ENOM does."""
    match = _PEM_BLOCK.search(text.replace("\r", ""))
    if match is None:
        raise CsrError("no PEM certificate request block")
    body = "".join(line.strip() for line in match.group(1).splitlines())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        "-----BEGIN CERTIFICATE REQUEST-----\n"
        + "\n".join(lines)
        + ("\n-----END CERTIFICATE REQUEST-----\n")
    )


def _attr(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    if not values:
        return ""
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def parse_csr(text: str) -> CsrInfo:
    """Parse and check a CSR; raise CsrError for anything ENOM would refuse to parse."""
    pem = normalize_csr_pem(text)
    try:
        csr = x509.load_pem_x509_csr(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise CsrError(f"not a PKCS#10 request: {exc}") from exc
    try:
        valid = csr.is_signature_valid
        public_key = csr.public_key()
    except Exception as exc:  # unsupported key types or broken encodings
        raise CsrError(f"unusable CSR: {exc}") from exc
    if not valid:
        raise CsrError("CSR signature does not verify")
    if isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < MIN_RSA_BITS:
        raise CsrError(f"RSA key of {public_key.key_size} bits is too short")
    if not isinstance(public_key, (rsa.RSAPublicKey, ec.EllipticCurvePublicKey)):
        raise CsrError("only RSA and EC keys are accepted")
    subject = csr.subject
    cn = _attr(subject, NameOID.COMMON_NAME).strip().lower()
    if not cn:
        raise CsrError("CSR has no common name")
    sans: list[str] = []
    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        sans = [name.lower() for name in ext.value.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        pass
    return CsrInfo(
        common_name=cn,
        organization=_attr(subject, NameOID.ORGANIZATION_NAME),
        organization_unit=_attr(subject, NameOID.ORGANIZATIONAL_UNIT_NAME),
        locality=_attr(subject, NameOID.LOCALITY_NAME),
        state=_attr(subject, NameOID.STATE_OR_PROVINCE_NAME),
        country=_attr(subject, NameOID.COUNTRY_NAME),
        email=_attr(subject, NameOID.EMAIL_ADDRESS),
        sans=tuple(sans),
        pem=pem,
        csr=csr,
    )


@dataclass(frozen=True)
class IssuedCert:
    pem: str
    serial: int
    not_before: datetime.datetime
    not_after: datetime.datetime


def issue(
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    common_name: str,
    names: list[str],
    months: int,
    issued_at: datetime.datetime | None = None,
) -> IssuedCert:
    """Sign a server certificate for `public_key` with CN `common_name` and SANs `names`."""
    ca = get_ca()
    start = (issued_at or _now()).replace(microsecond=0)
    end = add_months(start, months)
    sans: list[str] = []
    for name in [common_name, *names]:
        if name and name not in sans:
            sans.append(name)
    general_names: list[x509.GeneralName] = []
    for name in sans:
        try:
            general_names.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general_names.append(x509.DNSName(name))
    serial = x509.random_serial_number()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=isinstance(public_key, rsa.RSAPublicKey),
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(general_names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    return IssuedCert(
        pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        serial=serial,
        not_before=start,
        not_after=end,
    )


def throwaway_key() -> ec.EllipticCurvePrivateKey:
    """A cheap key for seeded certificates that never had a CSR (generated lazily)."""
    return ec.generate_private_key(ec.SECP256R1())
