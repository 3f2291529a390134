"""XML in and out of the module: a hardened parser for the documents BILLmanager sends on stdin,
and the error documents BILLmanager reads back (billmanager-protocol.md section 1.3)."""

from __future__ import annotations

import time
import traceback
from collections.abc import Sequence

from lxml import etree

from pmenomssl.errors import ModuleError
from pmenomssl.protocol.args import ProtocolError
from pmenomssl.transport.safexml import PARSER

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


def parse_document(data: bytes, command: str) -> etree._Element | None:
    """Parse a stdin document; an empty stdin is None. Anything unsafe or broken is refused."""
    if not data.strip():
        return None
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ProtocolError(
            f"The document on stdin for {command} is {len(data)} bytes, more than the "
            f"{MAX_DOCUMENT_BYTES} this module accepts; BILLmanager never sends that much. "
            "Check what is piped into the module.",
            obj="stdin",
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ProtocolError(
            f"The document on stdin for {command} declares a DTD or entities, which BILLmanager "
            "never sends and this module refuses (XXE protection).",
            obj="stdin",
        )
    try:
        root = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(
            f"The document on stdin for {command} is not well-formed XML ({exc.msg}). "
            "BILLmanager sends UTF-8 XML; check what is piped into the module.",
            obj="stdin",
        ) from None
    if root.tag != "doc":
        raise ProtocolError(
            f"The document on stdin for {command} has root <{root.tag}>, expected <doc>.",
            obj="stdin",
        )
    return root


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def error_document(error: ModuleError, lang: str | None = None) -> bytes:
    """BILLmanager's error document: `<doc><error type object lang>` with the params
    `object`, `value` and `desc` (the text the panel shows)."""
    doc = etree.Element("doc")
    node = etree.SubElement(
        doc, "error", type=_xml_safe(error.error_type), object=_xml_safe(error.obj)
    )
    if lang:
        node.set("lang", _xml_safe(lang))
    _param(node, "object", error.obj, msg=error.obj)
    _param(node, "value", error.value)
    _param(node, "desc", error.desc, msg=None)
    return serialize(doc)


def running_operation_report(
    error: ModuleError,
    *,
    module_id: int | None,
    module_name: str,
    log_tail: Sequence[str],
    exc: BaseException | None = None,
) -> str:
    """The `errorxml` for `runningoperation.edit`, in the C++ base class's shape."""
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    doc = etree.Element("doc")
    module = etree.SubElement(doc, "processingmodule", date=now, name=_xml_safe(module_name))
    module.set("id", "" if module_id is None else str(module_id))
    node = etree.SubElement(
        module,
        "error",
        date=now,
        type=_xml_safe(error.error_type),
        object=_xml_safe(error.obj),
        value=_xml_safe(error.value),
    )
    _param(node, "object", error.obj, msg=error.obj)
    _param(node, "value", error.value)
    _param(node, "desc", error.desc, msg=None)
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)) if exc else ""
    etree.SubElement(node, "backtrace").text = etree.CDATA(_cdata_safe(trace))
    etree.SubElement(node, "log").text = etree.CDATA(_cdata_safe("\n".join(log_tail)))
    return etree.tostring(doc, encoding="unicode")


def _param(parent: etree._Element, name: str, text: str, msg: str | None = "") -> None:
    node = etree.SubElement(parent, "param", name=name)
    if name in ("object", "desc"):
        node.set("type", "msg")
    if msg:
        node.set("msg", _xml_safe(msg))
    node.text = _xml_safe(text)


def _xml_safe(text: str) -> str:
    """Text XML 1.0 can carry: control bytes (a provider's answer, argv) are dropped; lone
    surrogates (argv bytes that were not UTF-8) and U+FFFE/U+FFFF become U+FFFD."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch
        if ch in "\t\n\r"
        or 0x20 <= ord(ch) < 0xD800
        or 0xE000 <= ord(ch) < 0xFFFE
        or ord(ch) > 0xFFFF
        else ("\ufffd" if ord(ch) >= 0xD800 else "")
        for ch in text
    )


def _cdata_safe(text: str) -> str:
    return _xml_safe(text).replace("]]>", "]] >")
