"""The minimal XML writer of `features` and `approver`: whatever it is given, lxml reads back
exactly the text (minus what XML 1.0 cannot carry)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from pmenomssl.protocol.xmlwriter import XML_DECLARATION, Element, valid_chars

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)


@given(text=ANY_TEXT, attribute=ANY_TEXT)
def test_text_and_attributes_round_trip_through_lxml(text: str, attribute: str) -> None:
    doc = Element("doc")
    doc.add("node", {"value": attribute}, text=text)
    parsed = etree.fromstring(doc.to_bytes())
    node = parsed.find("node")
    assert node is not None
    assert node.get("value") == valid_chars(attribute)
    assert (node.text or "") == valid_chars(text)


def test_document_shape() -> None:
    doc = Element("doc")
    doc.add("empty")
    doc.add("a", {"x": "1"}, text="t")
    assert doc.to_bytes() == (XML_DECLARATION + '<doc><empty/><a x="1">t</a></doc>').encode()


@pytest.mark.parametrize("name", ["", "1a", "a b", "a<b", 'a"'])
def test_names_are_checked(name: str) -> None:
    with pytest.raises(ValueError):
        Element(name)
    with pytest.raises(ValueError):
        Element("doc").set(name, "v")
