"""What every sandbox's account has in common (`enom`, `upstream`): the lock, the calls
received, the constant-time credential check.

The HTTP layer holds `lock` (re-entrant) for the whole of a call, so calls are atomic and tests
may inspect or seed an account from their own thread (taking the lock for multi-step changes).
Each sandbox keeps its own rules (what it sells, how it charges, how it refuses) in its own
account class.
"""

from __future__ import annotations

import collections
import secrets
import threading


def credentials_match(login: str, secret: str, expected_login: str, expected_secret: str) -> bool:
    """Both compared in constant time, and both always: a wrong login takes as long as a wrong
    password, so timing tells a stranger nothing."""
    ok_login = secrets.compare_digest(login.encode(), expected_login.encode())
    ok_secret = secrets.compare_digest(secret.encode(), expected_secret.encode())
    return ok_login and ok_secret


class SandboxAccount:
    """The lock and the call counter of one sandbox account."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        # Requests received per command (ENOM, documented spelling) or func (upstream),
        # faulted and refused ones included.
        self.calls: collections.Counter[str] = collections.Counter()

    def count_call(self, name: str) -> None:
        with self.lock:
            self.calls[name] += 1
