"""Secrets (DB password, crypted params, private keys) never reach the log or mgrctl's argv."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmenomssl.billing import BillingGateway, DatabaseError
from pmenomssl.sandbox.billmanager import StandIn, StoreConfig
from pmenomssl.sandbox.billmanager import store as standin_store

# One user per test process: test sessions run at once (xdist workers, other checkouts) on one
# server, and one session must not drop the user another is connecting as.
DB_USER = f"pmenomssl_t_user_{os.getpid()}"
DB_PASSWORD = "Db-Pa55-QwErTy-91"


@pytest.fixture
def password_standin(standin_database: StoreConfig, tmp_path: Path) -> Iterator[StandIn]:
    """A stand-in whose database user has a real password (only on this test's database)."""
    admin = standin_store.Store(standin_database)
    admin.execute(f"DROP USER IF EXISTS '{DB_USER}'@'%'")
    admin.execute(f"CREATE USER '{DB_USER}'@'%' IDENTIFIED BY '{DB_PASSWORD}'")
    admin.execute(f"GRANT ALL ON `{standin_database.database}`.* TO '{DB_USER}'@'%'")
    config = standin_database._replace(user=DB_USER, password=DB_PASSWORD)
    instance = StandIn.create(tmp_path / "mgr5", db=config, reuse_database=True)
    try:
        yield instance
    finally:
        instance.close()
        admin.execute(f"DROP USER IF EXISTS '{DB_USER}'@'%'")
        admin.close()


def test_db_password_and_crypted_values_stay_out_of_the_log(
    password_standin: StandIn, log_file: Path
) -> None:
    pkey = (
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAAS-KEYBODY\n"
        "-----END PRIVATE KEY-----"
    )
    module = password_standin.add_module(crypted_params={"password": "Enom-Account-pw-5"})
    item = password_standin.add_item(
        module, "rapidssl", crypted_params={"userpass": "Item-Crypted-7"}, pkey=pkey, csr="CSR"
    )
    gateway = BillingGateway(password_standin.root)
    assert gateway.db_settings().password == DB_PASSWORD
    assert gateway.module_params(module)["password"] == "Enom-Account-pw-5"
    assert gateway.item_params(item)["userpass"] == "Item-Crypted-7"
    cert = gateway.certificate(item)
    assert cert is not None and cert.pkey == pkey
    gateway.save_param(item, "token", "Saved-Crypted-3", crypted=True)
    gateway.save_param(item, "password", "Plain-Named-pw-4")
    gateway.save_param(item, "note", pkey)
    gateway.mgrctl("paramlist")  # its reply holds the DB password
    gateway.close()

    text = log_file.read_text()
    assert "mgrctl service.saveparam" in text and "db connect" in text
    for secret in (
        DB_PASSWORD,
        "Enom-Account-pw-5",
        "Item-Crypted-7",
        "Saved-Crypted-3",
        "Plain-Named-pw-4",
        "KEYBODY",
    ):
        assert secret not in text, secret
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    journal = password_standin.journal_path.read_text()
    for secret in ("Saved-Crypted-3", "Plain-Named-pw-4", "KEYBODY"):
        assert secret not in journal, secret


def test_wrong_db_password_is_not_echoed(password_standin: StandIn, log_file: Path) -> None:
    config = password_standin.config._replace(password="Wrong-pw-Zz-12")
    (password_standin.root / "etc" / "standin.json").write_text(config.to_json())
    with pytest.raises(DatabaseError) as caught:
        BillingGateway(password_standin.root).item(1)
    assert "Wrong-pw-Zz-12" not in caught.value.desc
    assert "Wrong-pw-Zz-12" not in log_file.read_text()
    assert DB_USER in caught.value.desc
