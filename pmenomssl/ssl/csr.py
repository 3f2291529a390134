"""Certificate signing requests: read one, check it against an order, or make a key and one.

`validate_csr` is what `open` and `reopen` run before any money is spent: it collects every way
the CSR does not fit the order into one `CsrError`, each reason saying what to do about it.
"""

from __future__ import annotations

import re
import types
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from pmenomssl.ssl import _pem
from pmenomssl.ssl.errors import CsrError

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
_HOSTNAME = re.compile(
    r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
)
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


def parse_csr(pem: str) -> CsrInfo:
    """Read a PEM CSR and check its signature; raise `CsrError` when that is not possible.

    Accepts `BEGIN CERTIFICATE REQUEST` and `BEGIN NEW CERTIFICATE REQUEST`, CRLF line ends,
    indentation and surrounding text. The error never quotes the input (it may be a private key).
    """
    der = _csr_der(pem)
    try:
        csr = x509.load_der_x509_csr(der)
        signature_valid = csr.is_signature_valid
        public_key = csr.public_key()
        subject_attributes = tuple(
            (_short_name(attr.oid, attr.rfc4514_attribute_name), _text(attr.value))
            for attr in csr.subject
        )
        try:
            san_ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            general_names: list[x509.GeneralName] = list(san_ext.value)
        except x509.ExtensionNotFound:
            general_names = []
        normalised_pem = csr.public_bytes(serialization.Encoding.PEM).decode("ascii")
    except Exception as exc:  # any parse failure of the DER means a damaged CSR
        raise CsrError(
            "The CSR is damaged or is not a valid PKCS#10 certificate request "
            f"({type(exc).__name__}): copy it again unchanged, or generate a new CSR."
        ) from exc
    if not signature_valid:
        raise CsrError(
            "The CSR's signature does not verify: it was changed or damaged after it was "
            "generated. Copy it again exactly as generated, or generate a new CSR."
        )
    key_type, key_size, curve = _describe_key(public_key)
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


def validate_csr(pem: str, policy: CsrPolicy) -> CsrInfo:
    """Parse the CSR and check it fits the order; raise one `CsrError` listing every problem.

    Checks: readable, signature valid, RSA >= 2048 or EC P-256/P-384, common name = the main
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

    bad_wildcards = [n for n in info.names if "*" in n]
    if policy.wildcard_allowed:
        malformed = [n for n in bad_wildcards if not _is_wildcard(n)]
        if malformed:
            problems.append(
                f"{_they(malformed, 'The CSR name')} {_list(malformed)} "
                f"{_is_are(malformed)} not a valid wildcard: a wildcard name is '*.' followed by "
                "a domain, such as *.example.com. Generate a new CSR."
            )
        bad_wildcards = malformed
    elif bad_wildcards:
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


def _csr_der(text: str) -> bytes:
    blocks = _pem.find_blocks(text)
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


def _is_wildcard(name: str) -> bool:
    return name.startswith("*.") and "*" not in name[2:] and "." in name[2:]


def _checked_hostname(name: str, what: str) -> str:
    normalised = normalise_domain(name)
    if len(normalised) > 253 or not _HOSTNAME.fullmatch(normalised):
        raise ValueError(f"the {what} {name!r} is not a valid domain name")
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
