"""Each product type through its whole life, through the real `pmbillreseller` executable, the
stand-in on MariaDB and the upstream sandbox: ordered (left pending), synced to active,
sync without change (no write), prolonged (one charge), suspended and resumed, closed (twice).
Then the vds addon edit, a failed edit with a tariff change (rolled back) and the issued
certificate (the sandbox's real X.509 for the order's CSR).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pmenomssl.sandbox.dates import add_months
from pmenomssl.sandbox.upstream import (
    ACTIVE,
    CLIENT_SUSPENDABLE_ITEMTYPES,
    DELETED,
    ORDERED,
    PROCESSING,
    STOPPED,
)
from pmenomssl.upstream import functions
from tests.billreseller.conftest import DEFAULT_PERIODS, UPSTREAM_TARIFFS
from tests.billreseller.e2e_helpers import RecordingReseller, desc, rs_fixture  # noqa: F401

ITEMTYPES = ["certificate", "soft", "vhost", "vds", "dedic"]
# v2.* for vhost/vds/dedic (new order API), <itemtype>.order.param for certificate and soft.
ORDER_FUNC = {t: functions.order_func(t) for t in ITEMTYPES}
# The local post call that announces an opened service.
OPEN_POST = {t: "service.postopen" for t in ITEMTYPES}
OPEN_POST["certificate"] = "certificate.open"


def opened(rs: RecordingReseller, item: int) -> int:
    """How many times the opening of `item` was announced (postopen / certificate.open)."""
    return sum(
        1
        for func in set(OPEN_POST.values())
        for r in rs.standin.journal(func)
        if r["params"].get("elid") == str(item)
    )


def order_pending(rs: RecordingReseller, itemtype: str, **kw: object) -> tuple[int, str]:
    """An item of `itemtype`, opened while upstream keeps the service pending (two list reads
    before active): returns (item, upstream service id)."""
    rs.upstream.configure(activate_after=3)
    item = rs.item(itemtype, domain=f"{itemtype}-life.example.com", **kw)  # type: ignore[arg-type]
    balance = rs.upstream.balance
    rs.ok("open", item)
    (order,) = rs.upstream.orders
    assert order.func == ORDER_FUNC[itemtype]
    assert order.itemtype == itemtype and order.remoteid == str(item)
    assert order.pricelist == UPSTREAM_TARIFFS[itemtype]
    assert order.period == DEFAULT_PERIODS[itemtype]
    assert rs.upstream_id(item) == order.service_id
    assert rs.upstream.balance == balance - order.cost
    service = rs.upstream.service(order.service_id)
    assert service.status in (ORDERED, PROCESSING)
    if itemtype != "certificate":  # certificates: test_upstream_autoprolong_is_off
        assert service.fields.get("autoprolong") == "off", service.fields
    assert opened(rs, item) == 0 and rs.item_row(item)["status"] == 1
    return item, order.service_id


@pytest.mark.parametrize("itemtype", ITEMTYPES)
def test_whole_life_of_each_product_type(rs: RecordingReseller, itemtype: str) -> None:
    up = rs.upstream
    item, sid = order_pending(rs, itemtype)

    # --- sync_item finishes the open once upstream shows the service active -----------------
    runs = rs.sync_until(item, lambda: opened(rs, item) == 1)
    assert runs == 2, runs  # ordered -> processing -> active, one list read per run
    service = up.service(sid)
    assert service.status == ACTIVE
    row = rs.item_row(item)
    assert row["status"] == 2 and row["expiredate"] == service.expiredate
    assert service.expiredate == add_months(up.state.today(), DEFAULT_PERIODS[itemtype])

    # --- nothing changed: the second sync writes nothing at all -----------------------------
    rs.standin.clear_journal()
    calls = sum(up.calls.values())
    rs.ok("sync_item", item)
    assert rs.writes() == [], rs.writes()
    assert opened(rs, item) == 0
    # one list read upstream, nothing else
    assert sum(up.calls.values()) - calls == 1, up.calls

    # --- prolong: one charge, the new expiry locally -----------------------------------------
    balance = up.balance
    before = service.expiredate
    rs.ok("prolong", item)
    (prolong,) = up.prolongs
    assert prolong.service_id == sid and prolong.period == DEFAULT_PERIODS[itemtype]
    assert up.balance == balance - prolong.cost
    new_expiry = add_months(before, DEFAULT_PERIODS[itemtype])
    assert up.service(sid).expiredate == new_expiry == prolong.expiredate
    assert rs.item_row(item)["expiredate"] == new_expiry
    assert rs.posts("prolong", item) == 1
    assert rs.params(item).get("upstream_prolong_intent", "") == ""

    # --- suspend / resume: upstream follows where a client may do it -------------------------
    allowed = itemtype in CLIENT_SUSPENDABLE_ITEMTYPES
    rs.ok("suspend", item)
    assert up.service(sid).status == (STOPPED if allowed else ACTIVE)
    assert up.calls[f"{itemtype}.suspend"] == (1 if allowed else 0)
    assert rs.posts("suspend", item) == 1 and rs.item_row(item)["status"] == 3
    rs.ok("resume", item)
    assert up.service(sid).status == ACTIVE
    assert up.calls[f"{itemtype}.resume"] == (1 if allowed else 0)
    assert rs.posts("resume", item) == 1 and rs.item_row(item)["status"] == 2

    # --- close: deleted upstream; closing again is fine and deletes nothing more -----------
    rs.ok("close", item)
    assert up.service(sid).status == DELETED
    assert up.calls[f"{itemtype}.delete"] == 1
    assert rs.posts("close", item) == 1 and rs.item_row(item)["status"] == 4
    rs.ok("close", item)
    assert up.calls[f"{itemtype}.delete"] == 1
    assert rs.posts("close", item) == 2

    # one order and one renewal charged over the whole life
    assert len(up.orders) == 1 and len(up.prolongs) == 1


@pytest.mark.parametrize("itemtype", ["vds", "certificate"])
def test_open_rerun_while_pending_orders_nothing_more(rs: RecordingReseller, itemtype: str) -> None:
    """BILLmanager re-runs open while upstream is still busy: no second order, and the run that
    sees the service active opens it."""
    item, sid = order_pending(rs, itemtype)
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1 and opened(rs, item) == 0
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1
    assert opened(rs, item) == 1 and rs.upstream.service(sid).status == ACTIVE
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1 and opened(rs, item) == 1


@pytest.mark.parametrize("itemtype", ITEMTYPES)
def test_upstream_autoprolong_is_off(rs: RecordingReseller, itemtype: str) -> None:
    """Local BILLmanager drives renewals with `prolong`: an upstream service left on
    auto-renewal would be charged a second time upstream (UPSTREAM.md, "Order")."""
    item = rs.item(itemtype, domain=f"autoprolong-{itemtype}.example.com")
    rs.ok("open", item)
    fields = rs.upstream.service(rs.upstream_id(item)).fields
    assert fields.get("autoprolong") == "off", fields


def test_order_carries_the_item_params(rs: RecordingReseller) -> None:
    item = rs.item(
        "vds",
        domain="params.example.com",
        params={"ostempl": "Ubuntu-24.04", "datacenter": "Amsterdam DC"},
        addons={"211": 2, "212": 3},
    )
    balance = rs.upstream.balance
    rs.ok("open", item)
    (order,) = rs.upstream.orders
    fields = rs.upstream.service(order.service_id).fields
    assert fields["ostempl"] == "Ubuntu-24.04" and fields["domain"] == "params.example.com"
    # the upstream's data-centre id from the order form's slist, named here by its name
    assert fields["datacenter"] == "2"
    assert fields["addon_211"] == "2" and fields["addon_212"] == "3"
    # 300 for the month + 2 x 50 RAM + 3 x 100 CPU
    assert order.cost == Decimal("700.00") and rs.upstream.balance == balance - order.cost


def test_without_a_datacenter_param_the_forms_preset_data_centre_is_ordered(
    rs: RecordingReseller,
) -> None:
    item = rs.item("vhost", domain="dc-preset.example.com")
    rs.ok("open", item)
    (order,) = rs.upstream.orders
    assert rs.upstream.service(order.service_id).fields["datacenter"] == "1"


def test_a_datacenter_the_upstream_lacks_is_refused_before_ordering(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="dc-none.example.com", params={"datacenter": "7"})
    error = rs.fails("open", item)
    assert error.get("type") == "invalid_order_data" and error.get("object") == "datacenter"
    assert "1 (Moscow DC)" in desc(error) and "2 (Amsterdam DC)" in desc(error)
    assert rs.upstream.orders == [] and rs.upstream.submitted == {}


# --- edits ---------------------------------------------------------------------------------


def _addon_item(rs: RecordingReseller, parent: int, intname: str) -> int:
    rows = rs.standin.store.query(
        "SELECT i.id FROM item i JOIN pricelist p ON p.id = i.pricelist"
        " WHERE i.parent = %s AND p.intname = %s",
        [parent, intname],
    )
    return int(rows[0]["id"])


def test_setparam_changes_the_vds_addon_upstream(rs: RecordingReseller) -> None:
    up = rs.upstream
    item = rs.item("vds", domain="edit.example.com", addons={"211": 2, "212": 1})
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    assert up.service(sid).fields["addon_211"] == "2"
    rs.standin.set_addon_value(_addon_item(rs, item, "211"), 4)
    balance = up.balance
    rs.ok("setparam", item)
    fields = up.service(sid).fields
    assert fields["addon_211"] == "4" and fields["addon_212"] == "1"
    # two more GB for the one month left: 2 x 50
    assert up.balance == balance - Decimal("100.00")
    assert rs.posts("setparam", item) == 1
    assert rs.standin.journal("service.changepricelist.rollback") == []
    # again: nothing to change, nothing charged, still posted
    rs.ok("setparam", item)
    assert up.balance == balance - Decimal("100.00")
    assert rs.posts("setparam", item) == 2
    assert len(up.orders) == 1


def test_failed_edit_with_a_tariff_change_is_rolled_back(rs: RecordingReseller) -> None:
    """The upstream refuses the addon change (no money): the error reaches BILLmanager and,
    since the client changed tariff (lastpricelist set), the change is rolled back."""
    up = rs.upstream
    item = rs.item("vds", domain="rollback.example.com", addons={"211": 1})
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    old_pricelist = rs.item_row(item)["pricelist"]
    # a second local tariff on the same upstream tariff (e.g. "VDS-1 promo")
    new_pricelist = rs.standin.add_pricelist("21", "vds", module_id=rs.module)
    rs.standin.change_pricelist(item, new_pricelist)
    rs.standin.set_addon_value(_addon_item(rs, item, "211"), 8)
    up.configure(balance=Decimal("10"))
    error = rs.fails("setparam", item)
    assert error.get("type") == "upstream_insufficient_funds", desc(error)
    (rollback,) = rs.standin.journal("service.changepricelist.rollback")
    assert rollback["params"]["elid"] == str(item)
    row = rs.item_row(item)
    assert row["pricelist"] == old_pricelist and row["lastpricelist"] is None
    assert up.service(sid).fields["addon_211"] == "1" and up.balance == Decimal("10")
    assert rs.posts("setparam", item) == 0


def test_tariff_change_goes_upstream_through_changepricelist_once(rs: RecordingReseller) -> None:
    up = rs.upstream
    up.state.tariffs["22"] = replace(up.state.tariffs["21"], id="22", title="VDS-2")
    item = rs.item("vds", domain="changetariff.example.com")
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    other = rs.standin.add_pricelist("22", "vds", module_id=rs.module)
    rs.standin.change_pricelist(item, other)
    rs.ok("setparam", item)
    assert up.service(sid).pricelist == "22"
    assert up.submitted["service.changepricelist"] == 1
    assert rs.params(item).get("upstream_tariff_intent", "") == ""
    assert rs.standin.journal("service.changepricelist.rollback") == []
    rs.ok("setparam", item)  # upstream shows the tariff already: nothing is paid again
    assert up.submitted["service.changepricelist"] == 1


def test_a_lost_tariff_change_answer_is_never_paid_again(rs: RecordingReseller) -> None:
    up = rs.upstream
    up.state.tariffs["22"] = replace(up.state.tariffs["21"], id="22", title="VDS-2")
    item = rs.item("vds", domain="losttariff.example.com")
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    other = rs.standin.add_pricelist("22", "vds", module_id=rs.module)
    rs.standin.change_pricelist(item, other)
    up.fault("service.changepricelist", "reset_before")  # not carried out, the answer lost
    error = rs.fails("setparam", item)
    assert error.get("type") == "upstream_outcome_unknown"
    assert up.service(sid).pricelist == "21"
    assert rs.params(item)["upstream_tariff_intent"] == "22"
    # The re-run cannot tell from upstream's list whether it was paid: a person decides.
    rs.standin.change_pricelist(item, other)
    error = rs.fails("setparam", item)
    assert error.get("type") == "tariff_change_unsupported"
    assert up.submitted["service.changepricelist"] == 1


def test_tariff_change_to_a_tariff_upstream_lacks_is_refused_and_rolled_back(
    rs: RecordingReseller,
) -> None:
    item = rs.item("vds", domain="othertariff.example.com")
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    other = rs.standin.add_pricelist("99", "vds", module_id=rs.module)
    rs.standin.change_pricelist(item, other)
    error = rs.fails("setparam", item)
    assert error.get("type") == "unknown_tariff"
    assert "99" in desc(error) and "21" in desc(error)
    assert len(rs.standin.journal("service.changepricelist.rollback")) == 1
    assert rs.item_row(item)["lastpricelist"] is None
    assert rs.upstream.service(sid).pricelist == "21"


def test_failed_edit_without_a_tariff_change_is_not_rolled_back(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="norollback.example.com", addons={"211": 1})
    rs.ok("open", item)
    rs.standin.set_addon_value(_addon_item(rs, item, "211"), 8)
    rs.upstream.configure(balance=Decimal("10"))
    error = rs.fails("setparam", item)
    assert error.get("type") == "upstream_insufficient_funds"
    assert rs.standin.journal("service.changepricelist.rollback") == []


# --- certificates ---------------------------------------------------------------------------


def test_issued_certificate_is_the_sandboxs_x509_for_the_csr(rs: RecordingReseller) -> None:
    item, sid = order_pending(rs, "certificate")
    row = rs.standin.certificate_row(item)
    assert row is not None
    csr = x509.load_pem_x509_csr(row["csr"].encode())
    sent = rs.upstream.service(sid)
    assert x509.load_pem_x509_csr(sent.csr.encode()).public_key().public_numbers() == (
        csr.public_key().public_numbers()  # type: ignore[union-attr]
    )
    assert sent.fields.get("approver_email_1") == "admin@certificate-life.example.com"
    assert sent.fields.get("adm_email") == "alice@example.net"
    assert rs.standin.certificate_row(item)["crt"] in ("", None)  # type: ignore[index]

    rs.sync_until(item, lambda: opened(rs, item) == 1)
    row = rs.standin.certificate_row(item)
    assert row is not None and row["status"] == "open"
    chain = x509.load_pem_x509_certificates(row["crt"].encode())
    leaf = chain[0]
    assert leaf.public_key().public_numbers() == csr.public_key().public_numbers()  # type: ignore[union-attr]
    key = serialization.load_pem_private_key(row["pkey"].encode(), password=None)
    assert leaf.public_key().public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    cn = leaf.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value
    assert cn == "certificate-life.example.com"
    assert len(chain) >= 2 and leaf.issuer == chain[1].subject  # leaf + the sandbox CA
    # exactly what upstream hands out
    assert "".join(row["crt"].split()) == "".join(rs.upstream.service(sid).crt.split())
    assert len(rs.standin.journal("certificate.save")) == 1
    # synced again: the same certificate is not saved twice
    rs.standin.clear_journal()
    rs.ok("sync_item", item)
    assert rs.writes() == []


def test_certificate_with_altnames_gets_them_in_the_certificate(rs: RecordingReseller) -> None:
    item = rs.item(
        "certificate",
        domain="multi.example.com",
        params={"altname": "www.multi.example.com alt.example.org"},
    )
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    assert rs.upstream.service(sid).fields.get("altname") == "www.multi.example.com alt.example.org"
    row = rs.standin.certificate_row(item)
    assert row is not None and row["crt"], rs.log_tail()
    leaf = x509.load_pem_x509_certificates(row["crt"].encode())[0]
    names = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {"www.multi.example.com", "alt.example.org"} <= set(
        names.get_values_for_type(x509.DNSName)
    )


def test_certificate_without_csr_orders_nothing(rs: RecordingReseller) -> None:
    item = rs.item("certificate", domain="nocsr.example.com")
    rs.standin.set_certificate(item, csr="")
    error = rs.fails("open", item)
    assert error.get("type") == "invalid_order_data" and "CSR" in desc(error)
    assert rs.upstream.orders == []


# --- sync_item details ------------------------------------------------------------------------


def test_sync_takes_over_an_expiry_changed_upstream(rs: RecordingReseller) -> None:
    item = rs.item("vhost", domain="expiry.example.com")
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    later = add_months(rs.upstream.service(sid).expiredate, 12)  # type: ignore[arg-type]
    with rs.upstream.state.lock:
        rs.upstream.state.services[sid].expiredate = later
    rs.standin.clear_journal()
    rs.ok("sync_item", item)
    assert rs.writes() == ["service.setexpiredate"]
    assert rs.item_row(item)["expiredate"] == later


def test_sync_of_an_item_never_ordered_does_nothing(rs: RecordingReseller) -> None:
    item = rs.item("vds", domain="never.example.com")
    rs.ok("sync_item", item)
    assert rs.writes() == [] and rs.upstream.orders == []


def test_open_of_a_service_deleted_upstream_names_the_problem(rs: RecordingReseller) -> None:
    rs.upstream.configure(activate_after=3)
    item = rs.item("vds", domain="deletedup.example.com")
    rs.ok("open", item)
    sid = rs.upstream_id(item)
    rs.upstream.set_status(sid, DELETED)
    error = rs.fails("open", item)
    assert error.get("type") == "upstream_service_missing"
    assert sid in desc(error) and "deleted" in desc(error)
    assert len(rs.upstream.orders) == 1
