"""The stand-in itself: layout, schema, journal, faults, both saveparam forms, drop."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from datetime import date
from pathlib import Path

from pmenomssl.sandbox.billmanager import StandIn, StoreConfig
from pmenomssl.sandbox.billmanager import store as standin_store


def _mgrctl(
    standin: StandIn, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(standin.mgrctl_path), "-m", "billmgr", "-o", "xml", *args],
        capture_output=True,
        check=False,
        cwd=standin.root,
        env={**os.environ, **(env or {})},
    )


def test_layout(sqlite_standin: StandIn) -> None:
    root = sqlite_standin.root
    assert os.access(root / "sbin" / "mgrctl", os.X_OK)
    assert stat.S_IMODE((root / "etc" / "billmgr.pem").stat().st_mode) == 0o600
    assert (
        (root / "etc" / "billmgr.pem").read_bytes().startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    )
    assert (root / "etc" / "debug.conf").read_text() == "pmenomssl 9\n"
    assert (root / "var").is_dir()
    assert json.loads((root / "etc" / "standin.json").read_text())["engine"] == "sqlite"
    assert sqlite_standin.env()["PMENOMSSL_MGR_ROOT"] == str(root)


def test_schema_tables_on_mysql(standin: StandIn) -> None:
    rows = standin.store.query("SHOW TABLES")
    assert {next(iter(r.values())) for r in rows} == set(standin_store.TABLES)


def test_own_database_is_dropped(db_server: StoreConfig, tmp_path: Path) -> None:
    config = db_server.with_database(standin_store.unique_database_name())
    instance = StandIn.create(tmp_path / "mgr5", db=config)
    name = instance.config.database
    assert name.startswith("pmenomssl_t_")
    assert name in standin_store.list_databases(db_server, "pmenomssl_t_")
    instance.drop()
    assert name not in standin_store.list_databases(db_server, "pmenomssl_t_")


def test_python_library_saveparam_form_and_drop(sqlite_standin: StandIn) -> None:
    item = sqlite_standin.add_item(None, "rapidssl")
    assert (
        _mgrctl(sqlite_standin, "service.saveparam", f"elid={item}", "a=1", "b=x=y").returncode == 0
    )
    assert sqlite_standin.item_params(item) == {"a": "1", "b": "x=y"}
    assert _mgrctl(sqlite_standin, "service.saveparam", f"elid={item}", "name=a").returncode == 0
    assert sqlite_standin.item_params(item) == {"b": "x=y"}


def test_env_passed_values(sqlite_standin: StandIn) -> None:
    item = sqlite_standin.add_item(None, "rapidssl")
    done = _mgrctl(
        sqlite_standin,
        "service.saveparam",
        f"elid={item}",
        "name=k",
        "-e",
        "value=$MY_VALUE",
        env={"MY_VALUE": "from the environment"},
    )
    assert done.returncode == 0, done.stdout
    assert sqlite_standin.item_params(item) == {"k": "from the environment"}


def test_bad_expiredate_is_an_error(sqlite_standin: StandIn) -> None:
    item = sqlite_standin.add_item(None, "rapidssl")
    done = _mgrctl(sqlite_standin, "service.setexpiredate", f"elid={item}", "expiredate=31.12.2025")
    assert done.returncode == 1
    assert b'type="value" object="expiredate"' in done.stdout


def test_journal_redacts_secret_looking_values(sqlite_standin: StandIn) -> None:
    _mgrctl(sqlite_standin, "task.gettype", "operation=open", "password=Hidden-1", "crypted=on")
    (call,) = sqlite_standin.journal()
    assert call["params"] == {"operation": "open", "password": "***", "crypted": "on"}
    assert "Hidden-1" in call["argv"][-2]  # argv is recorded raw: it shows what a caller leaked


def test_fault_from_environment(sqlite_standin: StandIn) -> None:
    done = _mgrctl(
        sqlite_standin, "paramlist", env={"PMENOMSSL_STANDIN_FAULTS": '{"*": "garbage"}'}
    )
    assert done.returncode == 0
    assert not done.stdout.startswith(b"<")
    sqlite_standin.set_fault("paramlist", "exit")
    assert _mgrctl(sqlite_standin, "paramlist").returncode == 2
    sqlite_standin.clear_faults()
    assert _mgrctl(sqlite_standin, "paramlist").returncode == 0


def test_reopen_existing_root(sqlite_standin: StandIn) -> None:
    item = sqlite_standin.add_item(None, "rapidssl", params={"x": "1"})
    again = StandIn.open(sqlite_standin.root)
    assert again.item_params(item) == {"x": "1"}
    again.close()


def test_missing_item_error(sqlite_standin: StandIn) -> None:
    done = _mgrctl(sqlite_standin, "certificate.open", "elid=99")
    assert done.returncode == 1
    assert b'type="missing" object="elid"' in done.stdout


def test_item_row_dates_are_dates(sqlite_standin: StandIn) -> None:
    item = sqlite_standin.add_item(None, "rapidssl", expiredate=date(2030, 1, 2))
    assert sqlite_standin.item_row(item)["expiredate"] == date(2030, 1, 2)
