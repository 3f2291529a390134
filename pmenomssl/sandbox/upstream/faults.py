"""Fault injection: per function (or every function), a given number of times.

    up.fault("v2.vds.order.param", "reset_after")        # the next call: the form read
    up.fault("v2.vds.order.param#sok", "reset_after")    # the order is paid, the reply lost
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

A function name ending in `#sok` (SUBMITTED_SUFFIX) matches only calls submitted with
`sok=ok`: an order function without sok is the order form (a READ the client makes before
ordering), so a fault meant for the paid call must not be used up by the form.

Of several armed faults matching one request, the first one added is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pmenomssl.sandbox.faults import FaultBase, FaultRegistry

FAULT_KINDS: dict[str, bool] = {  # kind -> is the call carried out?
    "reset_before": False,
    "reset_after": True,
    "timeout": False,
    "http_500": False,
    "truncated": True,
    "html": False,
}


SUBMITTED_SUFFIX = "#sok"


@dataclass
class Fault(FaultBase):
    kinds: ClassVar[dict[str, bool]] = FAULT_KINDS
    kind: str
    func: str | None = None  # None: any function; otherwise matched exactly (names are exact)
    times: int | None = 1  # None: until cleared
    fired: int = 0

    def matches(self, func: str, submitted: bool = False) -> bool:
        if self.func is None:
            return True
        if self.func.endswith(SUBMITTED_SUFFIX):
            return submitted and self.func[: -len(SUBMITTED_SUFFIX)] == func
        return self.func == func


class Faults(FaultRegistry[Fault]):
    """The thread-safe list of armed faults of one sandbox."""

    kinds = FAULT_KINDS

    def add(self, func: str | None, kind: str, times: int | None = 1) -> Fault:
        self._check(kind, times)
        return self._arm(Fault(kind=kind, func=func or None, times=times))

    def take(self, func: str, submitted: bool = False) -> Fault | None:
        """The fault to apply to one call of `func` (`submitted`: with sok=ok), if any (and
        count it as fired)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(func, submitted):  # the first one added wins; no kind combines
                    self._fire(fault, func)
                    return fault
        return None
