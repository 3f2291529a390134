"""`sourceip` (ISPsystem's GlobalSign module): the connection form offers the server's own
addresses (`tune_connection`), and every request to ENOM leaves from the chosen one.

ENOM answers only allow-listed addresses: the sandbox's allow-list and its record of each
request's source address show which address the real executable used. Loopback addresses
other than 127.0.0.1 stand in for a server's second address (Linux routes all of 127/8 to lo).
"""

from __future__ import annotations

import shutil
import subprocess

from lxml import etree

from tests.handler.conftest import World, desc

SECOND_ADDRESS = "127.0.0.2"


def _form(world: World, sourceip: str | None) -> bytes:
    doc = etree.Element("doc")
    node = etree.SubElement(doc, "processingmodule")
    values = {"url": world.sandbox.url, "username": world.sandbox.uid, "password": world.sandbox.pw}
    if sourceip is not None:
        values["sourceip"] = sourceip
    for name, value in values.items():
        etree.SubElement(node, name).text = value
    return etree.tostring(doc)


def _set_sourceip(world: World, value: str) -> None:
    world.standin.store.set_param(
        "processingparam", "processingmodule", world.module, "sourceip", value
    )


def test_tune_connection_offers_the_servers_addresses(world: World) -> None:
    form = b'<doc><processingmodule><url>x</url></processingmodule><field name="a"/></doc>'
    doc = etree.fromstring(world.ok("tune_connection", stdin=form))
    # BILLmanager's form comes back whole, with the choices appended
    assert doc.findtext("processingmodule/url") == "x" and doc.find("field") is not None
    (slist,) = doc.findall("slist[@name='sourceip']")
    choices = [(m.get("key"), m.text) for m in slist.findall("msg")]
    assert choices[0] == ("", "null")  # the default address, as GlobalSign offers it
    offered = {key for key, _ in choices[1:]}
    assert all(key == text for key, text in choices[1:])
    assert "127.0.0.1" not in offered  # ENOM never sees a loopback address
    hostname = shutil.which("hostname")
    if hostname:  # an independent list of the host's addresses
        listed = subprocess.run([hostname, "-I"], capture_output=True, text=True).stdout.split()
        assert {a for a in listed if not a.startswith("fe80")} <= offered


def test_requests_leave_from_the_chosen_address(world: World) -> None:
    world.sandbox.state.ip_allowlist = {SECOND_ADDRESS}
    # the default address is refused by ENOM's allow-list, and the check names the address
    error = world.fails_with_stdin("check_connection", _form(world, None))
    assert error.get("type") == "enom_ip_not_allowed"
    assert "default address" in desc(error)
    world.sandbox.client_ips.clear()
    out = world.ok("check_connection", stdin=_form(world, SECOND_ADDRESS))
    assert etree.fromstring(out).tag == "doc"
    assert set(world.sandbox.client_ips) == {SECOND_ADDRESS}
    assert f"from {SECOND_ADDRESS}" in world.log_tail()

    # a service command reads the module's stored choice
    _set_sourceip(world, SECOND_ADDRESS)
    world.sandbox.client_ips.clear()
    item = world.order("rapidssl", "sourceip.example.com")
    world.ok("open", item)
    assert len(world.sandbox.purchases) == 1
    assert set(world.sandbox.client_ips) == {SECOND_ADDRESS}


def test_a_sourceip_that_is_not_an_address_is_refused_before_any_call(world: World) -> None:
    _set_sourceip(world, "eth0")
    item = world.order("rapidssl", "badsource.example.com")
    error = world.fails("open", item)
    assert error.get("type") == "invalid_connection"
    assert "eth0" in desc(error) and "not an IP address" in desc(error)
    assert sum(world.sandbox.calls.values()) == 0
