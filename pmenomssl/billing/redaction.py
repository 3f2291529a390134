"""Which values the gateway handles are secrets, and how a mgrctl call is shown in the log."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pmenomssl import log

_SECRET_KEY = re.compile(r"(?i)(^pw$|passw|passwd|token|secret|crypted|apikey|api_key|pkey|^key$)")
_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_LOG_VALUE_MAX = 120


def is_secret_key(key: str) -> bool:
    """A param whose value must never be logged or put in argv (`password`, `pw`, `token`…)."""
    return bool(_SECRET_KEY.search(key))


def secret_params(params: Mapping[str, str]) -> set[str]:
    """The keys of `params` whose values are secret, including `value` of a crypted save."""
    secret = {k for k in params if is_secret_key(k) and params[k] not in ("", "on", "off")}
    crypted = params.get("crypted") == "on"
    if "value" in params and (crypted or is_secret_key(params.get("name", ""))):
        secret.add("value")
    secret.update(k for k, v in params.items() if _PEM_PRIVATE.search(v))
    return secret


def describe_params(params: Mapping[str, str]) -> str:
    """`k=v …` for a log line: secrets as ***, long values as their length."""
    secret = secret_params(params)
    parts = []
    for key, value in params.items():
        if key in secret:
            shown = log.REDACTED
        elif len(value) > _LOG_VALUE_MAX or "\n" in value:
            shown = f"<{len(value)} chars>"
        else:
            shown = value
        parts.append(f"{key}={shown}")
    return " ".join(parts)
