"""Each wire function of UPSTREAM.md over real loopback HTTP: replies, effects, refusals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.upstream import (
    ACTIVE,
    CLIENT_SUSPENDABLE_ITEMTYPES,
    DELETED,
    ITEMTYPES,
    STOPPED,
    UpstreamSandbox,
)
from pmenomssl.upstream import functions
from pmenomssl.upstream.errors import ERROR_TYPE_ACCESS, ERROR_TYPE_MISSING

from .conftest import Api

NBSP = "\u00a0"
SEEDED = {"vhost": "11", "vds": "21", "dedic": "31", "soft": "41", "certificate": "51"}


def test_whoami_and_dashboard_show_the_balance_the_upstream_way(api: Api) -> None:
    user = api.ok("whoami").find("user")
    assert user is not None
    assert {str(k): str(v) for k, v in user.attrib.items()} == {
        "name": api.up.username,
        "level": "customer",
        "balance": f"10{NBSP}000,00",
        "currency": "RUB",
    }
    dashboard = api.ok("dashboard.info")
    assert dashboard.findtext("balance") == f"10{NBSP}000,00"
    assert dashboard.findtext("currency") == "RUB"


def test_whoami_without_balance_leaves_dashboard_as_the_fallback(api: Api) -> None:
    api.up.configure(whoami_balance=False, balance=Decimal("-50.5"))
    user = api.ok("whoami").find("user")
    assert user is not None and "balance" not in user.attrib and "currency" not in user.attrib
    assert api.ok("dashboard.info").findtext("balance") == "-50,50"


@pytest.mark.parametrize("itemtype", ITEMTYPES)
def test_pricelist_has_the_seeded_tariff(api: Api, itemtype: str) -> None:
    # doc/list/elem rows with id, title, prices/price: what every price-list reader expects.
    root = api.ok(functions.pricelist_func(itemtype))
    assert root.findall("elem") == [], "tariffs are rows of a list, not of the document"
    elems = root.findall("list/elem")
    assert [e.findtext("id") for e in elems] == [SEEDED[itemtype]]
    prices = elems[0].findall("prices/price")
    assert prices, "every tariff has periods"
    assert {p.findtext("currency") for p in prices} == {"RUB"}


def test_certificates_and_licences_are_not_v2_products(api: Api) -> None:
    for itemtype in ("certificate", "soft"):
        assert api.error(f"v2.{itemtype}.order.pricelist")[:2] == (ERROR_TYPE_MISSING, "func")
        assert api.error(f"v2.{itemtype}.order.param", pricelist=SEEDED[itemtype])[:2] == (
            ERROR_TYPE_MISSING,
            "func",
        )


def test_vds_pricelist_in_detail(api: Api) -> None:
    elem = api.ok("v2.vds.order.pricelist").find("list/elem")
    assert elem is not None and elem.findtext("title") == "VDS-1"
    periods = {p.findtext("period"): p.findtext("cost") for p in elem.iterfind("prices/price")}
    assert periods == {"1": "300,00", "3": "870,00", "12": f"3{NBSP}240,00"}
    assert elem.find("addon") is None, "addons are fields of the order form"


def test_order_form_without_sok_charges_nothing(api: Api) -> None:
    form = api.ok("v2.vds.order.param", pricelist=21)
    assert form.findtext("pricelist") == "21"
    assert [v.get("key") for v in form.iterfind("slist[@name='order_period']/val")] == [
        "1",
        "3",
        "12",
    ]
    assert "Debian-12" in [v.get("key") for v in form.iterfind("slist[@name='ostempl']/val")]
    assert form.findtext("addon_211") == "1" and form.findtext("addon_212") == "1"
    assert form.findtext("datacenter") == "1"
    assert [v.get("key") for v in form.iterfind("slist[@name='datacenter']/val")] == ["1", "2"]
    assert api.up.services() == [] and api.up.balance == Decimal("10000.00")


def test_certificate_order_form_lists_countries_by_id(api: Api) -> None:
    form = api.ok("certificate.order.param", pricelist=51)
    countries = {v.get("key"): v.text for v in form.iterfind("slist[@name='field_country']/val")}
    assert countries["182"] == "Russian Federation (RU)"
    assert form.findtext("period") == "12" and form.find("datacenter") is None


@pytest.mark.parametrize(
    ("change", "error_object"),
    [
        ({"datacenter": ""}, "datacenter"),
        ({"datacenter": "9"}, "datacenter"),
        ({"clicked_button": ""}, "clicked_button"),
        ({"autoprolong": "null"}, "autoprolong"),
    ],
)
def test_v2_orders_need_their_documented_fields(
    api: Api, change: dict[str, str], error_object: str
) -> None:
    fields = {
        "pricelist": "21",
        "order_period": "1",
        "datacenter": "1",
        "clicked_button": "finish",
        "autoprolong": "off",
        "skipbasket": "on",
        "sok": "ok",
    }
    fields.update(change)
    assert api.error("v2.vds.order.param", **fields)[1] == error_object
    assert api.up.orders == [] and api.up.balance == Decimal("10000.00")


def test_order_creates_the_service_with_our_remoteid_and_charges(api: Api) -> None:
    service_id = api.order(
        "vds", "21", 3, addon_211=4, addon_212=2, ostempl="Debian-12", remoteid=42
    )
    # 870 for 3 months + RAM 4 x 50 x 3 + CPU 2 x 100 x 3
    cost = Decimal("870.00") + 4 * Decimal("50.00") * 3 + 2 * Decimal("100.00") * 3
    assert api.up.balance == Decimal("10000.00") - cost == Decimal("7930.00")
    [record] = api.up.orders
    assert (record.func, record.itemtype, record.pricelist, record.period) == (
        "v2.vds.order.param",
        "vds",
        "21",
        3,
    )
    assert (record.remoteid, record.service_id, record.cost) == ("42", service_id, cost)
    [service] = api.up.services("vds")
    assert service.id == service_id and service.remoteid == "42" and service.status == ACTIVE
    assert service.expiredate == add_months(datetime.date.today(), 3)
    assert service.fields["addon_211"] == "4" and service.fields["ostempl"] == "Debian-12"
    assert service.fields["autoprolong"] == "off"


def test_ids_grow_across_item_types(api: Api) -> None:
    ids = [int(api.order(t, SEEDED[t], 1)) for t in ("vhost", "soft", "vds")]
    assert ids == sorted(ids) and len(set(ids)) == 3


@pytest.mark.parametrize(
    ("params", "error_object", "words"),
    [
        ({"pricelist": 99, "order_period": 1}, "pricelist", "no vds tariff '99'"),
        ({"pricelist": 11, "order_period": 1}, "pricelist", "no vds tariff '11'"),
        ({"order_period": 1}, "pricelist", "required"),
        ({"pricelist": 21, "order_period": 6}, "order_period", "its periods: 1, 3, 12"),
        ({"pricelist": 21}, "order_period", "required"),
        ({"pricelist": 21, "order_period": 1, "addon_211": 65}, "addon_211", "from 1 to 64"),
        ({"pricelist": 21, "order_period": 1, "addon_999": 1}, "addon_999", "no addon '999'"),
        ({"pricelist": 21, "order_period": 1, "skipbasket": "off"}, "skipbasket", "skipbasket"),
    ],
)
def test_order_refusals_charge_nothing(
    api: Api, params: dict[str, object], error_object: str, words: str
) -> None:
    fields: dict[str, object] = {"skipbasket": "on", "sok": "ok", **params}
    error_type, obj, msg = api.error("v2.vds.order.param", **fields)
    assert error_type in ("value", "empty") and obj == error_object
    assert words in msg
    assert api.up.services() == [] and api.up.orders == []
    assert api.up.balance == Decimal("10000.00")


def test_certificates_are_ordered_without_v2(api: Api) -> None:
    error_type, obj, _ = api.error(
        "v2.certificate.order.param", pricelist=51, order_period=12, skipbasket="on", sok="ok"
    )
    assert (error_type, obj) == (ERROR_TYPE_MISSING, "func")
    assert api.up.orders == []


def test_prolong_charges_and_extends_by_the_period(api: Api) -> None:
    service_id = api.order("vds", "21", 1, addon_211=2)
    before = api.up.service(service_id).expiredate
    assert before is not None
    balance = api.up.balance
    root = api.ok("service.prolong", elid=service_id, period=12, skipbasket="on", sok="ok")
    # The WHMCS module's shape: the new expiry in a nested doc, the outer expiredate is today.
    assert root.findtext("doc/newexpiredate") == add_months(before, 12).isoformat()
    assert root.findtext("expiredate") == datetime.date.today().isoformat()
    assert api.up.service(service_id).expiredate == add_months(before, 12)
    cost = Decimal("3240.00") + 2 * Decimal("50.00") * 12
    assert api.up.balance == balance - cost
    [prolong] = api.up.prolongs
    assert (prolong.service_id, prolong.period, prolong.cost) == (service_id, 12, cost)


def test_prolong_refusals(api: Api) -> None:
    service_id = api.order("vhost", "11", 1)
    balance = api.up.balance
    error_type, obj, msg = api.error(
        "service.prolong", elid=service_id, period=6, skipbasket="on", sok="ok"
    )
    assert (error_type, obj) == ("value", "period") and "1, 12" in msg
    assert api.error("service.prolong", elid="999999", period=1, sok="ok")[:2] == (
        ERROR_TYPE_MISSING,
        "elid",
    )
    api.up.set_status(service_id, DELETED)
    assert "deleted" in api.error("service.prolong", elid=service_id, period=1, sok="ok")[2]
    assert api.up.balance == balance and api.up.prolongs == []


def test_edit_reads_fields_and_writes_them(api: Api) -> None:
    service_id = api.order("vds", "21", 12, addon_211=2, domain="vm1.example.com")
    fields = api.ok("vds.edit", elid=service_id)
    assert fields[0].tag == "elid" and fields.findtext("elid") == service_id
    assert fields.findtext("autoprolong") == "off"
    assert fields.findtext("addon_211") == "2"
    assert fields.findtext("domain") == "vm1.example.com"
    assert fields.findtext("pricelist") == "21"
    balance = api.up.balance

    root = api.ok(
        "vds.edit", elid=service_id, autoprolong="on", addon_211=5, skipbasket="on", sok="ok"
    )
    assert root.find("ok") is not None
    service = api.up.service(service_id)
    assert service.fields["autoprolong"] == "on" and service.fields["addon_211"] == "5"
    # Raising RAM by 3 GB costs 3 x 50 for each of the 12 months left.
    assert api.up.balance == balance - 3 * Decimal("50.00") * 12

    api.ok("vds.edit", elid=service_id, addon_211=1, sok="ok")  # lowering refunds nothing
    assert api.up.service(service_id).fields["addon_211"] == "1"
    assert api.up.balance == balance - 3 * Decimal("50.00") * 12


def test_a_paid_edit_without_skipbasket_waits_unpaid_in_the_cart(api: Api) -> None:
    # Seed documents: `vhost.edit&addon_34=1024&elid=945&skipbasket=on&sok=ok`. Without it the
    # call still answers ok, but nothing changes until the cart is paid.
    service_id = api.order("vds", "21", 12, addon_211=2)
    balance = api.up.balance
    assert api.ok("vds.edit", elid=service_id, addon_211=5, sok="ok").find("ok") is not None
    assert api.up.service(service_id).fields["addon_211"] == "2"
    assert api.up.balance == balance
    assert api.up.state.basket == [f"vds.edit elid={service_id}"]


def test_edit_refusals_change_nothing(api: Api) -> None:
    service_id = api.order("vds", "21", 1, addon_211=2)
    assert api.error("vds.edit", elid=service_id, addon_211=0, sok="ok")[1] == "addon_211"
    assert api.error("vds.edit", elid=service_id, autoprolong="yes", sok="ok")[1] == "autoprolong"
    assert api.error("vhost.edit", elid=service_id)[:2] == (ERROR_TYPE_MISSING, "elid")
    api.up.configure(balance=Decimal("10.00"))
    refused = api.error("vds.edit", elid=service_id, addon_211=64, skipbasket="on", sok="ok")
    assert refused[0] == "notenoughmoney"
    assert api.up.service(service_id).fields["addon_211"] == "2"
    assert api.up.balance == Decimal("10.00")


def test_delete_sets_status_4_and_is_idempotent(api: Api) -> None:
    service_id = api.order("soft", "41", 1)
    assert api.ok("soft.delete", elid=service_id, sok="ok").find("ok") is not None
    assert api.up.service(service_id).status == DELETED
    api.ok("soft.delete", elid=service_id, sok="ok")
    assert api.rows("soft")[0]["status"] == "4", "deleted services stay in the list"
    assert api.error("soft.delete", elid=service_id)[1] == "sok", "a write needs sok=ok"


@pytest.mark.parametrize("itemtype", ["vhost", "vds", "dedic", "soft"])
def test_suspend_and_resume_where_a_client_may(api: Api, itemtype: str) -> None:
    api.up.configure(balance=Decimal("100000"))
    service_id = api.order(itemtype, SEEDED[itemtype], 1)
    if itemtype not in CLIENT_SUSPENDABLE_ITEMTYPES:
        error_type, obj, _ = api.error(f"{itemtype}.suspend", elid=service_id, sok="ok")
        assert (error_type, obj) == (ERROR_TYPE_ACCESS, f"{itemtype}.suspend")
        assert api.error(f"{itemtype}.resume", elid=service_id, sok="ok")[0] == ERROR_TYPE_ACCESS
        assert api.up.service(service_id).status == ACTIVE
        return
    api.ok(f"{itemtype}.suspend", elid=service_id, sok="ok")
    assert api.up.service(service_id).status == STOPPED
    api.ok(f"{itemtype}.suspend", elid=service_id, sok="ok")  # again: harmless
    api.ok(f"{itemtype}.resume", elid=service_id, sok="ok")
    assert api.up.service(service_id).status == ACTIVE


def test_suspend_table_is_the_documented_choice() -> None:
    # soft: ISPsystem's WHMCS module calls soft.suspend/soft.resume from a client account.
    assert frozenset({"soft", "vhost", "vds", "dedic"}) == CLIENT_SUSPENDABLE_ITEMTYPES


def test_setremoteid_links_a_service(api: Api) -> None:
    service_id = api.up.add_service("vhost", "11", 12)
    assert api.rows("vhost")[0]["remoteid"] == ""
    api.ok("item.setremoteid", elid=service_id, value=77, sok="ok")
    assert api.rows("vhost")[0]["remoteid"] == "77"
    assert api.up.service(service_id).remoteid == "77"


def test_list_row_has_every_column_of_the_design(api: Api) -> None:
    service_id = api.order("vhost", "11", 12, domain="example.com", remoteid=5)
    [row] = api.rows("vhost")
    assert row["id"] == service_id and row["name"] == "example.com"
    # The tariff column shows the tariff's name, as BILLmanager's lists do.
    assert row["pricelist"] == "Hosting-1" and row["status"] == "2" and row["period"] == "12"
    assert row["remoteid"] == "5"
    assert row["expiredate"] == add_months(datetime.date.today(), 12).isoformat()


def test_certificate_rows_have_the_documented_columns_only(api: Api) -> None:
    service_id = api.up.add_service("certificate", "51", 12, remoteid="5")
    [row] = api.rows("certificate")
    documented = "id CN account pricelist project processingmodule createdate expiredate"
    assert sorted(row) == sorted([*documented.split(), "status_msg", "item_status", "cost"])
    assert row["id"] == service_id and row["item_status"] == "2"
    assert row["pricelist"] == "AlphaSSL" and row["CN"].endswith(".example.com")


def test_two_factor_ok_answers_a_bare_ok_to_every_call(api: Api) -> None:
    api.up.add_service("vhost", "11", 12)
    api.up.configure(two_factor_ok=True)
    root = api.ok("vhost")
    assert [child.tag for child in root] == ["ok"]


def test_unknown_function(api: Api) -> None:
    assert api.error("vds.frobnicate", elid=1)[:2] == (ERROR_TYPE_MISSING, "func")
    assert api.error("")[:2] == (ERROR_TYPE_MISSING, "func")


def test_add_service_rejects_what_upstream_could_not_have(up: UpstreamSandbox) -> None:
    with pytest.raises(ValueError, match="no vds tariff"):
        up.add_service("vds", "11", 1)
    with pytest.raises(ValueError, match="no period 6"):
        up.add_service("vds", "21", 6)
    expiry = datetime.date(2030, 1, 31)
    service_id = up.add_service("dedic", "31", 1, remoteid="9", status=STOPPED, expiredate=expiry)
    service = up.service(service_id)
    assert (service.status, service.expiredate, service.remoteid) == (STOPPED, expiry, "9")
    assert up.balance == Decimal("10000.00"), "an existing service costs nothing"
