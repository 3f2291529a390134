"""Certificate signing requests: read one, check it against an order, or make a key and one.

`validate_csr` is what `open` and `reopen` run before any money is spent: it collects every way
the CSR does not fit the order into one `CsrError`, each reason saying what to do about it.
"""

from __future__ import annotations

import functools
import logging
import re
import types
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID, SignatureAlgorithmOID

from pmenomssl import dnsnames
from pmenomssl.ssl import _der, _pem
from pmenomssl.ssl.errors import CsrError

logger = logging.getLogger(__name__)

CSR_LABELS = ("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
MIN_RSA_BITS = 2048
# cryptography's curve name -> the name CAs and people use.
ALLOWED_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384"}
KEY_TYPES = ("rsa2048", "rsa3072", "rsa4096", "ec256", "ec384")
CN_MAX_LENGTH = 64  # ub-common-name in RFC 5280

# Subject attributes reported in CsrInfo.subject, under the short names OpenSSL prints.
SUBJECT_FIELDS = {
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "L": NameOID.LOCALITY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "C": NameOID.COUNTRY_NAME,
    "emailAddress": NameOID.EMAIL_ADDRESS,
}
_FIELD_LABELS = {
    "CN": "common name",
    "O": "organization",
    "OU": "organizational unit",
    "L": "locality (city)",
    "ST": "state or province",
    "C": "country",
    "emailAddress": "e-mail address",
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


@dataclass(frozen=True)
class CsrPolicy:
    """What the order allows: its domains (main first) and the product's limits."""

    domains: tuple[str, ...]
    wildcard_allowed: bool = False
    max_names: int | None = None  # names allowed in the CSR, the common name included
    ascii_only_subject: bool = False  # DigiCert/GeoTrust family: ASCII-only subject
    # The product covers the www./apex partner of each domain for free (example.com <->
    # www.example.com; *.example.com -> example.com), so the CSR may carry it unordered.
    www_included: bool = False


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
    names = _dedupe([cn.strip().lower() for cn in common_names] + sans)
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
        sans=tuple(_dedupe(sans)),
        names=tuple(names),
        key_type=key_type,
        key_size=key_size,
        curve=curve,
        subject=types.MappingProxyType(subject),
        pem=normalised_pem,
        other_sans=tuple(other_sans),
        subject_attributes=subject_attributes,
    )


def validate_csr(pem: str | bytes, policy: CsrPolicy) -> CsrInfo:
    """Parse the CSR and check it fits the order; raise one `CsrError` listing every problem.

    Checks: readable, signature valid, RSA >= 2048 or EC P-256/P-384, every name (the CSR's and
    the order's) a public DNS name a CA issues for (`pmenomssl.dnsnames`), common name = the main
    (first) ordered domain, every ordered domain present and nothing unordered (the www./apex
    partner is tolerated when `policy.www_included`), wildcards only when allowed, at most
    `policy.max_names` names, and an ASCII-only subject when `policy.ascii_only_subject`.
    """
    ordered = _dedupe([normalise_domain(d) for d in policy.domains if d.strip()])
    if not ordered:
        raise ValueError("CsrPolicy.domains is empty: the order has no domain")
    info = parse_csr(pem)
    problems: list[str] = []
    problems.extend(_key_problems(info))
    # Names no CA issues for are refused first, and alone: a client fixing them makes a new
    # CSR anyway, and comparing them with the order would only repeat them as "not ordered".
    refused = name_refusals(info.names, ordered)
    if refused:
        raise CsrError([*problems, *refused])

    main = ordered[0]
    partners = _free_partners(ordered) if policy.www_included else set()
    cn = info.common_name.lower()
    cn_ok = cn == main or (
        policy.www_included and not main.startswith("*.") and cn == _partner(main)
    )
    # A wildcard CN on a non-wildcard product is reported once, by the wildcard check below.
    cn_is_refused_wildcard = not policy.wildcard_allowed and cn == "*." + main
    if not cn:
        problems.append(
            f"The CSR has no common name (CN): generate a new CSR with the common name {main}."
        )
    elif not cn_ok and not cn_is_refused_wildcard:
        if cn in ordered:
            problems.append(
                f"The CSR's common name is {cn}, but the order's main domain is {main}: "
                f"generate a new CSR with the common name {main} and the other ordered "
                "domains as subject alternative names."
            )
        else:
            problems.append(
                f"The CSR's common name is {cn} but the order is for {main}: "
                f"generate a new CSR for {main} and submit it again."
            )
    cn_reported = not cn_ok

    # A wildcard in the wrong place was refused above with the other names (dnsnames).
    bad_wildcards = [] if policy.wildcard_allowed else [n for n in info.names if "*" in n]
    if bad_wildcards:
        plain = _list([n.lstrip("*.") for n in bad_wildcards])
        problems.append(
            f"The CSR contains the wildcard name{_s(bad_wildcards)} {_list(bad_wildcards)}, "
            "but this certificate type does not cover wildcards: order a wildcard certificate, "
            f"or generate a new CSR for {plain} without '*.'."
        )

    missing = [d for d in ordered if d not in info.names and not (d == main and cn_reported)]
    if missing:
        problems.append(
            f"The order includes {_list(missing)} but the CSR does not: generate a new CSR "
            f"that contains exactly the ordered domains ({_list(ordered)})."
        )
    extra = [
        n
        for n in info.names
        if n not in ordered
        and n not in partners
        and n not in bad_wildcards
        and not (n == cn and cn_reported)
    ]
    if extra:
        problems.append(
            f"The CSR also contains {_list(extra)}, which {_is_are(extra)} not part of the "
            f"order: generate a new CSR with only the ordered domains ({_list(ordered)}), or "
            f"add {_it_them(extra)} to the order."
        )
    if info.other_sans:
        problems.append(
            f"The CSR's subject alternative names include {_list(info.other_sans)}, which "
            f"{_is_are(info.other_sans)} not a domain name: generate a new CSR whose subject "
            "alternative names are only the ordered domains."
        )

    counted = [n for n in info.names if n not in partners or n in ordered]
    # Once other name problems are fixed, the CSR holds only ordered names (and free partners):
    # counting before that would report the same wrong names twice.
    names_reported = cn_reported or bool(bad_wildcards) or bool(extra)
    if policy.max_names is not None and len(counted) > policy.max_names and not names_reported:
        problems.append(
            f"The CSR contains {len(counted)} names ({_list(counted)}) but this certificate "
            f"covers at most {policy.max_names}, the common name included: generate a CSR "
            "with fewer names, or order a certificate for more domains."
        )

    if policy.ascii_only_subject:
        problems.extend(_ascii_problems(info))

    if problems:
        raise CsrError(problems)
    return info


def name_refusals(csr_names: Sequence[str], ordered: Sequence[str]) -> list[str]:
    """Why names of the CSR or of the order are no public DNS names a CA issues for
    (`pmenomssl.dnsnames`), each with the fix: one problem per name, none when all are fine."""
    in_csr = dnsnames.name_problems(list(csr_names))
    in_order = [p for p in dnsnames.name_problems(list(ordered)) if p not in in_csr]
    return [
        *(f"{p}. Generate a new CSR for public domain names only." for p in in_csr),
        *(f"The order's domain {p}. Correct the domain in the order." for p in in_order),
    ]


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
    names = _dedupe([cn] + [_checked_hostname(s, "SAN") for s in sans if s.strip()])

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


def normalise_domain(name: str) -> str:
    """Lower-case, trimmed, internationalised labels in their xn-- (punycode) form."""
    name = name.strip().lower()
    if name.isascii():
        return name
    labels: list[str] = []
    for label in name.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            return name
    return ".".join(labels)


def curve_display_name(curve: str | None) -> str:
    """P-256 for secp256r1 and so on; other curves keep their own name."""
    if curve is None:
        return ""
    return {**ALLOWED_CURVES, "secp521r1": "P-521"}.get(curve, curve)


# --- reading -------------------------------------------------------------------------------


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


# --- checking ------------------------------------------------------------------------------


def _key_problems(info: CsrInfo) -> list[str]:
    fix = "generate a new private key (RSA 2048 bits or more, or EC P-256/P-384) and a new CSR"
    if info.key_type == "RSA":
        if info.key_size < MIN_RSA_BITS:
            return [
                f"The CSR uses a {info.key_size}-bit RSA key, and certificate authorities "
                f"require at least {MIN_RSA_BITS} bits: {fix}."
            ]
        return []
    if info.key_type == "EC":
        if info.curve in ALLOWED_CURVES:
            return []
        return [
            f"The CSR uses an EC key on the {curve_display_name(info.curve)} curve, which "
            f"certificate authorities do not accept: {fix}."
        ]
    if info.key_type == RSA_PSS:
        return [
            "The CSR uses an RSA-PSS key (rsassaPss), which certificate authorities do not "
            f"accept (they need a plain RSA key, rsaEncryption): {fix}."
        ]
    return [
        f"The CSR uses a {info.key_type} key, which certificate authorities do not accept: {fix}."
    ]


def _ascii_problems(info: CsrInfo) -> list[str]:
    problems = []
    for short, value in info.subject_attributes:
        if value.isascii():
            continue
        label = _FIELD_LABELS.get(short, short)
        folded = (
            unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").strip()
        )
        example = f", for example '{folded}'" if folded else ""
        problems.append(
            f"The CSR's {label} ({short}) is '{value}', which has non-ASCII characters that "
            "this certificate authority does not accept: generate a new CSR using only ASCII "
            f"letters in the subject{example}."
        )
    return problems


def _partner(domain: str) -> str | None:
    """The name a www-including product covers along with `domain`."""
    if domain.startswith("*."):
        return domain[2:]
    if domain.startswith("www.") and "." in domain[4:]:
        return domain[4:]
    return "www." + domain


def _free_partners(ordered: list[str]) -> set[str]:
    partners = {_partner(d) for d in ordered}
    return {p for p in partners if p is not None and p not in ordered}


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


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _list(items: Sequence[str]) -> str:
    return ", ".join(items)


def _is_are(items: Sequence[str]) -> str:
    return "is" if len(items) == 1 else "are"


def _it_them(items: Sequence[str]) -> str:
    return "it" if len(items) == 1 else "them"


def _s(items: Sequence[str]) -> str:
    return "" if len(items) == 1 else "s"


def _they(items: Sequence[str], singular: str) -> str:
    return singular if len(items) == 1 else singular + "s"
