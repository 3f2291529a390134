"""`import`: upstream services not yet linked become local services
(processing.import.service) and are linked upstream (item.setremoteid); a second import
imports nothing; what is linked already, deleted, or someone else's stays out."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from pmenomssl.sandbox.upstream import DELETED, STOPPED
from tests.billreseller.e2e_helpers import RecordingReseller, rs_fixture  # noqa: F401


def imports(rs: RecordingReseller) -> dict[str, dict[str, Any]]:
    """processing.import.service calls so far, by the upstream id they carry."""
    return {
        r["params"]["upstream_id"]: r["params"]
        for r in rs.standin.journal("processing.import.service")
    }


def item_of(rs: RecordingReseller, upstream_id: str) -> int:
    rows = rs.standin.store.query(
        "SELECT item FROM itemparam WHERE intname = 'upstream_id' AND value = %s", [upstream_id]
    )
    assert len(rows) == 1, rows
    return int(rows[0]["item"])


def test_import_links_every_unlinked_service_once(rs: RecordingReseller) -> None:
    up = rs.upstream
    for itemtype in ("vds", "vhost", "certificate"):
        rs.tariff(itemtype)
    ours = rs.item("vds", domain="ours.example.com")
    rs.ok("open", ours)
    expiry = dt.date.today() + dt.timedelta(days=200)
    active = [up.add_service("vds", "21", 12, expiredate=expiry) for _ in range(2)]
    stopped = up.add_service("vds", "21", 1, status=STOPPED)
    gone = up.add_service("vds", "21", 1, status=DELETED)
    foreign = up.add_service("vds", "21", 1, remoteid="987654")  # another billing's
    vhost = up.add_service("vhost", "11", 12)

    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vds")
    found = imports(rs)
    assert set(found) == {*active, stopped}, found
    assert rs.upstream_id(ours) not in found and gone not in found and foreign not in found
    first = found[active[0]]
    assert first["module"] == str(rs.module)
    assert first["import_pricelist_intname"] == "21"
    assert first["expiredate"] == expiry.isoformat() and first["period"] == "12"
    assert first["status"] == "2" and found[stopped]["status"] == "3"
    for upstream_id in (*active, stopped):
        item = item_of(rs, upstream_id)
        row = rs.item_row(item)
        assert row["processingmodule"] == rs.module and row["pricelist"] == rs.tariff("vds")
        assert up.service(upstream_id).remoteid == str(item)  # linked upstream
    assert up.calls["item.setremoteid"] == 3
    assert up.service(foreign).remoteid == "987654" and up.service(vhost).remoteid == ""
    assert up.orders[0].remoteid == str(ours) and len(up.orders) == 1

    # again: nothing new
    rs.standin.clear_journal()
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vds")
    assert rs.standin.journal("processing.import.service") == []
    assert up.calls["item.setremoteid"] == 3

    # every item type at once: only the vhost is new
    rs.ok("import", None, "--module", str(rs.module))
    assert set(imports(rs)) == {vhost}
    assert imports(rs)[vhost]["import_pricelist_intname"] == "11"
    assert up.calls["item.setremoteid"] == 4
    assert up.orders[0].remoteid == str(ours) and len(up.orders) == 1  # nothing was bought


def test_imported_service_syncs_quietly_and_renews(rs: RecordingReseller) -> None:
    up = rs.upstream
    rs.tariff("vhost")
    expiry = dt.date.today() + dt.timedelta(days=30)
    upstream_id = up.add_service("vhost", "11", 12, expiredate=expiry)
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vhost")
    item = item_of(rs, upstream_id)
    assert rs.item_row(item)["expiredate"] == expiry
    rs.standin.clear_journal()
    rs.ok("sync_item", item)
    assert rs.writes() == []  # already open, same expiry: no post, no write
    balance = up.balance
    rs.ok("prolong", item)
    (prolong,) = up.prolongs
    assert prolong.service_id == upstream_id and prolong.period == 12
    assert up.balance == balance - Decimal("1620.00")
    assert rs.item_row(item)["expiredate"] == up.service(upstream_id).expiredate
    assert up.orders == []


def test_import_of_a_certificate_takes_its_issued_certificate(rs: RecordingReseller) -> None:
    up = rs.upstream
    rs.tariff("certificate")
    upstream_id = up.add_service("certificate", "51", 12)
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "certificate")
    item = item_of(rs, upstream_id)
    # the certificate list shows the tariff by name ("AlphaSSL"): imported onto its id
    assert imports(rs)[upstream_id]["import_pricelist_intname"] == "51"
    assert up.service(upstream_id).remoteid == str(item)
    assert up.orders == []
    # the client can download it from BILLmanager: sync saves upstream's certificate
    rs.ok("sync_item", item)
    row = rs.standin.certificate_row(item)
    assert row is not None and row["crt"], "the imported certificate was never saved locally"
    assert "".join(row["crt"].split()) == "".join(up.service(upstream_id).crt.split())


def test_import_leaves_a_service_an_unfinished_open_may_adopt(rs: RecordingReseller) -> None:
    """An item whose open crashed after ordering (intent, no id): the unlinked service above the
    intent's highest id is its own, so import must not take it; the item's re-run does."""
    up = rs.upstream
    rs.tariff("vds")
    before = up.add_service("vds", "21", 1)  # bought by hand earlier: importable
    item = rs.item("vds", domain="inflight.example.com")
    rs.standin.set_item_param(
        item, "upstream_order_intent", f'{{"highest_id": {before}, "time": "2026-01-01T00:00:00Z"}}'
    )
    pending = up.add_service("vds", "21", 1)  # the crashed order, its remoteid lost
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vds")
    assert set(imports(rs)) == {before}
    rs.ok("open", item)
    assert rs.upstream_id(item) == pending and up.orders == []
    assert up.service(pending).remoteid == str(item)


def test_an_import_whose_link_failed_is_linked_by_the_next_import(rs: RecordingReseller) -> None:
    up = rs.upstream
    rs.tariff("vds")
    service = up.add_service("vds", "21", 12)
    up.fault("item.setremoteid", "http_500")  # imported here, the link upstream is lost
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vds")
    item = item_of(rs, service)
    assert up.service(service).remoteid == ""

    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vds")
    assert up.service(service).remoteid == str(item)
    assert len(rs.standin.journal("processing.import.service")) == 1  # not imported twice


def test_import_names_the_item_type_so_the_right_tariff_is_chosen(rs: RecordingReseller) -> None:
    # A local vds tariff whose intname is also the upstream vhost tariff's id, created first:
    # only the item type tells BILLmanager which tariff an imported vhost belongs to.
    vds_tariff = rs.tariff("vds", "11")
    vhost_tariff = rs.tariff("vhost")
    assert vds_tariff < vhost_tariff
    upstream_id = rs.upstream.add_service("vhost", "11", 12)
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "vhost")
    assert imports(rs)[upstream_id]["import_itemtype_intname"] == "vhost"
    assert rs.item_row(item_of(rs, upstream_id))["pricelist"] == vhost_tariff


def test_a_certificate_whose_tariff_name_is_not_unique_is_not_imported(
    rs: RecordingReseller,
) -> None:
    up = rs.upstream
    rs.tariff("certificate")
    up.state.tariffs["52"] = replace(up.state.tariffs["51"], id="52")  # the same title
    upstream_id = up.add_service("certificate", "51", 12)
    rs.ok("import", None, "--module", str(rs.module), "--itemtype", "certificate")
    assert imports(rs) == {}, "never imported onto a guessed (or empty) tariff"
    assert up.service(upstream_id).remoteid == ""
    assert "names no single upstream tariff" in rs.log_text()
