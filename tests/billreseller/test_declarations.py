"""What the handler declares agrees with the layers under it."""

from __future__ import annotations

from pmenomssl.handlers.billreseller import BillResellerHandler
from pmenomssl.sandbox.upstream import ITEMTYPES as SANDBOX_ITEMTYPES
from pmenomssl.upstream import functions


def test_the_handler_resells_exactly_the_item_types_the_client_and_sandbox_speak() -> None:
    assert set(BillResellerHandler.itemtypes) == set(functions.ITEMTYPES)
    assert set(functions.ITEMTYPES) == set(SANDBOX_ITEMTYPES)


def test_the_commands_are_the_issues_and_prolong_is_tried_once() -> None:
    assert BillResellerHandler.commands() == [
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
