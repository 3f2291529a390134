"""Read-only access to BILLmanager's database, behind one small interface.

A real BILLmanager is always MySQL/MariaDB (PyMySQL). The SQLite backend exists only for the
stand-in's no-MySQL demo: it is chosen only when `mgrctl paramlist` answers
`<DBEngine>sqlite</DBEngine>`, which a real BILLmanager never sends.

Queries are written once, with `%s` placeholders; `_translate` is the one place that adapts
them to the backend. Parameters are always bound, never formatted into the SQL text.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pmenomssl import log
from pmenomssl.billing.errors import DatabaseError
from pmenomssl.urls import mysql_ssl_disabled

logger = logging.getLogger(__name__)

Row = dict[str, Any]

DEFAULT_HOST = "localhost"
DEFAULT_USER = "root"
DEFAULT_PASSWORD = ""
DEFAULT_NAME = "billmgr"  # billmanager-protocol.md 3.3: PHP default billmgr, C++ billmgr5
DEFAULT_PORT = 3306


@dataclass(frozen=True)
class DbSettings:
    """Where the database is, from `mgrctl paramlist` (billmgr.conf)."""

    engine: str  # "mysql" (always, on a real BILLmanager) or "sqlite" (stand-in only)
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    unix_socket: str | None = None
    user: str = DEFAULT_USER
    password: str = ""
    name: str = DEFAULT_NAME

    def __repr__(self) -> str:  # the password never reaches a repr or a log line
        where = self.unix_socket or f"{self.host}:{self.port}"
        return (
            f"DbSettings(engine={self.engine!r}, at={where!r}, user={self.user!r},"
            f" name={self.name!r})"
        )

    def describe(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite file {self.name}"
        where = f"socket {self.unix_socket}" if self.unix_socket else f"{self.host}:{self.port}"
        return f"MySQL database {self.name!r} at {where} as {self.user!r}"

    def driver_arguments(self) -> dict[str, Any]:
        """Where and as whom PyMySQL connects (a socket, when set, wins over host and port)."""
        return {
            "host": self.host,
            "port": self.port,
            "unix_socket": self.unix_socket,
            "user": self.user,
            "password": self.password,
            "database": self.name,
            "ssl_disabled": mysql_ssl_disabled(self.host, self.unix_socket),
        }

    @classmethod
    def from_paramlist(cls, params: Mapping[str, str]) -> DbSettings:
        """DBHost/DBUser/DBPassword/DBName (+ DBPort, DBSocket), defaults
        localhost/root/""/billmgr.

        `DBSocket`, when present, is the unix socket (ISPsystem's TheSSLStore module, util.cpp,
        connects through it whatever DBHost says); a DBHost that is a filesystem path is a
        socket too; `host:port` is accepted.
        """
        engine = (params.get("DBEngine") or "mysql").strip().lower()
        name = params.get("DBName") or DEFAULT_NAME
        if engine == "sqlite":
            return cls(engine="sqlite", name=name)
        if engine != "mysql":
            raise DatabaseError(
                f"mgrctl paramlist names an unknown DBEngine {engine!r}; "
                "a real BILLmanager uses MySQL: remove DBEngine from the configuration",
                error_type="database_unreachable",
            )
        host = (params.get("DBHost") or DEFAULT_HOST).strip()
        port = DEFAULT_PORT
        port_text = (params.get("DBPort") or "").strip()
        unix_socket: str | None = None
        if host.startswith("/"):
            unix_socket, host = host, DEFAULT_HOST
        elif ":" in host and host.rsplit(":", 1)[1].isdigit():
            host, port_part = host.rsplit(":", 1)
            port = int(port_part)
        if port_text.isdigit():
            port = int(port_text)
        socket_text = (params.get("DBSocket") or "").strip()
        if socket_text:
            unix_socket = socket_text
        password = params.get("DBPassword") or DEFAULT_PASSWORD
        log.register_secret(password)
        return cls(
            engine="mysql",
            host=host,
            port=port,
            unix_socket=unix_socket,
            user=params.get("DBUser") or DEFAULT_USER,
            password=password,
            name=name,
        )


def as_date(value: object) -> date | None:
    """A DATE/DATETIME column: None for NULL, empty and MySQL's zero dates (`0000-00-00`)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text or text.startswith("0000"):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def as_int(value: object) -> int | None:
    """An integer column: None for NULL, empty or not a number."""
    if value is None or value == "":
        return None
    try:
        return int(value)  # type: ignore[call-overload,no-any-return]
    except (TypeError, ValueError):
        return None


def as_str(value: object) -> str:
    """A text column: "" for NULL, bytes decoded as UTF-8."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _translate(sql: str, engine: str) -> str:
    """The one place placeholders are adapted: `%s` (PyMySQL) -> `?` (sqlite3)."""
    if engine == "sqlite":
        return sql.replace("%s", "?")
    return sql


class _Database:
    """The interface the gateway reads through."""

    settings: DbSettings

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def _error(self, desc: str) -> DatabaseError:
        """Every failure of the database names it as the error's object and value."""
        return DatabaseError(desc, obj="database", value=self.settings.name)


class _MySQLDatabase(_Database):
    def __init__(self, settings: DbSettings, connect_timeout: float = 10.0) -> None:
        self.settings = settings
        self._connect_timeout = connect_timeout
        self._conn: Any = None

    def _connection(self) -> Any:
        if self._conn is not None:
            return self._conn
        import pymysql  # lazy: `features`/`approver` must start without it
        import pymysql.cursors

        started = time.monotonic()
        s = self.settings
        try:
            conn = pymysql.connect(
                **s.driver_arguments(),
                charset="utf8mb4",
                autocommit=True,
                connect_timeout=max(1, int(self._connect_timeout)),
                cursorclass=pymysql.cursors.DictCursor,
            )
            with conn.cursor() as cursor:
                # The module never writes SQL; let the server enforce it too.
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
        except pymysql.MySQLError as exc:
            log.timed(logger, f"db connect {s.describe()}", started, f"failed: {exc}")
            raise self._error(
                f"Cannot connect to BILLmanager's {s.describe()}: {exc}. Check DBHost, DBUser, "
                "DBPassword and DBName in billmgr.conf (mgrctl paramlist) and that the server "
                "runs."
            ) from None
        log.timed(logger, f"db connect {s.describe()}", started, "ok")
        self._conn = conn
        return conn

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        import pymysql

        conn = self._connection()
        try:
            with conn.cursor() as cursor:
                cursor.execute(_translate(sql, "mysql"), tuple(params) if params else None)
                return list(cursor.fetchall())
        except pymysql.MySQLError as exc:
            raise self._error(
                f"Query on BILLmanager's {self.settings.describe()} failed: {exc}. Check that the "
                "database is BILLmanager's and that its version is supported."
            ) from None

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # closing a dead connection is no error
                self._conn.close()
            self._conn = None


class _SQLiteDatabase(_Database):
    """Stand-in only (no-MySQL demo)."""

    def __init__(self, settings: DbSettings) -> None:
        self.settings = settings
        self._conn: Any = None

    def _connection(self) -> Any:
        if self._conn is None:
            import sqlite3

            try:
                conn = sqlite3.connect(f"file:{self.settings.name}?mode=ro", uri=True, timeout=10)
            except sqlite3.Error as exc:
                raise self._error(
                    f"Cannot open the stand-in's {self.settings.describe()}: {exc}. "
                    "Check the stand-in's etc/standin.json."
                ) from None
            conn.row_factory = sqlite3.Row
            self._conn = conn
        return self._conn

    def query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        import sqlite3

        conn = self._connection()
        try:
            cursor = conn.execute(_translate(sql, "sqlite"), tuple(params))
            return [dict(row) for row in cursor.fetchall()]
        except sqlite3.Error as exc:
            raise self._error(
                f"Query on the stand-in's {self.settings.describe()} failed: {exc}."
            ) from None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_database(settings: DbSettings) -> _Database:
    """The backend for `settings` (MySQL unless the stand-in asked for SQLite)."""
    if settings.engine == "sqlite":
        return _SQLiteDatabase(settings)
    return _MySQLDatabase(settings)
