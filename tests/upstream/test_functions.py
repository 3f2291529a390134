"""Every client function on its cassette: the request it sends and what it makes of the reply."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from pmenomssl.upstream import (
    STATUS_ACTIVE,
    STATUS_DELETED,
    STATUS_ORDERED,
    STATUS_PROCESSING,
    STATUS_STOPPED,
    Balance,
    CertificateFiles,
    Choice,
    Tariff,
    TariffAddon,
    UpstreamMissing,
    UpstreamService,
    UpstreamTwoFactor,
    UpstreamUnknownFunction,
)

Replay = Callable[..., Any]


def test_balance_from_whoami(replay: Replay) -> None:
    with replay("whoami") as (client, cassette):
        assert client.balance() == Balance(Decimal("12345.67"), "RUB")
    assert cassette.play_count == 1


def test_balance_falls_back_to_dashboard_info_without_a_balance_attribute(replay: Replay) -> None:
    with replay("balance_fallback_dashboard") as (client, cassette):
        assert client.balance() == Balance(Decimal("-1000.50"), "EUR")
    assert cassette.play_count == 2


def test_balance_falls_back_to_dashboard_info_when_whoami_is_unknown(replay: Replay) -> None:
    with replay("balance_fallback_unknown_func") as (client, _):
        assert client.balance() == Balance(Decimal("300.00"), "USD")


def test_services_reads_every_page(replay: Replay) -> None:
    with replay("vds_paged") as (client, cassette):
        services = client.services("vds")
    assert cassette.play_count == 3
    assert [s.id for s in services] == ["101", "102", "103", "104", "105"]
    assert [s.status for s in services] == [
        STATUS_ACTIVE,
        STATUS_ORDERED,
        STATUS_PROCESSING,
        STATUS_STOPPED,
        STATUS_DELETED,
    ]
    assert services[0] == UpstreamService(
        id="101",
        itemtype="vds",
        name="vds-101.example.com",
        status=2,
        expiredate=date(2027, 11, 22),
        period=12,
        remoteid="42",
        pricelist="VDS-1",
    )
    assert services[1].remoteid == ""
    assert services[2].expiredate is None
    assert services[3].period == 1 and services[3].expiredate == date(2026, 1, 31)


def test_a_full_page_that_completes_p_elems_is_the_last(replay: Replay) -> None:
    # The cassette has one page: a request for page 2 would fail the test.
    with replay("vhost_one_page") as (client, _):
        assert [s.id for s in client.services("vhost")] == ["201", "202"]


def test_find_service_filters_on_our_side(replay: Replay) -> None:
    with replay("vds_paged") as (client, cassette):
        found = client.find_service("vds", "105")  # on the last of three pages
    assert found is not None and found.remoteid == "46" and found.status == 4
    assert cassette.play_count == 3


def test_find_service_of_an_unknown_id_is_none_after_every_page(replay: Replay) -> None:
    with replay("vds_paged") as (client, cassette):
        assert client.find_service("vds", "999") is None
    assert cassette.play_count == 3


def test_tariffs(replay: Replay) -> None:
    # doc/list/elem rows with prices/price; the daily period (-50) is not a whole month.
    with replay("vds_pricelist") as (client, _):
        tariffs = client.tariffs("vds")
    assert tariffs == [
        Tariff(
            id="21",
            title="VDS-1",
            currency="RUB",
            periods={1: Decimal("300"), 3: Decimal("870"), 12: Decimal("3240")},
        ),
        Tariff(id="22", title="VDS-2", currency="RUB", periods={12: Decimal("12000")}),
    ]


def test_order_form_gives_addons_and_datacentres(replay: Replay) -> None:
    with replay("vds_order_form") as (client, _):
        form = client.order_form("vds", "21")
    assert form.addons == [
        TariffAddon(id="211", name="", value="1"),
        TariffAddon("212", "", value="1"),
    ]
    assert form.choices["datacenter"] == [Choice("1", "Moscow DC"), Choice("2", "Amsterdam DC")]
    assert form.fields["datacenter"] == "2" and "slist" not in form.fields


def test_order_vds_adds_skipbasket_sok_and_autoprolong_off(replay: Replay) -> None:
    fields = {
        "pricelist": "21",
        "order_period": "12",
        "ostempl": "Debian-12",
        "addon_211": "4",
        "remoteid": "42",
        "domain": "vds-42.example.com",
        "datacenter": "1",
        "autoprolong": "on",  # upstream renewal would charge twice: the client forces off
    }
    with replay("vds_order") as (client, _):
        assert client.order("vds", fields) == "106"


def test_order_certificate_uses_the_documented_function_and_fields(replay: Replay) -> None:
    fields = {
        "pricelist": "51",
        "period": "12",
        "crt_type": "generate",
        "csr": "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----",
        "CN": "www.example.com",
        "O": "Example LLC",
        "L": "Moscow",
        "emailAddress": "admin@example.com",
        "field_country": "182",
        "adm_email": "admin@example.com",
        "approver_email_1": "admin@example.com",
        "altname": "mail.example.com shop.example.com",
        "altname_input": "mail.example.com shop.example.com",
        "remoteid": "43",
    }
    with replay("certificate_order") as (client, _):
        assert client.order("certificate", fields) == "501"


def test_prolong_returns_the_nested_new_expiry_not_todays_date(replay: Replay) -> None:
    with replay("service_prolong") as (client, _):
        assert client.prolong("101", 12) == date(2028, 11, 22)


def test_change_pricelist(replay: Replay) -> None:
    with replay("service_changepricelist") as (client, _):
        assert client.change_pricelist("101", "22", 12) is None


def test_certificate_list_is_read_by_its_documented_columns(replay: Replay) -> None:
    with replay("certificate_list") as (client, _):
        rows = client.services("certificate")
    assert [(r.id, r.name, r.status, r.remoteid, r.pricelist) for r in rows] == [
        ("501", "www.example.com", STATUS_ACTIVE, "", "AlphaSSL"),
        ("502", "shop.example.com", STATUS_PROCESSING, "", "AlphaSSL"),
    ]
    assert rows[0].expiredate == date(2027, 11, 22) and rows[1].expiredate is None
    assert rows[0].createdate == date(2026, 11, 22)


def test_a_bare_ok_to_a_list_is_two_factor_not_an_empty_list(replay: Replay) -> None:
    with replay("error_two_factor_bare_ok") as (client, _), pytest.raises(UpstreamTwoFactor):
        client.find_service("vds", "101")


def test_service_fields_reads_the_edit_form(replay: Replay) -> None:
    with replay("vds_edit_read") as (client, _):
        fields = client.service_fields("vds", "101")
    # The <slist> of OS templates is a choice list, not a field of the service.
    assert fields == {"elid": "101", "autoprolong": "off", "addon_211": "4", "addon_212": "2"}


def test_edit_sends_the_changed_fields_with_sok(replay: Replay) -> None:
    with replay("vds_edit_write") as (client, _):
        client.edit("vds", "101", {"addon_211": "8"})


@pytest.mark.parametrize("action", ["delete", "suspend", "resume"])
def test_service_actions(replay: Replay, action: str) -> None:
    with replay(f"vds_{action}") as (client, _):
        assert getattr(client, action)("vds", "101") is None


def test_set_remoteid(replay: Replay) -> None:
    with replay("item_setremoteid") as (client, _):
        client.set_remoteid("102", "47")


def test_certificate_files(replay: Replay) -> None:
    with replay("certificate_file") as (client, _):
        files = client.certificate_files("501")
    assert isinstance(files, CertificateFiles)
    assert files.crt.count("-----BEGIN CERTIFICATE-----") == 2 and files.crt.endswith("\n")
    assert files.csr.startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_certificate_files_before_issue_is_missing(replay: Replay) -> None:
    with replay("certificate_file_missing") as (client, _), pytest.raises(UpstreamMissing) as e:
        client.certificate_files("501")
    assert e.value.error_type == "upstream_error"
    assert e.value.upstream_type == "missing"


def test_certificate_files_of_an_unknown_function_is_an_error_not_waiting(
    replay: Replay,
) -> None:
    cassette = "certificate_file_unknown_function"
    with replay(cassette) as (client, _), pytest.raises(UpstreamUnknownFunction) as caught:
        client.certificate_files("501")
    assert not isinstance(caught.value, UpstreamMissing)


def test_call_returns_the_raw_document(replay: Replay) -> None:
    with replay("whoami") as (client, _):
        root = client.call("whoami")
    assert root.tag == "doc" and root[0].get("level") == "customer"


def test_unknown_item_types_are_refused_before_any_call() -> None:
    from pmenomssl.upstream import UpstreamClient

    with UpstreamClient("https://upstream.example.com", "u", "pw-unused") as client:
        with pytest.raises(ValueError, match="unknown item type 'domain'"):
            client.services("domain")
        with pytest.raises(ValueError):
            client.order("vds ", {})
