"""Reading the stand-in's database back: what the module (through mgrctl) left there."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from pmenomssl.sandbox.billmanager.files import PANEL_KEY
from pmenomssl.sandbox.billmanager.store import Store


class Readers:
    """The stand-in's rows as tests read them (`StandIn` sets `root` and `store`)."""

    root: Path
    store: Store

    @property
    def key_path(self) -> Path:
        return self.root / PANEL_KEY

    def item_params(self, item_id: int) -> dict[str, str]:
        """Plain `itemparam` values."""
        rows = self.store.query(
            "SELECT intname, value FROM itemparam WHERE item = %s ORDER BY id", [item_id]
        )
        return {str(r["intname"]): "" if r["value"] is None else str(r["value"]) for r in rows}

    def item_crypted_params(self, item_id: int, *, decrypt: bool = True) -> dict[str, str]:
        """`itemcryptedparam` values, decrypted unless `decrypt=False`."""
        from pmenomssl.billing.crypto import decrypt_value

        rows = self.store.query(
            "SELECT intname, value FROM itemcryptedparam WHERE item = %s ORDER BY id", [item_id]
        )
        return {
            str(r["intname"]): decrypt_value(str(r["value"]), self.key_path)
            if decrypt
            else str(r["value"])
            for r in rows
        }

    def module_params(self, module_id: int) -> dict[str, str]:
        rows = self.store.query(
            "SELECT intname, value FROM processingparam WHERE processingmodule = %s", [module_id]
        )
        return {str(r["intname"]): str(r["value"] or "") for r in rows}

    def item_row(self, item_id: int) -> dict[str, Any]:
        """The `item` row; dates as `date` on both engines."""
        rows = self.store.query("SELECT * FROM item WHERE id = %s", [item_id])
        if not rows:
            raise KeyError(f"no item {item_id}")
        row = dict(rows[0])
        for column in ("expiredate", "opendate"):
            value = row.get(column)
            if isinstance(value, str) and value:
                row[column] = date.fromisoformat(value[:10])
        return row

    def certificate_row(self, item_id: int) -> dict[str, Any] | None:
        rows = self.store.query("SELECT * FROM certificate WHERE item = %s", [item_id])
        return dict(rows[0]) if rows else None

    def service_status(self, item_id: int) -> int | None:
        value = self.item_params(item_id).get("service_status")
        return int(value) if value and value.isdigit() else None

    def balance(self, module_id: int) -> dict[str, Any] | None:
        rows = self.store.query(
            "SELECT balance, currency, notify_time FROM processingmodulebalance"
            " WHERE processingmodule = %s",
            [module_id],
        )
        return dict(rows[0]) if rows else None

    def tasks(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.store.query("SELECT * FROM task ORDER BY id")]

    def runningoperation(self, runningoperation: int) -> dict[str, Any]:
        rows = self.store.query("SELECT * FROM runningoperation WHERE id = %s", [runningoperation])
        if not rows:
            raise KeyError(f"no runningoperation {runningoperation}")
        return dict(rows[0])

    def problems(self) -> list[dict[str, Any]]:
        """The admin problems registered and not cleared: name, obj (the module id), level,
        params (dict)."""
        rows = self.store.query("SELECT name, obj, level, params FROM problem ORDER BY id")
        return [{**dict(r), "params": json.loads(r["params"] or "{}")} for r in rows]

    def items(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.store.query("SELECT * FROM item ORDER BY id")]
