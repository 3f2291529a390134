"""Where the database is: `mgrctl paramlist` parsing, sockets, hosts, ports, SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from pmenomssl.billing import BillingGateway, DatabaseError
from pmenomssl.billing.connection import parse_paramlist
from pmenomssl.billing.db import DbSettings
from pmenomssl.sandbox.billmanager import StandIn, StoreConfig
from pmenomssl.sandbox.billmanager import store as standin_store


def test_defaults() -> None:
    settings = DbSettings.from_paramlist({})
    assert (settings.engine, settings.host, settings.port, settings.unix_socket) == (
        "mysql",
        "localhost",
        3306,
        None,
    )
    assert (settings.user, settings.password, settings.name) == ("root", "", "billmgr")


def test_host_that_is_a_path_is_a_socket() -> None:
    settings = DbSettings.from_paramlist({"DBHost": "/var/lib/mysql/mysql.sock"})
    assert settings.unix_socket == "/var/lib/mysql/mysql.sock"


def test_dbsocket_is_the_socket_whatever_dbhost_says() -> None:
    settings = DbSettings.from_paramlist(
        {"DBHost": "localhost", "DBSocket": "/var/lib/mysql/mysql.sock"}
    )
    assert settings.unix_socket == "/var/lib/mysql/mysql.sock"
    assert DbSettings.from_paramlist({"DBHost": "localhost", "DBSocket": ""}).unix_socket is None


def test_host_with_port_and_dbport() -> None:
    assert DbSettings.from_paramlist({"DBHost": "db.local:3307"}).port == 3307
    assert DbSettings.from_paramlist({"DBHost": "db.local:3307"}).host == "db.local"
    assert DbSettings.from_paramlist({"DBHost": "10.0.0.5", "DBPort": "3310"}).port == 3310


def test_sqlite_only_when_asked_and_unknown_engines_refused() -> None:
    assert DbSettings.from_paramlist({"DBEngine": "sqlite", "DBName": "/x.db"}).engine == "sqlite"
    with pytest.raises(DatabaseError):
        DbSettings.from_paramlist({"DBEngine": "oracle"})


@pytest.mark.parametrize(
    ("params", "ssl_disabled"),
    [
        ({}, True),  # localhost
        ({"DBHost": "127.0.0.1"}, True),
        ({"DBHost": "/var/lib/mysql/mysql.sock"}, True),
        ({"DBHost": "db.example.com", "DBSocket": "/run/mysqld/mysqld.sock"}, True),
        ({"DBHost": "db.example.com"}, None),  # another machine: PyMySQL's own default
        ({"DBHost": "10.0.0.5:3307"}, None),
    ],
)
def test_tls_is_left_to_pymysql_only_for_another_machine(
    params: dict[str, str], ssl_disabled: bool | None
) -> None:
    arguments = DbSettings.from_paramlist(params).driver_arguments()
    assert arguments["ssl_disabled"] is ssl_disabled


def test_password_never_in_repr() -> None:
    settings = DbSettings.from_paramlist({"DBPassword": "Very-Secret-DB-pw"})
    assert "Very-Secret-DB-pw" not in repr(settings)
    assert "Very-Secret-DB-pw" not in settings.describe()


def test_both_reply_shapes() -> None:
    element_form = etree.fromstring(
        b"<doc><elem><DBHost>h</DBHost><DBUser>u</DBUser><DBName>n</DBName></elem></doc>"
    )
    assert parse_paramlist(element_form) == {"DBHost": "h", "DBUser": "u", "DBName": "n"}
    pair_form = etree.fromstring(
        b"<doc><elem><name>DBHost</name><value>h</value></elem>"
        b"<elem><name>DBName</name><value>n</value></elem></doc>"
    )
    assert parse_paramlist(pair_form) == {"DBHost": "h", "DBName": "n"}


def test_stand_in_answers_mysql_params(standin: StandIn) -> None:
    values = BillingGateway(standin.root).paramlist()
    assert values["DBHost"] == "127.0.0.1"
    assert values["DBName"] == standin.config.database
    assert values["DBUser"] == "root"
    assert "DBEngine" not in values  # a real BILLmanager never sends it


@pytest.fixture
def socket_standin(db_server: StoreConfig, tmp_path: Path) -> Iterator[StandIn]:
    probe = standin_store.Store(db_server)
    try:
        socket = str(probe.query("SELECT @@socket AS s")[0]["s"])
    finally:
        probe.close()
    if not Path(socket).exists():
        pytest.skip(f"the server's socket {socket} is not on this machine")
    config = StoreConfig(
        engine="mysql",
        host="localhost",
        unix_socket=socket,
        user=db_server.user,
        password=db_server.password,
        database=standin_store.unique_database_name("pmenomssl_t"),
    )
    instance = StandIn.create(tmp_path / "mgr5", db=config)
    yield instance
    instance.drop()


def test_reads_through_a_unix_socket(socket_standin: StandIn) -> None:
    item = socket_standin.add_item(None, "rapidssl", params={"a": "b"})
    gateway = BillingGateway(socket_standin.root)
    # billmgr.conf's form: DBHost localhost and the socket in DBSocket
    assert gateway.paramlist()["DBHost"] == "localhost"
    assert gateway.paramlist()["DBSocket"] == socket_standin.config.unix_socket
    settings = gateway.db_settings()
    assert settings.unix_socket == socket_standin.config.unix_socket
    assert gateway.item_params(item) == {"a": "b"}
    gateway.close()


def test_unreachable_database(sqlite_standin: StandIn) -> None:
    config = StoreConfig(engine="mysql", host="127.0.0.1", port=1, password="Unreach-pw-77")
    (sqlite_standin.root / "etc" / "standin.json").write_text(config.to_json())
    with pytest.raises(DatabaseError) as caught:
        BillingGateway(sqlite_standin.root).item(1)
    assert caught.value.error_type == "database_unreachable"
    assert "127.0.0.1:1" in caught.value.desc
    assert "Unreach-pw-77" not in caught.value.desc
