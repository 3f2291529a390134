"""What repeating a provider call would cost, and how often a call may be repeated.

Each provider's table (`enom.commands`, `upstream.functions`) maps its calls to one `CallClass`;
the transport (`transport.http`) decides retries from it and from nothing else.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class CallClass(enum.Enum):
    """READ   repeating is harmless: retried on any failure that left no usable answer.
    WRITE  changes state at the provider.
    PAID   charges the account.
    WRITE and PAID calls are retried only when the request certainly never left (a connect
    error); once it may have arrived, a lost answer is an "outcome unknown" error and the caller
    reconciles: a paid call is never repeated blindly."""

    READ = "read"
    WRITE = "write"
    PAID = "paid"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries: `attempts` in all, waits doubling from `wait_initial` up to `wait_max`."""

    attempts: int = 3
    wait_initial: float = 0.5
    wait_max: float = 4.0


DEFAULT_RETRY = RetryPolicy()
