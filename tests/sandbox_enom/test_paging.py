"""CertGetCerts over 10,000 seeded certificates: paging, filters, sorting, speed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from cryptography import x509

from pmenomssl.sandbox.enom import EnomSandbox

from .conftest import Api

N = 10_000


@pytest.fixture(scope="module")
def big() -> Iterator[EnomSandbox]:
    sandbox = EnomSandbox()
    sandbox.start()
    started = time.monotonic()
    sandbox.state.seed_certificates(N - 100, status_id=4)
    sandbox.state.seed_certificates(
        100,
        status_id=2,
        domain_template="pending{i}.example.net",
        product="certificate-comodo-essential",
    )
    # a bound a loaded machine keeps: one X.509 per certificate would take minutes (speed: bench)
    assert time.monotonic() - started < 30, "seeding must stay cheap (no X.509 per cert)"
    yield sandbox
    sandbox.stop()


def test_paging_over_ten_thousand(big: EnomSandbox, http: httpx.Client) -> None:
    api = Api(big, http)
    seen: list[str] = []
    started = time.monotonic()
    pages = 0
    start = 1
    while True:
        root = api.ok(
            "CertGetCerts",
            StartPosition=start,
            PagingPageSize=500,  # clamped to 250
            SortBy="CertID",
            SortByDirection="Asc",
        )
        certs = root.find("CertGetCerts/Certs")
        ids = [c.findtext("CertID") for c in certs.iterfind("Cert")]
        assert certs.findtext("PagingPageSize") == "250"
        assert certs.findtext("StartPosition") == str(start)
        assert certs.findtext("Count") == str(len(ids))
        assert certs.findtext("TotalRecords") == str(N)
        assert root.findtext("TotalCertCount") == str(N)
        seen.extend(ids)
        pages += 1
        if not ids or start + len(ids) > N:
            break
        start += len(ids)
    elapsed = time.monotonic() - started
    assert pages == N // 250
    assert len(seen) == len(set(seen)) == N
    assert seen == sorted(seen, key=int)
    assert elapsed < 90, f"{pages} pages took {elapsed:.1f}s"  # a hang, not speed (bench)


def test_filters_and_sorting(big: EnomSandbox, http: httpx.Client) -> None:
    api = Api(big, http)
    pending = api.ok("CertGetCerts", CertStatusID=2, PagingPageSize=250)
    certs = pending.find("CertGetCerts/Certs")
    assert certs.findtext("TotalRecords") == "100"
    assert certs.findtext("StatusID") == "2"
    assert {c.findtext("CertStatus") for c in certs.iterfind("Cert")} == {"Processing"}
    comodo = api.ok("CertGetCerts", ProdType=211)
    assert comodo.findtext("CertGetCerts/Certs/TotalRecords") == "100"
    assert comodo.findtext("CertGetCerts/Certs/ProductType") == "211"
    one = api.ok("CertGetCerts", DomainNameContains="SEED777.example")
    assert [c.findtext("DomainName") for c in one.iterfind("CertGetCerts/Certs/Cert")] == [
        "seed777.example.com"
    ]
    by_domain = api.ok("CertGetCerts", SortBy="Domain", SortByDirection="Desc", PagingPageSize=3)
    names = [c.findtext("DomainName") for c in by_domain.iterfind("CertGetCerts/Certs/Cert")]
    assert names == sorted(names, reverse=True) and names[0].startswith("seed999")
    default = api.ok("CertGetCerts")
    ids = [int(c.findtext("CertID")) for c in default.iterfind("CertGetCerts/Certs/Cert")]
    assert len(ids) == 25 and ids == sorted(ids, reverse=True), "default: 25, newest first"
    errors = api.error("CertGetCerts", ExpirationDateStart="2024-01-01")[0]
    assert "MM/DD/YYYY" in errors[0]


def test_seeded_certificates_get_x509_lazily(big: EnomSandbox, http: httpx.Client) -> None:
    api = Api(big, http)
    first = min(big.state.certs)
    assert big.state.certs[first].issued is None
    detail = api.ok("CertGetCertDetail", CertID=first).find("CertGetCertDetail")
    pem = detail.findtext("SSLCertificate")
    leaf = x509.load_pem_x509_certificate(pem.encode())
    cn = leaf.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value
    assert cn == detail.findtext("DomainName") == "seed0.example.com"
    listed = api.ok("CertGetCerts", DomainNameContains="seed0.example.com")
    assert listed.findtext("CertGetCerts/Certs/Cert/ExpirationDate") == (
        f"{leaf.not_valid_after_utc.month}/{leaf.not_valid_after_utc.day}/{leaf.not_valid_after_utc.year}"
    )
    # Changing one certificate is visible in the next page (what bulk sync relies on).
    big.state.set_status(first + 1, 6)
    again = api.ok("CertGetCerts", DomainNameContains="seed1.example.com")
    assert again.findtext("CertGetCerts/Certs/Cert/CertStatusID") == "6"
