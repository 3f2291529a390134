"""parse_csr, validate_csr and generate_key_and_csr on real CSRs."""

from __future__ import annotations

import base64
import re
from typing import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmenomssl.errors import ModuleError
from pmenomssl.ssl import (
    CsrError,
    CsrPolicy,
    generate_key_and_csr,
    parse_csr,
    validate_csr,
)
from tests.ssl.factory import build_certificate, build_csr, key_pem

CsrBuilder = Callable[..., str]


def problems_of(pem: str, policy: CsrPolicy) -> tuple[str, ...]:
    with pytest.raises(CsrError) as caught:
        validate_csr(pem, policy)
    return caught.value.problems


def only_problem(pem: str, policy: CsrPolicy) -> str:
    problems = problems_of(pem, policy)
    assert len(problems) == 1, problems
    return problems[0]


def der_of(pem: str) -> bytes:
    body = "".join(line for line in pem.splitlines() if not line.startswith("-----"))
    return base64.b64decode(body)


def pem_of(der: bytes, label: str = "CERTIFICATE REQUEST") -> str:
    b64 = base64.b64encode(der).decode()
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


# --- parse_csr ------------------------------------------------------------------------------


def test_parse_reads_names_key_and_subject(make_csr: CsrBuilder) -> None:
    pem = make_csr(
        "Example.COM",
        ["example.com", "WWW.Example.com", "shop.example.com"],
        subject=[
            (NameOID.COUNTRY_NAME, "US"),
            (NameOID.STATE_OR_PROVINCE_NAME, "WA"),
            (NameOID.LOCALITY_NAME, "Kirkland"),
            (NameOID.ORGANIZATION_NAME, "Example Inc"),
            (NameOID.ORGANIZATIONAL_UNIT_NAME, "Web"),
            (NameOID.EMAIL_ADDRESS, "ops@example.com"),
        ],
    )
    info = parse_csr(pem)
    assert info.common_name == "Example.COM"
    assert info.sans == ("example.com", "www.example.com", "shop.example.com")
    assert info.names == ("example.com", "www.example.com", "shop.example.com")
    assert (info.key_type, info.key_size, info.curve) == ("RSA", 2048, None)
    assert dict(info.subject) == {
        "O": "Example Inc",
        "OU": "Web",
        "L": "Kirkland",
        "ST": "WA",
        "C": "US",
        "emailAddress": "ops@example.com",
    }
    assert info.pem == pem
    assert info.other_sans == ()


def test_parse_ec_key_and_csr_without_san_extension(
    ec_keys: dict[str, ec.EllipticCurvePrivateKey],
) -> None:
    info = parse_csr(build_csr(ec_keys["p384"], "example.org", None))
    assert (info.key_type, info.key_size, info.curve) == ("EC", 384, "secp384r1")
    assert info.sans == ()
    assert info.names == ("example.org",)
    assert dict(info.subject) == {}


def test_parse_csr_with_sans_but_no_common_name(make_csr: CsrBuilder) -> None:
    info = parse_csr(make_csr(None, ["b.example.com", "a.example.com"]))
    assert info.common_name == ""
    assert info.names == ("b.example.com", "a.example.com")


def test_parse_reports_non_dns_sans(make_csr: CsrBuilder) -> None:
    info = parse_csr(make_csr("example.com", ["example.com"], ips=["192.0.2.7"]))
    assert info.sans == ("example.com",)
    assert info.other_sans == ("IP:192.0.2.7",)


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda p: p.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda p: "\n\n   " + p + "  \n\t\n", id="surrounding-whitespace"),
        pytest.param(
            lambda p: "\n".join("        " + line for line in p.splitlines()), id="indented"
        ),
        pytest.param(
            lambda p: p.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"), id="new-header"
        ),
        pytest.param(lambda p: p.replace("\n", "\\n"), id="literal-backslash-n"),
        pytest.param(lambda p: "Here is my CSR:\n" + p + "Thanks!\n", id="surrounding-text"),
        pytest.param(lambda p: p.replace("\n", " "), id="all-on-one-line"),
    ],
)
def test_parse_accepts_pasted_variants(make_csr: CsrBuilder, mangle: object) -> None:
    pem = make_csr("example.com", ["example.com"])
    variant = mangle(pem)  # type: ignore[operator]
    assert variant != pem
    info = parse_csr(variant)
    assert info.pem == pem
    assert info.names == ("example.com",)


def test_parse_rejects_csr_without_any_name(make_csr: CsrBuilder) -> None:
    with pytest.raises(CsrError, match="neither a common name"):
        parse_csr(make_csr(None, None, subject=[(NameOID.ORGANIZATION_NAME, "Example Inc")]))


def test_csr_error_is_a_module_error_of_type_invalid_csr() -> None:
    with pytest.raises(ModuleError) as caught:
        parse_csr("hello")
    assert isinstance(caught.value, CsrError)
    assert caught.value.error_type == "invalid_csr"
    assert "not a CSR in PEM format" in caught.value.desc
    assert "BEGIN CERTIFICATE REQUEST" in caught.value.desc  # says what to paste


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "is empty"),
        ("   \r\n ", "is empty"),
        ("MIIBVDCB/gIBADBaMQswCQYDVQQGEwJVUzEL", "not a CSR in PEM format"),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\nMIIBVDCB\n",
            "END CERTIFICATE REQUEST----- line is missing",
        ),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "PEM PUBLIC KEY block"),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\n%%%not base64***\n"
            "-----END CERTIFICATE REQUEST-----",
            "not valid base64",
        ),
        (pem_of(b"\x30\x03\x02\x01\x00"), "not a valid PKCS#10"),
        (pem_of(b"definitely not DER"), "not a valid PKCS#10"),
    ],
)
def test_parse_rejects_garbage_with_a_reason(text: str, expected: str) -> None:
    with pytest.raises(CsrError, match=re.escape(expected)):
        parse_csr(text)


def test_parse_rejects_a_certificate_passed_as_csr(rsa2048: rsa.RSAPrivateKey) -> None:
    cert = build_certificate(rsa2048, "example.com", rsa2048, "example.com")
    with pytest.raises(CsrError, match="This is a certificate, not a certificate signing request"):
        parse_csr(cert)


def test_parse_rejects_a_private_key_without_quoting_it(rsa2048: rsa.RSAPrivateKey) -> None:
    pem = key_pem(rsa2048)
    with pytest.raises(CsrError) as caught:
        parse_csr(pem)
    assert "This is a private key" in caught.value.desc
    body = pem.splitlines()[1]
    assert body[:20] not in caught.value.desc


def test_parse_rejects_two_csrs(make_csr: CsrBuilder) -> None:
    pem = make_csr("example.com", ["example.com"])
    with pytest.raises(CsrError, match="contains 2 CSRs"):
        parse_csr(pem + pem)


def test_parse_rejects_tampered_signature(make_csr: CsrBuilder) -> None:
    der = bytearray(der_of(make_csr("example.com", ["example.com"])))
    der[-1] ^= 0x01  # the last byte belongs to the signature BIT STRING
    with pytest.raises(CsrError, match="signature does not verify"):
        parse_csr(pem_of(bytes(der)))


def test_parse_rejects_tampered_content(make_csr: CsrBuilder) -> None:
    pem = make_csr("example.com", ["example.com"])
    der = der_of(pem)
    tampered = der.replace(b"example.com", b"examplf.com")
    assert tampered != der
    with pytest.raises(CsrError, match="signature does not verify"):
        parse_csr(pem_of(tampered))


# --- validate_csr ---------------------------------------------------------------------------


def test_validate_accepts_exact_match_case_insensitively(make_csr: CsrBuilder) -> None:
    pem = make_csr("Example.com", ["example.com", "WWW.EXAMPLE.COM"])
    info = validate_csr(pem, CsrPolicy(domains=("EXAMPLE.com", "www.example.com"), max_names=2))
    assert info.names == ("example.com", "www.example.com")


def test_validate_accepts_idn_order_against_punycode_csr(make_csr: CsrBuilder) -> None:
    pem = make_csr("xn--e1afmkfd.xn--p1ai", ["xn--e1afmkfd.xn--p1ai"])
    info = validate_csr(pem, CsrPolicy(domains=("пример.рф",)))
    assert (info.common_name, info.names) == ("xn--e1afmkfd.xn--p1ai", ("xn--e1afmkfd.xn--p1ai",))


@pytest.mark.parametrize(
    ("key_name", "expected"),
    [
        ("p521", "EC key on the P-521 curve"),
        ("k256", "EC key on the secp256k1 curve"),
    ],
)
def test_validate_rejects_unsupported_curves(
    ec_keys: dict[str, ec.EllipticCurvePrivateKey], key_name: str, expected: str
) -> None:
    pem = build_csr(ec_keys[key_name], "example.com", ["example.com"])
    problem = only_problem(pem, CsrPolicy(domains=("example.com",)))
    assert expected in problem
    assert "generate a new private key" in problem


def test_validate_accepts_p256_and_p384(ec_keys: dict[str, ec.EllipticCurvePrivateKey]) -> None:
    for name, curve, size in (("p256", "secp256r1", 256), ("p384", "secp384r1", 384)):
        pem = build_csr(ec_keys[name], "example.com")
        info = validate_csr(pem, CsrPolicy(domains=("example.com",)))
        assert (info.key_type, info.curve, info.key_size) == ("EC", curve, size)
        assert info.names == ("example.com",)


def test_validate_rejects_rsa_1024(rsa1024: rsa.RSAPrivateKey) -> None:
    pem = build_csr(rsa1024, "example.com", ["example.com"])
    assert parse_csr(pem).key_size == 1024
    problem = only_problem(pem, CsrPolicy(domains=("example.com",)))
    assert problem.startswith("The CSR uses a 1024-bit RSA key")
    assert "at least 2048 bits" in problem


def test_validate_rejects_ed25519() -> None:
    pem = build_csr(ed25519.Ed25519PrivateKey.generate(), "example.com", ["example.com"])
    assert parse_csr(pem).key_type == "Ed25519"
    assert "uses a Ed25519 key" in only_problem(pem, CsrPolicy(domains=("example.com",)))


def test_validate_cn_mismatch_names_both_domains_and_the_fix(make_csr: CsrBuilder) -> None:
    pem = make_csr("shop.example.org", ["shop.example.org"])
    assert only_problem(pem, CsrPolicy(domains=("example.com",))) == (
        "The CSR's common name is shop.example.org but the order is for example.com: "
        "generate a new CSR for example.com and submit it again."
    )


def test_validate_cn_must_be_the_main_domain(make_csr: CsrBuilder) -> None:
    pem = make_csr("b.example.com", ["b.example.com", "a.example.com"])
    problem = only_problem(pem, CsrPolicy(domains=("a.example.com", "b.example.com")))
    assert "common name is b.example.com, but the order's main domain is a.example.com" in problem


def test_validate_reports_missing_common_name(make_csr: CsrBuilder) -> None:
    pem = make_csr(None, ["example.com"])
    assert only_problem(pem, CsrPolicy(domains=("example.com",))) == (
        "The CSR has no common name (CN): generate a new CSR with the common name example.com."
    )


def test_validate_reports_missing_ordered_domain(make_csr: CsrBuilder) -> None:
    pem = make_csr("example.com", ["example.com"])
    problem = only_problem(pem, CsrPolicy(domains=("example.com", "shop.example.com")))
    assert problem.startswith("The order includes shop.example.com but the CSR does not")


def test_validate_reports_extra_san(make_csr: CsrBuilder) -> None:
    pem = make_csr("example.com", ["example.com", "mail.example.com", "other.net"])
    problem = only_problem(pem, CsrPolicy(domains=("example.com",)))
    assert problem.startswith(
        "The CSR also contains mail.example.com, other.net, which are not part of the order"
    )
    assert "add them to the order" in problem


def test_validate_reports_ip_san(make_csr: CsrBuilder) -> None:
    pem = make_csr("example.com", ["example.com"], ips=["2001:db8::1"])
    assert "IP:2001:db8::1" in only_problem(pem, CsrPolicy(domains=("example.com",)))


def test_validate_www_partner_only_when_included(make_csr: CsrBuilder) -> None:
    pem = make_csr("example.com", ["example.com", "www.example.com"])
    info = validate_csr(pem, CsrPolicy(domains=("example.com",), www_included=True, max_names=1))
    assert info.names == ("example.com", "www.example.com")
    assert "www.example.com" in only_problem(pem, CsrPolicy(domains=("example.com",)))


def test_validate_www_partner_as_common_name(make_csr: CsrBuilder) -> None:
    pem = make_csr("www.example.com", ["www.example.com", "example.com"])
    info = validate_csr(pem, CsrPolicy(domains=("example.com",), www_included=True))
    assert (info.common_name, set(info.names)) == (
        "www.example.com",
        {"example.com", "www.example.com"},
    )
    pem = make_csr("example.com", ["example.com", "www.example.com"])
    info = validate_csr(pem, CsrPolicy(domains=("www.example.com",), www_included=True))
    assert (info.common_name, set(info.names)) == (
        "example.com",
        {"example.com", "www.example.com"},
    )


def test_validate_wildcard_refused_on_non_wildcard_product(make_csr: CsrBuilder) -> None:
    pem = make_csr("*.example.com", ["*.example.com"])
    problem = only_problem(pem, CsrPolicy(domains=("example.com",)))
    assert problem == (
        "The CSR contains the wildcard name *.example.com, but this certificate type does not "
        "cover wildcards: order a wildcard certificate, or generate a new CSR for example.com "
        "without '*.'."
    )


def test_validate_wildcard_accepted_on_wildcard_product(make_csr: CsrBuilder) -> None:
    pem = make_csr("*.example.com", ["*.example.com", "example.com"])
    policy = CsrPolicy(domains=("*.example.com",), wildcard_allowed=True, www_included=True)
    assert validate_csr(pem, policy).common_name == "*.example.com"
    problem = only_problem(pem, CsrPolicy(domains=("*.example.com",), wildcard_allowed=True))
    assert "also contains example.com" in problem


def test_validate_rejects_malformed_wildcards(make_csr: CsrBuilder) -> None:
    pem = make_csr("*.example.com", ["*.example.com", "a.*.example.com", "*.com"])
    policy = CsrPolicy(domains=("*.example.com",), wildcard_allowed=True)
    with pytest.raises(CsrError) as caught:
        validate_csr(pem, policy)
    problems = caught.value.problems
    assert len(problems) == 2, problems
    assert problems[0].startswith("a.*.example.com has '*' where a wildcard is not allowed")
    assert problems[1].startswith("*.com would cover every domain registered under")


def test_validate_too_many_names(make_csr: CsrBuilder) -> None:
    domains = ("example.com", "a.example.com", "b.example.com")
    pem = make_csr("example.com", list(domains))
    validate_csr(pem, CsrPolicy(domains=domains, max_names=3))
    problem = only_problem(pem, CsrPolicy(domains=domains, max_names=2))
    assert problem.startswith(
        "The CSR contains 3 names (example.com, a.example.com, b.example.com)"
    )
    assert "at most 2" in problem


def test_validate_ascii_only_subject(make_csr: CsrBuilder) -> None:
    pem = make_csr(
        "example.com",
        ["example.com"],
        subject=[(NameOID.ORGANIZATION_NAME, "Müller GmbH"), (NameOID.LOCALITY_NAME, "Köln")],
    )
    validate_csr(pem, CsrPolicy(domains=("example.com",)))
    problems = problems_of(pem, CsrPolicy(domains=("example.com",), ascii_only_subject=True))
    assert len(problems) == 2
    assert problems[0].startswith("The CSR's organization (O) is 'Müller GmbH'")
    assert "for example 'Muller GmbH'" in problems[0]
    assert problems[1].startswith("The CSR's locality (city) (L) is 'Köln'")


def test_validate_collects_every_problem(rsa1024: rsa.RSAPrivateKey) -> None:
    pem = build_csr(
        rsa1024,
        "shop.example.org",
        ["shop.example.org", "*.example.org"],
        subject=[(NameOID.ORGANIZATION_NAME, "Société")],
    )
    policy = CsrPolicy(domains=("example.com",), ascii_only_subject=True, max_names=1)
    with pytest.raises(CsrError) as caught:
        validate_csr(pem, policy)
    problems = caught.value.problems
    assert [p.split(" ", 4)[:4] for p in problems] == [
        ["The", "CSR", "uses", "a"],  # key
        ["The", "CSR's", "common", "name"],  # CN
        ["The", "CSR", "contains", "the"],  # wildcard
        ["The", "CSR's", "organization", "(O)"],  # ASCII
    ]
    desc = caught.value.desc
    assert desc.startswith("The CSR has 4 problems: (1) The CSR uses a 1024-bit RSA key")
    assert "(4) The CSR's organization (O) is 'Société'" in desc


def test_validate_needs_domains(make_csr: CsrBuilder) -> None:
    with pytest.raises(ValueError, match="no domain"):
        validate_csr(make_csr(), CsrPolicy(domains=(" ",)))


def test_validate_garbage_is_a_single_csr_error() -> None:
    with pytest.raises(CsrError) as caught:
        validate_csr("garbage", CsrPolicy(domains=("example.com",)))
    assert len(caught.value.problems) == 1


# --- generate_key_and_csr -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "key_type", "size", "curve"),
    [
        ("rsa2048", "RSA", 2048, None),
        ("rsa3072", "RSA", 3072, None),
        ("rsa4096", "RSA", 4096, None),
        ("ec256", "EC", 256, "secp256r1"),
        ("ec384", "EC", 384, "secp384r1"),
    ],
)
def test_generate_each_key_type(key: str, key_type: str, size: int, curve: str | None) -> None:
    key_text, csr_text = generate_key_and_csr("example.com", sans=["www.example.com"], key=key)
    assert key_text.startswith("-----BEGIN PRIVATE KEY-----\n")  # PKCS#8, not encrypted
    private_key = serialization.load_pem_private_key(key_text.encode(), password=None)
    info = validate_csr(csr_text, CsrPolicy(domains=("example.com", "www.example.com")))
    assert (info.key_type, info.key_size, info.curve) == (key_type, size, curve)
    csr = x509.load_pem_x509_csr(csr_text.encode())
    assert csr.public_key() == private_key.public_key()


def test_generate_subject_and_san_always_with_cn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, csr_text = generate_key_and_csr(
        "Shop.Example.com",
        sans=["www.shop.example.com", "SHOP.example.com", " "],
        key="ec256",
        organization="Example Ltd",
        org_unit="IT",
        locality="Leeds",
        state="West Yorkshire",
        country="gb",
        email="it@example.com",
    )
    info = parse_csr(csr_text)
    assert info.common_name == "shop.example.com"
    assert info.sans == ("shop.example.com", "www.shop.example.com")
    assert dict(info.subject) == {
        "O": "Example Ltd",
        "OU": "IT",
        "L": "Leeds",
        "ST": "West Yorkshire",
        "C": "GB",
        "emailAddress": "it@example.com",
    }


def test_generate_idn_names_in_punycode() -> None:
    _, csr_text = generate_key_and_csr("пример.рф", key="ec256")
    assert parse_csr(csr_text).names == ("xn--e1afmkfd.xn--p1ai",)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"common_name": "example.com", "key": "rsa1024"}, "unknown key type"),
        ({"common_name": "my shop"}, "common name my shop contains ' '"),
        ({"common_name": ""}, "common name (empty) is empty"),
        ({"common_name": "example.com", "sans": ["a..b"]}, "SAN a..b has an empty label"),
        ({"common_name": "*.co.uk"}, "would cover every domain registered under"),
        ({"common_name": "1.2.3.4"}, "is an IP address"),
        ({"common_name": "localhost"}, "is an internal name"),
        ({"common_name": "example.com."}, "ends with a dot"),
        ({"common_name": "example.com", "country": "DEU"}, "two-letter ISO 3166"),
        ({"common_name": "example.com", "email": "nobody"}, "e-mail address"),
        ({"common_name": "a" * 60 + ".example.com"}, "longer than 64 characters"),
    ],
)
def test_generate_rejects_bad_input(kwargs: dict[str, object], expected: str) -> None:
    with pytest.raises(ValueError, match=re.escape(expected)):
        generate_key_and_csr(**kwargs)  # type: ignore[arg-type]


# --- properties -----------------------------------------------------------------------------

POLICY = CsrPolicy(domains=("example.com",), max_names=2, ascii_only_subject=True)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_random_text_only_ever_raises_csr_error(text: str) -> None:
    # random text is never a signed CSR: refused with CsrError (not accepted, not a crash)
    for function in (parse_csr, lambda t: validate_csr(t, POLICY)):
        with pytest.raises(CsrError):
            function(text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]))
def test_random_der_in_pem_armour_only_ever_raises_csr_error(der: bytes, label: str) -> None:
    with pytest.raises(CsrError):
        validate_csr(pem_of(der, label), POLICY)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_damaged_real_csr_is_accepted_or_csr_error(
    make_csr: CsrBuilder, data: st.DataObject
) -> None:
    der = bytearray(der_of(make_csr("example.com", ["example.com"])))
    position = data.draw(st.integers(0, len(der) - 1))
    der[position] = data.draw(st.integers(0, 255))
    try:
        info = validate_csr(pem_of(bytes(der)), CsrPolicy(domains=("example.com",)))
    except CsrError:
        return
    assert info.names == ("example.com",)
