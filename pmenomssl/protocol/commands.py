"""What BILLmanager's commands need, in one table.

Sources: billmanager-protocol.md sections 1.1 (which option each command requires) and 1.2
(which commands receive a document on stdin), and section 1.3 (the DoNothing switch).
"""

from __future__ import annotations

from pmenomssl.records import record


@record(frozen=True)
class CommandSpec:
    requires: str | None = None  # "item" or "module": the option the command cannot run without
    reads_stdin: bool = False
    # False: stdin is drained but never parsed (whatever arrives there cannot fail the command).
    stdin_is_xml: bool = True
    skipped_by_do_nothing: bool = False
    default_max_tries: int = 10


_ITEM = CommandSpec(requires="item")
_ITEM_PROVIDER = CommandSpec(requires="item", skipped_by_do_nothing=True)
_MODULE = CommandSpec(requires="module")
_DOCUMENT = CommandSpec(reads_stdin=True)

COMMANDS: dict[str, CommandSpec] = {
    "features": CommandSpec(),
    "open": _ITEM_PROVIDER,
    "resume": _ITEM_PROVIDER,
    "suspend": _ITEM_PROVIDER,
    "close": _ITEM_PROVIDER,
    "cancel_prolong": _ITEM_PROVIDER,
    "sync_item": _ITEM_PROVIDER,
    "prolong": _ITEM_PROVIDER,
    "prolong_addon": _ITEM_PROVIDER,
    "reopen": _ITEM_PROVIDER,
    # Validation changes after the order (ISP's GlobalSign module): `--emails` / `--domain`.
    "send_dv_email": _ITEM_PROVIDER,
    "send_dv_dns": _ITEM_PROVIDER,
    "setparam": _ITEM,
    "gen_key": _ITEM,
    "update_ns": _ITEM,
    "transfer": _ITEM,
    "stat": CommandSpec(requires="module", skipped_by_do_nothing=True),
    "sync_pricelist": _MODULE,
    "sync_server": _MODULE,
    "sync_iplist": _MODULE,
    "get_server_config": _MODULE,
    "import": _MODULE,
    "import_pricelist": _MODULE,
    # ISP's TheSSLStore sample reads a raw PEM CSR from approver's stdin: never parse it.
    "approver": CommandSpec(requires="module", reads_stdin=True, stdin_is_xml=False),
    "getbalance": CommandSpec(),
    "check_connection": _DOCUMENT,
    "tune_connection": _DOCUMENT,
    "usercreate": _DOCUMENT,
    "check_param": CommandSpec(requires="item", reads_stdin=True),
    "check_addon": CommandSpec(requires="item", reads_stdin=True),
    "get_suitable_module": _DOCUMENT,
    "tuning_param": _DOCUMENT,
    "tune_service_profile": _DOCUMENT,
    "validate_service_profile": _DOCUMENT,
}


def spec(command: str) -> CommandSpec:
    """The spec of a command; commands BILLmanager may add later get the permissive default."""
    return COMMANDS.get(command, CommandSpec())
