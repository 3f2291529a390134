"""The `pmbillreseller` handler: services resold from an upstream BILLmanager through its client
HTTP API (issue 8), for the item types certificate, soft, vhost, vds and dedic (one processing
module per type, as BILLmanager's own reselling module works).

The `command_*` methods are thin: each imports the module that does the work only when it runs,
so `features` (run at every panel start) imports neither httpx, lxml nor PyMySQL.

    settings.py   connection params -> UpstreamClient (the minimal balance: handlers/threshold.py)
    itemtypes.py  ONE table per item type: order params, client-level suspend (UNCONFIRMED)
    statuses.py   ONE table: upstream status -> local action
    service.py    one item: item row, params, addons, the upstream service
    order.py      open: adopt or order (never twice), then open when active
    sync.py       sync_item
    prolong.py    prolong (max_tries 1, reconciled by the upstream expiry)
    setparam.py   setparam: changed addons -> <itemtype>.edit; rollback of a tariff change
    lifecycle.py  suspend, resume, close
    importing.py  import
    account.py    check_connection, getbalance
    templates.py  certificate templates of the upstream's certificate tariffs (cached)
    params.py     every item param name;  errors.py  every error type
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

from pmenomssl.handlers.base import Context, Handler, Output, ParamSpec, TemplateSpec
from pmenomssl.handlers.billreseller import settings
from pmenomssl.handlers.billreseller.itemtypes import ITEMTYPES
from pmenomssl.handlers.sourceip import SOURCEIP_PARAM
from pmenomssl.handlers.threshold import THRESHOLD_PARAM
from pmenomssl.records import TYPE_CHECKING  # typing is not imported: start-up time

if TYPE_CHECKING:
    from pmenomssl.handlers.billreseller.service import Service


def _on_service(ctx: Context, work: Callable[[Service], None]) -> None:
    from pmenomssl.handlers.billreseller.service import Service

    svc = Service(ctx)
    try:
        work(svc)
    finally:
        svc.close()


class BillResellerHandler(Handler):
    itemtypes = tuple(ITEMTYPES)
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
        """One per upstream certificate tariff in the cache `tariffs --refresh` writes: a
        certificate tariff's type can only be picked from these."""
        from pmenomssl import config
        from pmenomssl.handlers.billreseller import templates

        path = templates.cache_path(config.mgr_root(), config.module_name())
        return templates.declared(templates.load(path))

    def features_inputs(self) -> Sequence[str]:
        """The template cache: `tariffs --refresh` changes the templates `features` declares,
        so a prepared copy of the document made before it is stale."""
        from pmenomssl import config
        from pmenomssl.handlers.billreseller import templates

        return [str(templates.cache_path(config.mgr_root(), config.module_name()))]

    # --- module commands --------------------------------------------------------------------

    def command_tune_connection(self, ctx: Context) -> Output:
        from pmenomssl.handlers.sourceip import tune_connection

        return tune_connection(ctx.document)

    def command_approver(self, ctx: Context) -> Output:
        """The approver addresses a certificate order may use, constructed locally (no upstream
        call: it answers while a client types the order); the same rules as the ENOM module."""
        from pmenomssl.handlers.enomssl import approvers

        return approvers.document(ctx.args.domain or "")

    def command_check_connection(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import account

        return account.check_connection(ctx)

    def command_getbalance(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import account

        return account.getbalance(ctx)

    def command_import(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import importing

        importing.import_services(ctx)
        return None

    # --- service commands -------------------------------------------------------------------

    def command_open(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import order

        _on_service(ctx, order.open_service)
        return None

    def command_sync_item(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import sync

        _on_service(ctx, sync.sync_service)
        return None

    def command_prolong(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import prolong

        _on_service(ctx, prolong.prolong_service)
        return None

    def command_setparam(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import setparam

        _on_service(ctx, setparam.setparam_service)
        return None

    def command_suspend(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import lifecycle

        _on_service(ctx, lifecycle.suspend_service)
        return None

    def command_resume(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import lifecycle

        _on_service(ctx, lifecycle.resume_service)
        return None

    def command_close(self, ctx: Context) -> Output:
        from pmenomssl.handlers.billreseller import lifecycle

        _on_service(ctx, lifecycle.close_service)
        return None
