"""Status moving ordered -> processing -> active after `activate_after` list reads; certificates
get a real X.509 leaf for the order's CSR when they become active."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from pmenomssl.sandbox import ca
from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.upstream import ACTIVE, ORDERED, PROCESSING, STOPPED
from pmenomssl.upstream.errors import ERROR_TYPE_MISSING, UpstreamMissing, error_class

from .conftest import Api, make_csr


def _status(api: Api, service_id: str) -> int:
    [row] = [r for r in api.rows("vds") if r["id"] == service_id]
    return int(row["status"])


def test_activate_after_0_is_active_in_the_order_reply(api: Api) -> None:
    service_id = api.order("vds", "21", 1)
    assert api.up.service(service_id).status == ACTIVE


@pytest.mark.parametrize(
    ("activate_after", "seen"),
    [
        (1, [ACTIVE, ACTIVE]),
        (2, [PROCESSING, ACTIVE, ACTIVE]),
        (4, [ORDERED, ORDERED, PROCESSING, ACTIVE, ACTIVE]),
    ],
)
def test_status_moves_with_list_reads(api: Api, activate_after: int, seen: list[int]) -> None:
    api.up.configure(activate_after=activate_after)
    service_id = api.order("vds", "21", 1)
    service = api.up.service(service_id)
    assert (service.status, service.expiredate) == (ORDERED, None), "not opened yet"
    # Neither the Python view nor a field read counts as a list read.
    api.up.services()
    api.ok("vds.edit", elid=service_id)
    rows = [api.rows("vds")[0] for _ in seen]
    assert [int(row["status"]) for row in rows] == seen
    expiry = add_months(datetime.date.today(), 1).isoformat()
    assert [row["expiredate"] for row in rows] == [
        expiry if status == ACTIVE else "" for status in seen
    ], "the expiry appears when the service is opened"


def test_only_rows_shown_count(api: Api) -> None:
    api.up.configure(activate_after=1)
    first, second = api.order("vds", "21", 1), api.order("vds", "21", 1)
    api.ok("vds", p_cnt=1, p_num=1)
    assert api.up.service(first).status == ACTIVE
    assert api.up.service(second).status == ORDERED


def test_activate_after_applies_to_later_orders_only(api: Api) -> None:
    api.up.configure(activate_after=3)
    slow = api.order("vds", "21", 1)
    api.up.configure(activate_after=0)
    assert api.up.service(api.order("vds", "21", 1)).status == ACTIVE
    assert api.up.service(slow).status == ORDERED


def test_set_status_by_hand_stops_automatic_activation(api: Api) -> None:
    api.up.configure(activate_after=1)
    service_id = api.order("vds", "21", 1)
    api.up.set_status(service_id, PROCESSING)
    assert _status(api, service_id) == PROCESSING == _status(api, service_id)
    api.up.activate(service_id)
    assert _status(api, service_id) == ACTIVE
    api.up.set_status(service_id, STOPPED)
    assert _status(api, service_id) == STOPPED
    with pytest.raises(ValueError, match="unknown status"):
        api.up.set_status(service_id, 9)
    with pytest.raises(KeyError):
        api.up.activate("424242")


def _order_certificate(api: Api, csr: str, **params: object) -> str:
    """A certificate order with the documented fields (settled-facts.md)."""
    cn = x509.load_pem_x509_csr(csr.encode()).subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    root = api.ok(
        "certificate.order.param",
        pricelist=51,
        period=12,
        crt_type="generate",
        csr=csr,
        CN=str(cn[0].value),
        approver_email_1="admin@example.com",
        skipbasket="on",
        remoteid=7,
        sok="ok",
        **params,
    )
    service_id = root.findtext("id")
    assert service_id
    return service_id


def test_certificate_file_is_missing_until_issued_then_a_real_leaf(
    api: Api, rsa_key: rsa.RSAPrivateKey
) -> None:
    api.up.configure(activate_after=2)
    csr = make_csr(rsa_key, "www.example.com", ("example.com",))
    names = "shop.example.com mail.example.com"
    service_id = _order_certificate(api, csr, altname=names, altname_input=names)
    error_type, obj, msg = api.error("certificate.file", elid=service_id)
    assert (error_type, obj) == (ERROR_TYPE_MISSING, "crt") and "not issued" in msg
    assert error_class(error_type, obj) is UpstreamMissing
    assert api.rows("certificate")[0]["item_status"] == str(PROCESSING)
    assert api.error("certificate.file", elid=service_id)[0] == ERROR_TYPE_MISSING
    assert api.rows("certificate")[0]["item_status"] == str(ACTIVE)

    files = api.ok("certificate.file", elid=service_id)
    chain = x509.load_pem_x509_certificates((files.findtext("crt") or "").encode())
    leaf, issuer = chain
    assert issuer == ca.get_ca().certificate
    leaf.verify_directly_issued_by(issuer)  # raises if the signature does not verify
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    assert leaf.public_key().public_bytes(
        serialization.Encoding.PEM, public
    ) == rsa_key.public_key().public_bytes(serialization.Encoding.PEM, public)
    cn = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "www.example.com"
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(sans.get_values_for_type(x509.DNSName)) == {
        "www.example.com",
        "example.com",
        "shop.example.com",
        "mail.example.com",
    }
    assert x509.load_pem_x509_csr((files.findtext("csr") or "").encode()).public_key() == (
        rsa_key.public_key()
    )
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days in range(365, 367)
    service = api.up.service(service_id)
    assert service.crt == files.findtext("crt") and service.name == "www.example.com"
    assert api.up.orders[0].func == "certificate.order.param"


def test_certificate_file_only_for_certificates(api: Api) -> None:
    service_id = api.order("vds", "21", 1)
    assert api.error("certificate.file", elid=service_id)[:2] == (ERROR_TYPE_MISSING, "elid")


@pytest.mark.parametrize(
    ("csr", "error_type", "words"),
    [
        ("", "empty", "required"),
        ("not a csr", "value", "Invalid certificate request"),
        (
            "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
            "value",
            "Invalid certificate request",
        ),
    ],
)
def test_certificate_orders_need_a_valid_csr(
    api: Api, csr: str, error_type: str, words: str
) -> None:
    got_type, obj, msg = api.error(
        "certificate.order.param",
        pricelist=51,
        period=12,
        crt_type="generate",
        CN="www.example.com",
        csr=csr,
        skipbasket="on",
        sok="ok",
    )
    assert (got_type, obj) == (error_type, "csr") and words in msg
    assert api.up.orders == [] and api.up.services() == []


def test_an_imported_certificate_has_files(api: Api) -> None:
    service_id = api.up.add_service("certificate", "51", 24)
    files = api.ok("certificate.file", elid=service_id)
    leaf = x509.load_pem_x509_certificates((files.findtext("crt") or "").encode())[0]
    csr = x509.load_pem_x509_csr((files.findtext("csr") or "").encode())
    assert leaf.public_key() == csr.public_key()


@pytest.mark.parametrize(
    ("change", "error_object"),
    [
        ({"crt_type": "csr"}, "crt_type"),
        ({"CN": "other.example.com"}, "CN"),
        ({"CN": ""}, "CN"),
        ({"field_country": "999"}, "field_country"),
        ({"altname_input": ""}, "altname"),
        ({"autoprolong": "off"}, "autoprolong"),
        ({"order_period": "12", "period": ""}, "period"),
    ],
)
def test_certificate_orders_need_the_documented_fields(
    api: Api, rsa_key: rsa.RSAPrivateKey, change: dict[str, str], error_object: str
) -> None:
    # ispmanager's "Reselling SSL certificates" / settled-facts.md: the older order function
    # takes period, crt_type=generate, CN, field_country (an id), altname and altname_input.
    fields = {
        "pricelist": "51",
        "period": "12",
        "crt_type": "generate",
        "csr": make_csr(rsa_key, "www.example.com"),
        "CN": "www.example.com",
        "field_country": "182",
        "altname": "shop.example.com",
        "altname_input": "shop.example.com",
        "autoprolong": "null",
        "skipbasket": "on",
        "sok": "ok",
    }
    fields.update(change)
    assert api.error("certificate.order.param", **fields)[1] == error_object
    assert api.up.orders == [] and api.up.balance == Decimal("10000.00")


def test_changepricelist_moves_the_service_and_charges_the_difference_once(api: Api) -> None:
    api.up.state.tariffs["12"] = replace(
        api.up.state.tariffs["11"], id="12", title="Hosting-2", periods={12: Decimal("2000.00")}
    )
    service_id = api.order("vhost", "11", 12)
    balance = api.up.balance
    refused = api.error(
        "service.changepricelist", elid=service_id, pricelist=12, period=12, sok="ok"
    )
    assert refused[1] == "skipbasket" and api.up.balance == balance
    api.ok(
        "service.changepricelist",
        elid=service_id,
        pricelist=12,
        period=12,
        skipbasket="on",
        sok="ok",
    )
    assert api.up.service(service_id).pricelist == "12"
    assert api.up.balance == balance - (Decimal("2000.00") - Decimal("1620.00"))
    assert api.rows("vhost")[0]["pricelist"] == "Hosting-2"
