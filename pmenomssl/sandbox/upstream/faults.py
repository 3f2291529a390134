"""Fault injection: per function (or every function), a given number of times.

    up.fault("v2.vds.order.param", "reset_after")        # the order is paid, the reply lost
    up.fault("vds", "http_500", times=3)                  # three list reads fail
    up.fault(None, "html")                                # the next call of any function

Kinds, and whether the call takes effect (E: carried out, paid calls are charged) or not (-):

    reset_before  -  the request is read, then the connection is reset (TCP RST); no answer
    reset_after   E  the call is carried out, then the connection is reset; no answer
    timeout       -  no answer at all: the connection hangs until the client gives up (or the
                     sandbox stops); the call is NOT carried out
    http_500      -  HTTP 500 with an HTML error page
    truncated     E  HTTP 200, Content-Length matches, but the XML is cut in half
    html          -  HTTP 200 with an HTML login page instead of XML (a proxy, a wrong URL)

Of several armed faults matching one request, the first one added is used.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

FAULT_KINDS: dict[str, bool] = {  # kind -> is the call carried out?
    "reset_before": False,
    "reset_after": True,
    "timeout": False,
    "http_500": False,
    "truncated": True,
    "html": False,
}


@dataclass
class Fault:
    kind: str
    func: str | None = None  # None: any function
    times: int | None = 1  # None: until cleared
    fired: int = 0

    @property
    def takes_effect(self) -> bool:
        return FAULT_KINDS[self.kind]

    def matches(self, func: str) -> bool:
        return self.func is None or self.func == func

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class Faults:
    """The thread-safe list of armed faults of one sandbox."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.fired: list[tuple[str, str]] = []  # (func, kind), in order

    def add(self, func: str | None, kind: str, times: int | None = 1) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None (until cleared)")
        fault = Fault(kind=kind, func=func or None, times=times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def armed(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, func: str) -> Fault | None:
        """The fault to apply to one call of `func`, if any (and count it as fired)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(func):
                    fault.fired += 1
                    self.fired.append((func, fault.kind))
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None
