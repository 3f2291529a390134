"""The `features` document, generated from a handler's declaration (protocol section 2.1).

Written with the minimal writer (`xmlwriter`), not lxml: BILLmanager runs `features` at every
panel start, and this is the only place the document is built.
"""

from __future__ import annotations

from pmenomssl.handlers.base import Handler
from pmenomssl.protocol.xmlwriter import Element

# BILLmanager's C++ template reader takes the key from `name`, ISP's 2023 Python module writes
# `id` (billmanager-protocol.md 2.1, UNCONFIRMED which one BILLmanager 6 reads): emit both.
TEMPLATE_KEY_ATTRIBUTES = ("name", "id")


def features_document(handler: Handler) -> Element:
    doc = Element("doc")
    itemtypes = doc.add("itemtypes")
    for itemtype in handler.itemtypes:
        itemtypes.add("itemtype", {"name": itemtype})
    params = doc.add("params")
    for param in handler.params:
        node = params.add("param", {"name": param.name})
        if param.crypted:
            node.set("crypted", "yes")
    features = doc.add("features")
    for command in handler.commands():
        features.add("feature", {"name": command})
    templates = handler.templates()
    if templates:
        node = doc.add("templates")
        for template in templates:
            element = node.add("template")
            for key in TEMPLATE_KEY_ATTRIBUTES:
                element.set(key, template.name)
            for attribute, value in template.attributes.items():
                element.set(attribute, value)
    return doc
