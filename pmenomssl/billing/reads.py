"""The gateway's reads: BILLmanager's database, read-only (billmanager-protocol.md section 3.3).

Every query is written here, with `%s` placeholders and bound parameters (`db._translate`
adapts them to the backend); values a person must not see become log secrets as they are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pmenomssl import log
from pmenomssl.billing.connection import GatewayConnection
from pmenomssl.billing.db import Row, as_date, as_int, as_str
from pmenomssl.billing.errors import NotFoundError
from pmenomssl.billing.models import Addon, CertificateRow, Item, ModuleRow
from pmenomssl.billing.redaction import is_secret_key

# A row a command names that is not there: (error type, what to tell the operator), by table.
_MISSING = {
    "item": (
        "item_not_found",
        "Service {id} does not exist in BILLmanager's database; it may have been deleted. "
        "Check the service id of the operation.",
    ),
    "processingmodule": (
        "module_not_found",
        "Processing module {id} does not exist in BILLmanager; check the module id "
        "(Integration > Processing modules).",
    ),
}


def _first(rows: list[Row], table: str, row_id: int) -> Row:
    """The row read by id, or NotFoundError saying which one is missing."""
    if not rows:
        error_type, desc = _MISSING[table]
        raise NotFoundError(
            desc.format(id=row_id), error_type=error_type, obj=table, value=str(row_id)
        )
    return rows[0]


class BillingReads(GatewayConnection):
    """Items, their params, addons and certificates; processing modules; tariffs; bulk reads."""

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
            status=as_int(row["status"]) or 0,
            period=as_int(row["period"]),
            expiredate=as_date(row["expiredate"]),
            opendate=as_date(row["opendate"]),
            remoteid=as_str(row["remoteid"]),
            processingmodule=as_int(row["processingmodule"]),
            pricelist=as_int(row["pricelist"]),
            pricelist_intname=as_str(row["pricelist_intname"]),
            itemtype=as_str(row["itemtype"]),
            module_name=as_str(row["module_name"]),
            account=as_int(row["account"]),
            lastpricelist=as_int(row["lastpricelist"]),
        )

    def item(self, item_id: int) -> Item:
        rows = self._query(self._ITEM_SQL + " WHERE i.id = %s", item_id)
        return self._item_from_row(_first(rows, "item", item_id))

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
                intname=as_str(r["intname"]),
                value=as_int(r["intvalue"]),
            )
            for r in rows
        ]

    def _params(self, plain_sql: str, crypted_sql: str, owner: int, what: str) -> dict[str, str]:
        params: dict[str, str] = {}
        for row in self._query(plain_sql, owner):
            name, value = as_str(row["intname"]), as_str(row["value"])
            if is_secret_key(name):
                log.register_secret(value)
            params[name] = value
        for row in self._query(crypted_sql, owner):
            name = as_str(row["intname"])
            params[name] = self._decrypt(as_str(row["value"]), f"{what} param {name!r}")
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
        pkey = as_str(row["pkey"])
        log.register_secret(pkey)
        return CertificateRow(pkey=pkey, csr=as_str(row["csr"]), crt=as_str(row["crt"]))

    def module(self, module_id: int) -> ModuleRow:
        rows = self._query(
            "SELECT id, name, module, active FROM processingmodule WHERE id = %s", module_id
        )
        return self._module_from_row(_first(rows, "processingmodule", module_id))

    @staticmethod
    def _module_from_row(row: Row) -> ModuleRow:
        return ModuleRow(
            id=int(row["id"]),
            name=as_str(row["name"]),
            module=as_str(row["module"]),
            active=as_str(row["active"]).lower() == "on",
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
        return {as_str(r["intname"]): as_str(r["value"]) for r in rows}

    def country_iso2(self, country_id: int) -> str | None:
        """The two-letter code of a BILLmanager country id (`country.iso2`, as pmopenprovider
        reads it); None when there is no such country."""
        rows = self._query("SELECT iso2 FROM country WHERE id = %s", country_id)
        code = as_str(rows[0]["iso2"]).strip().upper() if rows else ""
        return code or None

    def trycount(self, runningoperation: int) -> int:
        """`runningoperation.trycount`; 0 when the row is gone."""
        rows = self._query("SELECT trycount FROM runningoperation WHERE id = %s", runningoperation)
        return (as_int(rows[0]["trycount"]) or 0) if rows else 0

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
        return {int(r["id"]): as_date(r["expiredate"]) for r in rows}

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
                name = wanted.get(as_str(row["intname"]), as_str(row["intname"]))
                value = as_str(row["value"])
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
