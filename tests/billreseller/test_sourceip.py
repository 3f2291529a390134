"""`sourceip` for the reseller (ISPsystem's GlobalSign module): requests to the upstream
BILLmanager leave from the chosen address, and `tune_connection` offers the server's addresses.
The upstream sandbox records each request's source address; 127.0.0.3 stands in for a second
address of the server (Linux routes all of 127/8 to lo)."""

from __future__ import annotations

from lxml import etree

from tests.billreseller.e2e_helpers import RecordingReseller, desc, form, rs_fixture  # noqa: F401

SECOND_ADDRESS = "127.0.0.3"


def test_orders_leave_from_the_chosen_address(rs: RecordingReseller) -> None:
    rs.standin.store.set_param(
        "processingparam", "processingmodule", rs.module, "sourceip", SECOND_ADDRESS
    )
    item = rs.item("vhost", domain="source.example.com")
    rs.ok("open", item)
    assert len(rs.upstream.orders) == 1
    assert set(rs.upstream.client_ips) == {SECOND_ADDRESS}


def test_check_connection_uses_and_names_the_forms_address(rs: RecordingReseller) -> None:
    doc = etree.fromstring(form(rs.upstream.url, rs.upstream.username, rs.upstream.password))
    node = doc.find("processingmodule")
    assert node is not None
    etree.SubElement(node, "sourceip").text = SECOND_ADDRESS
    rs.ok("check_connection", stdin=etree.tostring(doc))
    assert set(rs.upstream.client_ips) == {SECOND_ADDRESS}
    assert f"from {SECOND_ADDRESS}" in rs.log_text()
    # a wrong password: the error names the address the check came from
    node.find("password").text = "wrong"  # type: ignore[union-attr]
    error = rs.fails("check_connection", stdin=etree.tostring(doc))
    assert f"from {SECOND_ADDRESS}" in desc(error)


def test_tune_connection_appends_the_address_choices(rs: RecordingReseller) -> None:
    out = rs.ok("tune_connection", stdin=b"<doc><processingmodule/></doc>")
    doc = etree.fromstring(out)
    assert doc.find("processingmodule") is not None
    (slist,) = doc.findall("slist[@name='sourceip']")
    assert slist.findall("msg")[0].get("key") == ""
