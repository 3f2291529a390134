"""Fixtures for the `pmbillreseller` end-to-end tests: the real executable, the BILLmanager
stand-in (MariaDB) and an upstream-BILLmanager sandbox on 127.0.0.1.

Fixture names (stable; other test files build on them):

- `upstream`: an `UpstreamSandbox` (balance 10000 RUB, services active at once unless a test
  configures `activate_after`).
- `reseller_module`: the `processingmodule` row (module `pmbillreseller`) with `url`,
  `username` and the crypted `password` of `upstream`.
- `reseller`: a `Reseller` bundling both: `reseller.item("vds")` seeds the local tariff
  (intname = the upstream tariff id) and an item the way a client's order leaves it (params per
  item type, addons as child items); `reseller.run("open", item)` runs
  `pmbillreseller --command open --item N` like BILLmanager; `ok`/`fails` assert the outcome.

`run_reseller(standin, *args, stdin=…, env=…)` is `tests.helpers.run_module` for the
`pmbillreseller` executable (the console script next to sys.executable), with the stand-in's
environment, the log in `$ROOT/var/pmbillreseller.log` and `PMENOMSSL_NAME` unset (the name
comes from argv[0], as on a real host).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from pmenomssl.sandbox.billmanager import StandIn
from tests.helpers import REPO
from tests.launcher import run_program

MODULE_NAME = "pmbillreseller"
EXECUTABLE = Path(sys.executable).with_name(MODULE_NAME)

#: The sandbox's seeded upstream tariff per item type (UPSTREAM.md "Sandbox API"); the local
#: tariff's intname is that id.
UPSTREAM_TARIFFS: Mapping[str, str] = {
    "vhost": "11",
    "vds": "21",
    "dedic": "31",
    "soft": "41",
    "certificate": "51",
}
#: Upstream addon ids of the seeded tariffs (vds: 211 RAM GB, 212 CPU).
UPSTREAM_ADDONS: Mapping[str, tuple[str, ...]] = {"vds": ("211", "212")}
#: A period (months) each seeded upstream tariff offers.
DEFAULT_PERIODS: Mapping[str, int] = {
    "vhost": 12,
    "vds": 1,
    "dedic": 1,
    "soft": 12,
    "certificate": 12,
}

CERTIFICATE_CONTACTS: Mapping[str, str] = {
    "adm_fname": "Alice",
    "adm_lname": "Admin",
    "adm_jtitle": "IT manager",
    "adm_email": "alice@example.net",
    "adm_phone": "+7 495 1234567",
    "tech_fname": "Tom",
    "tech_lname": "Tech",
    "tech_jtitle": "Engineer",
    "tech_email": "tom@example.net",
    "tech_phone": "+7 495 7654321",
}


def default_params(itemtype: str, domain: str) -> dict[str, str]:
    """The params a client's order of `itemtype` leaves on the item (certificates: contacts
    and approver; the CSR goes into the `certificate` table)."""
    if itemtype == "vhost":
        return {"domain": domain}
    if itemtype == "vds":
        return {"domain": domain, "ostempl": "Debian-12", "recipe": ""}
    if itemtype == "dedic":
        return {"domain": domain, "ostempl": "Debian-12"}
    if itemtype == "certificate":
        return {**CERTIFICATE_CONTACTS, "approver_email": f"admin@{domain}", "altname": ""}
    return {}


@functools.cache
def csr_for(common_name: str) -> tuple[str, str]:
    """(key PEM, CSR PEM), generated once per name per test run."""
    from pmenomssl.ssl import generate_key_and_csr

    return generate_key_and_csr(common_name)


def reseller_env(standin: StandIn, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment BILLmanager would give `pmbillreseller`, pointed at `standin`."""
    full = dict(os.environ)
    full.update(standin.env())
    full["PMENOMSSL_LOG"] = str(standin.log_path(MODULE_NAME))
    # The module's name (and so its handler) must come from argv[0], as on a real host.
    full.pop("PMENOMSSL_NAME", None)
    full.pop("PMENOMSSL_HANDLER", None)
    full["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), full.get("PYTHONPATH", "")) if p)
    full.update(env or {})
    return full


def run_reseller(
    standin: StandIn,
    *args: str,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[bytes]:
    """Run the real `pmbillreseller ARGS` as BILLmanager would: cwd `$ROOT`, the stand-in's
    environment, `stdin` piped in. Returns the finished process."""
    return run_program(
        [str(EXECUTABLE), *args],
        stdin=stdin,
        env=reseller_env(standin, env),
        cwd=standin.root,
        timeout=timeout,
    )


def error_desc(error: etree._Element) -> str:
    return error.findtext("param[@name='desc']") or ""


@dataclass
class Reseller:
    standin: StandIn
    upstream: Any  # pmenomssl.sandbox.upstream.UpstreamSandbox
    module: int
    env: dict[str, str] = field(default_factory=dict)

    # --- seeding ------------------------------------------------------------------------

    def tariff(self, itemtype: str, upstream_tariff: str | None = None) -> int:
        """The local tariff of `itemtype` whose intname is the upstream tariff id (created
        once, linked to the module); returns its pricelist id."""
        intname = upstream_tariff or UPSTREAM_TARIFFS[itemtype]
        rows = self.standin.store.query(
            "SELECT p.id FROM pricelist p JOIN itemtype it ON it.id = p.itemtype"
            " WHERE p.intname = %s AND it.intname = %s AND p.parent IS NULL ORDER BY p.id",
            [intname, itemtype],
        )
        if rows:
            return int(rows[0]["id"])
        return self.standin.add_pricelist(intname, itemtype, module_id=self.module)

    def item(
        self,
        itemtype: str,
        *,
        domain: str = "example.com",
        period: int | None = None,
        params: Mapping[str, str] | None = None,
        addons: Mapping[str, int] | None = None,
        upstream_tariff: str | None = None,
        **item: Any,
    ) -> int:
        """An item of `itemtype` as a client's order leaves it: status 1 (ordered), the
        type's params (`params` override them), `addons` {upstream addon id: value} as child
        items, and for certificates a CSR for `domain` in the `certificate` table."""
        values = default_params(itemtype, domain)
        values.update(params or {})
        extra: dict[str, Any] = {}
        if itemtype == "certificate":
            key, csr = csr_for(domain)
            extra = {"csr": csr, "pkey": key}
        item_id = self.standin.add_item(
            self.module,
            self.tariff(itemtype, upstream_tariff),
            params=values,
            period=period if period is not None else DEFAULT_PERIODS[itemtype],
            name=domain,
            **extra,
            **item,
        )
        for addon_id, value in (addons or {}).items():
            self.standin.add_addon(item_id, addon_id, value)
        return item_id

    # --- running the module -----------------------------------------------------------------

    def run(
        self,
        command: str,
        item: int | None = None,
        *args: str,
        stdin: bytes = b"",
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[bytes]:
        argv = ["--command", command]
        if item is not None:
            argv += ["--item", str(item)]
        argv += list(args)
        return run_reseller(self.standin, *argv, stdin=stdin, env={**self.env, **(env or {})})

    def ok(self, command: str, item: int | None = None, *args: str, stdin: bytes = b"") -> bytes:
        result = self.run(command, item, *args, stdin=stdin)
        assert result.returncode == 0, (result.stdout, result.stderr, self.log_tail())
        assert b"Traceback" not in result.stderr, result.stderr
        return result.stdout

    def fails(
        self, command: str, item: int | None = None, *args: str, stdin: bytes = b""
    ) -> etree._Element:
        """Runs a command that must fail; returns its <error> element."""
        result = self.run(command, item, *args, stdin=stdin)
        assert result.returncode == 1, (result.stdout, result.stderr, self.log_tail())
        assert b"Traceback" not in result.stdout + result.stderr
        error = etree.fromstring(result.stdout).find("error")
        assert error is not None, result.stdout
        return error

    # --- reading the outcome -----------------------------------------------------------------

    def params(self, item: int) -> dict[str, str]:
        return self.standin.item_params(item)

    def upstream_id(self, item: int) -> str:
        return self.params(item).get("upstream_id", "")

    def item_row(self, item: int) -> dict[str, Any]:
        return self.standin.item_row(item)

    def mgrctl_calls(self, func: str | None = None) -> list[dict[str, Any]]:
        """The stand-in's journal without `paramlist` (the database lookup, not a write)."""
        return [r for r in self.standin.journal(func) if r["func"] != "paramlist"]

    def log_text(self) -> str:
        path = self.standin.log_path(MODULE_NAME)
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


@pytest.fixture
def upstream() -> Iterator[Any]:
    from pmenomssl.sandbox.upstream import UpstreamSandbox

    with UpstreamSandbox(balance=Decimal("10000"), currency="RUB") as sandbox:
        yield sandbox


@pytest.fixture
def reseller_module(standin: StandIn, upstream: Any) -> int:
    # Debug-level log for the module (the stand-in's debug.conf names only pmenomssl).
    debug_conf = standin.root / "etc" / "debug.conf"
    with debug_conf.open("a", encoding="utf-8") as handle:
        handle.write(f"{MODULE_NAME} 9\n")
    return standin.add_module(
        MODULE_NAME,
        params={"url": upstream.url, "username": upstream.username},
        crypted_params={"password": upstream.password},
    )


@pytest.fixture
def reseller(standin: StandIn, upstream: Any, reseller_module: int) -> Reseller:
    # A short deadline: a fault test never waits long on a hung answer.
    return Reseller(standin, upstream, reseller_module, env={"PMENOMSSL_DEADLINE": "60"})
