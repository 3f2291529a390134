"""The one error type every layer raises; the protocol layer turns it into BILLmanager's XML.

`error_type` is the key BILLmanager looks up as `msg_error_<type>` in the module XML, so every
type raised anywhere must have a message there (the XML completeness test checks it).
`desc` is the text a person reads: what failed and what to do about it.
"""

from __future__ import annotations


class ModuleError(Exception):
    """An expected failure with a message for the operator."""

    error_type = "module_error"

    def __init__(
        self,
        desc: str,
        *,
        error_type: str | None = None,
        obj: str = "",
        value: str = "",
    ) -> None:
        super().__init__(desc)
        self.desc = desc
        if error_type is not None:
            self.error_type = error_type
        self.obj = obj
        self.value = value

    def __str__(self) -> str:
        return self.desc
