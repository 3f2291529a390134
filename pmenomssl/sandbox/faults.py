"""The fault-registry mechanics shared by the sandboxes (`enom`, `upstream`).

Each sandbox keeps its own kinds, `Fault` fields and matching rule (see its `faults.py`); this
module holds what is the same: a kind's "does the call take effect" lookup, the JSON form, and a
thread-safe list of armed faults that counts each firing and disarms a fault once used up.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, ClassVar, Generic, TypeVar, cast


class FaultBase:
    """Mixin for a sandbox's `Fault` dataclass (which declares `kind`, `times` and `fired`)."""

    kinds: ClassVar[Mapping[str, bool]]  # kind -> does the call take effect?
    kind: str
    times: int | None  # None: until cleared
    fired: int

    @property
    def takes_effect(self) -> bool:
        return self.kinds[self.kind]

    def as_dict(self) -> dict[str, object]:
        return asdict(cast(Any, self))  # a dataclass: the subclass is one


_Fault = TypeVar("_Fault", bound=FaultBase)


class FaultRegistry(Generic[_Fault]):
    """The thread-safe list of armed faults of one sandbox."""

    kinds: ClassVar[Mapping[str, bool]]  # the kinds `_arm` accepts

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self.fired: list[tuple[str, str]] = []  # (command or func, kind), in order

    def _check(self, kind: str, times: int | None) -> None:
        if kind not in self.kinds:
            raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(self.kinds)}")
        if times is not None and times < 1:
            raise ValueError("times must be >= 1 or None (until cleared)")

    def _arm(self, fault: _Fault) -> _Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def _fire(self, fault: _Fault, key: str) -> None:
        """Count one use of `fault` by a call of `key`; disarm it when used up (lock held)."""
        fault.fired += 1
        self.fired.append((key, fault.kind))
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def armed(self) -> list[_Fault]:
        with self._lock:
            return list(self._faults)
