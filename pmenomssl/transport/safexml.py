"""The one hardened XML parser for documents from outside (BILLmanager's stdin, ENOM's and an
upstream BILLmanager's answers): no entities, no DTD, no network, no huge trees, comments and
processing instructions dropped. The answer is data, never instructions."""

from __future__ import annotations

from lxml import etree

PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    recover=False,
)
