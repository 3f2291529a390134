"""send_dv_email / send_dv_dns (ISPsystem's GlobalSign module's features) through the real
executable: the client changes or resends the approver address, or switches to DNS, after the
order; ENOM's CertChangeApproverEmail / CertResendApproverEmail / CertModifyOrder and the DCV
fields of a new submission do it, and nothing is ever bought again."""

from __future__ import annotations

from lxml import etree

from tests.handler.conftest import World, desc


def _ordered(world: World, domain: str, template: str = "rapidssl") -> tuple[int, str]:
    item = world.order(template, domain)
    world.ok("open", item)
    cert_id = world.params(item)["enom_cert_id"]
    assert world.sandbox.state.cert(cert_id).status_id in (2, 9)  # submitted, not issued
    return item, cert_id


def _nothing_bought_again(world: World) -> None:
    assert len(world.sandbox.purchases) == 1
    assert world.sandbox.calls["PurchaseServices"] == 1


def test_features_declare_both_commands(world: World) -> None:
    names = [f.get("name") for f in etree.fromstring(world.ok("features")).iter("feature")]
    assert "send_dv_email" in names and "send_dv_dns" in names


def test_another_approver_address(world: World) -> None:
    item, cert_id = _ordered(world, "change.example.com")
    world.ok("send_dv_email", item, "--emails", "webmaster@change.example.com")
    assert world.sandbox.calls["CertChangeApproverEmail"] == 1
    assert world.sandbox.calls["CertResendApproverEmail"] == 0
    assert world.sandbox.state.cert(cert_id).approver_email == "webmaster@change.example.com"
    assert world.params(item)["approver_email"] == "webmaster@change.example.com"
    _nothing_bought_again(world)


def test_the_same_address_resends_the_e_mail(world: World) -> None:
    item, _ = _ordered(world, "resend.example.com")
    world.ok("send_dv_email", item, "--emails", "admin@resend.example.com")
    assert world.sandbox.calls["CertResendApproverEmail"] == 1
    assert world.sandbox.calls["CertChangeApproverEmail"] == 0
    _nothing_bought_again(world)


def test_an_address_enom_refuses_is_reported(world: World) -> None:
    item, cert_id = _ordered(world, "refused.example.com")
    error = world.fails("send_dv_email", item, "--emails", "someone@elsewhere.org")
    assert "someone@elsewhere.org" in desc(error)
    assert world.sandbox.state.cert(cert_id).approver_email == "admin@refused.example.com"
    assert world.params(item)["approver_email"] == "admin@refused.example.com"
    _nothing_bought_again(world)


def test_switch_to_dns_resubmits_the_paid_certificate(world: World) -> None:
    item, cert_id = _ordered(world, "todns.example.com")
    world.ok("send_dv_dns", item, "--domain", "todns.example.com")
    cert = world.sandbox.state.cert(cert_id)
    assert cert.dv_method == "DNS" and cert.status_id in (2, 9)
    assert world.sandbox.calls["CertModifyOrder"] == 1
    params = world.params(item)
    assert params["approver_method"] == "auth_dnstxt"
    assert params["enom_dcv_dns_address"] or params["enom_dcv_dns_entry"]
    assert params["service_status"] == "4"
    _nothing_bought_again(world)
    # asked again while DNS validation runs: nothing more is sent to ENOM
    world.ok("send_dv_dns", item, "--domain", "todns.example.com")
    assert world.sandbox.calls["CertModifyOrder"] == 1
    assert world.sandbox.calls["CertPurchaseCert"] == 2  # the order's and the switch's


def test_switch_from_dns_back_to_e_mail(world: World) -> None:
    # (the sandbox issues at the second status poll after a submission: one switch each way)
    item, cert_id = _ordered(world, "back.example.com")
    world.ok("send_dv_dns", item, "--domain", "back.example.com")
    world.ok("send_dv_email", item, "--emails", "hostmaster@back.example.com")
    cert = world.sandbox.state.cert(cert_id)
    assert cert.dv_method == "" and cert.approver_email == "hostmaster@back.example.com"
    assert world.sandbox.calls["CertModifyOrder"] == 2
    assert world.params(item)["approver_method"] == "auth_email"
    _nothing_bought_again(world)


def test_dns_for_a_product_without_it_sends_nothing(world: World) -> None:
    item, _ = _ordered(world, "nodns.example.com", "sectigoessential")
    before = sum(world.sandbox.calls.values())
    error = world.fails("send_dv_dns", item, "--domain", "nodns.example.com")
    assert error.get("type") == "invalid_approver"
    assert "DNS" in desc(error)
    assert sum(world.sandbox.calls.values()) == before


def test_a_domain_the_certificate_does_not_cover_is_refused(world: World) -> None:
    item, _ = _ordered(world, "covered.example.com")
    error = world.fails("send_dv_dns", item, "--domain", "other.example.com")
    assert error.get("type") == "invalid_approver"
    assert world.sandbox.calls["CertModifyOrder"] == 0


def test_an_issued_certificate_is_not_changed(world: World) -> None:
    item, _ = _ordered(world, "issued-dv.example.com")
    for _ in range(3):
        world.ok("sync_item", item)
    assert world.params(item)["service_status"] == "5"
    error = world.fails("send_dv_email", item, "--emails", "admin@issued-dv.example.com")
    assert error.get("type") == "invalid_approver"
    assert world.sandbox.calls["CertResendApproverEmail"] == 0
    assert world.sandbox.calls["CertChangeApproverEmail"] == 0


def test_before_the_order_nothing_is_sent(world: World) -> None:
    item = world.order("rapidssl", "notyet.example.com")
    error = world.fails("send_dv_email", item, "--emails", "admin@notyet.example.com")
    assert error.get("type") == "not_ordered"
    assert sum(world.sandbox.calls.values()) == 0
