"""A BILLmanager stand-in (temp `$ROOT`, working `mgrctl`, schema subset) for tests and the demo.

Never used against a real BILLmanager. See `StandIn`, `mgrctl` and `functions` (what each mgrctl
function does).
Names are imported lazily so that the stand-in's `mgrctl` script starts fast.
"""

from __future__ import annotations

# Not `typing.TYPE_CHECKING`: importing typing alone costs the forwarding mgrctl ~9 ms (core.py).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from pmenomssl.sandbox.billmanager.standin import DEFAULT_DB, StandIn
    from pmenomssl.sandbox.billmanager.store import StoreConfig, server_available

__all__ = ["DEFAULT_DB", "StandIn", "StoreConfig", "server_available"]


def __getattr__(name: str) -> Any:
    if name in ("DEFAULT_DB", "StandIn"):
        from pmenomssl.sandbox.billmanager import standin

        return getattr(standin, name)
    if name in ("StoreConfig", "server_available"):
        from pmenomssl.sandbox.billmanager import store

        return getattr(store, name)
    raise AttributeError(name)
