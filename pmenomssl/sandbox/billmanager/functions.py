"""The functions of the stand-in's `mgrctl`, against the stand-in's database.

Every function the billing gateway calls (billmanager-protocol.md section 3.2). What each one
does here (simplified, documented):

- `paramlist`: DBHost/DBUser/DBPassword/DBName (+ DBPort when not 3306; DBSocket for a socket
  URL, DBHost then as given) and CryptKey; for SQLite `<DBEngine>sqlite</DBEngine>` (a real
  BILLmanager never sends it) and `<DBName>/abs/path</DBName>`.
- `service.saveparam elid name value [crypted=on]`: upsert itemparam, or itemcryptedparam
  (encrypted with etc/billmgr.pem) when crypted=on; `name` without `value` drops the param.
  The Python-library form `elid <param>=<value>` is accepted too (journal shows which came).
- `service.setstatus elid service_status`: itemparam `service_status` (reference 2.4).
- `service.setexpiredate elid expiredate=YYYY-MM-DD`: item.expiredate.
- `service.post<op> elid`: item.status open/resume -> 2 (opendate set if empty), suspend -> 3,
  close -> 4, others unchanged; every post marks the item's running operations closed='on'.
- `service.changepricelist.rollback elid`: item.pricelist := item.lastpricelist and
  lastpricelist := NULL when lastpricelist is set (else unchanged); closes the running
  operations like a post call.
- `certificate.open elid`: like postopen, and certificate.status='open'.
- `certificate.save elid crt [crt_type]`: certificate.crt, status 'issued'; `.failed`: 'failed'.
- `processing.savebalance processingmodule balance currency notify_time`: processingmodulebalance.
- `runningoperation.edit elid [errorxml] [manual=on|off]`, `runningoperation.setmanual elid`.
- `task.gettype operation` -> `<doc><task_type>N</task_type></doc>` (TASK_TYPES, overridden
  per operation by `$ROOT/etc/standin.tasktypes.json`; an empty type is answered as empty).
- `task.edit item runningoperation type [params]` -> a task row, `<doc><id>N</id></doc>`.
- `processing.import.service module import_pricelist_intname [import_itemtype_intname (the
  tariff is then looked for among that item type's) import_service_name status
  service_status expiredate opendate period remoteid] <param>=…` -> `<doc><service_id>N</...>`.
- `problems.register name id [param_*] [level]` (module.cpp RegisterModuleErrorProblem): a
  `problem` row per (name, id); `problems.resolve name id` (the gateway's PROBLEM_CLEAR_FUNC,
  UNCONFIRMED) removes it.

An unknown function is answered `<doc><error type="missing" object="func">` with exit 1 (see
mgrctl.py, which also keeps the journal and the faults).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from pmenomssl.sandbox.billmanager.files import CONFIG, PANEL_KEY, TASK_TYPES_FILE, read_json_object
from pmenomssl.sandbox.billmanager.replies import MgrError, doc, escape
from pmenomssl.sandbox.billmanager.store import Store, StoreConfig

#: task.gettype answers (operation -> task type id); anything else gets DEFAULT_TASK_TYPE.
TASK_TYPES = {
    "open": "1",
    "resume": "2",
    "suspend": "3",
    "close": "4",
    "prolong": "5",
    "setparam": "6",
    "reopen": "7",
    "sync_item": "8",
}
DEFAULT_TASK_TYPE = "99"
#: service.post<op> -> the item status it sets (None: unchanged).
POST_STATUS: dict[str, int | None] = {
    "open": 2,
    "resume": 2,
    "suspend": 3,
    "close": 4,
    "prolong": None,
    "setparam": None,
    "reopen": None,
    "openinterrupt": None,
    "stat": None,
}

MODULE = "Processing module"  # how a missing processingmodule is named in an error
_IMPORT_COLUMNS = ("status", "expiredate", "opendate", "period", "remoteid")
_IGNORED = ("sok", "out", "lang", "su", "clicked_button")


class Context:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = StoreConfig.from_json((root / CONFIG).read_text(encoding="utf-8"))
        self.store = Store(self.config)

    def existing_id(self, table: str, text: str, obj: str, what: str) -> int:
        """`text` as the id of a row of `table`; else a "missing" error on `obj`."""
        if not text.isdigit() or not self.store.query(
            f"SELECT id FROM {table} WHERE id = %s",  # noqa: S608
            [int(text)],
        ):
            raise MgrError("missing", obj, f"{what} {text!r} not found")
        return int(text)

    def item_exists(self, item: str) -> int:
        return self.existing_id("item", item, "elid", "Service")

    def close_operations(self, item: int) -> None:
        self.store.execute("UPDATE runningoperation SET closed = 'on' WHERE item = %s", [item])

    def set_item_status(self, item: int, status: int | None) -> None:
        if status is None:
            return
        self.store.execute("UPDATE item SET status = %s WHERE id = %s", [status, item])
        if status == 2:
            self.store.execute(
                "UPDATE item SET opendate = %s WHERE id = %s AND opendate IS NULL",
                [date.today().isoformat(), item],
            )

    def certificate_item(self, elid: str) -> int:
        """The item `elid`, with its certificate row (an empty one is added when missing)."""
        item = self.item_exists(elid)
        if not self.store.query("SELECT id FROM certificate WHERE item = %s", [item]):
            self.store.insert("certificate", {"item": item, "pkey": "", "csr": "", "crt": ""})
        return item

    def encrypt(self, value: str) -> str:
        from pmenomssl.billing.crypto import encrypt_value

        return encrypt_value(value, self.root / PANEL_KEY)


Handler = Callable[[Context, dict[str, str]], str]


def _need(params: dict[str, str], *names: str) -> list[str]:
    missing = [n for n in names if n not in params]
    if missing:
        raise MgrError("missing", missing[0], f"Parameter {missing[0]!r} is required")
    return [params[n] for n in names]


def _paramlist(ctx: Context, params: dict[str, str]) -> str:
    c = ctx.config
    values: dict[str, str] = {}
    if c.engine == "sqlite":
        values = {"DBEngine": "sqlite", "DBName": c.path}
    else:
        values = {
            "DBHost": c.host,
            "DBUser": c.user,
            "DBPassword": c.password,
            "DBName": c.database,
        }
        if c.unix_socket:  # as billmgr.conf has it (TheSSLStore's defines.h ConfDBSocket)
            values["DBSocket"] = c.unix_socket
        if c.port != 3306 and not c.unix_socket:
            values["DBPort"] = str(c.port)
    values["CryptKey"] = PANEL_KEY.as_posix()
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in values.items())
    return doc(f"<elem>{body}</elem>")


def _saveparam(ctx: Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.item_exists(elid)
    crypted = params.get("crypted") == "on"
    if "name" in params:
        pairs = {params["name"]: params.get("value")}
    else:  # the Python library's form: <param>=<value>
        pairs = {k: v for k, v in params.items() if k not in ("elid", "crypted", *_IGNORED)}
        if not pairs:
            raise MgrError("missing", "name", "Parameter 'name' is required")
    for name, value in pairs.items():
        if value is None:  # C++ DropParam: name without value
            for table in ("itemparam", "itemcryptedparam"):
                ctx.store.execute(
                    f"DELETE FROM {table} WHERE item = %s AND intname = %s",  # noqa: S608
                    [item, name],
                )
        elif crypted:
            ctx.store.set_param("itemcryptedparam", "item", item, name, ctx.encrypt(value))
            ctx.store.execute(
                "DELETE FROM itemparam WHERE item = %s AND intname = %s", [item, name]
            )
        else:
            ctx.store.set_param("itemparam", "item", item, name, value)
    return doc("<ok/>")


def _setstatus(ctx: Context, params: dict[str, str]) -> str:
    elid, status = _need(params, "elid", "service_status")
    if not status.isdigit():
        raise MgrError("value", "service_status", f"Invalid service status {status!r}")
    ctx.store.set_param("itemparam", "item", ctx.item_exists(elid), "service_status", status)
    return doc("<ok/>")


def _setexpiredate(ctx: Context, params: dict[str, str]) -> str:
    elid, value = _need(params, "elid", "expiredate")
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise MgrError("value", "expiredate", f"Invalid date {value!r}") from None
    item = ctx.item_exists(elid)
    ctx.store.execute("UPDATE item SET expiredate = %s WHERE id = %s", [parsed.isoformat(), item])
    return doc("<ok/>")


def _post(operation: str) -> Handler:
    def handler(ctx: Context, params: dict[str, str]) -> str:
        (elid,) = _need(params, "elid")
        item = ctx.item_exists(elid)
        ctx.set_item_status(item, POST_STATUS[operation])
        ctx.close_operations(item)
        return doc("<ok/>")

    return handler


def _changepricelist_rollback(ctx: Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.item_exists(elid)
    ctx.store.execute(
        "UPDATE item SET pricelist = lastpricelist, lastpricelist = NULL"
        " WHERE id = %s AND lastpricelist IS NOT NULL",
        [item],
    )
    ctx.close_operations(item)
    return doc("<ok/>")


def _certificate_open(ctx: Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.certificate_item(elid)
    ctx.store.execute("UPDATE certificate SET status = 'open' WHERE item = %s", [item])
    ctx.set_item_status(item, 2)
    ctx.close_operations(item)
    return doc("<ok/>")


def _certificate_save(ctx: Context, params: dict[str, str]) -> str:
    elid, crt = _need(params, "elid", "crt")
    ctx.store.execute(
        "UPDATE certificate SET crt = %s, crt_type = %s, status = 'issued' WHERE item = %s",
        [crt, params.get("crt_type", ""), ctx.certificate_item(elid)],
    )
    return doc("<ok/>")


def _certificate_failed(ctx: Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.certificate_item(elid)
    ctx.store.execute("UPDATE certificate SET status = 'failed' WHERE item = %s", [item])
    return doc("<ok/>")


def _savebalance(ctx: Context, params: dict[str, str]) -> str:
    module_text, balance = _need(params, "processingmodule", "balance")
    module = ctx.existing_id("processingmodule", module_text, "processingmodule", MODULE)
    ctx.store.execute("DELETE FROM processingmodulebalance WHERE processingmodule = %s", [module])
    ctx.store.insert(
        "processingmodulebalance",
        {
            "processingmodule": module,
            "balance": balance,
            "currency": params.get("currency", ""),
            "notify_time": params.get("notify_time", ""),
        },
    )
    return doc("<ok/>")


def _runningoperation(ctx: Context, elid: str) -> int:
    return ctx.existing_id("runningoperation", elid, "elid", "Running operation")


def _ro_edit(ctx: Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    ro = _runningoperation(ctx, elid)
    if "errorxml" in params:
        ctx.store.execute(
            "UPDATE runningoperation SET errorxml = %s WHERE id = %s", [params["errorxml"], ro]
        )
    if params.get("manual") in ("on", "off"):
        ctx.store.execute(
            "UPDATE runningoperation SET manual = %s WHERE id = %s", [params["manual"], ro]
        )
    return doc("<ok/>")


def _ro_setmanual(ctx: Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    ro = _runningoperation(ctx, elid)
    ctx.store.execute("UPDATE runningoperation SET manual = 'on' WHERE id = %s", [ro])
    return doc("<ok/>")


def _task_gettype(ctx: Context, params: dict[str, str]) -> str:
    (operation,) = _need(params, "operation")
    overrides = read_json_object(ctx.root / TASK_TYPES_FILE)
    task_type = overrides.get(operation, TASK_TYPES.get(operation, DEFAULT_TASK_TYPE))
    return doc(f"<task_type>{escape(task_type)}</task_type>")


def _task_edit(ctx: Context, params: dict[str, str]) -> str:
    (task_type,) = _need(params, "type")
    item = params.get("item", "")
    ro = params.get("runningoperation", "")
    task_id = ctx.store.insert(
        "task",
        {
            "item": int(item) if item.isdigit() else None,
            "runningoperation": int(ro) if ro.isdigit() else None,
            "type": task_type,
            "params": params.get("params", ""),
            "created": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    return doc(f"<id>{task_id}</id>")


def _problem_register(ctx: Context, params: dict[str, str]) -> str:
    """One problem per (name, id): a second registration replaces the first."""
    (name,) = _need(params, "name")
    obj = params.get("id", "")
    extra = {k[len("param_") :]: v for k, v in params.items() if k.startswith("param_")}
    ctx.store.execute("DELETE FROM problem WHERE name = %s AND obj = %s", [name, obj])
    ctx.store.insert(
        "problem",
        {"name": name, "obj": obj, "level": params.get("level", ""), "params": json.dumps(extra)},
    )
    return doc("<ok/>")


def _problem_resolve(ctx: Context, params: dict[str, str]) -> str:
    (name,) = _need(params, "name")
    ctx.store.execute(
        "DELETE FROM problem WHERE name = %s AND obj = %s", [name, params.get("id", "")]
    )
    return doc("<ok/>")


def _import_service(ctx: Context, params: dict[str, str]) -> str:
    module_text, intname = _need(params, "module", "import_pricelist_intname")
    module = ctx.existing_id("processingmodule", module_text, "module", MODULE)
    itemtype = params.get("import_itemtype_intname", "")
    if itemtype:
        rows = ctx.store.query(
            "SELECT p.id FROM pricelist p JOIN itemtype it ON it.id = p.itemtype"
            " WHERE p.intname = %s AND it.intname = %s ORDER BY p.id",
            [intname, itemtype],
        )
    else:
        rows = ctx.store.query("SELECT id FROM pricelist WHERE intname = %s ORDER BY id", [intname])
    if not rows:
        raise MgrError(
            "missing",
            "import_pricelist_intname",
            f"No tariff with intname {intname!r}" + (f" of type {itemtype!r}" if itemtype else ""),
        )
    values: dict[str, object] = {
        "pricelist": int(rows[0]["id"]),
        "processingmodule": module,
        "name": params.get("import_service_name", ""),
        "status": 2,
    }
    for column in _IMPORT_COLUMNS:
        if params.get(column):
            values[column] = params[column]
    item = ctx.store.insert("item", values)
    skip = {
        "module",
        "import_pricelist_intname",
        "import_itemtype_intname",
        "import_service_name",
        *_IMPORT_COLUMNS,
        *_IGNORED,
    }
    for name, value in params.items():
        if name not in skip:
            ctx.store.set_param("itemparam", "item", item, name, value)
    return doc(f"<service_id>{item}</service_id>")


FUNCTIONS: dict[str, Handler] = {
    "paramlist": _paramlist,
    "service.saveparam": _saveparam,
    "service.setstatus": _setstatus,
    "service.setexpiredate": _setexpiredate,
    "service.changepricelist.rollback": _changepricelist_rollback,
    "certificate.open": _certificate_open,
    "certificate.save": _certificate_save,
    "certificate.failed": _certificate_failed,
    "processing.savebalance": _savebalance,
    "runningoperation.edit": _ro_edit,
    "runningoperation.setmanual": _ro_setmanual,
    "task.gettype": _task_gettype,
    "task.edit": _task_edit,
    "processing.import.service": _import_service,
    "problems.register": _problem_register,
    **{f"service.post{op}": _post(op) for op in POST_STATUS},
}


def late_function(func: str) -> Handler | None:
    """The module's clearing call (billing.choices.PROBLEM_CLEAR_FUNC, UNCONFIRMED), looked up
    only for a name not in FUNCTIONS: the billing package costs ~30 ms to import."""
    from pmenomssl.billing.choices import PROBLEM_CLEAR_FUNC

    return _problem_resolve if func == PROBLEM_CLEAR_FUNC else None
