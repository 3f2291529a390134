"""Fault injection: per command (or every command), a given number of times.

    sb.faults.add("reset_after", command="PurchaseServices", times=1)
    sb.faults.add("delay", seconds=2.5)            # every command, once
    sb.faults.add("http_500", command="CertGetCertDetail", times=None)  # until cleared

Kinds, and whether the command takes effect (E) or not (-):

    delay            E  answer normally after `seconds` (the command has already taken effect,
                        so a client that gives up early has lost an answer, not a command)
    http_500         -  HTTP 500 with an IIS/ASP-style HTML error page
    html_page        -  HTTP 200 with an HTML page (proxy or captive portal)
    reset_before     -  the request is read, then the connection is reset (TCP RST); no answer
    reset_after      E  the command runs (a purchase is charged), then the connection is reset
    partial          E  headers promise the whole body, half of it is sent, the connection closes
    truncated        E  HTTP 200, Content-Length matches, but the XML is cut in half
    empty            E  HTTP 200 with an empty body
    wrong_root       E  well-formed XML whose root is not <interface-response>
    done_missing     E  the normal answer without <Done>true</Done>
    huge             E  the normal answer padded with `size` bytes (default 16 MiB) of <debug>
    bad_credentials  -  "Bad User name or Password" (304155) whatever was sent
    ip_not_allowed   -  "User not permitted from this IP address - <ip>" (713254)

`delay` combines with one other fault on the same request; of the other kinds the first matching
one (in the order added) is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from pmenomssl.sandbox.faults import FaultBase, FaultRegistry

FAULT_KINDS: dict[str, bool] = {  # kind -> does the command take effect?
    "delay": True,
    "http_500": False,
    "html_page": False,
    "reset_before": False,
    "reset_after": True,
    "partial": True,
    "truncated": True,
    "empty": True,
    "wrong_root": True,
    "done_missing": True,
    "huge": True,
    "bad_credentials": False,
    "ip_not_allowed": False,
}
DEFAULT_HUGE_SIZE = 16 * 1024 * 1024


@dataclass
class Fault(FaultBase):
    kinds: ClassVar[dict[str, bool]] = FAULT_KINDS
    kind: str
    command: str | None = None  # None: any command; otherwise matched case-insensitively
    times: int | None = 1  # None: until cleared
    seconds: float = 1.0  # delay only
    size: int = DEFAULT_HUGE_SIZE  # huge only
    fired: int = 0

    def matches(self, command: str) -> bool:
        return self.command is None or self.command.lower() == command.lower()


class Faults(FaultRegistry[Fault]):
    """The thread-safe list of armed faults of one sandbox."""

    kinds = FAULT_KINDS

    def add(
        self,
        kind: str,
        command: str | None = None,
        times: int | None = 1,
        *,
        seconds: float = 1.0,
        size: int = DEFAULT_HUGE_SIZE,
    ) -> Fault:
        self._check(kind, times)
        if seconds < 0 or size < 0:
            raise ValueError("seconds and size must not be negative")
        return self._arm(
            Fault(kind=kind, command=command or None, times=times, seconds=seconds, size=size)
        )

    def take(self, command: str) -> tuple[float, Fault | None]:
        """For one request: the total delay and the (non-delay) fault to apply, if any."""
        delay = 0.0
        chosen: Fault | None = None
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(command):
                    continue
                if fault.kind == "delay":  # delays add up and combine with one other fault
                    delay += fault.seconds
                elif chosen is None:
                    chosen = fault
                else:
                    continue
                self._fire(fault, command)
        return delay, chosen
