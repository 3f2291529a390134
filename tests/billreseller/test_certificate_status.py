"""A resold certificate's service_status follows the upstream: requested or enrolled while the
upstream processes the order, issued once the certificate is saved here."""

from __future__ import annotations

from tests.billreseller.conftest import Reseller


def statuses(reseller: Reseller, item: int) -> list[str]:
    return [
        r["params"]["service_status"]
        for r in reseller.mgrctl_calls("service.setstatus")
        if r["params"]["elid"] == str(item)
    ]


def test_pending_certificate_is_enrolled_then_issued_after_the_file(reseller: Reseller) -> None:
    reseller.upstream.configure(activate_after=3)
    item = reseller.item("certificate", domain="status.example.com")
    reseller.ok("open", item)
    assert reseller.params(item)["service_status"] in ("3", "4")
    assert reseller.mgrctl_calls("certificate.save") == []

    for _ in range(5):
        if reseller.params(item).get("service_status") == "5":
            break
        reseller.ok("sync_item", item)
    assert reseller.params(item)["service_status"] == "5"
    seen = statuses(reseller, item)
    assert seen == sorted(seen) and seen[-1] == "5", seen  # never backwards
    funcs = [r["func"] for r in reseller.mgrctl_calls()]
    assert funcs.index("certificate.save") < len(funcs) - 1 - funcs[::-1].index(
        "service.setstatus"
    )  # issued is said after the certificate is saved

    before = len(reseller.mgrctl_calls())
    reseller.ok("sync_item", item)
    assert len(reseller.mgrctl_calls()) == before  # nothing new: no write


def test_active_certificate_without_a_file_upstream_stays_enrolled(reseller: Reseller) -> None:
    item = reseller.item("certificate", domain="nofile.example.com")
    reseller.upstream.fault("certificate.file", "http_500", times=10)
    failed = reseller.run("open", item)
    assert failed.returncode == 1  # the file could not be read: BILLmanager retries open
    reseller.upstream.faults.clear()
    assert reseller.params(item).get("service_status", "") != "5"
    reseller.ok("open", item)
    assert reseller.params(item)["service_status"] == "5"
    assert len(reseller.upstream.orders) == 1


def test_certificate_for_a_name_no_ca_issues_for_is_not_ordered(reseller: Reseller) -> None:
    """The upstream charges before its CA refuses `localhost`: refused first, nothing ordered."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.ssl.factory import build_csr

    item = reseller.item("certificate", domain="fine.example.com")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    reseller.standin.set_certificate(item, csr=build_csr(key, "localhost", ["localhost"]))
    error = reseller.fails("open", item)
    assert error.get("type") == "invalid_csr"
    assert "localhost is an internal name" in (error.findtext("param[@name='desc']") or "")
    assert reseller.upstream.services("certificate") == []
