"""Every gateway read against real MariaDB and against the SQLite (demo) mode."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pmenomssl import log
from pmenomssl.billing import (
    BillingGateway,
    CertificateRow,
    CryptError,
    DatabaseError,
    Item,
    ModuleRow,
    NotFoundError,
)
from pmenomssl.billing.crypto import encrypt_value, generate_key_pem
from pmenomssl.sandbox.billmanager import StandIn

PKEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def test_item(any_standin: StandIn, gateway: BillingGateway) -> None:
    module = any_standin.add_module(params={"url": "https://reseller.example/interface.asp"})
    pricelist = any_standin.add_pricelist("rapidssl", module_id=module)
    item = any_standin.add_item(
        module,
        pricelist,
        period=24,
        status=2,
        expiredate=date(2027, 3, 4),
        opendate=date(2025, 3, 4),
        account=17,
        remoteid="R-9",
    )
    assert gateway.item(item) == Item(
        id=item,
        status=2,
        period=24,
        expiredate=date(2027, 3, 4),
        opendate=date(2025, 3, 4),
        remoteid="R-9",
        processingmodule=module,
        pricelist=pricelist,
        pricelist_intname="rapidssl",
        itemtype="certificate",
        module_name="pmenomssl",
        account=17,
    )


def test_item_without_module_or_dates(any_standin: StandIn, gateway: BillingGateway) -> None:
    item = any_standin.add_item(None, "orphan_tariff", period=None, account=None)
    got = gateway.item(item)
    assert (got.processingmodule, got.module_name, got.period, got.account) == (
        None,
        "",
        None,
        None,
    )
    assert (got.expiredate, got.opendate) == (None, None)
    assert got.pricelist_intname == "orphan_tariff"


def test_missing_item_and_module(any_standin: StandIn, gateway: BillingGateway) -> None:
    with pytest.raises(NotFoundError) as caught:
        gateway.item(987654)
    assert caught.value.error_type == "item_not_found"
    assert "987654" in caught.value.desc
    with pytest.raises(NotFoundError) as caught_module:
        gateway.module(987654)
    assert caught_module.value.error_type == "module_not_found"


def test_item_params_merge_plain_and_decrypted(
    any_standin: StandIn, gateway: BillingGateway
) -> None:
    module = any_standin.add_module()
    item = any_standin.add_item(
        module,
        "rapidssl",
        params={"approver_email": "admin@example.com", "altname": "a.example b.example"},
        crypted_params={"order_password": "p@ss w0rd=&<x>"},
    )
    assert gateway.item_params(item) == {
        "approver_email": "admin@example.com",
        "altname": "a.example b.example",
        "order_password": "p@ss w0rd=&<x>",
    }
    assert log.redact("x p@ss w0rd=&<x> y") == f"x {log.REDACTED} y"


def test_certificate(any_standin: StandIn, gateway: BillingGateway) -> None:
    module = any_standin.add_module()
    bare = any_standin.add_item(module, "rapidssl")
    assert gateway.certificate(bare) is None
    item = any_standin.add_item(module, "rapidssl", csr="CSR-PEM", pkey=PKEY, crt="")
    assert gateway.certificate(item) == CertificateRow(pkey=PKEY, csr="CSR-PEM", crt="")
    assert "MIIEvQIBADANBgkq" not in repr(gateway.certificate(item))


def test_modules(any_standin: StandIn, gateway: BillingGateway) -> None:
    first = any_standin.add_module(
        params={"url": "https://u", "username": "reseller"},
        crypted_params={"password": "ENOM-pw-1"},
        title="ENOM main",
    )
    inactive = any_standin.add_module(active=False)
    other = any_standin.add_module(name="pmgogetssl")
    assert gateway.module(first) == ModuleRow(
        id=first, name="ENOM main", module="pmenomssl", active=True
    )
    assert gateway.module(inactive).active is False
    assert gateway.module_params(first) == {
        "url": "https://u",
        "username": "reseller",
        "password": "ENOM-pw-1",
    }
    assert [m.id for m in gateway.modules_named("pmenomssl")] == [first]
    assert [m.id for m in gateway.modules_named("pmenomssl", active_only=False)] == [
        first,
        inactive,
    ]
    assert [m.id for m in gateway.modules_named("pmgogetssl")] == [other]


def test_pricelist_params_and_trycount(any_standin: StandIn, gateway: BillingGateway) -> None:
    pricelist = any_standin.add_pricelist("sectigo_dv", params={"enom_product": "24", "x": "y"})
    assert gateway.pricelist_params(pricelist) == {"enom_product": "24", "x": "y"}
    assert gateway.pricelist_params(pricelist + 100) == {}
    item = any_standin.add_item(None, pricelist)
    ro = any_standin.add_runningoperation(item, trycount=7)
    assert gateway.trycount(ro) == 7
    assert gateway.trycount(ro + 100) == 0


def test_module_items_and_items_with_param(any_standin: StandIn, gateway: BillingGateway) -> None:
    module = any_standin.add_module()
    other = any_standin.add_module()
    a = any_standin.add_item(module, "rapidssl", params={"certid": "111"})
    b = any_standin.add_item(module, "rapidssl", params={"certid": "222"})
    any_standin.add_pricelist("extra_domain", itemtype="altname")
    c = any_standin.add_item(module, "extra_domain", params={"certid": "111"})
    any_standin.add_item(other, "rapidssl", params={"certid": "333"})
    assert [i.id for i in gateway.module_items(module)] == [a, b, c]
    assert [i.id for i in gateway.module_items(module, itemtype="certificate")] == [a, b]
    assert gateway.items_with_param("certid", "111") == [a, c]
    assert gateway.items_with_param("certid", "999") == []


def test_value_that_does_not_decrypt(any_standin: StandIn, gateway: BillingGateway) -> None:
    item = any_standin.add_item(None, "rapidssl")
    any_standin.set_raw_crypted_param(item, "broken", "not base64 at all!")
    with pytest.raises(CryptError) as caught:
        gateway.item_params(item)
    assert caught.value.error_type == "decrypt_failed"
    assert "'broken'" in caught.value.desc and f"item {item}" in caught.value.desc


def test_value_encrypted_with_another_key(
    any_standin: StandIn, gateway: BillingGateway, tmp_path: Path
) -> None:
    other_key = tmp_path / "other.pem"
    other_key.write_bytes(generate_key_pem(1024))
    module = any_standin.add_module()
    any_standin.store.set_param(
        "processingcryptedparam",
        "processingmodule",
        module,
        "password",
        encrypt_value("secret", other_key),
    )
    with pytest.raises(CryptError) as caught:
        gateway.module_params(module)
    assert "'password'" in caught.value.desc
    assert "enter it again" in caught.value.desc


def test_unreadable_key(any_standin: StandIn, gateway: BillingGateway) -> None:
    item = any_standin.add_item(None, "rapidssl", crypted_params={"pw": "x1x"})
    any_standin.key_path.unlink()
    with pytest.raises(CryptError) as caught:
        gateway.item_params(item)
    assert "billmgr.pem" in caught.value.desc
    assert "CryptKey" in caught.value.desc


def test_the_gateway_cannot_write_sql(standin: StandIn) -> None:
    gateway = BillingGateway(standin.root)
    with pytest.raises(DatabaseError) as caught:
        gateway._database().query("INSERT INTO itemtype (intname) VALUES (%s)", ["x"])
    assert "READ ONLY" in caught.value.desc.upper() or "read-only" in caught.value.desc.lower()
    gateway.close()


def test_sqlite_mode_is_read_only(sqlite_standin: StandIn) -> None:
    gateway = BillingGateway(sqlite_standin.root)
    assert gateway.db_settings().engine == "sqlite"
    with pytest.raises(DatabaseError):
        gateway._database().query("INSERT INTO itemtype (intname) VALUES (%s)", ["x"])
    gateway.close()


def test_importing_the_gateway_loads_no_driver() -> None:
    code = (
        "import sys, pmenomssl.billing\n"
        "heavy = [m for m in ('pymysql', 'cryptography', 'sqlite3') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_lazy_until_first_read(any_standin: StandIn) -> None:
    gateway = BillingGateway(any_standin.root)
    assert any_standin.journal() == []
    gateway.trycount(1)
    assert [c["func"] for c in any_standin.journal()] == ["paramlist"]
    BillingGateway(any_standin.root).trycount(1)  # paramlist is cached per process
    assert [c["func"] for c in any_standin.journal()] == ["paramlist"]
    gateway.close()


def test_country_id_to_iso_code(any_standin: StandIn, gateway: BillingGateway) -> None:
    # on both engines: BILLmanager's `country` table (pmopenprovider reads iso2 by id)
    any_standin.add_country("de", "Germany", country_id=80)
    assert gateway.country_iso2(80) == "DE"
    assert gateway.country_iso2(81) is None


def test_an_empty_crypted_value_is_empty(any_standin: StandIn, gateway: BillingGateway) -> None:
    # ISPsystem's DecryptValue (TheSSLStore util.cpp): "" stays "", the key is not even read
    item = any_standin.add_item(None, "rapidssl")
    any_standin.set_raw_crypted_param(item, "blank", "")
    any_standin.key_path.unlink()
    assert gateway.item_params(item) == {"blank": ""}
