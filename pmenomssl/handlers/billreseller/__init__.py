"""The `pmbillreseller` handler: services resold from an upstream BILLmanager through its client
HTTP API (issue 8), for the item types certificate, soft, vhost, vds and dedic (one processing
module per type, as BILLmanager's own reselling module works).

The commands name the function that does the work (pmenomssl.handlers.base.Handler), imported
only when it runs, so `features` (run at every panel start) imports neither httpx, lxml nor
PyMySQL.

    settings.py   the connection form's wording -> UpstreamClient (handlers/connection.py)
    itemtypes.py  ONE table per item type: order params, client-level suspend (UNCONFIRMED)
    statuses.py   ONE table: upstream status -> local action
    service.py    one item: the framework's service plus addons and the upstream service
    order.py      open: adopt or order (never twice), then open when active
    plan.py       what an order sends and costs, checked before paying
    reconcile.py  which upstream service is this item's (remoteid, the order intent)
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

from types import MappingProxyType

from pmenomssl.handlers.base import Context, Output, TemplateSpec
from pmenomssl.handlers.billreseller.itemtypes import ITEMTYPES
from pmenomssl.handlers.connection import ProviderHandler
from pmenomssl.records import TYPE_CHECKING  # typing is not imported: start-up time

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_HERE = "pmenomssl.handlers.billreseller"


class BillResellerHandler(ProviderHandler):
    itemtypes = tuple(ITEMTYPES)
    service_class = f"{_HERE}.service:Service"
    service_commands: Mapping[str, str] = MappingProxyType(
        {
            "open": f"{_HERE}.order:open_service",
            "sync_item": f"{_HERE}.sync:sync_service",
            "prolong": f"{_HERE}.prolong:prolong_service",
            "setparam": f"{_HERE}.setparam:setparam_service",
            "suspend": f"{_HERE}.lifecycle:suspend_service",
            "resume": f"{_HERE}.lifecycle:resume_service",
            "close": f"{_HERE}.lifecycle:close_service",
        }
    )
    module_commands: Mapping[str, str] = MappingProxyType(
        {
            "check_connection": f"{_HERE}.account:check_connection",
            "getbalance": f"{_HERE}.account:getbalance",
            "import": f"{_HERE}.importing:import_services",
        }
    )

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

    def command_approver(self, ctx: Context) -> Output:
        """The approver addresses a certificate order may use, constructed locally (no upstream
        call: it answers while a client types the order); the same rules as the ENOM module."""
        from pmenomssl.handlers.enomssl import approvers

        return approvers.document(ctx.args.domain or "")
