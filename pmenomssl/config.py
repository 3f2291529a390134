"""Where things live on a BILLmanager host, decided in one place.

BILLmanager's own support code uses paths relative to /usr/local/mgr5 (see
billmanager-protocol.md section 0, "Working directory", UNCONFIRMED), so every path here is
derived from one root that tests and the demo can move.
"""

from __future__ import annotations

import os
import sys

from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_MGR_ROOT = "/usr/local/mgr5"
DEFAULT_MODULE_NAME = "pmenomssl"


def mgr_root_text() -> str:
    """BILLmanager's installation root: `PMENOMSSL_MGR_ROOT`, default /usr/local/mgr5.

    The `*_text` functions give str paths: `pathlib` costs `features` and `approver` a third of
    a bare interpreter's start (issue 16), so their path never imports it."""
    return os.environ.get("PMENOMSSL_MGR_ROOT") or DEFAULT_MGR_ROOT


def mgr_root() -> Path:
    """`mgr_root_text()` as a Path."""
    from pathlib import Path

    return Path(mgr_root_text())


def module_name() -> str:
    """The module's name, which BILLmanager derives from the executable's file name.

    The install wrapper sets `PMENOMSSL_NAME` because the process it starts is Python itself;
    otherwise the basename of argv[0] counts when it looks like a module (`pm…`).
    """
    explicit = os.environ.get("PMENOMSSL_NAME")
    if explicit:
        return explicit
    base = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return base if base.startswith("pm") else DEFAULT_MODULE_NAME


def handler_name() -> str:
    """Which handler serves this module: `PMENOMSSL_HANDLER`, else the module's own name.

    Installed under another name (`pmenomsslpy`, to keep clear of BILLmanager's stock
    `pmenomssl`), the wrapper sets `PMENOMSSL_HANDLER=pmenomssl` so the ENOM handler still runs.
    """
    return os.environ.get("PMENOMSSL_HANDLER") or module_name()


def mgrctl_path() -> Path:
    return mgr_root() / "sbin" / "mgrctl"


def crypt_key_path() -> Path:
    """The panel key that encrypts crypted params (billmgr.conf `CryptKey`, default)."""
    return mgr_root() / "etc" / "billmgr.pem"


def debug_conf_text() -> str:
    return os.path.join(mgr_root_text(), "etc", "debug.conf")


def debug_conf_path() -> Path:
    return mgr_root() / "etc" / "debug.conf"


def do_nothing_path() -> Path:
    """A staging clone of the billing creates this file so that modules touch no provider."""
    return mgr_root() / "etc" / "billmgr.DoNothing"


def var_dir_text() -> str:
    return os.path.join(mgr_root_text(), "var")


def var_dir() -> Path:
    return mgr_root() / "var"
