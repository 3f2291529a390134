"""What every gateway call stands on: `mgrctl`, BILLmanager's configuration (`mgrctl paramlist`),
its database (read-only) and the panel key that decrypts crypted params."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from pmenomssl import config, log
from pmenomssl.billing.db import DbSettings, Row, _Database, open_database
from pmenomssl.billing.errors import CryptError
from pmenomssl.billing.mgrctl import call_mgrctl, mgrctl_path

if TYPE_CHECKING:
    from lxml import etree

# --- per-process caches -------------------------------------------------------------------

_paramlists: dict[str, dict[str, str]] = {}
_paramlists_lock = threading.Lock()


def clear_caches() -> None:
    """Forget the cached `mgrctl paramlist` answers (tests that change the stand-in's config)."""
    with _paramlists_lock:
        _paramlists.clear()


def parse_paramlist(doc: etree._Element) -> dict[str, str]:
    """billmgr.conf values from a `paramlist` reply.

    Issue 2 gives `<doc><elem><DBHost>…</DBHost>…</elem></doc>`; the `<elem><name>DBHost</name>
    <value>…</value></elem>` list form is read too, since the real shape is not confirmed.
    """
    values: dict[str, str] = {}
    for elem in doc.iter("elem"):
        name = elem.findtext("name")
        if name is not None and elem.find("value") is not None:
            values[name] = (elem.findtext("value") or "").strip()
            continue
        for child in elem:
            if isinstance(child.tag, str):
                values.setdefault(child.tag, (child.text or "").strip())
    log.register_secret(values.get("DBPassword"))
    return values


class GatewayConnection:
    """BILLmanager as the module reaches it. Lazy: nothing happens until a method needs it."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        mgrctl_timeout: float = 60.0,
        deadline: float | None = None,
    ) -> None:
        """`deadline`: the command's `time.monotonic()` deadline; no mgrctl call waits past it
        (but each gets at least MGRCTL_MIN_TIMEOUT, so an error can still be reported)."""
        self.root = Path(root) if root is not None else config.mgr_root()
        self.mgrctl_timeout = mgrctl_timeout
        self.deadline = deadline
        self._db: _Database | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- mgrctl ---------------------------------------------------------------------------

    @property
    def mgrctl_path(self) -> Path:
        return mgrctl_path(self.root)

    def mgrctl(self, func: str, **params: str) -> etree._Element:
        """Run `$ROOT/sbin/mgrctl -m billmgr -o xml FUNC key=value …` and parse its reply.

        Raises MgrctlError for an <error> in the reply (carrying its type/object/message), a
        non-zero exit, a reply that is not XML, or a timeout (`mgrctl_timeout`).
        """
        return call_mgrctl(
            self.root, func, params, timeout=self.mgrctl_timeout, deadline=self.deadline
        )

    def _write(self, func: str, **params: str) -> etree._Element:
        """Every write goes through here: mgrctl with `sok=ok`."""
        return self.mgrctl(func, **params, sok="ok")

    # -- configuration and database ------------------------------------------------------

    def paramlist(self) -> dict[str, str]:
        """billmgr.conf values from `mgrctl paramlist`, cached per process and root."""
        key = str(self.root)
        with _paramlists_lock:
            cached = _paramlists.get(key)
        if cached is not None:
            return cached
        values = parse_paramlist(self.mgrctl("paramlist"))
        with _paramlists_lock:
            _paramlists[key] = values
        return values

    def db_settings(self) -> DbSettings:
        return DbSettings.from_paramlist(self.paramlist())

    def _database(self) -> _Database:
        if self._db is None:
            self._db = open_database(self.db_settings())
        return self._db

    def _query(self, sql: str, *params: object) -> list[Row]:
        return self._database().query(sql, params)

    def key_path(self) -> Path:
        """The panel key: billmgr.conf `CryptKey` (relative to $ROOT), default etc/billmgr.pem."""
        crypt_key = self.paramlist().get("CryptKey", "").strip()
        if crypt_key:
            path = Path(crypt_key)
            return path if path.is_absolute() else self.root / path
        return self.root / "etc" / "billmgr.pem"

    def _decrypt(self, value: str, what: str) -> str:
        from pmenomssl.billing import crypto

        key_path = self.key_path()
        try:
            plain = crypto.decrypt_value(value, key_path)
        except crypto.KeyUnavailableError as exc:
            reason = (
                f"the panel key is unusable ({exc}). Check that the module runs as root and "
                "that billmgr.conf CryptKey names BILLmanager's key."
            )
        except crypto.DecryptError as exc:
            reason = (
                f"{exc} ({key_path}). The value was saved with another key or is damaged: "
                "enter it again in BILLmanager."
            )
        else:
            log.register_secret(plain)
            return plain
        raise CryptError(f"Cannot decrypt {what}: {reason}", obj="crypted_param", value=what)
