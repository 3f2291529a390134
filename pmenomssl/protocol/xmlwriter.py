"""A minimal XML writer for the small documents BILLmanager asks for most often.

`features` runs at every panel start and `approver` while a client types an order; building
their few elements with lxml would cost more start-up time than the rest of the command
(`python -m bench`'s stand-in row: `-X importtime` 21.0 ms for `import lxml.etree` against
0.7 ms for this module; 2026-12-04, 2-core AMD EPYC, CPython 3.11, a loaded machine). These
documents are written here and only here; everything the module parses, and the error
documents, stay with lxml (`xmldoc`).

    doc = Element("doc")
    doc.add("approver", text="admin@example.com")
    doc.to_bytes()  # b"<?xml version='1.0' encoding='UTF-8'?>\\n<doc><approver>…</approver></doc>"

Escaping is complete for XML 1.0: `&`, `<`, `>` in text; `&`, `<`, `>`, `"` and the
whitespace characters that attribute normalisation would change in attributes; characters XML
1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped.
"""

from __future__ import annotations

from pmenomssl.records import TYPE_CHECKING

if TYPE_CHECKING:  # `re` and `collections.abc` cost start-up time (issue 16)
    import re
    from collections.abc import Mapping

XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"

# Everything outside XML 1.0's Char production (compiled on first need: plain ASCII text, the
# usual case, never needs it).
_INVALID_CHARS = "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]"
_invalid: re.Pattern[str] | None = None
# The names this writer accepts: [A-Za-z_][A-Za-z0-9_.-]* (checked without `re`).
_NAME_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset("0123456789.-")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
    }
)


def valid_chars(text: str) -> str:
    """`text` without the characters XML 1.0 cannot represent."""
    global _invalid
    if text.isascii() and text.isprintable():
        return text
    if _invalid is None:
        import re

        _invalid = re.compile(_INVALID_CHARS)
    return _invalid.sub("", text)


def escape_text(text: str) -> str:
    return valid_chars(text).translate(_TEXT_ESCAPES)


def escape_attribute(value: str) -> str:
    return valid_chars(value).translate(_ATTR_ESCAPES)


def _checked_name(name: str) -> str:
    if not name or name[0] not in _NAME_START or not _NAME_CHARS.issuperset(name):
        raise ValueError(f"not an XML name this writer accepts: {name!r}")
    return name


class Element:
    """An element with attributes, optional text and child elements (no mixed content)."""

    __slots__ = ("attributes", "children", "tag", "text")

    def __init__(
        self, tag: str, attributes: Mapping[str, str] | None = None, text: str | None = None
    ) -> None:
        self.tag = _checked_name(tag)
        self.attributes: dict[str, str] = {}
        for key, value in (attributes or {}).items():
            self.set(key, value)
        self.text = text
        self.children: list[Element] = []

    def set(self, key: str, value: str) -> None:
        self.attributes[_checked_name(key)] = value

    def add(
        self, tag: str, attributes: Mapping[str, str] | None = None, text: str | None = None
    ) -> Element:
        """Append a child element and return it."""
        child = Element(tag, attributes, text)
        self.children.append(child)
        return child

    def _write(self, out: list[str]) -> None:
        out.append("<" + self.tag)
        for key, value in self.attributes.items():
            out.append(f' {key}="{escape_attribute(value)}"')
        if self.text is None and not self.children:
            out.append("/>")
            return
        out.append(">")
        if self.text is not None:
            out.append(escape_text(self.text))
        for child in self.children:
            child._write(out)
        out.append(f"</{self.tag}>")

    def to_string(self) -> str:
        out: list[str] = []
        self._write(out)
        return "".join(out)

    def to_bytes(self) -> bytes:
        """The whole document, UTF-8, with the XML declaration (as lxml writes it)."""
        return (XML_DECLARATION + self.to_string()).encode("utf-8")
