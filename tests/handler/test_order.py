"""open -> sync_item -> issued, through the real executable, the stand-in and the sandbox."""

from __future__ import annotations

import functools

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree

from pmenomssl.handlers.enomssl.reconcile import Intent
from pmenomssl.ssl import csr_matches_certificate
from tests.handler.conftest import World, csr_for, desc
from tests.ssl.factory import build_csr


def test_dv_order_is_bought_submitted_issued_and_saved(world: World) -> None:
    item = world.order("rapidssl", "shop.example.com")
    world.ok("open", item)

    params = world.params(item)
    assert params["enom_cert_id"] and params["enom_order_id"]
    assert params["service_status"] == "4"
    intent = Intent.from_text(params["enom_purchase_intent"])
    # the account was empty before the purchase: the watermark is 0, below the CertID bought
    assert intent.product == "certificate-rapidssl-rapidssl" and intent.highest_cert_id == 0
    assert int(params["enom_cert_id"]) > intent.highest_cert_id and intent.enom_time
    assert world.standin.item_row(item)["status"] == 2  # postopen
    assert len(world.sandbox.purchases) == 1
    cert = world.sandbox.state.cert(params["enom_cert_id"])
    assert cert.approver_email == "admin@shop.example.com"
    assert cert.web_server_type == 18

    world.ok("sync_item", item)  # the sandbox issues on the second poll
    world.ok("sync_item", item)
    params = world.params(item)
    assert params["service_status"] == "5"
    row = world.standin.certificate_row(item)
    # read with `cryptography` itself, not the module's own parser: an independent observation
    issued = x509.load_pem_x509_certificate(row["crt"].encode())
    names = issued.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    assert [name.value for name in names] == ["shop.example.com"]
    assert csr_matches_certificate(csr_for("shop.example.com")[1], row["crt"])
    assert world.standin.item_row(item)["expiredate"] == issued.not_valid_after_utc.date()
    assert len(world.standin.journal("certificate.open")) == 1
    assert params["enom_opened"] == params["enom_cert_id"]


def test_csr_not_matching_the_order_buys_nothing(world: World) -> None:
    item = world.order(
        "rapidssl",
        "a.example.com",
        params={"domain": "a.example.com"},
        csr=csr_for("other.example.com")[1],
    )
    error = world.fails("open", item)
    assert error.get("type") == "invalid_csr"
    assert "a.example.com" in desc(error)
    assert world.sandbox.purchases == []
    assert sum(world.sandbox.calls.values()) == 0


def test_wildcard_csr_on_a_single_name_product_buys_nothing(world: World) -> None:
    item = world.order("rapidssl", "*.b.example.com", approver="admin@b.example.com")
    error = world.fails("open", item)
    assert error.get("type") == "invalid_csr"
    assert "wildcard" in desc(error)
    assert world.sandbox.purchases == []


def test_approver_of_another_domain_buys_nothing(world: World) -> None:
    item = world.order("rapidssl", "c.example.com", approver="admin@other.org")
    error = world.fails("open", item)
    assert error.get("type") == "invalid_approver"
    assert "admin@c.example.com" in desc(error)
    assert world.sandbox.purchases == []


def test_missing_contacts_buy_nothing(world: World) -> None:
    item = world.order("rapidssl", "d.example.com", params={"adm_phone": "", "org_address": ""})
    error = world.fails("open", item)
    assert error.get("type") == "invalid_contact"
    assert "adm_phone" in desc(error) and "org_address" in desc(error)
    assert world.sandbox.purchases == []


def test_low_balance_buys_nothing(world: World) -> None:
    world.sandbox.configure({"available_balance": "5.00"})
    item = world.order("rapidssl", "e.example.com")
    error = world.fails("open", item)
    assert error.get("type") == "enom_insufficient_funds"
    assert "5.00" in desc(error) and "9.95" in desc(error)
    assert world.sandbox.purchases == []
    assert world.sandbox.calls["PurchaseServices"] == 0


def test_a_purchase_below_the_threshold_buys_nothing(world: World) -> None:
    # The panel's `threshold` field (GlobalSign's param): RapidSSL costs 9.95, the account has
    # 15.00, so buying would leave 5.05, below a threshold of 10.
    world.sandbox.configure({"available_balance": "15.00"})
    world.standin.store.set_param(
        "processingparam", "processingmodule", world.module, "threshold", "10"
    )
    item = world.order("rapidssl", "threshold.example.com")
    error = world.fails("open", item)
    assert error.get("type") == "enom_insufficient_funds"
    text = desc(error)
    assert "threshold" in text and "15.00" in text and "5.05" in text, text
    assert world.sandbox.purchases == []
    assert world.sandbox.calls["PurchaseServices"] == 0
    # a threshold the purchase keeps to lets the order through, once
    world.standin.store.set_param(
        "processingparam", "processingmodule", world.module, "threshold", "5"
    )
    world.ok("open", item)
    assert len(world.sandbox.purchases) == 1


def test_features_declare_the_threshold_param(world: World) -> None:
    from lxml import etree

    doc = etree.fromstring(world.ok("features"))
    assert doc.find("params/param[@name='threshold']") is not None
    assert doc.find("params/param[@name='minbalance']") is None


# org_country: BILLmanager keeps the country of an order as its id in the `country` table
# (pmopenprovider: SELECT iso2 FROM country WHERE id=…); an ISO code or the CSR's C otherwise.


def test_org_country_as_a_billmanager_country_id(world: World) -> None:
    world.standin.add_country("RU", "Russia", country_id=182)
    world.standin.add_country("DE", "Germany", country_id=80)
    item = world.order("rapidssl", "country-id.example.com", params={"org_country": "80"})
    world.ok("open", item)
    cert = world.sandbox.state.cert(world.params(item)["enom_cert_id"])
    assert {cert.contacts[f"{kind}Country"] for kind in ("Admin", "Tech", "Billing")} == {"DE"}


def test_an_unknown_country_id_falls_back_to_the_csrs_country(world: World) -> None:
    item = world.order(
        "rapidssl", "country-csr.example.com", params={"org_country": "999"}, org="Example Inc"
    )
    world.ok("open", item)
    cert = world.sandbox.state.cert(world.params(item)["enom_cert_id"])
    assert cert.contacts["AdminCountry"] == "US"  # the CSR's C= (csr_for with org)


def test_an_unknown_country_id_without_a_csr_country_buys_nothing(world: World) -> None:
    item = world.order("rapidssl", "country-none.example.com", params={"org_country": "999"})
    error = world.fails("open", item)
    assert error.get("type") == "invalid_contact"
    assert "org_country 999" in desc(error)
    assert world.sandbox.purchases == []


def test_an_empty_crypted_password_is_reported_as_empty(world: World) -> None:
    # BILLmanager keeps a crypted field left blank as ""; it decrypts to "" (util.cpp)
    world.standin.store.set_param(
        "processingcryptedparam", "processingmodule", world.module, "password", ""
    )
    item = world.order("rapidssl", "nopassword.example.com")
    error = world.fails("open", item)
    assert error.get("type") == "invalid_connection"
    assert "password" in desc(error) and "empty" in desc(error)
    assert sum(world.sandbox.calls.values()) == 0


@functools.cache
def _raw_csr(common_name: str) -> str:
    """A CSR for any name, even one the module's own generator refuses (built with cryptography)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return build_csr(key, common_name, [common_name])


@pytest.mark.parametrize(
    ("template", "name", "reason"),
    [
        ("rapidssl", "1.2.3.4", "1.2.3.4 is an IP address"),
        ("rapidssl", "under_score.example.com", "contains an underscore"),
        ("rapidssl", "localhost", "localhost is an internal name"),
        ("rapidsslwildcard", "*.co.uk", "*.co.uk would cover every domain registered under"),
        ("rapidssl", "server.local", "is an internal name"),
    ],
)
def test_names_no_ca_issues_for_buy_nothing(
    world: World, template: str, name: str, reason: str
) -> None:
    """Through the real executable: refused before PurchaseServices, ENOM records 0 purchases."""
    # DNS validation: nothing else in the order stands in the way of the purchase, so without
    # the name check this order would be bought (try it: the purchase count then fails).
    # (A wildcard cannot be validated by DNS through ENOM: e-mail at the bare name then.)
    dns = {"approver_method": "auth_dnstxt"}
    wildcard = name.startswith("*.")
    approver = "admin@" + name[2:] if wildcard else ""
    item = world.order(
        template, name, csr=_raw_csr(name), approver=approver, params=None if wildcard else dns
    )
    result = world.run("open", item)
    assert world.sandbox.calls.get("PurchaseServices", 0) == 0
    assert world.sandbox.purchases == []
    assert result.returncode == 1, result.stdout
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None and error.get("type") == "invalid_csr", result.stdout
    assert reason in desc(error), desc(error)
