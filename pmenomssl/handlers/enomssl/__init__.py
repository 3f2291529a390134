"""The ENOM SSL handler: every command BILLmanager sends for a certificate resold via ENOM.

The commands name the function that does the work (pmenomssl.handlers.base.Handler), imported
only when it runs, so `features` and `approver` (run at every panel start and while a client
types an order) import neither httpx, PyMySQL nor cryptography.

    products.py   THE product table and the GetCerts cache
    productspec.py what a product allows (ProductSpec) and the brand facts
    settings.py   the connection form's wording -> EnomClient (handlers/connection.py)
    service.py    one item: the framework's service plus its product and ENOM client
    contacts.py   adm_/tech_/org_ params -> ENOM contacts
    order.py      open: validate, buy (purchase.py), configure, submit
    purchase.py   a slot's CertID: saved, adopted or bought once
    reconcile.py  the purchase a lost answer left unrecorded, found in ENOM (the intent)
    sync.py       sync_item
    renewal.py    prolong (and the renewals sync_item places)
    reissue.py    reopen
    close.py      close
    importing.py  import
    account.py    check_connection, getbalance, usercreate
    approvers.py  approver
    validation.py send_dv_email, send_dv_dns (change validation after the order)
    params.py     every item param name;  errors.py  every error type
"""

from __future__ import annotations

from types import MappingProxyType

from pmenomssl.handlers.base import Context, Output, TemplateSpec
from pmenomssl.handlers.connection import ProviderHandler
from pmenomssl.records import TYPE_CHECKING  # typing is not imported: start-up time

if TYPE_CHECKING:  # collections.abc costs start-up time (issue 16): annotations only
    from collections.abc import Mapping, Sequence

_HERE = "pmenomssl.handlers.enomssl"


class EnomSslHandler(ProviderHandler):
    itemtypes = ("certificate",)
    service_class = f"{_HERE}.service:Service"
    service_commands: Mapping[str, str] = MappingProxyType(
        {
            "open": f"{_HERE}.order:open_service",
            "sync_item": f"{_HERE}.sync:sync_service",
            "prolong": f"{_HERE}.renewal:prolong_service",
            "reopen": f"{_HERE}.reissue:reopen_service",
            "send_dv_email": f"{_HERE}.validation:send_dv_email",
            "send_dv_dns": f"{_HERE}.validation:send_dv_dns",
            "close": f"{_HERE}.close:close_service",
        }
    )
    module_commands: Mapping[str, str] = MappingProxyType(
        {
            "check_connection": f"{_HERE}.account:check_connection",
            "usercreate": f"{_HERE}.account:usercreate",
            "getbalance": f"{_HERE}.account:getbalance",
            "import": f"{_HERE}.importing:import_services",
        }
    )

    def templates(self) -> Sequence[TemplateSpec]:
        from pmenomssl import config
        from pmenomssl.handlers.enomssl import products

        path = products.cache_path(config.mgr_root(), config.module_name())
        cache = products.load_cache(path, prices=False)  # no decimal import at panel start
        return [
            TemplateSpec(spec.template, spec.template_attributes())
            for spec in products.catalogue(cache)
        ]

    def features_inputs(self) -> Sequence[str]:
        from pmenomssl import config
        from pmenomssl.handlers.enomssl import products

        return [str(products.cache_path(config.mgr_root(), config.module_name()))]

    def command_approver(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import approvers

        return approvers.document(ctx.args.domain or "")

    # BILLmanager's own operations, confirmed at once: ENOM has nothing to suspend or change.

    def command_suspend(self, ctx: Context) -> Output:
        ctx.billing.post(ctx.item_id, "suspend")
        return None

    def command_resume(self, ctx: Context) -> Output:
        ctx.billing.post(ctx.item_id, "resume")
        return None

    def command_setparam(self, ctx: Context) -> Output:
        ctx.billing.post(ctx.item_id, "setparam")
        return None
