"""Commands the handler does not implement (issue 13 point 10), through the real executable.

ISP's C++ module base answers `get_suitable_module` itself (`module.cpp` GetSuitableModule) and
hands any other command to `ProcessCommand()`, which does nothing by default.
"""

from __future__ import annotations

import pytest
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.helpers import run_module
from tests.protocol.conftest import ModuleRunner

EMPTY_DOC = b"<?xml version='1.0' encoding='UTF-8'?>\n<doc/>"


def test_a_command_billmanager_adds_later_is_an_empty_answer(test_module: ModuleRunner) -> None:
    result = test_module("--command", "brand_new_command", "--item", "5", "--lang", "ru")
    assert result.returncode == 0, result.stdout
    assert result.stdout == EMPTY_DOC
    assert result.stderr == b""
    log = test_module.log.read_text()
    assert "brand_new_command: a command this module does not know" in log


def test_a_known_command_the_handler_lacks_still_fails(test_module: ModuleRunner) -> None:
    # A silent success of prolong would mark paid days as delivered: it stays an error.
    result = test_module("--command", "prolong", "--item", "5")
    assert result.returncode == 1
    error = etree.fromstring(result.stdout).find("error")
    assert error is not None and error.get("type") == "protocol_error"


@pytest.fixture(params=["standin", "sqlite_standin"])
def any_standin(request: pytest.FixtureRequest) -> StandIn:
    standin: StandIn = request.getfixturevalue(request.param)
    return standin


def suitable(standin: StandIn, stdin: bytes) -> list[str]:
    result = run_module(standin, "--command", "get_suitable_module", stdin=stdin)
    assert result.returncode == 0, result.stdout + result.stderr
    doc = etree.fromstring(result.stdout)
    assert doc.tag == "doc" and doc.find("modules") is not None
    return [str(m.get("id")) for m in doc.iterfind("modules/module")]


def test_get_suitable_module_lists_this_modules_active_links_by_priority(
    any_standin: StandIn,
) -> None:
    standin = any_standin
    later = standin.add_module("pmenomssl")
    first = standin.add_module("pmenomssl")
    off = standin.add_module("pmenomssl", active=False)
    other = standin.add_module("pmbillreseller")
    unlinked = standin.add_module("pmenomssl")
    standin.store.execute("UPDATE processingmodule SET orderpriority = 2 WHERE id = %s", [later])
    standin.store.execute("UPDATE processingmodule SET orderpriority = 1 WHERE id = %s", [first])
    tariff = standin.add_pricelist("rapidssl", module_id=later)
    for module in (first, off, other):
        standin.store.insert(
            "processingmodule2pricelist", {"processingmodule": module, "pricelist": tariff}
        )
    other_tariff = standin.add_pricelist("quickssl", module_id=unlinked)

    item = f"<doc><item><pricelist>{tariff}</pricelist></item>".encode()
    assert suitable(standin, item + b"<skip_modules/></doc>") == [str(first), str(later)]
    skipped = f"<skip_modules>{first}</skip_modules></doc>".encode()
    assert suitable(standin, item + skipped) == [str(later)]
    both = f"<skip_modules>{first},{later}</skip_modules></doc>".encode()
    assert suitable(standin, item + both) == []
    # Only numbers reach the query; the rest is ignored (ISP pastes the text into its SQL).
    hostile = b"<skip_modules>0) OR (1=1</skip_modules></doc>"
    assert suitable(standin, item + hostile) == [str(first), str(later)]
    elsewhere = f"<doc><item><pricelist>{other_tariff}</pricelist></item></doc>".encode()
    assert suitable(standin, elsewhere) == [str(unlinked)]


def test_get_suitable_module_without_a_tariff_is_an_empty_list(sqlite_standin: StandIn) -> None:
    assert suitable(sqlite_standin, b"<doc><item/></doc>") == []
    assert suitable(sqlite_standin, b"") == []
