"""The `features` document, generated from a handler's declaration (protocol section 2.1)."""

from __future__ import annotations

from lxml import etree

from pmenomssl.handlers.base import Handler

# BILLmanager's C++ template reader takes the key from `name`, ISP's 2023 Python module writes
# `id` (billmanager-protocol.md 2.1, UNCONFIRMED which one BILLmanager 6 reads): emit both.
TEMPLATE_KEY_ATTRIBUTES = ("name", "id")


def features_document(handler: Handler) -> etree._Element:
    doc = etree.Element("doc")
    itemtypes = etree.SubElement(doc, "itemtypes")
    for itemtype in handler.itemtypes:
        etree.SubElement(itemtypes, "itemtype", name=itemtype)
    params = etree.SubElement(doc, "params")
    for param in handler.params:
        node = etree.SubElement(params, "param", name=param.name)
        if param.crypted:
            node.set("crypted", "yes")
    features = etree.SubElement(doc, "features")
    for command in handler.commands():
        etree.SubElement(features, "feature", name=command)
    templates = handler.templates()
    if templates:
        node = etree.SubElement(doc, "templates")
        for template in templates:
            element = etree.SubElement(node, "template")
            for key in TEMPLATE_KEY_ATTRIBUTES:
                element.set(key, template.name)
            for attribute, value in template.attributes.items():
                element.set(attribute, value)
    return doc
