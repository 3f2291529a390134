"""The stand-in's own read-write access to its database (MariaDB/MySQL or SQLite).

This is BILLmanager's side: the module itself never writes SQL (it reads through
`pmenomssl.billing.db` and writes through mgrctl). The stand-in's mgrctl and the StandIn seeding
helpers use this module. Queries use `%s` placeholders; `_sql()` adapts them for SQLite.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

SCHEMA_FILE = Path(__file__).with_name("schema.sql")

#: Every table of schema.sql, in creation order (used to empty a reused database).
TABLES = (
    "itemtype",
    "pricelist",
    "processingmodule",
    "processingmodule2pricelist",
    "item",
    "itemparam",
    "itemcryptedparam",
    "certificate",
    "processingparam",
    "processingcryptedparam",
    "pricelistparam",
    "runningoperation",
    "task",
    "country",
    "problem",
    "processingmodulebalance",
)

DEFAULT_SERVER = "mysql://root@127.0.0.1:3306"
_DB_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")


def unique_database_name(prefix: str = "pmenomssl_t") -> str:
    """`<prefix>_<pid>_<random>`: unique per run, and the pid tells whose it was."""
    return f"{prefix}_{os.getpid()}_{os.urandom(4).hex()}"


class StoreConfig(NamedTuple):
    """Where the stand-in's database is; saved as `$ROOT/etc/standin.json`."""

    engine: str  # "mysql" or "sqlite"
    host: str = "127.0.0.1"
    port: int = 3306
    user: str = "root"
    password: str = ""
    database: str = ""
    unix_socket: str = ""
    path: str = ""  # SQLite file

    def __repr__(self) -> str:
        where = (
            self.path
            if self.engine == "sqlite"
            else (self.unix_socket or f"{self.host}:{self.port}")
        )
        return f"StoreConfig(engine={self.engine!r}, at={where!r}, database={self.database!r})"

    @classmethod
    def from_url(cls, url: str) -> StoreConfig:
        """`mysql://user[:password]@host[:port][/database][?unix_socket=/path]` or
        `sqlite:////abs/path.sqlite`."""
        parts = urlsplit(url)
        if parts.scheme == "sqlite":
            path = unquote(parts.path)
            if not path:
                raise ValueError(f"no file in SQLite URL {url!r}")
            return cls(engine="sqlite", path=path)
        if parts.scheme not in ("mysql", "mariadb"):
            raise ValueError(f"unsupported database URL {url!r} (mysql://… or sqlite:///…)")
        query = parse_qs(parts.query)
        database = unquote(parts.path.lstrip("/"))
        if database and not _DB_NAME.match(database):
            raise ValueError(f"database name {database!r}: letters, digits and _ only")
        return cls(
            engine="mysql",
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=database,
            unix_socket=(query.get("unix_socket") or [""])[0],
        )

    def with_database(self, database: str) -> StoreConfig:
        if not _DB_NAME.match(database):
            raise ValueError(f"database name {database!r}: letters, digits and _ only")
        return self._replace(database=database)

    def to_json(self) -> str:
        return json.dumps(self._asdict(), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> StoreConfig:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls._fields if k in data})

    def server_url(self) -> str:
        """The server part as a URL (no password), for messages."""
        if self.engine == "sqlite":
            return f"sqlite://{self.path}"
        where = f"{self.host}:{self.port}"
        suffix = f"?unix_socket={self.unix_socket}" if self.unix_socket else ""
        return f"mysql://{self.user}@{where}/{self.database}{suffix}"


def schema_statements(engine: str) -> list[str]:
    """schema.sql split into statements, adapted to `engine`."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("--")]
    statements = [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
    if engine == "sqlite":
        statements = [s.replace("AUTO_INCREMENT", "AUTOINCREMENT") for s in statements]
    else:
        statements = [
            s + " DEFAULT CHARSET=utf8mb4" if s.upper().startswith("CREATE TABLE") else s
            for s in statements
        ]
    return statements


def _mysql_connect(config: StoreConfig, database: str | None) -> Any:
    import pymysql
    import pymysql.cursors

    from pmenomssl.urls import mysql_ssl_disabled

    return pymysql.connect(
        host=config.host,
        port=config.port,
        unix_socket=config.unix_socket or None,
        user=config.user,
        password=config.password,
        database=database,
        charset="utf8mb4",
        autocommit=True,
        connect_timeout=5,
        ssl_disabled=mysql_ssl_disabled(config.host, config.unix_socket),
        cursorclass=pymysql.cursors.DictCursor,
    )


def server_available(config: StoreConfig) -> str | None:
    """None when the MySQL server answers, else why not (for a skip reason)."""
    try:
        conn = _mysql_connect(config, None)
    except Exception as exc:
        return f"{config.server_url()}: {exc}"
    conn.close()
    return None


def create_database(config: StoreConfig) -> None:
    """Create `config.database` (MySQL) or the SQLite file, with the schema."""
    if config.engine == "sqlite":
        Path(config.path).parent.mkdir(parents=True, exist_ok=True)
        store = Store(config)
        try:
            for statement in schema_statements("sqlite"):
                store.execute(statement)
        finally:
            store.close()
        return
    conn = _mysql_connect(config, None)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE `{config.database}` CHARACTER SET utf8mb4")
            cursor.execute(f"USE `{config.database}`")
            for statement in schema_statements("mysql"):
                cursor.execute(statement)
    finally:
        conn.close()


def drop_database(config: StoreConfig) -> None:
    if config.engine == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(config.path + suffix).unlink(missing_ok=True)
        return
    conn = _mysql_connect(config, None)
    try:
        with conn.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{config.database}`")
    finally:
        conn.close()


def list_databases(config: StoreConfig, prefix: str) -> list[str]:
    conn = _mysql_connect(config, None)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SHOW DATABASES")
            return [r["Database"] for r in cursor.fetchall() if r["Database"].startswith(prefix)]
    finally:
        conn.close()


class Store:
    """Read-write connection to the stand-in's database."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._conn: Any = None

    def _connection(self) -> Any:
        if self._conn is None:
            if self.config.engine == "sqlite":
                import sqlite3

                conn = sqlite3.connect(self.config.path, timeout=30, isolation_level=None)
                conn.row_factory = sqlite3.Row
                self._conn = conn
            else:
                self._conn = _mysql_connect(self.config, self.config.database)
        return self._conn

    def _sql(self, sql: str) -> str:
        return sql.replace("%s", "?") if self.config.engine == "sqlite" else sql

    def query(self, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
        conn = self._connection()
        if self.config.engine == "sqlite":
            return [dict(r) for r in conn.execute(self._sql(sql), tuple(params)).fetchall()]
        with conn.cursor() as cursor:
            cursor.execute(sql, tuple(params) if params else None)
            return list(cursor.fetchall())

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a write; returns the new row id for an INSERT."""
        conn = self._connection()
        if self.config.engine == "sqlite":
            cursor = conn.execute(self._sql(sql), tuple(params))
            return int(cursor.lastrowid or 0)
        with conn.cursor() as cursor:
            cursor.execute(sql, tuple(params) if params else None)
            return int(cursor.lastrowid or 0)

    def insert(self, table: str, values: dict[str, object]) -> int:
        columns = ", ".join(values)
        marks = ", ".join(["%s"] * len(values))
        return self.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            list(values.values()),
        )

    def set_param(self, table: str, owner_column: str, owner: int, name: str, value: str) -> None:
        """Insert or replace one (owner, intname) param row."""
        self.execute(
            f"DELETE FROM {table} WHERE {owner_column} = %s AND intname = %s",  # noqa: S608
            [owner, name],
        )
        self.insert(table, {owner_column: owner, "intname": name, "value": value})

    def empty_all(self) -> None:
        for table in TABLES:
            self.execute(f"DELETE FROM {table}")  # noqa: S608

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
