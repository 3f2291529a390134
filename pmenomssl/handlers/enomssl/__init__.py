"""The ENOM SSL handler: every command BILLmanager sends for a certificate resold via ENOM.

The `command_*` methods are thin: each imports the module that does the work only when it
runs, so `features` and `approver` (run at every panel start and while a client types an order)
import neither httpx, PyMySQL nor cryptography.

    products.py   the product table and the GetCerts cache
    settings.py   connection params -> EnomClient
    service.py    one item: params, product, writes that skip unchanged values
    contacts.py   adm_/tech_/org_ params -> ENOM contacts
    order.py      open: validate, buy (never twice), configure, submit
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

from pmenomssl.handlers.base import Context, Handler, Output, ParamSpec, TemplateSpec
from pmenomssl.handlers.enomssl import settings
from pmenomssl.handlers.sourceip import SOURCEIP_PARAM
from pmenomssl.handlers.threshold import THRESHOLD_PARAM
from pmenomssl.records import TYPE_CHECKING  # typing is not imported: start-up time

if TYPE_CHECKING:  # collections.abc costs start-up time (issue 16): annotations only
    from collections.abc import Callable, Mapping, Sequence

    from pmenomssl.handlers.enomssl.service import Service


def _on_service(ctx: Context, work: Callable[[Service], None]) -> None:
    from pmenomssl.handlers.enomssl.service import Service

    svc = Service(ctx)
    try:
        work(svc)
    finally:
        svc.close()


class EnomSslHandler(Handler):
    itemtypes = ("certificate",)
    params = (
        ParamSpec(settings.PARAM_URL),
        ParamSpec(settings.PARAM_USERNAME),
        ParamSpec(settings.PARAM_PASSWORD, crypted=True),
        SOURCEIP_PARAM,
        THRESHOLD_PARAM,
    )
    # A failed prolong becomes a manual task at once: a retry could pay a second time.
    max_tries: Mapping[str, int] = MappingProxyType({"prolong": 1})

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

    # --- module commands --------------------------------------------------------------------

    def command_tune_connection(self, ctx: Context) -> Output:
        from pmenomssl.handlers.sourceip import tune_connection

        return tune_connection(ctx.document)

    def command_check_connection(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import account

        return account.check_connection(ctx)

    def command_usercreate(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import account

        return account.usercreate(ctx)

    def command_getbalance(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import account

        return account.getbalance(ctx)

    def command_approver(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import approvers

        return approvers.document(ctx.args.domain or "")

    def command_import(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import importing

        importing.import_services(ctx)
        return None

    # --- service commands -------------------------------------------------------------------

    def command_open(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import order

        _on_service(ctx, order.open_service)
        return None

    def command_sync_item(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import sync

        _on_service(ctx, sync.sync_service)
        return None

    def command_prolong(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import renewal

        _on_service(ctx, lambda svc: renewal.prolong_service(svc))
        return None

    def command_reopen(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import reissue

        _on_service(ctx, reissue.reopen_service)
        return None

    def command_send_dv_email(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import validation

        _on_service(ctx, lambda svc: validation.send_dv_email(svc, ctx.args.emails))
        return None

    def command_send_dv_dns(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import validation

        _on_service(ctx, lambda svc: validation.send_dv_dns(svc, ctx.args.domain))
        return None

    def command_close(self, ctx: Context) -> Output:
        from pmenomssl.handlers.enomssl import close

        _on_service(ctx, close.close_service)
        return None

    def command_suspend(self, ctx: Context) -> Output:
        ctx.billing.post(ctx.item_id, "suspend")
        return None

    def command_resume(self, ctx: Context) -> Output:
        ctx.billing.post(ctx.item_id, "resume")
        return None

    def command_setparam(self, ctx: Context) -> Output:
        ctx.billing.post(ctx.item_id, "setparam")
        return None
