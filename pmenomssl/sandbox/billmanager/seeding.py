"""Seeding the stand-in's database: modules, tariffs, services, addons, certificates, params
and running operations, as BILLmanager would have them before it runs the module."""

from __future__ import annotations

from datetime import date

from pmenomssl.sandbox.billmanager.readers import Readers


class Seeding(Readers):
    """The rows a test lays out before running the module (writes go straight to the store)."""

    def _encrypt(self, value: str) -> str:
        from pmenomssl.billing.crypto import encrypt_value

        return encrypt_value(value, self.key_path)

    def add_module(
        self,
        name: str = "pmenomssl",
        params: dict[str, str] | None = None,
        crypted_params: dict[str, str] | None = None,
        active: bool = True,
        *,
        title: str | None = None,
    ) -> int:
        """A `processingmodule` row with module=`name`; returns its id."""
        module_id = self.store.insert(
            "processingmodule",
            {
                "name": title or f"{name} stand-in",
                "module": name,
                "active": "on" if active else "off",
            },
        )
        for key, value in (params or {}).items():
            self.store.set_param("processingparam", "processingmodule", module_id, key, value)
        for key, value in (crypted_params or {}).items():
            self.store.set_param(
                "processingcryptedparam", "processingmodule", module_id, key, self._encrypt(value)
            )
        return module_id

    def _itemtype(self, intname: str) -> int:
        rows = self.store.query("SELECT id FROM itemtype WHERE intname = %s", [intname])
        if rows:
            return int(rows[0]["id"])
        return self.store.insert("itemtype", {"intname": intname, "name": intname})

    def add_pricelist(
        self,
        intname: str,
        itemtype: str = "certificate",
        params: dict[str, str] | None = None,
        *,
        module_id: int | None = None,
        parent: int | None = None,
    ) -> int:
        """A tariff (`pricelist`) with `intname` of `itemtype`; returns its id.

        `module_id` also links it in processingmodule2pricelist."""
        pricelist_id = self.store.insert(
            "pricelist",
            {
                "intname": intname,
                "name": intname,
                "itemtype": self._itemtype(itemtype),
                "parent": parent,
            },
        )
        for key, value in (params or {}).items():
            self.store.insert(
                "pricelistparam", {"pricelist": pricelist_id, "intname": key, "value": value}
            )
        if module_id is not None:
            self.store.insert(
                "processingmodule2pricelist",
                {"processingmodule": module_id, "pricelist": pricelist_id},
            )
        return pricelist_id

    def add_item(
        self,
        module_id: int | None,
        pricelist: str | int,
        *,
        params: dict[str, str] | None = None,
        crypted_params: dict[str, str] | None = None,
        csr: str = "",
        pkey: str = "",
        crt: str = "",
        period: int | None = 12,
        status: int = 1,
        expiredate: date | None = None,
        opendate: date | None = None,
        account: int | None = 1,
        remoteid: str = "",
        name: str = "",
    ) -> int:
        """An `item` (plus params and a `certificate` row when csr/pkey/crt is given).

        `pricelist`: a tariff id, or an intname (created as a certificate tariff if missing).
        """
        if isinstance(pricelist, int):
            pricelist_id = pricelist
        else:
            rows = self.store.query(
                "SELECT id FROM pricelist WHERE intname = %s ORDER BY id", [pricelist]
            )
            pricelist_id = (
                int(rows[0]["id"]) if rows else self.add_pricelist(pricelist, module_id=module_id)
            )
        item_id = self.store.insert(
            "item",
            {
                "name": name,
                "pricelist": pricelist_id,
                "processingmodule": module_id,
                "account": account,
                "period": period,
                "status": status,
                "expiredate": expiredate.isoformat() if expiredate else None,
                "opendate": opendate.isoformat() if opendate else None,
                "remoteid": remoteid,
            },
        )
        for key, value in (params or {}).items():
            self.store.set_param("itemparam", "item", item_id, key, value)
        for key, value in (crypted_params or {}).items():
            self.store.set_param("itemcryptedparam", "item", item_id, key, self._encrypt(value))
        if csr or pkey or crt:
            self.store.insert(
                "certificate", {"item": item_id, "pkey": pkey, "csr": csr, "crt": crt}
            )
        return item_id

    def add_addon(self, parent_item_id: int, addon_intname: str, value: int | None) -> int:
        """An addon of a service: a child item (`parent` = the service, `intvalue` = `value`)
        on the addon tariff `addon_intname`, whose `pricelist.parent` is the service's tariff.
        That addon tariff is created (same item type as the service's) when missing. Returns
        the child item's id."""
        rows = self.store.query(
            "SELECT i.pricelist, i.processingmodule, i.account, i.period, p.itemtype"
            " FROM item i LEFT JOIN pricelist p ON p.id = i.pricelist WHERE i.id = %s",
            [parent_item_id],
        )
        if not rows:
            raise KeyError(f"no item {parent_item_id}")
        parent = rows[0]
        found = self.store.query(
            "SELECT id FROM pricelist WHERE intname = %s AND parent = %s ORDER BY id",
            [addon_intname, parent["pricelist"]],
        )
        if found:
            addon_pricelist = int(found[0]["id"])
        else:
            addon_pricelist = self.store.insert(
                "pricelist",
                {
                    "intname": addon_intname,
                    "name": addon_intname,
                    "itemtype": parent["itemtype"],
                    "parent": parent["pricelist"],
                },
            )
        return self.store.insert(
            "item",
            {
                "name": addon_intname,
                "pricelist": addon_pricelist,
                "processingmodule": parent["processingmodule"],
                "account": parent["account"],
                "parent": parent_item_id,
                "intvalue": value,
                "period": parent["period"],
                "status": 2,
            },
        )

    def set_addon_value(self, addon_item_id: int, value: int | None) -> None:
        """A client's change of an addon's amount (before BILLmanager runs `setparam`)."""
        self.store.execute("UPDATE item SET intvalue = %s WHERE id = %s", [value, addon_item_id])

    def change_pricelist(self, item_id: int, new_pricelist: int) -> None:
        """A client's tariff change as BILLmanager leaves it before `setparam`: the old tariff
        in `item.lastpricelist`, the new one in `item.pricelist`."""
        self.store.execute(
            "UPDATE item SET lastpricelist = pricelist, pricelist = %s WHERE id = %s",
            [new_pricelist, item_id],
        )

    def set_certificate(
        self,
        item_id: int,
        *,
        csr: str | None = None,
        pkey: str | None = None,
        crt: str | None = None,
    ) -> None:
        """Create or update an item's certificate row (a client's new CSR before reopen)."""
        if not self.store.query("SELECT id FROM certificate WHERE item = %s", [item_id]):
            self.store.insert("certificate", {"item": item_id, "pkey": "", "csr": "", "crt": ""})
        for column, value in (("csr", csr), ("pkey", pkey), ("crt", crt)):
            if value is not None:
                self.store.execute(
                    f"UPDATE certificate SET {column} = %s WHERE item = %s",  # noqa: S608
                    [value, item_id],
                )

    def set_item_param(self, item_id: int, name: str, value: str, *, crypted: bool = False) -> None:
        if crypted:
            self.store.set_param("itemcryptedparam", "item", item_id, name, self._encrypt(value))
        else:
            self.store.set_param("itemparam", "item", item_id, name, value)

    def set_raw_crypted_param(self, item_id: int, name: str, stored_value: str) -> None:
        """Store `stored_value` as-is in itemcryptedparam (to test values that do not decrypt)."""
        self.store.set_param("itemcryptedparam", "item", item_id, name, stored_value)

    def add_country(self, iso2: str, name: str = "", *, country_id: int | None = None) -> int:
        """A row of BILLmanager's `country` table; returns its id (what `org_country` holds)."""
        values: dict[str, object] = {"name": name or iso2, "iso2": iso2}
        if country_id is not None:
            values["id"] = country_id
        return self.store.insert("country", values)

    def add_runningoperation(
        self, item_id: int | None, trycount: int = 0, *, operation: str = ""
    ) -> int:
        return self.store.insert(
            "runningoperation", {"item": item_id, "trycount": trycount, "operation": operation}
        )

    def set_trycount(self, runningoperation: int, trycount: int) -> None:
        self.store.execute(
            "UPDATE runningoperation SET trycount = %s WHERE id = %s", [trycount, runningoperation]
        )
