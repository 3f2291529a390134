"""How the upstream sandbox refuses a call.

Every refusal is an `ApiError(type, object, msg)`, which the wire layer renders as upstream's
`<doc><error type object><msg/></error></doc>`. The error shapes the client classifies
(auth, access, notenoughmoney, missing) come from `pmenomssl.upstream.errors`, so the two sides
cannot drift apart; the rest ("value", "empty") are the sandbox's own choice (UNCONFIRMED).
"""

from __future__ import annotations

# Error types that the client does not classify specially (sandbox's choice, UNCONFIRMED).
ERROR_TYPE_VALUE = "value"  # a parameter has a value upstream does not accept
ERROR_TYPE_EMPTY = "empty"  # a required parameter is missing


class ApiError(Exception):
    """A call refused the upstream way: `<error type=… object=…><msg>…</msg></error>`."""

    def __init__(self, error_type: str, error_object: str, msg: str) -> None:
        super().__init__(f"{error_type}/{error_object}: {msg}")
        self.error_type = error_type
        self.error_object = error_object
        self.msg = msg
