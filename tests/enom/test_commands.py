"""Every command on its cassette: the request the client sends and the exact values it parses."""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from pmenomssl.enom import (
    Approver,
    Balance,
    CertPage,
    Configured,
    Contact,
    DcvInfo,
    OrderDetail,
    ParsedCsr,
    Product,
    Purchase,
    Submitted,
)
from tests.enom import vcr_setup

pytestmark = pytest.mark.skipif(
    vcr_setup.LIVE, reason="exact documented values; ENOM_LIVE re-records via the contract"
)

ADMIN = Contact(
    "John", "Doe", "rightside.co", "IT Manager", "10500 NE 8th St", "Suite 300", "Kirkland",
    "WA", "98004", "US", "+1.4252744500", "admin@example.com",
)  # fmt: skip
BILLING = Contact(
    "Jane", "Roe", "rightside.co", "Accounts", "1 Main St", "", "Vancouver", "BC", "V5K 0A1",
    "CA", "+1.6045550100", "billing@example.com", fax="+1.6045550101", phone_ext="12",
)  # fmt: skip


def test_get_balance(replay: Any) -> None:
    with replay("GetBalance") as (client, cassette):
        assert client.get_balance() == Balance(Decimal("3709.20"), Decimal("3669.40"))
    assert cassette.play_count == 1


def test_get_certs(replay: Any) -> None:
    with replay("GetCerts") as (client, _):
        products = client.get_certs()
    assert products == [
        Product(
            code="certificate-rapidssl-rapidssl",
            prod_type=23,
            description="SSL Certificate - RapidSSL",
            years=(1, 2),
            reseller_price=Decimal("9.95"),
            retail_price=Decimal("19.95"),
            enabled=True,
        ),
        Product(
            code="certificate-geotrust-quickssl",
            prod_type=26,
            description="SSL Certificate - GeoTrust QuickSSL",
            years=(),
            reseller_price=Decimal("69.00"),
            retail_price=Decimal("125.00"),
            enabled=True,
        ),
    ]


def test_purchase_services(replay: Any) -> None:
    with replay("PurchaseServices") as (client, cassette):
        bought = client.purchase_services("certificate-rapidssl-rapidssl", years=1)
    assert bought == Purchase(cert_id="726340", order_id="267562071")
    assert cassette.play_count == 1


def test_configure_cert_sends_contacts_and_returns_approvers(
    replay: Any, csr_resellerdocs: str
) -> None:
    # The cassette's request holds AdminState/S for the US contacts and BillingProvince/P for
    # the Canadian one: a different State/Province choice would not match and fail here.
    with replay("CertConfigureCert") as (client, cassette):
        configured = client.configure_cert(
            "725899",
            csr=csr_resellerdocs,
            web_server_type=18,
            contacts={"Admin": ADMIN, "Tech": ADMIN, "Billing": BILLING},
        )
    assert configured == Configured(
        cert_id="725899",
        prod_type=23,
        approvers=(
            Approver("registrant@example.com", "Domain"),
            Approver("admin@example.com", "Generic"),
            Approver("webmaster@example.com", "Generic"),
        ),
        dv=DcvInfo(),
    )
    sent = dict(vcr_setup._form(cassette.requests[0]))
    assert sent["AdminState"] == "WA" and sent["AdminStateProvinceChoice"] == "S"
    assert sent["BillingProvince"] == "BC" and sent["BillingStateProvinceChoice"] == "P"
    assert "BillingState" not in sent and "AdminProvince" not in sent


def test_configure_cert_encryption_everywhere_dns(replay: Any, csr_buditest: str) -> None:
    with replay("CertConfigureCert_ee_dns") as (client, _):
        configured = client.configure_cert(
            "726216",
            csr=csr_buditest,
            web_server_type=18,
            contacts={"Admin": ADMIN, "Tech": ADMIN, "Billing": ADMIN},
            dv_auth_method="DNS",
        )
    assert configured.prod_type == 286
    assert configured.approvers == ()
    assert configured.dv == DcvInfo(
        method="DNS",
        dns_entry="@",
        dns_type="TXT",
        dns_address="20170303210335hi8lp217ob29a2f4vh4joryuhiy3iv8qymsrvb2312922kcfe",
    )


def test_get_approver_emails_capital_m_wrapper(replay: Any) -> None:
    with replay("CertGetApproverEmail") as (client, _):
        approvers = client.get_approver_emails("725899", "example.com")
    assert approvers == (
        Approver("registrant@example.com", "Domain"),
        Approver("admin@example.com", "Generic"),
    )


def test_purchase_cert(replay: Any) -> None:
    with replay("CertPurchaseCert") as (client, _):
        submitted = client.purchase_cert(
            "48455",
            approver_email="admin@example.com",
            csr_fields={"CSROrganization": "rightside.co", "CSRCountry": "US"},
        )
    assert submitted == Submitted(
        cert_id="48455", approver_email="admin@example.com", ca_order_id="14228176", dv=DcvInfo()
    )


def test_get_cert_detail(replay: Any) -> None:
    with replay("CertGetCertDetail") as (client, _):
        detail = client.get_cert_detail("726347")
    assert detail.cert_id == "726347"
    assert detail.order_id == "267562392"
    assert detail.domain == "buditest.com"
    assert (detail.status_id, detail.status, detail.status_detail) == (
        1,
        "Awaiting Configuration",
        "",
    )
    assert (detail.prod_type, detail.prod_desc) == (286, "Symantec Encryption Everywhere")
    assert detail.order_date == datetime(2016, 12, 15, 17, 13, 2)
    assert detail.config_date is None
    assert detail.expiration_date == datetime(2017, 12, 15, 17, 13, 2)
    assert detail.validity_months == 12
    assert (
        detail.ssl_certificate
        == "-----BEGIN CERTIFICATE-----\nMIIF...\n-----END CERTIFICATE-----\n"
    )
    assert detail.csr == (
        "-----BEGIN NEW CERTIFICATE REQUEST-----\nMIIE...\n-----END NEW CERTIFICATE REQUEST-----\n"
    )
    assert detail.ca_certs == "" and detail.reissue_status == "" and detail.reference_id == ""
    assert detail.approver_email == ""
    assert detail.dv == DcvInfo(method="DNS")
    assert detail.domain_list == ()


def test_get_certs_page_real_recording(replay: Any) -> None:
    with replay("CertGetCerts") as (client, _):
        page = client.get_certs_page(page_size=10)
    assert isinstance(page, CertPage)
    assert (page.start, page.page_size, page.total) == (1, 10, 4059)
    (cert,) = page.certs
    assert cert.cert_id == "29036" and cert.order_id == "161857490"
    assert cert.domain == "mycircletree.com"
    assert (cert.prod_type, cert.prod_desc) == (26, "SSL Certificate - GeoTrust QuickSSL")
    assert (cert.status_id, cert.status) == (2, "Processing")
    assert cert.order_date == datetime(2015, 6, 2)
    assert cert.config_date is None
    assert cert.expiration_date == datetime(2016, 6, 2)
    assert cert.is_expired is False and cert.validity_months == 12


def test_iter_certs_fetches_every_page_on_demand(replay: Any) -> None:
    with replay("CertGetCerts_paged") as (client, cassette):
        certs = client.iter_certs(page_size=2)
        first = next(certs)
        assert cassette.play_count == 1  # only the first page so far
        rest = list(certs)
    assert cassette.play_count == 3
    ids = [first.cert_id] + [c.cert_id for c in rest]
    assert ids == ["29040", "29039", "29038", "29037", "29036"]
    by_id = {c.cert_id: c for c in [first, *rest]}
    assert by_id["29038"].status_id == 1  # spelled <CertStatusid> in the answer
    assert by_id["29037"].is_expired is True


def test_parse_csr(replay: Any, csr_buditest: str) -> None:
    with replay("CertParseCSR") as (client, _):
        parsed = client.parse_csr("726347", csr_buditest)
    assert parsed == ParsedCsr(
        domain="buditest.com",
        organization="rightside.co",
        organization_unit="dev",
        locality="kirkland",
        state="wa",
        country="US",
        email="",
        has_bad_extensions=False,
    )


def test_reissue_cert(replay: Any, csr_buditest: str) -> None:
    with replay("CertReissueCert") as (client, cassette):
        assert client.reissue_cert("726347", csr_buditest) == ""
    assert cassette.play_count == 1


def test_resend_approver_email(replay: Any) -> None:
    with replay("CertResendApproverEmail") as (client, _):
        assert client.resend_approver_email("48455") == "admin@example.com"


def test_change_approver_email(replay: Any) -> None:
    with replay("CertChangeApproverEmail") as (client, _):
        assert client.change_approver_email("48455", "webmaster@example.com") == (
            "webmaster@example.com"
        )


def test_resend_fulfillment_email(replay: Any) -> None:
    with replay("CertResendFulfillmentEmail") as (client, cassette):
        assert client.resend_fulfillment_email("48455") is None
    assert cassette.play_count == 1


def test_modify_order(replay: Any) -> None:
    with replay("CertModifyOrder") as (client, cassette):
        assert client.modify_order("48455") is None
    assert cassette.play_count == 1


def test_get_order_detail(replay: Any) -> None:
    with replay("GetOrderDetail") as (client, _):
        detail = client.get_order_detail("267562071")
    assert detail == OrderDetail(
        order_id="267562071",
        bill_amount=Decimal("8.95"),
        bill_date=datetime(2016, 12, 15, 17, 13, 2),
        status="Closed",
        result="1",
    )


def test_each_call_logs_one_line_with_tracking_key_and_no_password(
    replay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pmenomssl.enom")
    with replay("CertPurchaseCert") as (client, _):
        client.purchase_cert(
            "48455",
            approver_email="admin@example.com",
            csr_fields={"CSROrganization": "rightside.co", "CSRCountry": "US"},
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "pmenomssl.enom.client"]
    assert len(lines) == 1
    (line,) = lines
    assert line.startswith("ENOM CertPurchaseCert ") and " ok attempts=1" in line
    assert "TrackingKey=3bdfd6fd-c335-4c62-883a-611b99862c52" in line
    assert vcr_setup.REPLAY_PW not in caplog.text


def test_unmatched_request_fails_replay(replay: Any) -> None:
    """Replay is strict: a request that differs from the cassette's does not get its answer."""
    from vcr.errors import CannotOverwriteExistingCassetteException

    with (
        replay("PurchaseServices") as (client, _),
        pytest.raises(CannotOverwriteExistingCassetteException),
    ):
        client.purchase_services("certificate-rapidssl-rapidssl", years=2)
