"""What the stand-in's mgrctl writes back: BILLmanager's `<doc>` replies and its `<error>`."""

from __future__ import annotations


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    return '"' + escape(text).replace('"', "&quot;") + '"'


class MgrError(Exception):
    """Answered as `<doc><error type object>` with exit 1, like mgrctl."""

    def __init__(self, err_type: str, obj: str, message: str) -> None:
        super().__init__(message)
        self.err_type = err_type
        self.obj = obj
        self.message = message


def error_xml(err_type: str, obj: str, message: str, value: str = "") -> str:
    return (
        f'<doc><error type={quoteattr(err_type)} object={quoteattr(obj)} lang="en">'
        f'<param name="object" type="msg" msg={quoteattr(obj)}>{escape(obj)}</param>'
        f'<param name="value">{escape(value)}</param>'
        f"<msg>{escape(message)}</msg></error></doc>"
    )


def doc(body: str = "") -> str:
    return f"<doc>{body}</doc>" if body else "<doc/>"
