"""Reading a CSR: PEM, DER or bare base64 in, `CsrInfo` out, or one `CsrError` whose reasons
say what is wrong with the text and what to do (never quoting it: it may be a private key)."""

from __future__ import annotations

import functools
import logging
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from pmenomssl.ssl import _der, _pem
from pmenomssl.ssl.errors import CsrError

logger = logging.getLogger(__name__)

CSR_LABELS = ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")

# Subject attributes reported in CsrInfo.subject, under the short names OpenSSL prints.
SUBJECT_FIELDS = {
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "L": NameOID.LOCALITY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "C": NameOID.COUNTRY_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
}
# Signature algorithms whose hash CAs refuse (CA/B Forum Baseline Requirements 7.1.3.2: SHA-256
# or stronger), by the name a person knows. cryptography cannot verify these signatures, so
# without this table such a CSR would read as "changed or damaged".
WEAK_SIGNATURES = {
    "1.2.840.113549.1.1.5": "SHA-1",  # sha1WithRSAEncryption
    "1.3.14.3.2.29": "SHA-1",  # sha1WithRSASignature (OIW)
    "1.2.840.10045.4.1": "SHA-1",  # ecdsa-with-SHA1
    "1.2.840.10040.4.3": "SHA-1",  # dsa-with-sha1
    "1.2.840.113549.1.1.4": "MD5",  # md5WithRSAEncryption
    "1.2.840.113549.1.1.3": "MD4",  # md4WithRSAEncryption
    "1.2.840.113549.1.1.2": "MD2",  # md2WithRSAEncryption
}
# Extensions a CSR may request, by the name OpenSSL prints (RFC 5280 4.2.1).
_EXTENSION_NAMES = {
    "2.5.29.14": "subject key identifier",
    "2.5.29.15": "key usage",
    "2.5.29.17": "subject alternative name",
    "2.5.29.19": "basic constraints",
    "2.5.29.37": "extended key usage",
}
# The key types reported by name: an RSA-PSS key (rsassaPss) reads as an RSA key in
# cryptography, but CAs issue for rsaEncryption keys only (BR 6.1.5 / 7.1.3.1.1).
RSA_PSS = "RSA-PSS"
_PASTE_HINT = (
    "paste the whole CSR, from -----BEGIN CERTIFICATE REQUEST----- "
    "to -----END CERTIFICATE REQUEST----- inclusive"
)


@dataclass(frozen=True)
class CsrInfo:
    """What a CSR asks for. `names` and `sans` are lower-case; `common_name` is as written."""

    common_name: str  # "" when the CSR has none
    sans: tuple[str, ...]  # DNS names of the subjectAltName extension, lower-case
    names: tuple[str, ...]  # CN + SANs, lower-case, deduplicated, in order
    key_type: str  # "RSA", "EC", or "DSA"/"Ed25519"/"Ed448" (which no CA accepts)
    key_size: int
    curve: str | None  # cryptography's curve name for EC keys ("secp256r1"), else None
    subject: Mapping[str, str]  # O, OU, L, ST, C, emailAddress: those present
    pem: str  # the CSR as standard PEM (BEGIN CERTIFICATE REQUEST, 64-column lines)
    other_sans: tuple[str, ...] = ()  # non-DNS subjectAltNames: "IP:192.0.2.1", "email:a@b"
    # Every subject attribute (CN included) as (short name, value), for the ASCII check.
    subject_attributes: tuple[tuple[str, str], ...] = field(default=(), repr=False)


def parse_csr(pem: str | bytes) -> CsrInfo:
    """Read a CSR and check its signature; raise `CsrError` when that is not possible.

    Accepts PEM (`BEGIN CERTIFICATE REQUEST` and `BEGIN NEW CERTIFICATE REQUEST`, CRLF line
    ends, indentation and surrounding text), DER bytes, and DER as bare base64; the CSR is
    returned as standard PEM. The error never quotes the input (it may be a private key), and
    names causes, never the library's exception names.
    """
    der = _csr_der(pem)
    try:
        csr = x509.load_der_x509_csr(der)
    except x509.InvalidVersion as exc:
        logger.debug("CSR not loaded: %r", exc)
        raise CsrError(
            "The CSR declares a PKCS#10 version other than 1, the only one there is: it was "
            "not made by a standard tool. Generate a new CSR (openssl req -new, or the "
            "panel's CSR generator)."
        ) from exc
    except Exception as exc:  # any parse failure of the DER means a damaged CSR
        logger.debug("CSR not loaded: %r", exc)
        raise CsrError(
            "The CSR is damaged or is not a valid PKCS#10 certificate request: copy it again "
            "unchanged, or generate a new CSR."
        ) from exc
    problems = _signature_problems(csr)
    try:
        public_key = csr.public_key()
    except Exception as exc:  # a key algorithm the library does not know: no CA knows it either
        logger.debug("CSR public key not read: %r", exc)
        raise CsrError(
            [
                *problems,
                "The CSR's public key is of a kind certificate authorities do not accept: "
                "generate a new private key (RSA 2048 bits or more, or EC P-256/P-384) and a "
                "new CSR.",
            ]
        ) from exc
    try:
        subject_attributes = tuple(
            (_short_name(attr.oid, attr.rfc4514_attribute_name), _text(attr.value))
            for attr in csr.subject
        )
    except Exception as exc:
        logger.debug("CSR subject not read: %r", exc)
        raise CsrError(
            [
                *problems,
                "The CSR's subject (its common name and organisation fields) cannot be read: "
                "it is not encoded as the standard requires. Generate a new CSR.",
            ]
        ) from exc
    general_names, extension_problems = _subject_alt_names(csr)
    problems.extend(extension_problems)
    if problems:
        raise CsrError(problems)
    normalised_pem = csr.public_bytes(serialization.Encoding.PEM).decode("ascii")
    key_type, key_size, curve = _describe_key(public_key)
    if key_type == "RSA" and _key_algorithm(csr) == _der.RSASSA_PSS:
        key_type = RSA_PSS
    common_names = [value for name, value in subject_attributes if name == "CN"]
    sans: list[str] = []
    other_sans: list[str] = []
    for general_name in general_names:
        if isinstance(general_name, x509.DNSName):
            sans.append(general_name.value.strip().lower())
        else:
            other_sans.append(_describe_general_name(general_name))
    names = unique([cn.strip().lower() for cn in common_names] + sans)
    if not names:
        raise CsrError(
            "The CSR names no domain: it has neither a common name (CN) nor subject "
            "alternative names. Generate a new CSR whose common name is the domain to secure."
        )
    subject = {
        short: value
        for short in SUBJECT_FIELDS
        for name, value in subject_attributes
        if name == short
    }
    return CsrInfo(
        common_name=common_names[0].strip() if common_names else "",
        sans=tuple(unique(sans)),
        names=tuple(names),
        key_type=key_type,
        key_size=key_size,
        curve=curve,
        subject=types.MappingProxyType(subject),
        pem=normalised_pem,
        other_sans=tuple(other_sans),
        subject_attributes=subject_attributes,
    )


def unique(items: Sequence[str]) -> list[str]:
    """The non-empty items, each once, in their first order."""
    return list(dict.fromkeys(i for i in items if i))


def _csr_der(data: str | bytes) -> bytes:
    if isinstance(data, bytes):
        if data[:1] == bytes([_der.SEQUENCE]):  # DER, as Windows and Java tools save it
            return data
        text = data.decode("utf-8", errors="replace")
    else:
        text = data
    blocks = _pem.find_blocks(text)
    if not blocks and not _pem.begin_labels(text):
        bare = _pem.decode("".join(text.split()))
        if bare and _loads(bare):  # base64 DER without PEM lines
            return bare
    csr_blocks = [b for b in blocks if b.label in CSR_LABELS]
    if len(csr_blocks) > 1:
        raise CsrError(
            f"The text contains {len(csr_blocks)} CSRs: paste only the one for this order."
        )
    if not csr_blocks:
        labels = [b.label for b in blocks] or _pem.begin_labels(text)
        if any(_pem.is_private_key_label(label) for label in labels):
            raise CsrError(
                "This is a private key, not a CSR. The private key must stay on your server: "
                "paste the CSR instead. If the key was sent or shared anywhere, generate a new "
                "key and CSR."
            )
        if "CERTIFICATE" in labels or "X509 CERTIFICATE" in labels:
            raise CsrError(
                f"This is a certificate, not a certificate signing request (CSR): {_PASTE_HINT}."
            )
        if any(label in CSR_LABELS for label in _pem.begin_labels(text)):
            raise CsrError(
                "The CSR is incomplete: its -----END CERTIFICATE REQUEST----- line is missing; "
                f"{_PASTE_HINT}."
            )
        if labels:
            raise CsrError(f"This is a PEM {labels[0]} block, not a CSR: {_PASTE_HINT}.")
        if not text.strip():
            raise CsrError(f"The CSR is empty: {_PASTE_HINT}.")
        raise CsrError(f"The text is not a CSR in PEM format: {_PASTE_HINT}.")
    der = _pem.decode(csr_blocks[0].body)
    if not der:
        raise CsrError(
            "The CSR is damaged: the text between its BEGIN and END lines is not valid base64. "
            "Copy it again unchanged, or generate a new CSR."
        )
    return der


def _signature_problems(csr: x509.CertificateSigningRequest) -> list[str]:
    weak = WEAK_SIGNATURES.get(csr.signature_algorithm_oid.dotted_string)
    if weak is not None:
        return [
            f"The CSR is signed with {weak}, which certificate authorities refuse: generate it "
            "again with SHA-256 (openssl req -new -sha256, or the panel's CSR generator)."
        ]
    try:
        valid = csr.is_signature_valid
    except Exception as exc:  # an algorithm the library cannot verify
        logger.debug("CSR signature not checked: %r", exc)
        return [
            "The CSR is signed with an algorithm certificate authorities do not accept: "
            "generate it again with SHA-256 and an RSA or EC key."
        ]
    if not valid and csr.signature_algorithm_oid.dotted_string not in _known_signatures():
        # cryptography answers "invalid" for an algorithm it does not know: not damage.
        return [
            f"The CSR is signed with an algorithm certificate authorities do not accept "
            f"({csr.signature_algorithm_oid.dotted_string}): generate it again with SHA-256 "
            "and an RSA or EC key."
        ]
    if not valid:
        return [
            "The CSR's signature does not verify: it was changed or damaged after it was "
            "generated. Copy it again exactly as generated, or generate a new CSR."
        ]
    return []


@functools.lru_cache(maxsize=1)
def _known_signatures() -> frozenset[str]:
    """The signature algorithms cryptography can verify (SignatureAlgorithmOID's members)."""
    return frozenset(
        value.dotted_string
        for value in vars(SignatureAlgorithmOID).values()
        if isinstance(value, x509.ObjectIdentifier)
    )


def _subject_alt_names(
    csr: x509.CertificateSigningRequest,
) -> tuple[list[x509.GeneralName], list[str]]:
    """The subjectAltName entries, and why the requested extensions cannot be used, if so."""
    try:
        extensions = csr.extensions
    except x509.DuplicateExtension as exc:
        logger.debug("CSR extensions: %r", exc)
        return [], [
            f"The CSR requests the same extension "
            f"({_EXTENSION_NAMES.get(exc.oid.dotted_string, exc.oid.dotted_string)}) twice, "
            "which the standard forbids and certificate authorities refuse: generate a new CSR."
        ]
    except Exception as exc:
        logger.debug("CSR extensions not read: %r", exc)
        try:
            counts = _der.extension_requests(csr.tbs_certrequest_bytes)
        except _der.DerError:
            counts = [-1]
        # An extensionRequest with no value at all (OpenSSL reads it as "no extensions").
        if counts and all(count == 0 for count in counts):
            return [], []
        return [], [
            "The CSR's requested extensions (such as its subject alternative names) are not "
            "encoded as the standard (DER) requires, so the names in them cannot be read "
            "reliably: generate a new CSR (openssl req -new, or the panel's CSR generator)."
        ]
    try:
        san = extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return [], []
    return list(san.value), []


def _key_algorithm(csr: x509.CertificateSigningRequest) -> bytes:
    try:
        return _der.key_algorithm(csr.tbs_certrequest_bytes)
    except _der.DerError:
        return b""


def _loads(der: bytes) -> bool:
    try:
        x509.load_der_x509_csr(der)
    except Exception:  # not a whole CSR: the caller reports the text as not PEM
        return False
    return True


def _describe_key(public_key: object) -> tuple[str, int, str | None]:
    if isinstance(public_key, rsa.RSAPublicKey):
        return "RSA", public_key.key_size, None
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return "EC", public_key.curve.key_size, public_key.curve.name
    if isinstance(public_key, dsa.DSAPublicKey):
        return "DSA", public_key.key_size, None
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256, None
    if isinstance(public_key, ed448.Ed448PublicKey):
        return "Ed448", 456, None
    return type(public_key).__name__, 0, None


def _short_name(oid: x509.ObjectIdentifier, rfc4514_name: str) -> str:
    if oid == NameOID.EMAIL_ADDRESS:
        return "emailAddress"
    return rfc4514_name


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("latin-1")


def _describe_general_name(general_name: x509.GeneralName) -> str:
    if isinstance(general_name, x509.IPAddress):
        return f"IP:{general_name.value}"
    if isinstance(general_name, x509.RFC822Name):
        return f"email:{general_name.value}"
    if isinstance(general_name, x509.UniformResourceIdentifier):
        return f"URI:{general_name.value}"
    return type(general_name).__name__
