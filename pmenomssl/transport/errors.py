"""The base both provider clients' errors share: a message built from what failed and what to do.

Kept apart from `http` so that code which only tells errors apart does not import httpx.
"""

from __future__ import annotations

from pmenomssl.errors import ModuleError


class ProviderError(ModuleError):
    """An error of a provider client. Each subclass says what failed (`summary`) and what the
    operator should do (`action`); the provider's `_describe` puts them into `desc`."""

    summary = "the provider call failed"
    action = ""

    def _action(self) -> str:
        """What to do; overridden where the advice depends on the error's own data."""
        return self.action
