"""`get_suitable_module`, answered by the protocol layer for every handler, as ISP's C++ module
base does (`processing/certificate/sslstore/module.cpp`, `Module::GetSuitableModule`).

BILLmanager asks which processing modules may serve an order: stdin carries
`<doc><item><pricelist>P</pricelist>…</item><skip_modules>3,5</skip_modules></doc>` (the
modules already tried), and the answer is `<doc><modules><module id="N"/>…</modules></doc>`:
the active modules of this module's name linked to the tariff, by `orderpriority` then id.

Where ours differs from ISP's: ISP narrows to the IPmanager (`ipmgr`) of the last skipped
module, a VDS matter that neither handler has; and ISP puts `skip_modules` into its SQL as
sent, while here only numeric ids are kept (anything else is logged and ignored).
"""

from __future__ import annotations

from pmenomssl import log as modlog
from pmenomssl.handlers.base import Context
from pmenomssl.protocol.xmlwriter import Element


def get_suitable_module(ctx: Context) -> Element:
    doc = Element("doc")
    modules = doc.add("modules")
    document = ctx.document
    pricelist = (document.findtext("item/pricelist") or "").strip() if document is not None else ""
    if not pricelist.isdigit():
        modlog.write(
            modlog.INFO,
            f"get_suitable_module: no tariff id in the document ({pricelist[:40]!r}): no module",
        )
        return doc
    skip: list[int] = []
    raw_skip = (document.findtext("skip_modules") or "") if document is not None else ""
    for part in raw_skip.split(","):
        if part.strip().isdigit():
            skip.append(int(part))
        elif part.strip():
            modlog.write(modlog.INFO, f"get_suitable_module: ignoring skip_modules {part[:40]!r}")
    for module_id in ctx.billing.suitable_modules(int(pricelist), ctx.module_name, skip):
        modules.add("module", {"id": str(module_id)})
    return doc
