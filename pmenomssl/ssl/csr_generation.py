"""Making a private key and a CSR for it (`pmenomssl csr`, the demo, the tests)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from pmenomssl import dnsnames
from pmenomssl.ssl.csr_parsing import unique

KEY_TYPES = ("rsa2048", "rsa3072", "rsa4096", "ec256", "ec384")
CN_MAX_LENGTH = 64  # ub-common-name in RFC 5280


def generate_key_and_csr(
    common_name: str,
    *,
    sans: Sequence[str] = (),
    key: str = "rsa2048",
    organization: str | None = None,
    org_unit: str | None = None,
    locality: str | None = None,
    state: str | None = None,
    country: str | None = None,
    email: str | None = None,
) -> tuple[str, str]:
    """Make a new private key and a CSR for it: (unencrypted PKCS#8 key PEM, CSR PEM).

    `key` is one of `KEY_TYPES`. The subjectAltName always contains the common name first.
    Invalid input (not a domain name, a country that is not two letters, ...) is a ValueError.
    """
    if key not in KEY_TYPES:
        raise ValueError(f"unknown key type {key!r}: choose one of {', '.join(KEY_TYPES)}")
    cn = _checked_hostname(common_name, "common name")
    if len(cn) > CN_MAX_LENGTH:
        raise ValueError(
            f"the common name {cn} is longer than {CN_MAX_LENGTH} characters, the most a "
            "CSR's common name may have: use a shorter domain as the common name"
        )
    names = unique([cn] + [_checked_hostname(s, "SAN") for s in sans if s.strip()])

    attributes: list[x509.NameAttribute[str]] = []
    if country is not None and country.strip():
        code = country.strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", code):
            raise ValueError(
                f"the country {country!r} is not a two-letter ISO 3166 code such as US or DE"
            )
        attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, code))
    for oid, value in (
        (NameOID.STATE_OR_PROVINCE_NAME, state),
        (NameOID.LOCALITY_NAME, locality),
        (NameOID.ORGANIZATION_NAME, organization),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, org_unit),
    ):
        if value is not None and value.strip():
            attributes.append(x509.NameAttribute(oid, value.strip()))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    if email is not None and email.strip():
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
            raise ValueError(f"the e-mail address {email!r} is not valid")
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email.strip()))

    private_key = _new_private_key(key)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name(attributes))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
        .sign(private_key, hashes.SHA256())
    )
    key_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return key_pem, csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _checked_hostname(name: str, what: str) -> str:
    normalised = dnsnames.to_ascii(name)
    problem = dnsnames.name_problem(normalised)
    if problem is not None:
        raise ValueError(f"the {what} {problem}")
    return normalised


def _new_private_key(key: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    if key.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(key[3:]))
    curve = ec.SECP256R1() if key == "ec256" else ec.SECP384R1()
    return ec.generate_private_key(curve)
