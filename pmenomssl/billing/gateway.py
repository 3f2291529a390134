"""The only code that talks to BILLmanager: its database (read-only) and `mgrctl` (every write).

billmanager-protocol.md section 3 is the source of every function and query used here. Where
BILLmanager's behaviour is UNCONFIRMED, the choice sits in one of the module-level constants or
small functions below (marked "CHOICE"), with the reference section it depends on.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log
from pmenomssl.billing.db import DbSettings, Row, _Database, open_database
from pmenomssl.billing.errors import (
    CryptError,
    MgrctlError,
    NotFoundError,
)
from pmenomssl.billing.models import Addon, CertificateRow, Item, ModuleRow

if TYPE_CHECKING:
    from lxml import etree

logger = logging.getLogger(__name__)

# --- CHOICES on UNCONFIRMED points (one place each) ---------------------------------------

#: Post operations the gateway knows (`service.post<operation>`), section 3.2.
POST_OPERATIONS = ("open", "resume", "suspend", "close", "prolong", "setparam", "reopen")

#: CHOICE (section 2.2, `open`): ISP's GlobalSign module finishes `open` with
#: `certificate.open elid=I`, TheSSLStore with `service.postopen`. `certificate_open()` uses this.
CERTIFICATE_OPEN_FUNC = "certificate.open"

#: CHOICE (section 3.1 mgrctl syntax `-e <param>=$<ENV_NAME>`; conventions: secrets never in
#: argv): secret values (crypted params, password-like keys) travel in the child's environment
#: and reach mgrctl as `-e key=$NAME`. Set to False to pass them as plain `key=value`.
SECRETS_VIA_ENV = True
#: CHOICE (UNCONFIRMED: ISP's modules register problems, none shows clearing one): the function
#: that clears a module's admin problem (pmenomssl.protocol.problems), called with the same
#: `name` and `id` as `problems.register`.
PROBLEM_CLEAR_FUNC = "problems.resolve"

# However close the command's deadline, a mgrctl call gets this long (reporting an error to
# BILLmanager after the deadline needs a call or two).
MGRCTL_MIN_TIMEOUT = 2.0


def _saveparam_args(name: str, value: str) -> dict[str, str]:
    """CHOICE (section 3.2, `service.saveparam` argument form UNCONFIRMED): the C++/PHP and
    openprovider form `name=<param> value=<v>`, which the reference recommends. The Python
    library's form would be `{name: value}`."""
    return {"name": name, "value": value}


# --- redaction --------------------------------------------------------------------------------

_SECRET_KEY = re.compile(r"(?i)(^pw$|passw|passwd|token|secret|crypted|apikey|api_key|pkey|^key$)")
_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_LOG_VALUE_MAX = 120


def is_secret_key(key: str) -> bool:
    """A param whose value must never be logged or put in argv (`password`, `pw`, `token`…)."""
    return bool(_SECRET_KEY.search(key))


def secret_params(params: Mapping[str, str]) -> set[str]:
    """The keys of `params` whose values are secret, including `value` of a crypted save."""
    secret = {k for k in params if is_secret_key(k) and params[k] not in ("", "on", "off")}
    crypted = params.get("crypted") == "on"
    if "value" in params and (crypted or is_secret_key(params.get("name", ""))):
        secret.add("value")
    secret.update(k for k, v in params.items() if _PEM_PRIVATE.search(v))
    return secret


def describe_params(params: Mapping[str, str]) -> str:
    """`k=v …` for a log line: secrets as ***, long values as their length."""
    secret = secret_params(params)
    parts = []
    for key, value in params.items():
        if key in secret:
            shown = log.REDACTED
        elif len(value) > _LOG_VALUE_MAX or "\n" in value:
            shown = f"<{len(value)} chars>"
        else:
            shown = value
        parts.append(f"{key}={shown}")
    return " ".join(parts)


# --- per-process caches -------------------------------------------------------------------

_paramlists: dict[str, dict[str, str]] = {}
_paramlists_lock = threading.Lock()


def clear_caches() -> None:
    """Forget the cached `mgrctl paramlist` answers (tests that change the stand-in's config)."""
    with _paramlists_lock:
        _paramlists.clear()


def parse_paramlist(doc: etree._Element) -> dict[str, str]:
    """billmgr.conf values from a `paramlist` reply.

    Issue 2 gives `<doc><elem><DBHost>…</DBHost>…</elem></doc>`; the `<elem><name>DBHost</name>
    <value>…</value></elem>` list form is read too, since the real shape is not confirmed.
    """
    values: dict[str, str] = {}
    for elem in doc.iter("elem"):
        name = elem.findtext("name")
        if name is not None and elem.find("value") is not None:
            values[name] = (elem.findtext("value") or "").strip()
            continue
        for child in elem:
            if isinstance(child.tag, str):
                values.setdefault(child.tag, (child.text or "").strip())
    log.register_secret(values.get("DBPassword"))
    return values


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _as_int(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None


def _as_str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class BillingGateway:
    """BILLmanager as the module sees it. Lazy: nothing happens until a method needs it."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        mgrctl_timeout: float = 60.0,
        deadline: float | None = None,
    ) -> None:
        """`deadline`: the command's `time.monotonic()` deadline; no mgrctl call waits past it
        (but each gets at least MGRCTL_MIN_TIMEOUT, so an error can still be reported)."""
        self.root = Path(root) if root is not None else config.mgr_root()
        self.mgrctl_timeout = mgrctl_timeout
        self.deadline = deadline
        self._db: _Database | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> BillingGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- mgrctl ---------------------------------------------------------------------------

    @property
    def mgrctl_path(self) -> Path:
        return self.root / "sbin" / "mgrctl"

    def mgrctl(self, func: str, **params: str) -> etree._Element:
        """Run `$ROOT/sbin/mgrctl -m billmgr -o xml FUNC key=value …` and parse its reply.

        Raises MgrctlError for an <error> in the reply (carrying its type/object/message), a
        non-zero exit, a reply that is not XML, or a timeout (`mgrctl_timeout`).
        """
        from lxml import etree

        params = {k: _as_str(v) for k, v in params.items()}
        secret = secret_params(params)
        for key in secret:
            log.register_secret(params[key])
        argv = [str(self.mgrctl_path), "-m", "billmgr", "-o", "xml", func]
        env = dict(os.environ)
        env["SSH_CONNECTION"] = config.module_name()  # shown by BILLmanager instead of an IP
        via_env: list[str] = []
        for index, (key, value) in enumerate(params.items()):
            if SECRETS_VIA_ENV and key in secret:
                name = f"PMENOMSSL_MGRCTL_{index}"
                env[name] = value
                via_env += ["-e", f"{key}=${name}"]
            else:
                argv.append(f"{key}={value}")
        argv += via_env
        what = f"mgrctl {func} {describe_params(params)}".rstrip()
        started = time.monotonic()
        stdout, stderr, returncode = self._run(argv, env, func, what, started)
        text = stdout.strip()
        doc: etree._Element | None = None
        if text:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            try:
                doc = etree.fromstring(text, parser)
            except etree.XMLSyntaxError:
                doc = None
        error = None
        if doc is not None:
            error = doc if doc.tag == "error" else doc.find("error")
        if error is not None:
            mgr_type = error.get("type", "")
            mgr_object = error.get("object", "")
            mgr_message = (
                error.findtext("msg")
                or error.findtext("param[@name='value']")
                or (error.text or "")
            ).strip()
            log.timed(logger, what, started, f"error type={mgr_type} object={mgr_object}")
            raise MgrctlError(
                f"BILLmanager refused {func}: {mgr_message or mgr_type} (error type "
                f"{mgr_type!r}, object {mgr_object!r}). See BILLmanager's billmgr.log for details.",
                obj=func,
                value=mgr_object,
                func=func,
                mgr_type=mgr_type,
                mgr_object=mgr_object,
                mgr_message=log.redact(mgr_message),
            )
        if returncode != 0:
            detail = log.redact((stderr or stdout).decode("utf-8", "replace").strip())[-500:]
            log.timed(logger, what, started, f"exit {returncode}")
            raise MgrctlError(
                f"mgrctl {func} exited with code {returncode}: {detail or 'no output'}. "
                "Check that BILLmanager runs (`mgrctl -m billmgr -R` restarts it).",
                obj=func,
                value=str(returncode),
                func=func,
            )
        if doc is None:
            sample = log.redact(stdout[:200].decode("utf-8", "replace"))
            log.timed(logger, what, started, "garbage reply")
            raise MgrctlError(
                f"mgrctl {func} answered something that is not XML: {sample!r}. "
                f"Check {self.mgrctl_path} and BILLmanager's billmgr.log.",
                obj=func,
                func=func,
            )
        log.timed(logger, what, started, "ok")
        return doc

    def _run(
        self, argv: list[str], env: dict[str, str], func: str, what: str, started: float
    ) -> tuple[bytes, bytes, int]:
        try:
            proc = subprocess.Popen(
                argv,
                cwd=str(self.root),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # so a timeout can end mgrctl and anything it started
            )
        except OSError as exc:
            log.timed(logger, what, started, f"cannot run: {exc.strerror or exc}")
            raise MgrctlError(
                f"Cannot run {self.mgrctl_path} for {func}: {exc.strerror or exc}. Check "
                "PMENOMSSL_MGR_ROOT (BILLmanager's root, default /usr/local/mgr5).",
                obj=func,
                func=func,
            ) from None
        timeout = self.mgrctl_timeout
        if self.deadline is not None:
            timeout = min(timeout, max(MGRCTL_MIN_TIMEOUT, self.deadline - time.monotonic()))
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
            proc.communicate()
            log.timed(logger, what, started, f"timeout after {timeout:.3g}s")
            raise MgrctlError(
                f"mgrctl {func} did not answer within {timeout:.3g} s"
                + ("" if timeout == self.mgrctl_timeout else " (this operation's deadline)")
                + ". Check that "
                "BILLmanager's core process runs and is not overloaded; the operation is retried.",
                error_type="mgrctl_timeout",
                obj=func,
                func=func,
            ) from None
        return stdout, stderr, proc.returncode

    def _write(self, func: str, **params: str) -> etree._Element:
        """Every write goes through here: mgrctl with `sok=ok`."""
        return self.mgrctl(func, **params, sok="ok")

    # -- configuration and database ------------------------------------------------------

    def paramlist(self) -> dict[str, str]:
        """billmgr.conf values from `mgrctl paramlist`, cached per process and root."""
        key = str(self.root)
        with _paramlists_lock:
            cached = _paramlists.get(key)
        if cached is not None:
            return cached
        values = parse_paramlist(self.mgrctl("paramlist"))
        with _paramlists_lock:
            _paramlists[key] = values
        return values

    def db_settings(self) -> DbSettings:
        return DbSettings.from_paramlist(self.paramlist())

    def _database(self) -> _Database:
        if self._db is None:
            self._db = open_database(self.db_settings())
        return self._db

    def _query(self, sql: str, *params: object) -> list[Row]:
        return self._database().query(sql, params)

    def key_path(self) -> Path:
        """The panel key: billmgr.conf `CryptKey` (relative to $ROOT), default etc/billmgr.pem."""
        crypt_key = self.paramlist().get("CryptKey", "").strip()
        if crypt_key:
            path = Path(crypt_key)
            return path if path.is_absolute() else self.root / path
        return self.root / "etc" / "billmgr.pem"

    def _decrypt(self, value: str, what: str) -> str:
        from pmenomssl.billing import crypto

        key_path = self.key_path()
        try:
            plain = crypto.decrypt_value(value, key_path)
        except crypto.KeyUnavailableError as exc:
            raise CryptError(
                f"Cannot decrypt {what}: the panel key is unusable ({exc}). Check that the module "
                "runs as root and that billmgr.conf CryptKey names BILLmanager's key.",
                obj="crypted_param",
                value=what,
            ) from None
        except crypto.DecryptError as exc:
            raise CryptError(
                f"Cannot decrypt {what}: {exc} ({key_path}). The value was saved with another "
                "key or is damaged: enter it again in BILLmanager.",
                obj="crypted_param",
                value=what,
            ) from None
        log.register_secret(plain)
        return plain

    # -- reads ----------------------------------------------------------------------------

    _ITEM_SQL = (
        "SELECT i.id, i.status, i.period, i.expiredate, i.opendate, i.remoteid,"
        " i.processingmodule, i.pricelist, i.account, i.lastpricelist,"
        " p.intname AS pricelist_intname, it.intname AS itemtype, pm.module AS module_name"
        " FROM item i"
        " LEFT JOIN pricelist p ON p.id = i.pricelist"
        " LEFT JOIN itemtype it ON it.id = p.itemtype"
        " LEFT JOIN processingmodule pm ON pm.id = i.processingmodule"
    )

    @staticmethod
    def _item_from_row(row: Row) -> Item:
        return Item(
            id=int(row["id"]),
            status=_as_int(row["status"]) or 0,
            period=_as_int(row["period"]),
            expiredate=_as_date(row["expiredate"]),
            opendate=_as_date(row["opendate"]),
            remoteid=_as_str(row["remoteid"]),
            processingmodule=_as_int(row["processingmodule"]),
            pricelist=_as_int(row["pricelist"]),
            pricelist_intname=_as_str(row["pricelist_intname"]),
            itemtype=_as_str(row["itemtype"]),
            module_name=_as_str(row["module_name"]),
            account=_as_int(row["account"]),
            lastpricelist=_as_int(row["lastpricelist"]),
        )

    def item(self, item_id: int) -> Item:
        rows = self._query(self._ITEM_SQL + " WHERE i.id = %s", item_id)
        if not rows:
            raise NotFoundError(
                f"Service {item_id} does not exist in BILLmanager's database; it may have been "
                "deleted. Check the service id of the operation.",
                error_type="item_not_found",
                obj="item",
                value=str(item_id),
            )
        return self._item_from_row(rows[0])

    def addons(self, item_id: int) -> list[Addon]:
        """The addons of a service: its child items (`item.parent`) with their tariffs'
        internal names and their `intvalue` (section 3.3, "Addons are child pricelist rows")."""
        rows = self._query(
            "SELECT i.id, p.intname, i.intvalue FROM item i"
            " LEFT JOIN pricelist p ON p.id = i.pricelist"
            " WHERE i.parent = %s ORDER BY i.id",
            item_id,
        )
        return [
            Addon(
                item_id=int(r["id"]),
                intname=_as_str(r["intname"]),
                value=_as_int(r["intvalue"]),
            )
            for r in rows
        ]

    def _params(self, plain_sql: str, crypted_sql: str, owner: int, what: str) -> dict[str, str]:
        params: dict[str, str] = {}
        for row in self._query(plain_sql, owner):
            name, value = _as_str(row["intname"]), _as_str(row["value"])
            if is_secret_key(name):
                log.register_secret(value)
            params[name] = value
        for row in self._query(crypted_sql, owner):
            name = _as_str(row["intname"])
            params[name] = self._decrypt(_as_str(row["value"]), f"{what} param {name!r}")
        return params

    def item_params(self, item_id: int) -> dict[str, str]:
        """`itemparam` plus decrypted `itemcryptedparam` (decrypted values become secrets)."""
        return self._params(
            "SELECT intname, value FROM itemparam WHERE item = %s ORDER BY id",
            "SELECT intname, value FROM itemcryptedparam WHERE item = %s ORDER BY id",
            item_id,
            f"item {item_id}",
        )

    def certificate(self, item_id: int) -> CertificateRow | None:
        rows = self._query(
            "SELECT pkey, csr, crt FROM certificate WHERE item = %s ORDER BY id DESC", item_id
        )
        if not rows:
            return None
        row = rows[0]
        pkey = _as_str(row["pkey"])
        log.register_secret(pkey)
        return CertificateRow(pkey=pkey, csr=_as_str(row["csr"]), crt=_as_str(row["crt"]))

    def module(self, module_id: int) -> ModuleRow:
        rows = self._query(
            "SELECT id, name, module, active FROM processingmodule WHERE id = %s", module_id
        )
        if not rows:
            raise NotFoundError(
                f"Processing module {module_id} does not exist in BILLmanager; check the module "
                "id (Integration > Processing modules).",
                error_type="module_not_found",
                obj="processingmodule",
                value=str(module_id),
            )
        return self._module_from_row(rows[0])

    @staticmethod
    def _module_from_row(row: Row) -> ModuleRow:
        return ModuleRow(
            id=int(row["id"]),
            name=_as_str(row["name"]),
            module=_as_str(row["module"]),
            active=_as_str(row["active"]).lower() == "on",
        )

    def module_params(self, module_id: int) -> dict[str, str]:
        """`processingparam` plus decrypted `processingcryptedparam`."""
        return self._params(
            "SELECT intname, value FROM processingparam WHERE processingmodule = %s ORDER BY id",
            "SELECT intname, value FROM processingcryptedparam"
            " WHERE processingmodule = %s ORDER BY id",
            module_id,
            f"processing module {module_id}",
        )

    def modules_named(self, module_name: str, *, active_only: bool = True) -> list[ModuleRow]:
        sql = "SELECT id, name, module, active FROM processingmodule WHERE module = %s"
        if active_only:
            sql += " AND active = 'on'"
        return [self._module_from_row(r) for r in self._query(sql + " ORDER BY id", module_name)]

    def suitable_modules(
        self, pricelist_id: int, module_name: str, skip: Sequence[int] = ()
    ) -> list[int]:
        """Active modules named `module_name` linked to the tariff, in BILLmanager's order of
        preference (`orderpriority`, then id), without those in `skip`: ISP's module base
        answers `get_suitable_module` with this query (`module.cpp` GetSuitableModule)."""
        sql = (
            "SELECT pm.id FROM processingmodule2pricelist pm2p"
            " JOIN processingmodule pm ON pm.id = pm2p.processingmodule"
            " WHERE pm2p.pricelist = %s AND pm.module = %s AND pm.active = 'on'"
        )
        if skip:
            sql += f" AND pm.id NOT IN ({', '.join(['%s'] * len(skip))})"
        sql += " ORDER BY pm.orderpriority, pm.id"
        rows = self._query(sql, pricelist_id, module_name, *skip)
        return [int(str(r["id"])) for r in rows]

    def pricelist_params(self, pricelist_id: int) -> dict[str, str]:
        rows = self._query(
            "SELECT intname, value FROM pricelistparam WHERE pricelist = %s ORDER BY id",
            pricelist_id,
        )
        return {_as_str(r["intname"]): _as_str(r["value"]) for r in rows}

    def country_iso2(self, country_id: int) -> str | None:
        """The two-letter code of a BILLmanager country id (`country.iso2`, as pmopenprovider
        reads it); None when there is no such country."""
        rows = self._query("SELECT iso2 FROM country WHERE id = %s", country_id)
        code = _as_str(rows[0]["iso2"]).strip().upper() if rows else ""
        return code or None

    def trycount(self, runningoperation: int) -> int:
        """`runningoperation.trycount`; 0 when the row is gone."""
        rows = self._query("SELECT trycount FROM runningoperation WHERE id = %s", runningoperation)
        return (_as_int(rows[0]["trycount"]) or 0) if rows else 0

    def module_items(self, module_id: int, *, itemtype: str | None = None) -> list[Item]:
        """Every item of a processing module (any status), optionally of one item type."""
        sql = self._ITEM_SQL + " WHERE i.processingmodule = %s"
        args: list[object] = [module_id]
        if itemtype is not None:
            sql += " AND it.intname = %s"
            args.append(itemtype)
        return [self._item_from_row(r) for r in self._query(sql + " ORDER BY i.id", *args)]

    # Bulk reads (`pmenomssl sync --all`): few columns, and params in chunks of item ids, so
    # thousands of items never sit in memory as full rows. `{marks}` becomes one `%s` per
    # value: only the number of placeholders is formatted into the SQL.
    _ITEMS_PARAMS_SQL = (
        "SELECT item, intname, value FROM itemparam"
        " WHERE item IN ({items}) AND intname IN ({names}) ORDER BY id"
    )
    BULK_CHUNK = 1000

    def module_item_expiredates(
        self, module_id: int, *, itemtype: str | None = None, skip_status: int | None = None
    ) -> dict[int, date | None]:
        """item id -> expiredate of every item of a processing module (optionally one type;
        without the items whose status is `skip_status`)."""
        sql = (
            "SELECT i.id, i.expiredate FROM item i"
            " LEFT JOIN pricelist p ON p.id = i.pricelist"
            " LEFT JOIN itemtype it ON it.id = p.itemtype"
            " WHERE i.processingmodule = %s"
        )
        args: list[object] = [module_id]
        if itemtype is not None:
            sql += " AND it.intname = %s"
            args.append(itemtype)
        if skip_status is not None:
            sql += " AND i.status <> %s"
            args.append(skip_status)
        rows = self._query(sql + " ORDER BY i.id", *args)
        return {int(r["id"]): _as_date(r["expiredate"]) for r in rows}

    def items_params(
        self, item_ids: Sequence[int], names: Sequence[str]
    ) -> dict[int, dict[str, str]]:
        """The plain params `names` of many items: item -> {name: value}, one query per
        BULK_CHUNK items; items without any of them are absent. Crypted params are not read
        here (`item_params` reads them)."""
        result: dict[int, dict[str, str]] = {}
        if not names:
            return result
        wanted = {name: name for name in names}  # one str object per name, not one per row
        name_marks = ", ".join(["%s"] * len(names))
        for start in range(0, len(item_ids), self.BULK_CHUNK):
            chunk = item_ids[start : start + self.BULK_CHUNK]
            sql = self._ITEMS_PARAMS_SQL.format(
                items=", ".join(["%s"] * len(chunk)), names=name_marks
            )
            for row in self._query(sql, *chunk, *names):
                name = wanted.get(_as_str(row["intname"]), _as_str(row["intname"]))
                value = _as_str(row["value"])
                if is_secret_key(name):
                    log.register_secret(value)
                result.setdefault(int(row["item"]), {})[name] = value
        return result

    def items_with_param(self, name: str, value: str) -> list[int]:
        """Ids of the items whose plain param `name` equals `value`."""
        rows = self._query(
            "SELECT DISTINCT item FROM itemparam WHERE intname = %s AND value = %s ORDER BY item",
            name,
            value,
        )
        return [int(r["item"]) for r in rows]

    # -- writes (all through mgrctl, sok=ok) --------------------------------------------

    def save_param(self, item_id: int, name: str, value: str, *, crypted: bool = False) -> None:
        args = _saveparam_args(name, value)
        if crypted:
            log.register_secret(value)
            args["crypted"] = "on"
        self._write("service.saveparam", elid=str(item_id), **args)

    def set_status(self, item_id: int, service_status: int) -> None:
        self._write("service.setstatus", elid=str(item_id), service_status=str(service_status))

    def set_expiredate(self, item_id: int, expiredate: date) -> None:
        self._write(
            "service.setexpiredate", elid=str(item_id), expiredate=expiredate.strftime("%Y-%m-%d")
        )

    def post(self, item_id: int, operation: str) -> None:
        """`service.post<operation>`: records the outcome and ends the running operation."""
        if operation not in POST_OPERATIONS:
            raise ValueError(f"unknown post operation {operation!r}")
        self._write(f"service.post{operation}", elid=str(item_id))

    def changepricelist_rollback(self, item_id: int) -> None:
        """`service.changepricelist.rollback elid=I` (section 2.2 `setparam`): undo a tariff
        change the provider could not apply (only meaningful while `item.lastpricelist` is set)."""
        self._write("service.changepricelist.rollback", elid=str(item_id))

    def certificate_open(self, item_id: int) -> None:
        self._write(CERTIFICATE_OPEN_FUNC, elid=str(item_id))

    def certificate_save(self, item_id: int, crt: str) -> None:
        self._write("certificate.save", elid=str(item_id), crt=crt)

    def certificate_failed(self, item_id: int) -> None:
        self._write("certificate.failed", elid=str(item_id))

    def save_balance(
        self, module_id: int, balance: Decimal, currency: str, notify_time: datetime
    ) -> None:
        """`processing.savebalance` (section 2.3, the openprovider form)."""
        self._write(
            "processing.savebalance",
            processingmodule=str(module_id),
            balance=str(balance),
            currency=currency,
            notify_time=notify_time.strftime("%Y-%m-%d %H:%M:%S"),
        )

    def runningoperation_error(self, runningoperation: int, errorxml: str) -> None:
        self._write("runningoperation.edit", elid=str(runningoperation), errorxml=errorxml)

    def runningoperation_setmanual(self, runningoperation: int) -> None:
        self._write("runningoperation.setmanual", elid=str(runningoperation))

    def task_type(self, operation: str) -> str:
        """`task.gettype operation=…` -> /doc/task_type (section 1.3); "" when BILLmanager has
        no task type for the operation (module.cpp then creates no task, see escalate())."""
        doc = self.mgrctl("task.gettype", operation=operation)
        return (doc.findtext("task_type") or "").strip()

    def tasks_of(self, runningoperation: int) -> int:
        """How many tasks BILLmanager holds for a running operation (module.cpp's
        `SELECT COUNT(*) FROM task WHERE runningoperation=…`)."""
        rows = self._query(
            "SELECT COUNT(*) AS n FROM task WHERE runningoperation = %s", runningoperation
        )
        return (_as_int(rows[0]["n"]) or 0) if rows else 0

    def escalate(
        self, item_id: int, runningoperation: int, operation: str, params: str = ""
    ) -> bool:
        """Hand a running operation to staff as module.cpp does (ISPsystem's TheSSLStore
        module; settled-facts.md "Escalation", which wins over billmanager-protocol.md 1.3's
        `params=…`): nothing when a task for this running operation exists already (a
        manual re-run that fails again must not pile up tasks); otherwise mark it manual and,
        only when `task.gettype` names a task type, create the task with `params`
        (module.cpp's default is ""). Returns whether a task was created."""
        existing = self.tasks_of(runningoperation)
        if existing:
            logger.info(
                "running operation %s has %s task(s) already: no new task",
                runningoperation,
                existing,
            )
            return False
        self.runningoperation_setmanual(runningoperation)
        task_type = self.task_type(operation)
        if not task_type:
            logger.warning(
                "BILLmanager has no task type for %r: running operation %s is manual, no task",
                operation,
                runningoperation,
            )
            return False
        self.create_task(item_id, runningoperation, task_type, params=params)
        return True

    def create_task(
        self, item_id: int, runningoperation: int, task_type: str, params: str = ""
    ) -> None:
        args = {"item": str(item_id), "runningoperation": str(runningoperation), "type": task_type}
        if params:
            args["params"] = params
        self._write("task.edit", **args)

    def register_problem(self, name: str, module_id: int, module_name: str, message: str) -> None:
        """`problems.register` as module.cpp's RegisterModuleErrorProblem sends it."""
        self._write(
            "problems.register",
            name=name,
            id=str(module_id),
            param_pm_name=module_name,
            param_pm_id=str(module_id),
            param_errormsg=message,
            level="error",
        )

    def clear_problem(self, name: str, module_id: int) -> None:
        """PROBLEM_CLEAR_FUNC for the problem `problems.register` raised."""
        self._write(PROBLEM_CLEAR_FUNC, name=name, id=str(module_id))

    def import_service(self, module_id: int, **fields: str) -> int:
        """`processing.import.service module=M …` (section 2.2 `import`) -> the new service id."""
        doc = self._write("processing.import.service", module=str(module_id), **fields)
        value = (doc.findtext("service_id") or "").strip()
        if not value.isdigit():
            raise MgrctlError(
                "processing.import.service did not return a service_id; see BILLmanager's "
                "billmgr.log for why the service was not imported.",
                obj="processing.import.service",
                func="processing.import.service",
            )
        return int(value)
