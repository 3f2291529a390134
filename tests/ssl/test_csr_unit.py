"""`validate_csr` decision by decision, on real CSRs, with the exact text a client sees
(issue 17: the in-process tests that pin what `open` refuses before anything is bought, so that
the mutation run of `pmenomssl/ssl/csr.py` needs no run of the executable).

Keys are made once, when the module is imported (RSA key generation is slow); most CSRs use an
EC P-256 key, made in microseconds, and RSA keys appear only where the key is what is tested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from pmenomssl.ssl import (
    CsrError,
    CsrPolicy,
    curve_display_name,
    name_refusals,
    normalise_domain,
    validate_csr,
)
from tests.ssl.factory import PrivateKey, build_csr

DATA = Path(__file__).parent / "data"
KEY_FIX = "generate a new private key (RSA 2048 bits or more, or EC P-256/P-384) and a new CSR"


# Made when the module is imported, so that the mutation run's fork server (which collects the
# tests once, then forks a process per mutant) makes them once, not once per mutant.
_P256 = ec.generate_private_key(ec.SECP256R1())
_RSA2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_RSA2047 = rsa.generate_private_key(public_exponent=65537, key_size=2047)  # noqa: S505 (refused)


@pytest.fixture(scope="module")
def p256() -> ec.EllipticCurvePrivateKey:
    return _P256


@pytest.fixture(scope="module")
def rsa2048() -> rsa.RSAPrivateKey:
    return _RSA2048


@pytest.fixture(scope="module")
def rsa2047() -> rsa.RSAPrivateKey:
    return _RSA2047


def csr(key: PrivateKey, cn: str | None, sans: list[str] | None = None, **kwargs: object) -> str:
    return build_csr(key, cn, sans, **kwargs)  # type: ignore[arg-type]


def problems(pem: str, **policy: object) -> list[str]:
    with pytest.raises(CsrError) as caught:
        validate_csr(pem, CsrPolicy(**policy))  # type: ignore[arg-type]
    return list(caught.value.problems)


def accepted(pem: str, **policy: object) -> tuple[str, ...]:
    return validate_csr(pem, CsrPolicy(**policy)).names  # type: ignore[arg-type]


def missing(names: str, ordered: str) -> str:
    return (
        f"The order includes {names} but the CSR does not: generate a new CSR that contains "
        f"exactly the ordered domains ({ordered})."
    )


def extra(names: str, ordered: str, *, plural: bool = False) -> str:
    verb, pronoun = ("are", "them") if plural else ("is", "it")
    return (
        f"The CSR also contains {names}, which {verb} not part of the order: generate a new CSR "
        f"with only the ordered domains ({ordered}), or add {pronoun} to the order."
    )


def too_many(count: int, names: str, limit: int) -> str:
    return (
        f"The CSR contains {count} names ({names}) but this certificate covers at most {limit}, "
        "the common name included: generate a CSR with fewer names, or order a certificate for "
        "more domains."
    )


def cn_not_ordered(cn: str, main: str) -> str:
    return (
        f"The CSR's common name is {cn} but the order is for {main}: generate a new CSR for "
        f"{main} and submit it again."
    )


# --- every ordered name must be in the CSR (the UCC case of tests/handler/test_guards.py) -----

UCC = ("one.example.com", "two.example.com", "three.example.com")


@pytest.mark.parametrize("left_out", [1, 2])
def test_a_csr_missing_any_ordered_san_is_refused(
    p256: ec.EllipticCurvePrivateKey, left_out: int
) -> None:
    sans = [name for index, name in enumerate(UCC) if index != left_out]
    pem = csr(p256, UCC[0], sans)
    assert problems(pem, domains=UCC, max_names=3) == [
        missing(UCC[left_out], "one.example.com, two.example.com, three.example.com")
    ]


def test_the_main_name_missing_from_the_sans_is_refused(p256: ec.EllipticCurvePrivateKey) -> None:
    # No common name, the two other names as SANs: the common name is what is reported, and the
    # main name is named in that problem (not twice).
    pem = csr(p256, None, list(UCC[1:]))
    assert problems(pem, domains=UCC, max_names=3) == [
        "The CSR has no common name (CN): generate a new CSR with the common name one.example.com."
    ]


def test_two_missing_names_are_listed_in_the_order_given(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, UCC[0], [UCC[0]])
    assert problems(pem, domains=UCC) == [
        missing(
            "two.example.com, three.example.com",
            "one.example.com, two.example.com, three.example.com",
        )
    ]


def test_the_csr_with_every_ordered_name_is_accepted(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "ONE.example.com", ["three.example.com", "Two.Example.com", "one.example.com"])
    assert accepted(pem, domains=UCC, max_names=3) == (
        "one.example.com",
        "three.example.com",
        "two.example.com",
    )


def test_ordered_domains_are_trimmed_lowered_and_blank_ones_ignored(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "example.com", ["example.com", "www.example.com"])
    policy = {"domains": (" Example.COM ", "", "  ", "WWW.example.com\t", "example.com")}
    assert accepted(pem, max_names=2, **policy) == ("example.com", "www.example.com")


def test_an_order_without_a_domain_is_a_programming_error(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    with pytest.raises(ValueError) as caught:
        validate_csr(csr(p256, "example.com"), CsrPolicy(domains=("", "  ")))
    assert str(caught.value) == "CsrPolicy.domains is empty: the order has no domain"


# --- the common name ---------------------------------------------------------------------------


def test_common_name_compared_without_case(p256: ec.EllipticCurvePrivateKey) -> None:
    assert accepted(csr(p256, "EXAMPLE.com", ["example.com"]), domains=("example.com",)) == (
        "example.com",
    )


def test_common_name_another_ordered_domain(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "Two.example.com", ["two.example.com", "one.example.com"])
    assert problems(pem, domains=("one.example.com", "two.example.com")) == [
        "The CSR's common name is two.example.com, but the order's main domain is "
        "one.example.com: generate a new CSR with the common name one.example.com and the "
        "other ordered domains as subject alternative names."
    ]


def test_common_name_not_ordered_is_reported_once(p256: ec.EllipticCurvePrivateKey) -> None:
    # The wrong CN is not also an unordered name, and the main domain it replaces is not also
    # a missing one.
    pem = csr(p256, "shop.example.org", ["shop.example.org", "two.example.com"])
    assert problems(pem, domains=("one.example.com", "two.example.com")) == [
        cn_not_ordered("shop.example.org", "one.example.com")
    ]


def test_common_name_not_ordered_with_the_main_domain_as_a_san(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "shop.example.org", ["example.com"])
    assert problems(pem, domains=("example.com",)) == [
        cn_not_ordered("shop.example.org", "example.com")
    ]


def test_common_name_not_ordered_and_another_name_missing(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "x.example.org", ["x.example.org"])
    assert problems(pem, domains=("one.example.com", "two.example.com")) == [
        cn_not_ordered("x.example.org", "one.example.com"),
        missing("two.example.com", "one.example.com, two.example.com"),
    ]


def test_common_name_not_ordered_and_another_name_unordered(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "x.example.org", ["x.example.org", "example.com", "y.example.org"])
    assert problems(pem, domains=("example.com",)) == [
        cn_not_ordered("x.example.org", "example.com"),
        extra("y.example.org", "example.com"),
    ]


def test_a_wildcard_common_name_on_a_wildcard_product_ordered_without(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "*.example.com", ["*.example.com", "example.com"])
    assert problems(pem, domains=("example.com",), wildcard_allowed=True) == [
        cn_not_ordered("*.example.com", "example.com")
    ]


def test_www_partner_as_common_name_only_when_the_product_includes_it(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "www.example.com", ["www.example.com", "example.com"])
    assert accepted(pem, domains=("example.com",), www_included=True, max_names=1) == (
        "www.example.com",
        "example.com",
    )
    assert problems(pem, domains=("example.com",)) == [
        cn_not_ordered("www.example.com", "example.com")
    ]


def test_apex_as_common_name_of_a_www_order(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "example.com", ["example.com", "www.example.com"])
    assert accepted(pem, domains=("www.example.com",), www_included=True, max_names=1) == (
        "example.com",
        "www.example.com",
    )


def test_a_wildcard_orders_common_name_is_the_wildcard_not_its_partner(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "example.com", ["example.com", "*.example.com"])
    policy = {"domains": ("*.example.com",), "wildcard_allowed": True, "www_included": True}
    assert problems(pem, **policy) == [cn_not_ordered("example.com", "*.example.com")]
    pem = csr(p256, "*.example.com", ["example.com", "*.example.com"])
    assert accepted(pem, max_names=1, **policy) == ("*.example.com", "example.com")


def test_www_partner_rules(p256: ec.EllipticCurvePrivateKey) -> None:
    # www.com's partner is www.www.com (com is no domain of its own); www.shop.example.com's is
    # shop.example.com; an unrelated www. name is not a partner.
    www_com = csr(p256, "www.com", ["www.com", "www.www.com"])
    assert accepted(www_com, domains=("www.com",), www_included=True, max_names=1) == (
        "www.com",
        "www.www.com",
    )
    pem = csr(p256, "www.shop.example.com", ["shop.example.com"])
    assert accepted(pem, domains=("www.shop.example.com",), www_included=True) == (
        "www.shop.example.com",
        "shop.example.com",
    )
    pem = csr(p256, "shop.example.com", ["www.example.com"])
    assert problems(pem, domains=("shop.example.com",), www_included=True) == [
        extra("www.example.com", "shop.example.com")
    ]


# --- names the order does not have -------------------------------------------------------------


def test_one_unordered_name(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "example.com", ["example.com", "mail.example.com"])
    assert problems(pem, domains=("example.com",)) == [extra("mail.example.com", "example.com")]


def test_two_unordered_names_and_the_ordered_list(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "example.com", ["example.com", "mail.example.com", "other.net"])
    assert problems(pem, domains=("example.com", "example.net"), max_names=1) == [
        missing("example.net", "example.com, example.net"),
        extra("mail.example.com, other.net", "example.com, example.net", plural=True),
    ]


def test_www_partner_unordered_when_the_product_does_not_include_it(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "example.com", ["example.com", "www.example.com"])
    assert problems(pem, domains=("example.com",), max_names=1) == [
        extra("www.example.com", "example.com")
    ]


def test_an_ordered_www_name_and_its_partner_both_count(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "example.com", ["example.com", "www.example.com"])
    policy = {"domains": ("example.com", "www.example.com"), "www_included": True}
    assert accepted(pem, max_names=2, **policy) == ("example.com", "www.example.com")
    assert problems(pem, max_names=1, **policy) == [too_many(2, "example.com, www.example.com", 1)]


@pytest.mark.parametrize(
    ("ips", "shown"),
    [
        (["192.0.2.7"], "IP:192.0.2.7, which is"),
        (["192.0.2.7", "2001:db8::1"], "IP:192.0.2.7, IP:2001:db8::1, which are"),
    ],
)
def test_names_that_are_not_domain_names(
    p256: ec.EllipticCurvePrivateKey, ips: list[str], shown: str
) -> None:
    pem = csr(p256, "example.com", ["example.com"], ips=ips)
    assert problems(pem, domains=("example.com",)) == [
        f"The CSR's subject alternative names include {shown} not a domain name: generate a "
        "new CSR whose subject alternative names are only the ordered domains."
    ]


# --- how many names --------------------------------------------------------------------------


def test_exactly_the_limit_is_accepted_one_more_is_refused(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "one.example.com", list(UCC))
    assert accepted(pem, domains=UCC, max_names=3) == UCC
    assert problems(pem, domains=UCC, max_names=2) == [
        too_many(3, "one.example.com, two.example.com, three.example.com", 2)
    ]


def test_no_limit_means_any_number(p256: ec.EllipticCurvePrivateKey) -> None:
    names = tuple(f"n{i}.example.com" for i in range(30))
    assert accepted(csr(p256, names[0], list(names)), domains=names) == names


def test_a_free_partner_is_not_counted(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "example.com", ["example.com", "www.example.com", "shop.example.com"])
    policy = {"domains": ("example.com", "shop.example.com"), "www_included": True}
    assert accepted(pem, max_names=2, **policy) == (
        "example.com",
        "www.example.com",
        "shop.example.com",
    )
    assert problems(pem, max_names=1, **policy) == [too_many(2, "example.com, shop.example.com", 1)]


def test_the_count_is_not_reported_while_other_names_are_wrong(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    # Once those are fixed the CSR holds fewer names: counting them now would repeat them.
    ordered = ("one.example.com", "two.example.com")
    wrong_cn = csr(p256, "x.example.org", ["x.example.org", *ordered])
    assert problems(wrong_cn, domains=ordered, max_names=2) == [
        cn_not_ordered("x.example.org", "one.example.com")
    ]
    with_extra = csr(p256, ordered[0], [*ordered, "x.example.org"])
    assert problems(with_extra, domains=ordered, max_names=2) == [
        extra("x.example.org", "one.example.com, two.example.com")
    ]
    with_wildcard = csr(p256, ordered[0], [*ordered, "*.example.com"])
    assert problems(with_wildcard, domains=ordered, max_names=2) == [
        wildcard("*.example.com", "example.com")
    ]


# --- wildcards --------------------------------------------------------------------------------


def wildcard(names: str, plain: str, *, plural: bool = False) -> str:
    return (
        f"The CSR contains the wildcard name{'s' if plural else ''} {names}, but this certificate "
        "type does not cover wildcards: order a wildcard certificate, or generate a new CSR for "
        f"{plain} without '*.'."
    )


def test_a_wildcard_common_name_on_a_plain_product_is_reported_once(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "*.example.com", ["*.example.com"])
    assert problems(pem, domains=("example.com",)) == [wildcard("*.example.com", "example.com")]


def test_two_wildcards_on_a_plain_product(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "example.com", ["example.com", "*.example.com", "*.shop.example.com"])
    assert problems(pem, domains=("example.com",)) == [
        wildcard("*.example.com, *.shop.example.com", "example.com, shop.example.com", plural=True)
    ]


def test_a_wildcard_common_name_of_another_domain(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "*.example.org", ["*.example.org"])
    assert problems(pem, domains=("example.com",)) == [
        cn_not_ordered("*.example.org", "example.com"),
        wildcard("*.example.org", "example.org"),
    ]


def test_an_ordered_wildcard_on_a_wildcard_product(p256: ec.EllipticCurvePrivateKey) -> None:
    pem = csr(p256, "*.example.com", ["*.example.com"])
    assert accepted(pem, domains=("*.example.com",), wildcard_allowed=True) == ("*.example.com",)
    assert problems(pem, domains=("*.example.com",)) == [wildcard("*.example.com", "example.com")]


# --- names no CA issues for -------------------------------------------------------------------


def test_refused_names_are_reported_alone_after_the_key(
    p256: ec.EllipticCurvePrivateKey, rsa2047: rsa.RSAPrivateKey
) -> None:
    pem = csr(rsa2047, "example.com", ["example.com", "intranet.lan", "other.example.com"])
    assert problems(pem, domains=("example.com", "localhost")) == [
        rsa_too_small(2047),
        "intranet.lan is an internal name: .lan is used only inside private networks, never "
        "delegated in public DNS; no public CA issues for it. Generate a new CSR for public "
        "domain names only.",
        "The order's domain localhost is an internal name: .localhost is reserved for the "
        "local host (RFC 6761 6.3); no public CA issues for it. Correct the domain in the order.",
    ]


def test_name_refusals_says_a_name_in_both_once(p256: ec.EllipticCurvePrivateKey) -> None:
    assert name_refusals(["example.com", "intranet.lan"], ["intranet.lan", "example.com"]) == [
        "intranet.lan is an internal name: .lan is used only inside private networks, never "
        "delegated in public DNS; no public CA issues for it. Generate a new CSR for public "
        "domain names only."
    ]
    assert name_refusals(("example.com",), ("example.com",)) == []


# --- the key ------------------------------------------------------------------------------------


def rsa_too_small(bits: int) -> str:
    return (
        f"The CSR uses a {bits}-bit RSA key, and certificate authorities require at least 2048 "
        f"bits: {KEY_FIX}."
    )


def test_rsa_2048_is_accepted_2047_refused(
    rsa2048: rsa.RSAPrivateKey, rsa2047: rsa.RSAPrivateKey
) -> None:
    assert accepted(csr(rsa2048, "example.com"), domains=("example.com",)) == ("example.com",)
    assert problems(csr(rsa2047, "example.com"), domains=("example.com",)) == [rsa_too_small(2047)]


@pytest.mark.parametrize(
    ("curve", "shown"),
    [(ec.SECP521R1(), "P-521"), (ec.SECP256K1(), "secp256k1"), (ec.SECP224R1(), "secp224r1")],
)
def test_ec_curves_cas_refuse(curve: ec.EllipticCurve, shown: str) -> None:
    pem = csr(ec.generate_private_key(curve), "example.com")
    assert problems(pem, domains=("example.com",)) == [
        f"The CSR uses an EC key on the {shown} curve, which certificate authorities do not "
        f"accept: {KEY_FIX}."
    ]


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1()])
def test_ec_curves_cas_accept(curve: ec.EllipticCurve) -> None:
    pem = csr(ec.generate_private_key(curve), "example.com")
    assert accepted(pem, domains=("example.com",)) == ("example.com",)


def test_an_ed25519_key_is_refused() -> None:
    pem = csr(ed25519.Ed25519PrivateKey.generate(), "example.com")
    assert problems(pem, domains=("example.com",)) == [
        f"The CSR uses a Ed25519 key, which certificate authorities do not accept: {KEY_FIX}."
    ]


def test_an_rsa_pss_key_is_refused() -> None:
    # made by `openssl genpkey -algorithm RSA-PSS` + `openssl req -new` (cryptography cannot)
    pem = (DATA / "rsa-pss.pem").read_text()
    assert problems(pem, domains=("example.com",)) == [
        "The CSR uses an RSA-PSS key (rsassaPss), which certificate authorities do not accept "
        f"(they need a plain RSA key, rsaEncryption): {KEY_FIX}."
    ]


def test_the_key_problem_comes_first_with_the_others(rsa2047: rsa.RSAPrivateKey) -> None:
    pem = csr(rsa2047, "example.com", ["example.com", "mail.example.com"])
    assert problems(pem, domains=("example.com",)) == [
        rsa_too_small(2047),
        extra("mail.example.com", "example.com"),
    ]


@pytest.mark.parametrize(
    ("curve", "shown"),
    [
        (None, ""),
        ("secp256r1", "P-256"),
        ("secp384r1", "P-384"),
        ("secp521r1", "P-521"),
        ("secp256k1", "secp256k1"),
    ],
)
def test_curve_display_name(curve: str | None, shown: str) -> None:
    assert curve_display_name(curve) == shown


# --- ASCII-only subjects ------------------------------------------------------------------------


def non_ascii(label: str, short: str, value: str, folded: str | None) -> str:
    example = f", for example '{folded}'" if folded else ""
    return (
        f"The CSR's {label} ({short}) is '{value}', which has non-ASCII characters that this "
        "certificate authority does not accept: generate a new CSR using only ASCII letters in "
        f"the subject{example}."
    )


def test_every_subject_field_is_named(p256: ec.EllipticCurvePrivateKey) -> None:
    subject = [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Plain Ltd"),  # ASCII: nothing to say
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Müller GmbH"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Ж Bank"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Москва"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Île-de-France"),
        x509.NameAttribute(
            NameOID.EMAIL_ADDRESS, "jörg@example.com", x509.name._ASN1Type.UTF8String
        ),
        x509.NameAttribute(NameOID.GIVEN_NAME, "Jörg"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Plain Ltd"),
        x509.NameAttribute(NameOID.COMMON_NAME, "example.com"),
    ]
    pem = build_with(p256, subject)
    assert accepted(pem, domains=("example.com",)) == ("example.com",)
    assert problems(pem, domains=("example.com",), ascii_only_subject=True) == [
        non_ascii("organization", "O", "Müller GmbH", "Muller GmbH"),
        non_ascii("organizational unit", "OU", "Ж Bank", "Bank"),
        non_ascii("locality (city)", "L", "Москва", None),
        non_ascii("state or province", "ST", "Île-de-France", "Ile-de-France"),
        non_ascii("e-mail address", "emailAddress", "jörg@example.com", "jorg@example.com"),
        # a field without a label of its own: named as cryptography names it
        non_ascii("2.5.4.42", "2.5.4.42", "Jörg", "Jorg"),
    ]


def test_a_common_name_with_unicode_space_is_read_trimmed_but_is_not_ascii(
    p256: ec.EllipticCurvePrivateKey,
) -> None:
    pem = csr(p256, "\u00a0example.com", ["example.com"])
    assert accepted(pem, domains=("example.com",)) == ("example.com",)
    assert problems(pem, domains=("example.com",), ascii_only_subject=True) == [
        non_ascii("common name", "CN", "\u00a0example.com", "example.com")
    ]


@pytest.mark.filterwarnings("ignore:Attribute's length must be")  # a 2-letter country, 3 bytes
def test_a_non_ascii_country_is_named(p256: ec.EllipticCurvePrivateKey) -> None:
    subject = [
        x509.NameAttribute(
            NameOID.COUNTRY_NAME, "DÉ", x509.name._ASN1Type.UTF8String, _validate=False
        ),
        x509.NameAttribute(NameOID.COMMON_NAME, "example.com"),
    ]
    pem = build_with(p256, subject)
    assert problems(pem, domains=("example.com",), ascii_only_subject=True) == [
        non_ascii("country", "C", "DÉ", "DE")
    ]


def build_with(key: ec.EllipticCurvePrivateKey, attributes: list[x509.NameAttribute[Any]]) -> str:
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name(attributes))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()


# --- normalise_domain -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("  Example.COM\t", "example.com"),
        ("Пример.РФ", "xn--e1afmkfd.xn--p1ai"),
        (" Shop.пример.рф ", "shop.xn--e1afmkfd.xn--p1ai"),
        ("bücher.example.com", "xn--bcher-kva.example.com"),
        # label by label: an ASCII label IDNA would refuse (empty, too long) stays as it is,
        # for dnsnames to name; the whole name is not given up for it
        ("a..пример.рф", "a..xn--e1afmkfd.xn--p1ai"),
        ("a" * 64 + ".Пример.рф", "a" * 64 + ".xn--e1afmkfd.xn--p1ai"),
        # a label IDNA cannot encode (longer than 63 characters) leaves the name as written
        (" " + "Ä" * 64 + ".com", "ä" * 64 + ".com"),
    ],
)
def test_normalise_domain(given: str, expected: str) -> None:
    assert normalise_domain(given) == expected
