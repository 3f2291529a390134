"""What the handler declares agrees with the layers under it."""

from __future__ import annotations

from pathlib import Path

from pmenomssl.handlers.billreseller import BillResellerHandler
from pmenomssl.sandbox.upstream import ITEMTYPES as SANDBOX_ITEMTYPES
from pmenomssl.upstream import functions


def test_the_handler_resells_exactly_the_item_types_the_client_and_sandbox_speak() -> None:
    assert set(BillResellerHandler.itemtypes) == set(functions.ITEMTYPES)
    assert set(functions.ITEMTYPES) == set(SANDBOX_ITEMTYPES)


def test_the_commands_are_the_issues_and_prolong_is_tried_once() -> None:
    assert BillResellerHandler.commands() == [
        "approver",
        "check_connection",
        "close",
        "getbalance",
        "import",
        "open",
        "prolong",
        "resume",
        "setparam",
        "suspend",
        "sync_item",
        "tune_connection",
    ]
    assert BillResellerHandler.max_tries == {"prolong": 1}
    assert [p.name for p in BillResellerHandler.params if p.crypted] == ["password"]


def test_certificate_templates_come_from_the_refreshed_cache(tmp_path: Path) -> None:
    from pmenomssl.handlers.billreseller import templates

    path = templates.cache_path(tmp_path, "pmbillreseller")
    assert templates.declared(templates.load(path)) == []
    templates.save(path, "https://a.example.com/billmgr", [("51", "AlphaSSL"), ("9", "DV")])
    templates.save(path, "https://b.example.com/billmgr", [("51", "AlphaSSL")])
    declared = templates.declared(templates.load(path))
    assert [t.name for t in declared] == ["upstream_9", "upstream_51"]
    assert all(t.attributes == {"authemail": "yes"} for t in declared)
    # a refresh replaces its own upstream's entry only
    templates.save(path, "https://a.example.com/billmgr", [])
    assert [t.name for t in templates.declared(templates.load(path))] == ["upstream_51"]
    path.write_text("{not json", encoding="utf-8")
    assert templates.load(path) == {}
