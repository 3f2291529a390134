"""open -> sync_item -> issued, through the real executable, the stand-in and the sandbox."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

from pmenomssl.ssl import csr_matches_certificate
from tests.handler.conftest import World, csr_for, desc


def test_dv_order_is_bought_submitted_issued_and_saved(world: World) -> None:
    item = world.order("rapidssl", "shop.example.com")
    world.ok("open", item)

    params = world.params(item)
    assert params["enom_cert_id"] and params["enom_order_id"]
    assert params["service_status"] == "4"
    assert params["enom_purchase_intent"].endswith("certificate-rapidssl-rapidssl")
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
