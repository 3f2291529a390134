"""The `features` document, generated from a handler's declaration (protocol section 2.1).

Written with the minimal writer (`xmlwriter`), not lxml: BILLmanager runs `features` at every
panel start, and this is the only place the document is built. `compute_and_prepare` also
saves it for the next runs to copy out (`pmenomssl.protocol.prepared`).
"""

from __future__ import annotations

import os
import sys

from pmenomssl.handlers.base import Handler
from pmenomssl.protocol import prepared
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


def compute_and_prepare(handler: Handler, handler_name: str, path: str) -> bytes:
    """The document's bytes; saved at `path` with what they depend on (see `prepared`).

    The data files are looked at before the document is computed, so a file that changes
    meanwhile leaves a copy that is already stale, never one that looks fresh.
    """
    data_files = [prepared.signature(str(p)) for p in handler.features_inputs()]
    document = features_document(handler).to_bytes()
    code_files = sorted(prepared.signature(f) for f in _code_files(handler))
    signatures = [*data_files, *code_files]
    if all("\n" not in s for s in signatures) and "\n" not in handler_name:
        try:
            prepared.write(path, prepared.header(handler_name, signatures), document)
        except OSError as exc:  # the answer does not depend on it: only the next run's speed
            from pmenomssl import log

            log.write(log.WARNING, f"could not save the prepared features document {path}: {exc}")
    return document


def _code_files(handler: Handler) -> set[str]:
    """The module files of this package and of the handler's own package that are loaded."""
    packages = {"pmenomssl", type(handler).__module__.split(".", 1)[0]}
    files = set()
    for name, module in list(sys.modules.items()):
        if name.split(".", 1)[0] not in packages:
            continue
        file = getattr(module, "__file__", None)
        if file:
            files.add(os.path.abspath(file))
    return files
