"""End-to-end fixtures: the real executable, the BILLmanager stand-in (MariaDB) and the ENOM
sandbox running in the test process on 127.0.0.1.

`world` bundles them: `world.order("rapidssl", "example.com")` creates an item the way a
client's order leaves it (CSR in the `certificate` table, contacts and approver as params);
`world.run("open", item)` runs `pmenomssl --command open --item N` like BILLmanager.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from pmenomssl.handlers.enomssl import products
from pmenomssl.handlers.enomssl.productspec import ProductSpec
from pmenomssl.sandbox.billmanager import StandIn
from pmenomssl.sandbox.enom.server import EnomSandbox
from tests.helpers import run_module


def find_product(template: str) -> ProductSpec:
    """The product sold under a template name (the test fails on a name the catalogue lacks)."""
    spec = products.find(template)
    assert spec is not None, template
    return spec


CONTACTS = {
    "adm_fname": "Alice",
    "adm_lname": "Admin",
    "adm_jtitle": "IT manager",
    "adm_email": "alice@example.net",
    "adm_phone": "+1 425 2744500",
    "tech_fname": "Tom",
    "tech_lname": "Tech",
    "tech_email": "tom@example.net",
    "tech_phone": "+49.3012345678",
    "org_name": "Example Inc",
    "org_address": "1 Main Street",
    "org_city": "Kirkland",
    "org_state": "WA",
    "org_postcode": "98033",
    "org_country": "US",
    "org_phone": "+1.4252744500",
}


def csr_for(common_name: str, sans: tuple[str, ...] = (), org: str = "") -> tuple[str, str]:
    """(key PEM, CSR PEM), cached per name so a test run generates each key once."""
    return _csr(common_name, tuple(sans), org)


@functools.cache
def _csr(common_name: str, sans: tuple[str, ...], org: str) -> tuple[str, str]:
    from pmenomssl.ssl import generate_key_and_csr

    return generate_key_and_csr(
        common_name, sans=sans, organization=org or None, country="US" if org else None
    )


@dataclass
class World:
    standin: StandIn
    sandbox: EnomSandbox
    module: int
    env: dict[str, str] = field(default_factory=dict)

    def order(
        self,
        template: str,
        domain: str,
        *,
        sans: tuple[str, ...] = (),
        params: dict[str, str] | None = None,
        approver: str | None = None,
        org: str = "",
        csr: str | None = None,
        period: int = 12,
        **item: Any,
    ) -> int:
        values = dict(CONTACTS)
        bare = domain.removeprefix("*.")
        values["approver_email"] = approver if approver is not None else f"admin@{bare}"
        if sans:
            values["altname"] = " ".join(sans)
        values.update(params or {})
        # A given CSR may name what the module's generator refuses (1.2.3.4, localhost, ...).
        key, request = csr_for(domain, sans, org) if csr is None else ("", csr)
        return self.standin.add_item(
            self.module,
            template,
            params=values,
            csr=request,
            pkey=key,
            period=period,
            **item,
        )

    def run(
        self, command: str, item: int | None = None, *args: str, stdin: bytes = b"", **kw: Any
    ) -> subprocess.CompletedProcess[bytes]:
        argv = ["--command", command]
        if item is not None:
            argv += ["--item", str(item)]
        argv += list(args)
        return run_module(self.standin, *argv, stdin=stdin, env={**self.env, **kw.get("env", {})})

    def ok(self, command: str, item: int | None = None, *args: str, stdin: bytes = b"") -> bytes:
        result = self.run(command, item, *args, stdin=stdin)
        assert result.returncode == 0, (result.stdout, result.stderr, self.log_tail())
        assert b"Traceback" not in result.stderr
        return result.stdout

    def fails(self, command: str, item: int | None = None, *args: str) -> etree._Element:
        result = self.run(command, item, *args)
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert b"Traceback" not in result.stdout + result.stderr
        error = etree.fromstring(result.stdout).find("error")
        assert error is not None, result.stdout
        return error

    def fails_with_stdin(self, command: str, stdin: bytes) -> etree._Element:
        result = self.run(command, None, stdin=stdin)
        assert result.returncode == 1, (result.stdout, result.stderr)
        assert b"Traceback" not in result.stdout + result.stderr
        error = etree.fromstring(result.stdout).find("error")
        assert error is not None, result.stdout
        return error

    def log_tail(self, lines: int = 40) -> str:
        path = self.standin.log_path()
        if not path.exists():
            return ""
        return "\n".join(path.read_text(encoding="utf-8").splitlines()[-lines:])

    def params(self, item: int) -> dict[str, str]:
        return self.standin.item_params(item)

    def purchases_for(self, item: int) -> list[Any]:
        cert_ids = {self.params(item).get("enom_cert_id", "")}
        cert_ids |= set(self.params(item).get("enom_previous_cert_ids", "").split(","))
        cert_ids.discard("")
        return [p for p in self.sandbox.purchases if str(p.cert_id) in cert_ids]

    def mgrctl_writes(self) -> list[dict[str, Any]]:
        return [r for r in self.standin.journal() if r["func"] not in ("paramlist",)]


def desc(error: etree._Element) -> str:
    return error.findtext("param[@name='desc']") or ""


@pytest.fixture
def sandbox() -> Iterator[EnomSandbox]:
    with EnomSandbox(uid="reseller1", pw="s3cret-Token-xyz", balance=Decimal("1000.00")) as sb:
        yield sb


@pytest.fixture
def world(standin: StandIn, sandbox: EnomSandbox) -> World:
    module = standin.add_module(
        "pmenomssl",
        params={"url": sandbox.url, "username": sandbox.uid},
        crypted_params={"password": sandbox.pw},
    )
    # Deadlines short enough that a fault test never waits long on a hung answer.
    return World(standin, sandbox, module, env={"PMENOMSSL_DEADLINE": "60"})
