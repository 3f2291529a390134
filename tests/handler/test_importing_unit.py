"""`import --itemtype certificate` in-process, against a scripted ENOM listing and billing
(issue 17; test_lifecycle.py::test_import_links_every_unlinked_certificate runs it through the
executable).

The guard: import never takes a certificate an item may claim: one linked to an item (its
current, renewal or previous CertIDs, in this module or another), nor an unconfigured purchase
bought after the intent of an `open`/`prolong` that has not saved its CertID yet (the lowest such
watermark of the module's items), and it runs under the module's purchase lock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from pmenomssl.enom import CertSummary
from pmenomssl.errors import ModuleError
from pmenomssl.handlers.connection import Connection
from pmenomssl.handlers.enomssl import importing, products
from pmenomssl.handlers.enomssl import params as P
from pmenomssl.handlers.enomssl.importing import import_services
from pmenomssl.handlers.enomssl.products import OfferedProduct
from pmenomssl.handlers.enomssl.reconcile import Intent
from pmenomssl.handlers.errors import ConnectionSettingsError
from pmenomssl.protocol.args import ProtocolError

if TYPE_CHECKING:
    from pmenomssl.handlers.base import Context

RAPIDSSL, SECTIGO = 23, 211  # ProdType (enom-api.md 3.1)
AWAITING, ISSUED, REFUNDED, APPROVAL_SENT = 1, 4, 7, 9
ENDS = datetime(2027, 3, 4, 23, 59, 59, tzinfo=timezone.utc)


def cert(
    cert_id: str,
    *,
    status_id: int | None = ISSUED,
    prod_type: int | None = RAPIDSSL,
    domain: str = "",
    expires: datetime | None = ENDS,
    is_expired: bool = False,
    validity_months: int | None = 12,
) -> CertSummary:
    return CertSummary(
        cert_id=cert_id,
        order_id=f"o{cert_id}",
        domain=domain if domain else f"c{cert_id}.example.com",
        prod_type=prod_type,
        prod_desc="Some certificate",
        status_id=status_id,
        status="",
        order_date=None,
        config_date=None,
        expiration_date=expires,
        is_expired=is_expired,
        validity_months=validity_months,
    )


@dataclass
class FakeEnom:
    certs: list[CertSummary] = field(default_factory=list)
    listings: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    def iter_certs(self, **kwargs: Any) -> Iterator[CertSummary]:
        self.listings.append(kwargs)
        yield from self.certs

    def __enter__(self) -> FakeEnom:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True


@dataclass
class ItemRow:
    id: int


@dataclass
class ModuleRow:
    id: int


MODULE = 7
CREDENTIALS = {"username": "reseller", "password": "secret-token"}


@dataclass
class FakeBilling:
    """The module's items and their params; other modules' items are only seen by lookups."""

    items: dict[int, dict[str, str]] = field(default_factory=dict)
    elsewhere: dict[int, dict[str, str]] = field(default_factory=dict)
    module_settings: dict[str, str] = field(default_factory=lambda: dict(CREDENTIALS))
    imported: list[dict[str, str]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # CertIDs whose import BILLmanager refuses

    def module(self, module_id: int) -> ModuleRow:
        assert module_id == MODULE
        return ModuleRow(module_id)

    def module_params(self, module_id: int) -> dict[str, str]:
        assert module_id == MODULE
        return dict(self.module_settings)

    def module_items(self, module_id: int) -> list[ItemRow]:
        assert module_id == MODULE
        return [ItemRow(i) for i in sorted(self.items)]

    def item_params(self, item_id: int) -> dict[str, str]:
        return dict(self.items[item_id])

    def items_with_param(self, name: str, value: str) -> list[int]:
        every = {**self.items, **self.elsewhere}
        return sorted(i for i, p in every.items() if p.get(name) == value)

    def import_service(self, module_id: int, **fields: str) -> int:
        assert module_id == MODULE
        if fields[P.CERT_ID] in self.refuse:
            raise ModuleError("processing.import.service did not return a service_id")
        self.imported.append(fields)
        return 100 + len(self.imported)


@dataclass
class Args:
    itemtype: str | None = "certificate"
    module: int | None = MODULE


@dataclass
class Ctx:
    root: Path
    billing: FakeBilling
    args: Args = field(default_factory=Args)
    module_name: str = "pmenomssl"
    deadline: float = 0.0


@dataclass
class World:
    ctx: Ctx
    enom: FakeEnom
    connections: list[tuple[Connection, float | None]]
    lines: list[str]

    @property
    def billing(self) -> FakeBilling:
        return self.ctx.billing

    def run(self) -> list[str]:
        """Import; the CertIDs imported, in order."""
        import_services(cast("Context", self.ctx))
        return [fields[P.CERT_ID] for fields in self.billing.imported]


class _Lines(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    (tmp_path / "var").mkdir()
    monkeypatch.setenv("PMENOMSSL_MGR_ROOT", str(tmp_path))  # the purchase lock's folder
    enom = FakeEnom()
    connections: list[tuple[Connection, float | None]] = []

    def make_client(connection: Connection, deadline: float | None = None) -> FakeEnom:
        connections.append((connection, deadline))
        return enom

    monkeypatch.setattr(importing, "make_client", make_client)
    lines: list[str] = []
    handler = _Lines(lines)
    logger = logging.getLogger(importing.__name__)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield World(Ctx(tmp_path, FakeBilling()), enom, connections, lines)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def fields_of(cert_id: str, template: str, service_status: str, **more: str) -> dict[str, str]:
    return {
        "import_pricelist_intname": template,
        "import_service_name": f"c{cert_id}.example.com",
        "status": "2",
        "service_status": service_status,
        "period": "12",
        P.CERT_ID: cert_id,
        P.ORDER_ID: f"o{cert_id}",
        **more,
    }


# --- what an imported service carries ------------------------------------------------------


def test_each_unlinked_certificate_becomes_a_service_with_its_ids(world: World) -> None:
    world.enom.certs = [
        cert("11"),
        cert("12", prod_type=SECTIGO, status_id=APPROVAL_SENT),
        cert("13", expires=None, validity_months=None),
    ]
    world.enom.certs[2] = replace(world.enom.certs[2], domain="")
    assert world.run() == ["11", "12", "13"]
    assert world.billing.imported[0] == fields_of("11", "rapidssl", "5", expiredate="2027-03-04")
    # not issued: ENOM's expiry (order date + validity) is not the service's yet
    assert world.billing.imported[1] == fields_of("12", "sectigoessential", "4")
    assert world.billing.imported[2] == {
        **fields_of("13", "rapidssl", "5"),
        "import_service_name": "ENOM certificate 13",
    }
    assert world.enom.listings == [{"sort_by": "CertID", "descending": False}]
    assert world.lines[-1] == "import: 3 imported, 0 skipped, 0 failed"
    assert world.enom.closed


def test_the_module_connection_and_the_commands_deadline_reach_enom(world: World) -> None:
    world.ctx.deadline = 1234.5
    world.ctx.billing.module_settings["url"] = "https://resellertest.enom.com/interface.asp"
    world.run()
    assert world.connections == [
        (
            Connection(
                url="https://resellertest.enom.com/interface.asp",
                username="reseller",
                password="secret-token",
            ),
            1234.5,
        )
    ]


def test_empty_credentials_name_the_module(world: World) -> None:
    world.billing.module_settings = {}
    with pytest.raises(ConnectionSettingsError) as refused:
        world.run()
    assert refused.value.desc == (
        "The ENOM login ID (username) and password or API token of module 7 are empty: enter "
        "them in the processing module's settings (Integration > Processing modules). Test "
        "(resellertest.enom.com) and live accounts have separate credentials."
    )
    assert world.connections == []


def test_a_product_known_from_the_cache_is_imported_with_its_template(world: World) -> None:
    offered = OfferedProduct(
        code="certificate-new-product",
        prod_type=999,
        description="New Product",
        years=(1,),
        reseller_price=None,
        enabled=True,
    )
    cached = products.save_cache(products.cache_path(world.ctx.root, "pmenomssl"), [offered])
    spec = products.by_prod_type(999, cached)
    assert spec is not None
    world.enom.certs = [cert("11", prod_type=999), cert("12", prod_type=998)]
    assert world.run() == ["11"]
    assert world.billing.imported[0]["import_pricelist_intname"] == spec.template
    assert "import: CertID 12 skipped: unknown product 998 'Some certificate'" in world.lines


def test_a_refused_import_is_counted_and_the_next_goes_on(world: World) -> None:
    world.billing.refuse = {"11", "13"}
    # a page boundary may list a certificate twice: imported once
    world.enom.certs = [cert("11"), cert("12"), cert("12"), cert("13"), cert("14")]
    assert world.run() == ["12", "14"]
    assert "import: CertID 12 skipped: already linked" in world.lines
    assert world.lines[-1] == "import: 2 imported, 1 skipped, 2 failed"


@pytest.mark.parametrize("itemtype", [None, "", "certificate"])
def test_the_certificate_item_type_or_none_is_imported(world: World, itemtype: str | None) -> None:
    world.ctx.args.itemtype = itemtype
    world.enom.certs = [cert("11")]
    assert world.run() == ["11"]


def test_another_item_type_is_refused(world: World) -> None:
    world.ctx.args.itemtype = "vds"
    world.enom.certs = [cert("11")]
    with pytest.raises(ProtocolError) as refused:
        world.run()
    assert refused.value.desc == "This module imports only certificate services, not 'vds'."
    assert refused.value.obj == "itemtype" and refused.value.value == "vds"
    assert world.billing.imported == [] and world.connections == []


# --- the guard: never a certificate an item may claim --------------------------------------


def test_certificates_linked_to_an_item_are_left_out(world: World) -> None:
    world.billing.items = {
        1: {P.CERT_ID: " 11 ", P.RENEWAL_CERT_ID: "12 "},
        2: {P.PREVIOUS_CERT_IDS: " 13, 14,,"},
        3: {},
    }
    world.billing.elsewhere = {50: {P.RENEWAL_CERT_ID: "15"}, 51: {P.CERT_ID: "16"}}
    world.enom.certs = [cert(i) for i in ("11", "12", "13", "14", "15", "16", "17")]
    assert world.run() == ["17"]
    for cert_id in ("11", "12", "13", "14"):
        assert f"import: CertID {cert_id} skipped: already linked" in world.lines
    for cert_id in ("15", "16"):
        skipped = f"import: CertID {cert_id} skipped: linked to a service of another module"
        assert skipped in world.lines
    assert world.lines[-1] == "import: 1 imported, 6 skipped, 0 failed"


def test_refunded_and_expired_certificates_are_left_out(world: World) -> None:
    world.enom.certs = [cert("11", status_id=REFUNDED), cert("12", is_expired=True), cert("13")]
    assert world.run() == ["13"]
    assert "import: CertID 11 skipped: refunded" in world.lines
    assert "import: CertID 12 skipped: expired" in world.lines


ADOPTABLE = (
    "not configured and bought after an unfinished purchase's intent (that open or prolong "
    "adopts it on its next run)"
)


def test_an_unfinished_purchase_keeps_what_it_may_adopt(world: World) -> None:
    world.billing.items = {  # the lowest watermark counts, whichever item holds it
        1: {P.CERT_ID: "5", P.RENEWAL_INTENT: Intent("c", 20).to_text()},
        2: {P.PURCHASE_INTENT: Intent("c", 30).to_text()},
        3: {P.PURCHASE_INTENT: Intent("c", 10).to_text(), P.CERT_ID: "6"},  # finished
        4: {P.PURCHASE_INTENT: Intent("c", 25).to_text()},
    }
    world.enom.certs = [
        cert("19", status_id=AWAITING),
        cert("20", status_id=AWAITING),  # the watermark: bought before the intent
        cert("21", status_id=AWAITING),  # may be item 1's renewal
        cert("31", status_id=AWAITING),  # may be item 2's or 4's purchase
        cert("32"),  # configured: no purchase of this module adopts it
        cert("x33", status_id=AWAITING),  # no number: may be anyone's
    ]
    assert world.run() == ["19", "20", "32"]
    for cert_id in ("21", "31", "x33"):
        assert f"import: CertID {cert_id} skipped: {ADOPTABLE}" in world.lines


def test_an_intent_without_a_watermark_keeps_every_unconfigured_certificate(world: World) -> None:
    world.billing.items = {1: {P.PURCHASE_INTENT: "written before watermarks"}}
    world.enom.certs = [cert("1", status_id=AWAITING), cert("2")]
    assert world.run() == ["2"]


def test_without_an_unfinished_purchase_unconfigured_certificates_are_imported(
    world: World,
) -> None:
    world.billing.items = {1: {P.PURCHASE_INTENT: Intent("c", 10).to_text(), P.CERT_ID: "9"}}
    world.enom.certs = [cert("11", status_id=AWAITING), cert("x12", status_id=AWAITING)]
    assert world.run() == ["11", "x12"]
    assert world.billing.imported[0]["service_status"] == "3"


def test_import_waits_for_the_modules_purchase_lock(world: World) -> None:
    from pmenomssl.protocol.limits import ItemBusy, purchase_lock

    world.enom.certs = [cert("11")]
    with purchase_lock("pmenomssl", MODULE, 0.0), pytest.raises(ItemBusy) as busy:
        world.run()
    assert busy.value.obj == "purchase-7"
    assert world.billing.imported == [] and world.enom.listings == []
