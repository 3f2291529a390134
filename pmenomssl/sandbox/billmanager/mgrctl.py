"""The stand-in's `mgrctl`: `mgrctl -m billmgr -o xml FUNC key=value … [-e key=$ENV]`.

Implements, against the stand-in's database, every function the billing gateway calls
(billmanager-protocol.md section 3.2). What each function does here (simplified, documented):

- `paramlist`: DBHost/DBUser/DBPassword/DBName (+ DBPort when not 3306; DBSocket for a socket
  URL, DBHost then as given, e.g. localhost) and CryptKey; for SQLite
  `<DBEngine>sqlite</DBEngine>` and `<DBName>/abs/path</DBName>`
  (a real BILLmanager never sends DBEngine).
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
- `certificate.save elid crt [crt_type]`: certificate.crt, status 'issued'.
- `certificate.failed elid`: certificate.status 'failed'.
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
- `-R`: journaled only.

Unknown function: `<doc><error type="missing" object="func">` and exit 1. Every call appends
one JSON line to `$ROOT/var/mgrctl.journal`. Faults (`$ROOT/etc/standin.faults.json` or env
`PMENOMSSL_STANDIN_FAULTS`, `{func|"*": kind | {"kind":…, "times":N, "type":…, "seconds":…}}`):
`exit` (exit 2, no XML), `error` (an <error> reply, exit 1), `garbage` (not XML, exit 0),
`hang` (sleeps), `slow` (sleeps `seconds`, then answers normally).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pmenomssl.sandbox.billmanager.store import Store, StoreConfig

JOURNAL = Path("var") / "mgrctl.journal"
CONFIG = Path("etc") / "standin.json"
FAULTS = Path("etc") / "standin.faults.json"
FAULTS_ENV = "PMENOMSSL_STANDIN_FAULTS"
HANG_SECONDS = 600.0

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
#: Per-operation overrides of TASK_TYPES (`StandIn.set_task_type`); "" is a panel without a task
#: type for that operation (module.cpp then creates no task).
TASK_TYPES_FILE = Path("etc") / "standin.tasktypes.json"

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

_IMPORT_COLUMNS = ("status", "expiredate", "opendate", "period", "remoteid")
_IGNORED = ("sok", "out", "lang", "su", "clicked_button")


_SECRET_KEY = re.compile(r"(?i)(^pw$|passw|token|secret|crypted|apikey|api_key|pkey|^key$)")
_PEM_PRIVATE = "PRIVATE KEY-----"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;") + '"'


def redacted(params: dict[str, str]) -> dict[str, str]:
    """Params for the journal: password-like keys, the value of a crypted (or password-like)
    saveparam and PEM private keys become ***. Everything else is kept whole."""
    secret = {k for k, v in params.items() if _SECRET_KEY.search(k) and v not in ("on", "off")}
    if "value" in params and (
        params.get("crypted") == "on" or _SECRET_KEY.search(params.get("name", ""))
    ):
        secret.add("value")
    secret.update(k for k, v in params.items() if _PEM_PRIVATE in v)
    return {k: ("***" if k in secret else v) for k, v in params.items()}


class MgrError(Exception):
    """Answered as `<doc><error type object>` with exit 1, like mgrctl."""

    def __init__(self, err_type: str, obj: str, message: str) -> None:
        super().__init__(message)
        self.err_type = err_type
        self.obj = obj
        self.message = message


def error_xml(err_type: str, obj: str, message: str, value: str = "") -> str:
    return (
        f'<doc><error type={quoteattr(err_type)} object={quoteattr(obj)} lang="en">'
        f'<param name="object" type="msg" msg={quoteattr(obj)}>{escape(obj)}</param>'
        f'<param name="value">{escape(value)}</param>'
        f"<msg>{escape(message)}</msg></error></doc>"
    )


def _doc(body: str = "") -> str:
    return f"<doc>{body}</doc>" if body else "<doc/>"


class _Context:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.config = StoreConfig.from_json((root / CONFIG).read_text(encoding="utf-8"))
        self.store = Store(self.config)

    def item_exists(self, item: str) -> int:
        if not item.isdigit() or not self.store.query(
            "SELECT id FROM item WHERE id = %s", [int(item)]
        ):
            raise MgrError("missing", "elid", f"Service {item!r} not found")
        return int(item)

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

    def ensure_certificate(self, item: int) -> None:
        if not self.store.query("SELECT id FROM certificate WHERE item = %s", [item]):
            self.store.insert("certificate", {"item": item, "pkey": "", "csr": "", "crt": ""})

    def encrypt(self, value: str) -> str:
        from pmenomssl.billing.crypto import encrypt_value

        return encrypt_value(value, self.root / "etc" / "billmgr.pem")


Handler = Callable[[_Context, dict[str, str]], str]


def _need(params: dict[str, str], *names: str) -> list[str]:
    missing = [n for n in names if n not in params]
    if missing:
        raise MgrError("missing", missing[0], f"Parameter {missing[0]!r} is required")
    return [params[n] for n in names]


def _paramlist(ctx: _Context, params: dict[str, str]) -> str:
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
    values["CryptKey"] = "etc/billmgr.pem"
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in values.items())
    return _doc(f"<elem>{body}</elem>")


def _saveparam(ctx: _Context, params: dict[str, str]) -> str:
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
    return _doc("<ok/>")


def _setstatus(ctx: _Context, params: dict[str, str]) -> str:
    elid, status = _need(params, "elid", "service_status")
    if not status.isdigit():
        raise MgrError("value", "service_status", f"Invalid service status {status!r}")
    ctx.store.set_param("itemparam", "item", ctx.item_exists(elid), "service_status", status)
    return _doc("<ok/>")


def _setexpiredate(ctx: _Context, params: dict[str, str]) -> str:
    elid, value = _need(params, "elid", "expiredate")
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise MgrError("value", "expiredate", f"Invalid date {value!r}") from None
    item = ctx.item_exists(elid)
    ctx.store.execute("UPDATE item SET expiredate = %s WHERE id = %s", [parsed.isoformat(), item])
    return _doc("<ok/>")


def _post(operation: str) -> Handler:
    def handler(ctx: _Context, params: dict[str, str]) -> str:
        (elid,) = _need(params, "elid")
        item = ctx.item_exists(elid)
        ctx.set_item_status(item, POST_STATUS[operation])
        ctx.close_operations(item)
        return _doc("<ok/>")

    return handler


def _changepricelist_rollback(ctx: _Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.item_exists(elid)
    ctx.store.execute(
        "UPDATE item SET pricelist = lastpricelist, lastpricelist = NULL"
        " WHERE id = %s AND lastpricelist IS NOT NULL",
        [item],
    )
    ctx.close_operations(item)
    return _doc("<ok/>")


def _certificate_open(ctx: _Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.item_exists(elid)
    ctx.ensure_certificate(item)
    ctx.store.execute("UPDATE certificate SET status = 'open' WHERE item = %s", [item])
    ctx.set_item_status(item, 2)
    ctx.close_operations(item)
    return _doc("<ok/>")


def _certificate_save(ctx: _Context, params: dict[str, str]) -> str:
    elid, crt = _need(params, "elid", "crt")
    item = ctx.item_exists(elid)
    ctx.ensure_certificate(item)
    ctx.store.execute(
        "UPDATE certificate SET crt = %s, crt_type = %s, status = 'issued' WHERE item = %s",
        [crt, params.get("crt_type", ""), item],
    )
    return _doc("<ok/>")


def _certificate_failed(ctx: _Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    item = ctx.item_exists(elid)
    ctx.ensure_certificate(item)
    ctx.store.execute("UPDATE certificate SET status = 'failed' WHERE item = %s", [item])
    return _doc("<ok/>")


def _savebalance(ctx: _Context, params: dict[str, str]) -> str:
    module, balance = _need(params, "processingmodule", "balance")
    if not module.isdigit() or not ctx.store.query(
        "SELECT id FROM processingmodule WHERE id = %s", [int(module)]
    ):
        raise MgrError("missing", "processingmodule", f"Processing module {module!r} not found")
    ctx.store.execute(
        "DELETE FROM processingmodulebalance WHERE processingmodule = %s", [int(module)]
    )
    ctx.store.insert(
        "processingmodulebalance",
        {
            "processingmodule": int(module),
            "balance": balance,
            "currency": params.get("currency", ""),
            "notify_time": params.get("notify_time", ""),
        },
    )
    return _doc("<ok/>")


def _runningoperation(ctx: _Context, elid: str) -> int:
    if not elid.isdigit() or not ctx.store.query(
        "SELECT id FROM runningoperation WHERE id = %s", [int(elid)]
    ):
        raise MgrError("missing", "elid", f"Running operation {elid!r} not found")
    return int(elid)


def _ro_edit(ctx: _Context, params: dict[str, str]) -> str:
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
    return _doc("<ok/>")


def _ro_setmanual(ctx: _Context, params: dict[str, str]) -> str:
    (elid,) = _need(params, "elid")
    ro = _runningoperation(ctx, elid)
    ctx.store.execute("UPDATE runningoperation SET manual = 'on' WHERE id = %s", [ro])
    return _doc("<ok/>")


def _task_gettype(ctx: _Context, params: dict[str, str]) -> str:
    (operation,) = _need(params, "operation")
    overrides_path = ctx.root / TASK_TYPES_FILE
    overrides: dict[str, str] = {}
    if overrides_path.exists():
        overrides = json.loads(overrides_path.read_text(encoding="utf-8"))
    task_type = overrides.get(operation, TASK_TYPES.get(operation, DEFAULT_TASK_TYPE))
    return _doc(f"<task_type>{escape(task_type)}</task_type>")


def _task_edit(ctx: _Context, params: dict[str, str]) -> str:
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
    return _doc(f"<id>{task_id}</id>")


def _problem_register(ctx: _Context, params: dict[str, str]) -> str:
    """One problem per (name, id): a second registration replaces the first."""
    (name,) = _need(params, "name")
    obj = params.get("id", "")
    extra = {k[len("param_") :]: v for k, v in params.items() if k.startswith("param_")}
    ctx.store.execute("DELETE FROM problem WHERE name = %s AND obj = %s", [name, obj])
    ctx.store.insert(
        "problem",
        {"name": name, "obj": obj, "level": params.get("level", ""), "params": json.dumps(extra)},
    )
    return _doc("<ok/>")


def _problem_resolve(ctx: _Context, params: dict[str, str]) -> str:
    (name,) = _need(params, "name")
    ctx.store.execute(
        "DELETE FROM problem WHERE name = %s AND obj = %s", [name, params.get("id", "")]
    )
    return _doc("<ok/>")


def _import_service(ctx: _Context, params: dict[str, str]) -> str:
    module, intname = _need(params, "module", "import_pricelist_intname")
    if not module.isdigit() or not ctx.store.query(
        "SELECT id FROM processingmodule WHERE id = %s", [int(module)]
    ):
        raise MgrError("missing", "module", f"Processing module {module!r} not found")
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
        "processingmodule": int(module),
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
    return _doc(f"<service_id>{item}</service_id>")


def _late_function(func: str) -> Handler | None:
    """The module's clearing call (pmenomssl.billing.gateway.PROBLEM_CLEAR_FUNC, UNCONFIRMED),
    looked up only for a name not in FUNCTIONS: importing the gateway costs ~35 ms of CPU, and
    the tests run this script thousands of times."""
    from pmenomssl.billing.gateway import PROBLEM_CLEAR_FUNC

    return _problem_resolve if func == PROBLEM_CLEAR_FUNC else None


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
    # (the module's clearing call: _late_function)
    **{f"service.post{op}": _post(op) for op in POST_STATUS},
}


def parse_argv(argv: list[str], environ: dict[str, str]) -> tuple[str, dict[str, str], list[str]]:
    """-> (func, params, names of params that came through `-e`). func is "-R" for a restart."""
    func = ""
    params: dict[str, str] = {}
    via_env: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg in ("-m", "-o", "--manager", "--output"):
            next(args, None)
        elif arg == "-R":
            func = "-R"
        elif arg == "-e":
            spec = next(args, "")
            key, _, ref = spec.partition("=")
            params[key] = environ.get(ref[1:], "") if ref.startswith("$") else ref
            via_env.append(key)
        elif not func:
            func = arg
        else:
            key, _, value = arg.partition("=")
            params[key] = value
    return func, params, via_env


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_suffix(path.suffix + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def take_fault(root: Path, func: str, environ: dict[str, str]) -> dict[str, Any] | None:
    """The fault to inject for this call, consuming one of its `times`."""
    text = environ.get(FAULTS_ENV)
    if text:
        faults = json.loads(text)
        spec = faults.get(func, faults.get("*"))
        return _spec(spec) if spec is not None else None
    path = root / FAULTS
    if not path.exists():
        return None
    with _locked(path):
        try:
            faults = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return None
        key = func if func in faults else ("*" if "*" in faults else None)
        if key is None:
            return None
        fault = _spec(faults[key])
        times = fault.get("times")
        if isinstance(times, int):
            if times <= 1:
                del faults[key]
            else:
                faults[key] = {**fault, "times": times - 1}
            path.write_text(json.dumps(faults), encoding="utf-8")
        return fault


def _spec(spec: object) -> dict[str, Any]:
    if isinstance(spec, str):
        return {"kind": spec}
    if isinstance(spec, dict):
        return dict(spec)
    raise ValueError(f"bad fault spec {spec!r}")


def _journal(root: Path, record: dict[str, Any]) -> None:
    path = root / JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def run(argv: list[str], root: Path, environ: dict[str, str]) -> tuple[int, str, str]:
    """-> (exit code, stdout, stderr) for one mgrctl invocation."""
    func, params, via_env = parse_argv(argv, environ)
    record: dict[str, Any] = {
        "time": datetime.now().isoformat(timespec="milliseconds"),
        "pid": os.getpid(),
        "func": func,
        "argv": list(argv),
        "params": redacted(params),
        "env_params": via_env,
        "ssh_connection": environ.get("SSH_CONNECTION", ""),
        "cwd": os.getcwd(),
    }
    if not func:
        record["exit"] = 1
        _journal(root, record)
        return 1, "", "Usage: mgrctl [-m manager] [-o xml] [-R | func [param=value ...]]\n"
    fault = take_fault(root, func, environ)
    if fault:
        record["fault"] = fault["kind"]
        kind = fault["kind"]
        if kind == "hang":
            record["exit"] = None
            _journal(root, record)
            time.sleep(float(fault.get("seconds", HANG_SECONDS)))
            return 1, "", "hang ended\n"
        if kind == "slow":
            time.sleep(float(fault.get("seconds", 1.0)))
        elif kind == "exit":
            record["exit"] = int(fault.get("code", 2))
            _journal(root, record)
            return record["exit"], "", "mgrctl: cannot connect to billmgr (stand-in fault)\n"
        elif kind == "garbage":
            record["exit"] = 0
            _journal(root, record)
            return 0, "Internal Server Error <html><<<\n", ""
        elif kind == "error":
            record["exit"] = 1
            _journal(root, record)
            err = error_xml(
                str(fault.get("type", "standin_fault")),
                str(fault.get("object", func)),
                str(fault.get("message", f"injected failure of {func}")),
            )
            return 1, err, ""
    if func == "-R":
        record["exit"] = 0
        _journal(root, record)
        return 0, "", ""
    handler = FUNCTIONS.get(func) or _late_function(func)
    ctx: _Context | None = None
    try:
        if handler is None:
            raise MgrError("missing", "func", f"Function {func!r} not found")
        ctx = _Context(root)
        body = handler(ctx, params)
        code, out, err = 0, body, ""
    except MgrError as exc:
        code, out, err = 1, error_xml(exc.err_type, exc.obj, exc.message, func), ""
    except Exception as exc:  # the stand-in's own bug: visible, like a core error
        import traceback

        code = 1
        out = error_xml("standin_internal", func, f"{type(exc).__name__}: {exc}")
        err = traceback.format_exc()
    finally:
        if ctx is not None:
            ctx.store.close()
    record["exit"] = code
    _journal(root, record)
    return code, out, err


def main(argv: list[str] | None = None, *, root: str | Path | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "crypted=on" not in args and "cryptography" not in sys.modules:
        # Speed only: PyMySQL imports cryptography (~60 ms) for auth methods the stand-in's
        # server does not use; only a crypted save needs it here. One call per process.
        sys.modules["cryptography"] = None  # type: ignore[assignment]
    base = Path(root) if root is not None else Path(__file__).resolve().parent
    code, out, err = run(args, base, dict(os.environ))
    if out.startswith("<doc"):
        sys.stdout.write('<?xml version="1.0" encoding="UTF-8"?>\n' + out + "\n")
    elif out:
        sys.stdout.write(out)
    if err:
        sys.stderr.write(err)
    return code
