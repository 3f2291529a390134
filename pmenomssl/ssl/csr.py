"""Checking a CSR against an order: `validate_csr` is what `open` and `reopen` run before any
money is spent. It collects every way the CSR does not fit the order into one `CsrError`, each
reason saying what to do about it. Reading the CSR is `csr_parsing`; making one,
`csr_generation`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pmenomssl import dnsnames
from pmenomssl.ssl.csr_parsing import RSA_PSS, CsrInfo, parse_csr, unique
from pmenomssl.ssl.errors import CsrError

MIN_RSA_BITS = 2048
# cryptography's curve name -> the name CAs and people use.
ALLOWED_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384"}
_FIELD_LABELS = {
    "CN": "common name",
    "O": "organization",
    "OU": "organizational unit",
    "L": "locality (city)",
    "ST": "state or province",
    "C": "country",
    "emailAddress": "e-mail address",
}


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


def validate_csr(pem: str | bytes, policy: CsrPolicy) -> CsrInfo:
    """Parse the CSR and check it fits the order; raise one `CsrError` listing every problem.

    Checks: readable, signature valid, RSA >= 2048 or EC P-256/P-384, every name (the CSR's and
    the order's) a public DNS name a CA issues for (`pmenomssl.dnsnames`), common name = the main
    (first) ordered domain, every ordered domain present and nothing unordered (the www./apex
    partner is tolerated when `policy.www_included`), wildcards only when allowed, at most
    `policy.max_names` names, and an ASCII-only subject when `policy.ascii_only_subject`.
    """
    ordered = unique([normalise_domain(d) for d in policy.domains if d.strip()])
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


def _list(items: Sequence[str]) -> str:
    return ", ".join(items)


def _is_are(items: Sequence[str]) -> str:
    return "is" if len(items) == 1 else "are"


def _it_them(items: Sequence[str]) -> str:
    return "it" if len(items) == 1 else "them"


def _s(items: Sequence[str]) -> str:
    return "" if len(items) == 1 else "s"
