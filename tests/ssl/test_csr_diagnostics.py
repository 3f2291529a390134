"""CSR diagnostics that tell the truth (issue 12 section 3): the cause a person can act on,
never a Python exception name, for CSRs OpenSSL reads and for real CSRs built here.

`data/` holds CSRs from pyca/cryptography's test vectors (see data/README.md); the rest are
built with `cryptography` (re-signed by hand where it refuses to sign: tests.ssl.factory).
"""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pmenomssl.ssl import CsrError, CsrPolicy, parse_csr, validate_csr
from tests.ssl.factory import build_csr, resign_csr

DATA = Path(__file__).parent / "data"
# Names of exceptions the libraries raise; none may reach a person's message.
EXCEPTION_NAMES = re.compile(
    r"ValueError|InvalidVersion|DuplicateExtension|UnsupportedAlgorithm|Error\b|Exception"
)


def problems_of(text: str | bytes, domain: str) -> tuple[str, ...]:
    with pytest.raises(CsrError) as caught:
        validate_csr(text, CsrPolicy(domains=(domain,)))
    for problem in caught.value.problems:
        assert not EXCEPTION_NAMES.search(problem), problem
    return caught.value.problems


@pytest.mark.parametrize(("hash_name", "shown"), [("sha1", "SHA-1"), ("md5", "MD5")])
def test_weak_signature_is_named_with_the_fix(
    rsa2048: rsa.RSAPrivateKey, hash_name: str, shown: str
) -> None:
    pem = resign_csr(
        build_csr(rsa2048, "example.com", ["example.com"]), rsa2048, hash_name=hash_name
    )
    (problem,) = problems_of(pem, "example.com")
    assert problem.startswith(
        f"The CSR is signed with {shown}, which certificate authorities refuse"
    )
    assert "generate it again with SHA-256" in problem
    assert "changed or damaged" not in problem


def test_unknown_signature_algorithm_is_named_not_called_damaged(
    rsa2048: rsa.RSAPrivateKey,
) -> None:
    plain = build_csr(rsa2048, "example.com", ["example.com"])
    (problem,) = problems_of(resign_csr(plain, rsa2048, hash_name="unknown"), "example.com")
    assert problem.startswith("The CSR is signed with an algorithm certificate authorities do")


def test_the_same_csr_signed_with_sha256_is_accepted(rsa2048: rsa.RSAPrivateKey) -> None:
    pem = resign_csr(build_csr(rsa2048, "example.com", ["example.com"]), rsa2048)
    assert validate_csr(pem, CsrPolicy(domains=("example.com",))).names == ("example.com",)


def test_a_damaged_signature_is_still_called_damaged(rsa2048: rsa.RSAPrivateKey) -> None:
    pem = build_csr(rsa2048, "example.com", ["example.com"])
    der = bytearray(x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0xFF  # inside the signature
    (problem,) = problems_of(bytes(der), "example.com")
    assert "signature does not verify: it was changed or damaged" in problem


def test_rsa_pss_key_is_refused(tmp_path: Path) -> None:
    """An RSA-PSS key as `openssl genpkey -algorithm RSA-PSS` makes it (cryptography cannot)."""
    key, csr = tmp_path / "pss.key", tmp_path / "pss.csr"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048",
         "-out", str(key)],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", "-new", "-key", str(key), "-subj", "/CN=example.com", "-sha256",
         "-out", str(csr)],
        check=True, capture_output=True,
    )  # fmt: skip
    (problem,) = problems_of(csr.read_text(), "example.com")
    assert problem.startswith("The CSR uses an RSA-PSS key (rsassaPss)")


def test_zero_element_extension_request_is_read_as_no_extensions() -> None:
    """OpenSSL reads it (`openssl req -verify` OK); cryptography refuses its attributes."""
    info = parse_csr((DATA / "zero-element-attribute.pem").read_text())
    assert info.names == ("mitel.blonay.ch",)
    assert info.sans == ()


def test_non_der_extensions_are_refused_with_a_reason() -> None:
    (problem,) = problems_of((DATA / "freeipa-bad-critical.pem").read_text(), "replica1.ipa.test")
    assert "requested extensions" in problem
    assert "not encoded as the standard (DER) requires" in problem
    assert "generate a new CSR" in problem


def test_bad_version_is_explained() -> None:
    (problem,) = problems_of((DATA / "bad-version.pem").read_text(), "example.com")
    assert "PKCS#10 version other than 1" in problem


def test_duplicate_extension_and_sha1_are_both_explained() -> None:
    problems = problems_of((DATA / "two_basic_constraints.pem").read_text(), "cryptography.io")
    assert problems[0].startswith("The CSR is signed with SHA-1")
    assert "requests the same extension (basic constraints) twice" in problems[1]


def test_sha1_test_vector_is_not_called_damaged() -> None:
    (problem,) = problems_of((DATA / "rsa_sha1.pem").read_text(), "cryptography.io")
    assert problem.startswith("The CSR is signed with SHA-1")


def test_der_csr_is_converted_not_refused(rsa2048: rsa.RSAPrivateKey) -> None:
    pem = build_csr(rsa2048, "example.com", ["example.com", "www.example.com"])
    der = x509.load_pem_x509_csr(pem.encode()).public_bytes(serialization.Encoding.DER)
    policy = CsrPolicy(domains=("example.com", "www.example.com"))
    for given in (der, base64.b64encode(der).decode(), base64.encodebytes(der).decode()):
        info = validate_csr(given, policy)
        assert info.names == ("example.com", "www.example.com")
        assert info.pem == pem  # standard PEM, as ENOM takes it


def test_u_label_san_gives_one_message_use_the_xn_form(rsa2048: rsa.RSAPrivateKey) -> None:
    """A SAN with raw UTF-8 (cryptography refuses to build one: bytes replaced, re-signed)."""
    plain = build_csr(rsa2048, "xn--bcher-kva.example.com", ["bxxcher.example.com"])
    pem = resign_csr(plain, rsa2048, replace=(b"bxxcher", "bücher".encode()))
    problems = problems_of(pem, "xn--bcher-kva.example.com")
    assert len(problems) == 1, problems
    assert problems[0].startswith("bücher.example.com has non-ASCII characters")
    assert "xn-- form" in problems[0]


@pytest.mark.parametrize(
    ("cn", "reason"),
    [
        ("1.2.3.4", "is an IP address"),
        ("under_score.example.com", "contains an underscore"),
        ("localhost", "is an internal name"),
        ("*.co.uk", "would cover every domain registered under the public suffix co.uk"),
        ("server.local", "is an internal name"),
        ("co.uk", "is a public suffix"),
    ],
)
def test_csr_names_no_ca_issues_for_are_refused(
    rsa2048: rsa.RSAPrivateKey, cn: str, reason: str
) -> None:
    pem = build_csr(rsa2048, cn, [cn])
    with pytest.raises(CsrError) as caught:
        validate_csr(pem, CsrPolicy(domains=(cn,), wildcard_allowed=True))
    (problem,) = caught.value.problems
    assert problem.startswith(cn) and reason in problem, problem
    assert "Generate a new CSR for public domain names only" in problem


def test_an_ordered_name_no_ca_issues_for_is_refused(rsa2048: rsa.RSAPrivateKey) -> None:
    pem = build_csr(rsa2048, "example.com", ["example.com"])
    with pytest.raises(CsrError) as caught:
        validate_csr(pem, CsrPolicy(domains=("example.com", "intranet.lan")))
    (problem,) = caught.value.problems
    assert problem.startswith("The order's domain intranet.lan is an internal name")
