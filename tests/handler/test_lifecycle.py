"""The certificate lifecycle end to end: product kinds, validation methods, renewal, reissue,
close, import, and the API economy (calls counted in the sandbox and the mgrctl journal)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from lxml import etree

from pmenomssl.handlers.enomssl.reconcile import Intent
from pmenomssl.ssl import csr_matches_certificate, generate_key_and_csr, parse_certificate
from tests.handler.conftest import World, csr_for, desc


def issue(world: World, item: int, polls: int = 3) -> dict[str, str]:
    """open, then sync_item until issued (the sandbox issues on the second poll)."""
    world.ok("open", item)
    for _ in range(polls):
        world.ok("sync_item", item)
        if world.params(item).get("service_status") == "5":
            break
    params = world.params(item)
    assert params["service_status"] == "5", world.log_tail()
    return params


def old_certificate(key_pem: str, cn: str, days_left: int) -> str:
    """A certificate for the item's key that expires in `days_left` days (an old one)."""
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    now = dt.datetime.now(dt.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=300))
        .not_valid_after(now + dt.timedelta(days=days_left))
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


# --- kinds of product ----------------------------------------------------------------------


def test_ov_order_sends_the_organisation(world: World) -> None:
    item = world.order("truebizid", "corp.example.com", org="Example Inc")
    issue(world, item)
    cert = world.sandbox.state.cert(world.params(item)["enom_cert_id"])
    assert cert.contacts["AdminOrgName"] == "Example Inc"
    assert cert.contacts["AdminAddress1"] == "1 Main Street"
    assert cert.contacts["AdminPhone"] == "+1.4252744500"
    assert cert.contacts["TechFName"] == "Tom" and cert.contacts["TechPhone"] == "+49.3012345678"
    assert cert.contacts["BillingEmailAddress"] == "alice@example.net"


def test_ov_order_without_organisation_is_refused_before_buying(world: World) -> None:
    item = world.order("truebizid", "corp2.example.com", params={"org_name": ""})
    error = world.fails("open", item)
    assert error.get("type") == "invalid_contact" and "org_name" in desc(error)
    assert world.sandbox.purchases == []


def test_multi_domain_order(world: World) -> None:
    sans = ("one.example.com", "two.example.org", "three.example.net")
    item = world.order("sectigouccdv", "one.example.com", sans=sans)
    params = issue(world, item)
    cert = world.sandbox.state.cert(params["enom_cert_id"])
    # UCCDomainList includes the CSR's domain, first (WHMCS: "Include the CSR Domain")
    assert cert.ucc_domains == ["one.example.com", "two.example.org", "three.example.net"]
    assert cert.ucc_emails == [
        "admin@one.example.com",
        "admin@two.example.org",
        "admin@three.example.net",
    ]
    assert cert.web_server_type == 1002  # Sectigo
    assert cert.csr_fields.get("CSRCountry") == "US"
    crt = world.standin.certificate_row(item)["crt"]
    assert set(sans) <= set(parse_certificate(crt).sans)


def test_multi_domain_over_the_limit_buys_nothing(world: World) -> None:
    """ENOM's UCC covers three names, the common name included: a fourth is refused unbought."""
    sans = tuple(f"d{i}.example.com" for i in range(4))
    item = world.order("sectigouccdv", "d0.example.com", sans=sans)
    error = world.fails("open", item)
    assert error.get("type") == "invalid_csr" and "at most 3" in desc(error)
    assert world.sandbox.purchases == []
    assert world.sandbox.calls["PurchaseServices"] == 0


def test_multi_domain_names_ordered_beyond_the_limit_buy_nothing(world: World) -> None:
    """More names in the order's altname than the product covers: refused before buying, even
    when the CSR is within the limit."""
    sans = ("a0.example.com", "a1.example.com")
    item = world.order(
        "sectigouccdv",
        "a0.example.com",
        sans=sans,
        params={"altname": "a1.example.com a2.example.com a3.example.com"},
    )
    error = world.fails("open", item)
    assert "4 names were ordered" in desc(error) and "at most 3" in desc(error)
    assert world.sandbox.calls["PurchaseServices"] == 0


def test_wildcard_order(world: World) -> None:
    item = world.order("rapidsslwildcard", "*.wild.example.com", approver="admin@wild.example.com")
    issue(world, item)
    crt = world.standin.certificate_row(item)["crt"]
    assert parse_certificate(crt).subject_cn == "*.wild.example.com"


def test_dns_validation_saves_the_record_for_the_client(world: World) -> None:
    item = world.order(
        "rapidssl", "dns.example.com", approver="", params={"approver_method": "auth_dnstxt"}
    )
    world.ok("open", item)
    params = world.params(item)
    cert = world.sandbox.state.cert(params["enom_cert_id"])
    assert cert.dv_method == "DNS" and cert.approver_email == ""
    assert params["enom_dcv_dns_entry"] == f"s{cert.dv_token}"
    assert params["enom_dcv_dns_address"].endswith(".dns.example.com")
    world.ok("sync_item", item)
    world.ok("sync_item", item)
    assert world.params(item)["service_status"] == "5"


def test_file_validation_saves_the_file_for_the_client(world: World) -> None:
    item = world.order(
        "quickssl", "file.example.com", approver="", params={"approver_method": "auth_file"}
    )
    world.ok("open", item)
    params = world.params(item)
    cert = world.sandbox.state.cert(params["enom_cert_id"])
    assert cert.dv_method == "File"
    assert params["enom_dcv_file_url"].endswith("/.well-known/pki-validation/fileauth.txt")
    assert params["enom_dcv_file_contents"].endswith(cert.dv_token)


def test_dns_validation_on_a_product_without_it_buys_nothing(world: World) -> None:
    item = world.order(
        "sectigoessential", "nodns.example.com", params={"approver_method": "auth_dnstxt"}
    )
    error = world.fails("open", item)
    assert error.get("type") == "invalid_approver" and "e-mail" in desc(error)
    assert world.sandbox.purchases == []


def test_rejected_certificate_can_be_configured_again(world: World) -> None:
    """CertStatus 6 "Rejected by Customer" does not fail the service: the certificate is paid,
    and open run again configures and submits it (WHMCS and Clientexec offer this)."""
    world.sandbox.configure({"reject_domains": ["bad.example.com"]})
    item = world.order("rapidssl", "bad.example.com")
    world.ok("open", item)
    world.ok("sync_item", item)
    world.ok("sync_item", item)
    cert_id = world.params(item)["enom_cert_id"]
    assert world.sandbox.state.cert(cert_id).status_id == 6
    assert world.params(item)["service_status"] == "3"
    assert world.standin.journal("certificate.failed") == []
    assert "can be configured again" in world.log_tail()
    world.sandbox.configure({"reject_domains": []})
    world.ok("open", item)  # configures the same certificate again
    for _ in range(3):
        world.ok("sync_item", item)
    assert world.params(item)["service_status"] == "5"
    assert world.params(item)["enom_cert_id"] == cert_id
    assert len(world.sandbox.purchases) == 1
    assert world.sandbox.calls["CertConfigureCert"] == 2


# --- API economy -----------------------------------------------------------------------------


def test_api_economy_of_open_sync_and_getbalance(world: World) -> None:
    item = world.order("rapidssl", "eco.example.com")
    world.ok("open", item)
    # 6 at most: GetCerts, GetBalance, the CertID watermark (CertGetCerts, one row),
    # PurchaseServices, CertConfigureCert, CertPurchaseCert
    assert sum(world.sandbox.calls.values()) <= 6, dict(world.sandbox.calls)
    assert world.sandbox.calls["PurchaseServices"] == 1
    assert len(world.standin.journal()) <= 6, [r["func"] for r in world.standin.journal()]

    # With the product list cached (check_connection/getbalance/open wrote it): 5 calls.
    second = world.order("rapidssl", "eco2.example.com")
    world.sandbox.state.calls.clear()
    world.standin.clear_journal()
    world.ok("open", second)
    assert sum(world.sandbox.calls.values()) == 5, dict(world.sandbox.calls)
    assert world.sandbox.calls["CertGetCerts"] == 1  # the watermark, before the purchase
    assert len(world.standin.journal()) == 6

    world.ok("sync_item", item)
    world.ok("sync_item", item)
    assert world.params(item)["service_status"] == "5"
    world.sandbox.state.calls.clear()
    world.standin.clear_journal()
    world.ok("sync_item", item)  # nothing new
    assert dict(world.sandbox.calls) == {"CertGetCertDetail": 1}
    assert [r["func"] for r in world.standin.journal()] == ["paramlist"]

    world.ok("sync_item", second)  # pending, status already 4: still no write
    world.sandbox.state.calls.clear()
    world.standin.clear_journal()
    world.sandbox.configure({"polls_before_issue": 100})
    world.ok("sync_item", second)
    assert [r["func"] for r in world.standin.journal()] == ["paramlist"]

    world.sandbox.state.calls.clear()
    world.ok("getbalance", None, "--module", str(world.module))
    assert dict(world.sandbox.calls) == {"GetBalance": 1}


# --- renewal ---------------------------------------------------------------------------------


def _near_expiry(world: World, item: int, domain: str, days_left: int) -> None:
    """The item's certificate expires in `days_left` days and the client paid a year more."""
    key = csr_for(domain)[0]
    world.standin.set_certificate(item, crt=old_certificate(key, domain, days_left))
    paid_until = dt.date.today() + dt.timedelta(days=days_left + 365)
    world.standin.store.execute(
        "UPDATE item SET expiredate = %s WHERE id = %s", [paid_until.isoformat(), item]
    )


def test_renewal_inside_the_window_buys_configures_and_replaces(world: World) -> None:
    item = world.order("rapidssl", "renew.example.com")
    old_id = issue(world, item)["enom_cert_id"]
    _near_expiry(world, item, "renew.example.com", days_left=20)
    world.ok("prolong", item)
    params = world.params(item)
    assert len(world.sandbox.purchases) == 2
    new_id = params["enom_renewal_cert_id"]
    assert new_id and new_id != old_id
    assert world.sandbox.state.cert(new_id).status_id in (2, 9)  # configured and submitted
    assert len(world.standin.journal("service.postprolong")) == 1
    for _ in range(3):
        world.ok("sync_item", item)
    params = world.params(item)
    assert params["enom_cert_id"] == new_id and params["enom_previous_cert_ids"] == old_id
    assert params["enom_renewal_cert_id"] == ""
    crt = world.standin.certificate_row(item)["crt"]
    expires = parse_certificate(crt).not_after.date()
    assert expires > dt.date.today() + dt.timedelta(days=300)
    # The renewal ends 20 days before the paid-until date: the expiry is not moved back
    # (issue 12 §5), and the next certificate is due 30 days before this one ends.
    paid_until = dt.date.today() + dt.timedelta(days=20 + 365)
    assert world.standin.item_row(item)["expiredate"] == paid_until
    assert world.params(item)["enom_renewal_due"] == (expires - dt.timedelta(days=30)).isoformat()
    # TheSSLStore's rule: certificate.open whenever a certificate is issued, the renewal's too
    assert len(world.standin.journal("certificate.open")) == 2
    world.ok("sync_item", item)  # nothing new: not announced again
    assert len(world.standin.journal("certificate.open")) == 2
    world.ok("prolong", item)  # a re-run: the next certificate is not due yet, nothing bought
    assert len(world.sandbox.purchases) == 2


def test_renewal_outside_the_window_is_scheduled_then_placed_by_sync(world: World) -> None:
    item = world.order("sectigoessential", "later.example.com")
    issue(world, item)
    _near_expiry(world, item, "later.example.com", days_left=200)
    world.ok("prolong", item)
    params = world.params(item)
    expected = dt.date.today() + dt.timedelta(days=200 - 60)  # Sectigo: 60-day window
    assert abs((dt.date.fromisoformat(params["enom_renewal_due"]) - expected).days) <= 1
    assert len(world.sandbox.purchases) == 1
    assert len(world.standin.journal("service.postprolong")) == 1
    world.ok("sync_item", item)  # not due yet: an ordinary sync
    assert len(world.sandbox.purchases) == 1
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    world.standin.set_item_param(item, "enom_renewal_due", yesterday)
    world.ok("sync_item", item)  # the window opened: buy, configure, submit
    assert len(world.sandbox.purchases) == 2
    for _ in range(3):
        world.ok("sync_item", item)
    params = world.params(item)
    assert params["enom_renewal_cert_id"] == ""
    assert params["enom_cert_id"] == str(world.sandbox.purchases[1].cert_id)
    # paid until today + 565 days, the renewal ends in a year: its successor is due 60 days
    # before that (issue 12 §5), not now
    due = dt.date.fromisoformat(params["enom_renewal_due"])
    assert due > dt.date.today() + dt.timedelta(days=290)


def test_a_24_month_service_stays_covered_without_a_second_charge_to_the_client(
    world: World,
) -> None:
    """ENOM sells 12-month certificates: a service paid for 24 months keeps its paid expiry,
    and the next certificate is bought by sync_item inside the paid period (issue 12 §5)."""
    paid_until = dt.date.today() + dt.timedelta(days=730)
    item = world.order("rapidssl", "twoyears.example.com", period=24, expiredate=paid_until)
    params = issue(world, item)
    first_end = parse_certificate(world.standin.certificate_row(item)["crt"]).not_after.date()
    assert first_end < paid_until - dt.timedelta(days=300)  # one 12-month certificate
    assert world.standin.item_row(item)["expiredate"] == paid_until  # not moved back
    due = dt.date.fromisoformat(params["enom_renewal_due"])
    assert due == first_end - dt.timedelta(days=30)  # RapidSSL: 30-day renewal window
    world.ok("sync_item", item)  # not due yet
    assert len(world.sandbox.purchases) == 1
    world.standin.set_item_param(item, "enom_renewal_due", dt.date.today().isoformat())
    world.ok("sync_item", item)  # due: the next certificate is bought and submitted
    assert len(world.sandbox.purchases) == 2
    for _ in range(3):
        world.ok("sync_item", item)
    params = world.params(item)
    assert params["enom_cert_id"] == str(world.sandbox.purchases[1].cert_id)
    assert world.standin.item_row(item)["expiredate"] == paid_until
    assert world.standin.journal("service.prolong") == []  # BILLmanager was not asked to bill
    world.ok("prolong", item)  # BILLmanager's own prolong later: nothing more is bought now
    assert len(world.sandbox.purchases) == 2


# --- reissue ---------------------------------------------------------------------------------


def test_reissue_through_the_api(world: World) -> None:
    item = world.order("rapidssl", "reissue.example.com")
    issue(world, item)
    key, csr = generate_key_and_csr("reissue.example.com")
    world.standin.set_certificate(item, csr=csr, pkey=key)
    world.ok("reopen", item)
    assert world.params(item)["service_status"] == "3"
    assert world.sandbox.calls["CertReissueCert"] == 1
    assert len(world.standin.journal("service.postreopen")) == 1
    world.ok("sync_item", item)
    assert world.params(item)["service_status"] == "5"
    assert csr_matches_certificate(csr, world.standin.certificate_row(item)["crt"])
    assert len(world.sandbox.purchases) == 1
    # the reissued certificate reaches the client like the first one (certificate.open)
    assert len(world.standin.journal("certificate.open")) == 2
    world.ok("sync_item", item)
    assert len(world.standin.journal("certificate.open")) == 2


def test_an_item_opened_before_serials_were_kept_is_not_announced_again(world: World) -> None:
    item = world.order("rapidssl", "legacy-open.example.com")
    issue(world, item)
    world.standin.set_item_param(item, "enom_opened_serial", "")  # as an older version left it
    world.ok("sync_item", item)
    assert len(world.standin.journal("certificate.open")) == 1
    assert world.params(item)["enom_opened_serial"]


def test_reissue_through_support_becomes_a_manual_task(world: World) -> None:
    item = world.order("sectigoessential", "support.example.com")
    params = issue(world, item)
    key, csr = generate_key_and_csr("support.example.com")
    world.standin.set_certificate(item, csr=csr, pkey=key)
    error = world.fails("reopen", item)
    assert error.get("type") == "reissue_by_support"
    assert params["enom_order_id"] in desc(error)
    ro = world.standin.add_runningoperation(item, operation="reopen")
    world.ok("reopen", item, "--runningoperation", str(ro))
    (task,) = world.standin.journal("task.edit")
    assert params["enom_order_id"] in task["params"]["params"]
    assert len(world.standin.journal("runningoperation.setmanual")) == 1
    assert world.sandbox.calls["CertReissueCert"] == 0


# --- close -----------------------------------------------------------------------------------


def test_close_while_processing_cancels_at_enom(world: World) -> None:
    item = world.order("rapidssl", "cancel.example.com")
    world.ok("open", item)
    world.ok("close", item)
    params = world.params(item)
    assert world.sandbox.calls["CertModifyOrder"] == 1
    assert world.sandbox.state.cert(params["enom_cert_id"]).status_id == 1
    assert params["enom_order_id"] in params["enom_refund_note"]
    assert "support" in params["enom_refund_note"]
    assert world.standin.item_row(item)["status"] == 4
    assert "a refund needs an enom support request" in world.log_tail().lower()


def test_close_after_issue_only_notes_the_refund(world: World) -> None:
    item = world.order("rapidssl", "closed.example.com")
    params = issue(world, item)
    world.ok("close", item)
    assert world.sandbox.calls["CertModifyOrder"] == 0
    assert params["enom_order_id"] in world.params(item)["enom_refund_note"]
    assert len(world.standin.journal("service.postclose")) == 1


# --- import ----------------------------------------------------------------------------------


def test_import_links_every_unlinked_certificate(world: World) -> None:
    world.standin.add_pricelist("rapidssl", module_id=world.module)
    world.standin.add_pricelist("sectigoessential", module_id=world.module)
    linked = world.order("rapidssl", "linked.example.com")
    issue(world, linked)
    state = world.sandbox.state
    issued = state.seed_certificates(2, domain_template="imp{i}.example.com")
    pending = state.seed_certificates(
        1, product="certificate-comodo-essential", status_id=9, domain_template="pend.example.com"
    )
    # An open whose PurchaseServices answer was lost: its intent's watermark is below `fresh`.
    waiting = world.order("rapidssl", "waiting.example.com")
    intent = Intent(product="certificate-rapidssl-rapidssl", highest_cert_id=pending[0])
    world.standin.set_item_param(waiting, "enom_purchase_intent", intent.to_text())
    fresh = state.seed_certificates(1, status_id=1, domain_template="")  # maybe that purchase
    world.ok("import", None, "--module", str(world.module), "--itemtype", "certificate")
    calls = world.standin.journal("processing.import.service")
    by_cert = {c["params"]["enom_cert_id"]: c["params"] for c in calls}
    assert set(by_cert) == {str(i) for i in issued + pending}
    assert str(fresh[0]) not in by_cert
    first = by_cert[str(issued[0])]
    assert first["import_pricelist_intname"] == "rapidssl" and first["service_status"] == "5"
    assert first["import_service_name"] == "imp0.example.com" and first["expiredate"]
    assert by_cert[str(pending[0])]["import_pricelist_intname"] == "sectigoessential"
    items = world.standin.store.query(
        "SELECT item FROM itemparam WHERE intname = 'enom_cert_id' AND value = %s",
        [str(issued[0])],
    )
    new_item = int(items[0]["item"])
    world.ok("sync_item", new_item)
    assert world.params(new_item)["service_status"] == "5"
    assert parse_certificate(world.standin.certificate_row(new_item)["crt"]).subject_cn == (
        "imp0.example.com"
    )
    world.ok("import", None, "--module", str(world.module), "--itemtype", "certificate")
    assert len(world.standin.journal("processing.import.service")) == len(calls)  # idempotent
    # Once no purchase is unfinished, an unconfigured certificate is imported (no clock: a
    # certificate bought minutes ago is not mistaken for an old one, nor the other way round).
    world.standin.set_item_param(waiting, "enom_purchase_intent", "")
    world.ok("import", None, "--module", str(world.module), "--itemtype", "certificate")
    last = world.standin.journal("processing.import.service")[-1]
    assert len(world.standin.journal("processing.import.service")) == len(calls) + 1
    assert last["params"]["enom_cert_id"] == str(fresh[0])


def test_getbalance_output_is_one_document(world: World) -> None:
    doc = etree.fromstring(world.ok("getbalance", None, "--module", str(world.module)))
    assert doc.tag == "doc" and doc.findtext("currency") == "USD"
