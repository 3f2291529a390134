"""`pmenomssl.protocol.xmldoc` in-process: the stdin parser's refusals and the exact shape of the
error documents BILLmanager reads (billmanager-protocol.md 1.3; the C++ base class writes the
same). Expected documents are written out here, not built with the code under test (issue 17).
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from pmenomssl.errors import ModuleError
from pmenomssl.protocol.args import ProtocolError
from pmenomssl.protocol.xmldoc import (
    MAX_DOCUMENT_BYTES,
    error_document,
    parse_document,
    running_operation_report,
)


def test_an_empty_stdin_is_no_document() -> None:
    assert parse_document(b"", "open") is None
    assert parse_document(b" \n\t", "open") is None


def test_a_document_is_parsed_without_comments_or_processing_instructions() -> None:
    root = parse_document(b"<doc><!-- c --><?pi x?><a>1</a></doc>", "open")
    assert root is not None
    assert etree.tostring(root) == b"<doc><a>1</a></doc>"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'<!DOCTYPE doc [<!ENTITY x "y">]><doc>&x;</doc>',
            "declares a DTD or entities, which BILLmanager never sends and this module refuses "
            "(XXE protection).",
        ),
        (b"<!DOCTYPE doc><doc/>", "declares a DTD or entities"),  # a DTD alone
        # "<!ENTITY" anywhere is refused, even where it would be harmless text
        (b"<doc><![CDATA[<!ENTITY x>]]></doc>", "declares a DTD or entities"),
        (
            b"<doc><a></doc>",
            "is not well-formed XML (",
        ),
        (b"<doc>", "BILLmanager sends UTF-8 XML; check what is piped into the module."),
        (b"<other/>", "has root <other>, expected <doc>"),
    ],
)
def test_unsafe_or_broken_documents_are_refused(data: bytes, expected: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_document(data, "check_connection")
    desc = caught.value.desc
    assert desc.startswith("The document on stdin for check_connection ")
    assert expected in desc
    # each refusal ends with what to do about it (or why nothing is to be done)
    assert desc.endswith(
        ("(XXE protection).", "check what is piped into the module.", "expected <doc>.")
    ), desc
    assert (caught.value.error_type, caught.value.obj) == ("protocol_error", "stdin")


def test_the_size_limit_is_four_mebibytes_exactly() -> None:
    assert MAX_DOCUMENT_BYTES == 4 * 1024 * 1024
    filler = b"<doc>" + b" " * (MAX_DOCUMENT_BYTES - len(b"<doc></doc>")) + b"</doc>"
    assert len(filler) == MAX_DOCUMENT_BYTES
    assert parse_document(filler, "open") is not None  # at the limit: accepted
    with pytest.raises(ProtocolError) as caught:
        parse_document(filler + b" ", "open")
    assert caught.value.desc == (
        f"The document on stdin for open is {MAX_DOCUMENT_BYTES + 1} bytes, more than the "
        f"{MAX_DOCUMENT_BYTES} this module accepts; BILLmanager never sends that much. "
        "Check what is piped into the module."
    )
    assert (caught.value.error_type, caught.value.obj) == ("protocol_error", "stdin")


def test_error_document_shape() -> None:
    error = ModuleError("ENOM refused: top up", error_type="enom_funds", obj="enom", value="7")
    assert error_document(error, lang="en") == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<doc><error type="enom_funds" object="enom" lang="en">'
        b'<param name="object" type="msg" msg="enom">enom</param>'
        b'<param name="value">7</param>'
        b'<param name="desc" type="msg">ENOM refused: top up</param>'
        b"</error></doc>"
    )


def test_error_document_without_lang_or_object() -> None:
    error = ModuleError("broken", error_type="unknown")
    assert error_document(error) == (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        b'<doc><error type="unknown" object="">'
        b'<param name="object" type="msg"></param>'
        b'<param name="value"></param>'
        b'<param name="desc" type="msg">broken</param>'
        b"</error></doc>"
    )


def test_text_xml_cannot_carry_is_dropped_or_replaced() -> None:
    error = ModuleError("a\x00b\x1bc\tok\ud800\ufffe", error_type="t\x01x", obj="o", value="v")
    doc = etree.fromstring(error_document(error))
    node = doc.find("error")
    assert node is not None and node.get("type") == "tx"
    assert node.findtext("param[@name='desc']") == "abc\tok\ufffd\ufffd"


def test_running_operation_report_shape() -> None:
    error = ModuleError("open failed: retry", error_type="boom", obj="item", value="42")
    try:
        raise RuntimeError("inner")
    except RuntimeError as exc:
        report = running_operation_report(
            error, module_id=5, module_name="pmx", log_tail=["line 1", "line ]]> 2"], exc=exc
        )
    assert isinstance(report, str)
    doc = etree.fromstring(report.encode())
    assert doc.tag == "doc"
    module = doc.find("processingmodule")
    assert module is not None
    assert (module.get("name"), module.get("id")) == ("pmx", "5")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", module.get("date") or ""), module.get(
        "date"
    )
    node = module.find("error")
    assert node is not None
    assert (node.get("type"), node.get("object"), node.get("value")) == ("boom", "item", "42")
    assert node.get("date") == module.get("date")
    params = [(p.get("name"), p.get("type"), p.get("msg"), p.text) for p in node.findall("param")]
    assert params == [
        ("object", "msg", "item", "item"),
        ("value", None, None, "42"),
        ("desc", "msg", None, "open failed: retry"),
    ]
    trace = node.findtext("backtrace") or ""
    assert trace.startswith("Traceback (most recent call last):\n  File "), trace
    assert "test_running_operation_report_shape" in trace  # the frames are there
    assert trace.endswith("RuntimeError: inner\n"), trace
    assert node.findtext("log") == "line 1\nline ]] > 2"  # a CDATA end inside is defused


def test_running_operation_report_without_module_or_exception() -> None:
    report = running_operation_report(
        ModuleError("x", error_type="t"), module_id=None, module_name="pmx", log_tail=[]
    )
    doc = etree.fromstring(report.encode())
    module = doc.find("processingmodule")
    assert module is not None and module.get("id") == ""
    assert doc.findtext("processingmodule/error/backtrace") == ""
    assert doc.findtext("processingmodule/error/log") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("emoji \U0001f600 and \U00010000", "emoji \U0001f600 and \U00010000"),
        ("private use \ue000 and \ufffd", "private use \ue000 and \ufffd"),
        ("non-characters \ufffe \uffff", "non-characters \ufffd \ufffd"),
        ("tab\tnew\nline\rX", "tab\tnew\nline\rX"),
    ],
)
def test_xml_safe_keeps_every_character_xml_can_carry(text: str, expected: str) -> None:
    doc = etree.fromstring(error_document(ModuleError(text, error_type="t")))
    assert doc.findtext("error/param[@name='desc']") == expected
