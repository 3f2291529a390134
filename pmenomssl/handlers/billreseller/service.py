"""One reselling service as the commands see it: the item, its params and addons, its item
type, the upstream client, and the upstream service it is linked to.

Writes go through `save()`, which skips a write when BILLmanager already holds the value: that
keeps a re-run cheap and `sync_item` without change write-free.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pmenomssl.handlers.billreseller import params as P
from pmenomssl.handlers.billreseller.errors import NotOrderedError, UpstreamServiceMissingError
from pmenomssl.handlers.billreseller.itemtypes import ItemTypeSpec, spec_for
from pmenomssl.handlers.billreseller.settings import from_params, make_client

if TYPE_CHECKING:
    from datetime import date

    from pmenomssl.billing import Addon, BillingGateway, Item
    from pmenomssl.handlers.base import Context
    from pmenomssl.upstream import UpstreamClient, UpstreamService

logger = logging.getLogger(__name__)


class Service:
    """The item a service command works on, loaded once per run."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.billing: BillingGateway = ctx.billing
        self.item: Item = self.billing.item(ctx.item_id)
        if self.item.processingmodule is not None:
            ctx.module_id = self.item.processingmodule
        self.params: dict[str, str] = self.billing.item_params(self.item.id)
        self._module_params: dict[str, str] | None = None
        self._client: UpstreamClient | None = None
        self._addons: list[Addon] | None = None
        # The local expiry as last written (the item row is read once).
        self.expiredate: date | None = self.item.expiredate

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def itemtype(self) -> str:
        return self.item.itemtype

    @property
    def spec(self) -> ItemTypeSpec:
        return spec_for(self.item.itemtype, item_id=self.id)

    def param(self, name: str) -> str:
        return (self.params.get(name) or "").strip()

    @property
    def upstream_id(self) -> str:
        return self.param(P.UPSTREAM_ID)

    def addons(self) -> list[Addon]:
        if self._addons is None:
            self._addons = self.billing.addons(self.id)
        return self._addons

    # --- the processing module and the upstream ---------------------------------------------

    @property
    def module_id(self) -> int:
        module_id = self.item.processingmodule
        if module_id is None or not self.item.module_name:
            from pmenomssl.billing import NotFoundError

            # No module, or (the join found no row) a module that was deleted since.
            what = (
                "no processing module"
                if module_id is None
                else f"processing module {module_id}, which no longer exists"
            )
            raise NotFoundError(
                f"Service {self.id} has {what}: choose the upstream BILLmanager module for its "
                "tariff (Products > Tariffs > Processing modules) and retry.",
                error_type="module_not_found",
                obj="item",
                value=str(self.id),
            )
        return module_id

    @property
    def module_params(self) -> dict[str, str]:
        if self._module_params is None:
            self._module_params = self.billing.module_params(self.module_id)
        return self._module_params

    @property
    def client(self) -> UpstreamClient:
        if self._client is None:
            connection = from_params(
                self.module_params, where=f"processing module {self.module_id}"
            )
            self._client = make_client(connection, deadline=self.ctx.deadline)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = None

    def require_upstream_id(self, command: str) -> str:
        upstream_id = self.upstream_id
        if not upstream_id:
            raise NotOrderedError(
                f"Service {self.id} has no upstream service yet, so {command} cannot be done "
                "upstream: the order (open) has not completed. Finish the open operation first "
                "(see its error), then retry.",
                obj="item",
                value=str(self.id),
            )
        return upstream_id

    def upstream_service(self) -> UpstreamService:
        """The linked upstream service (one list read); an error when upstream has no such id."""
        upstream_id = self.require_upstream_id("this operation")
        found = self.client.find_service(self.itemtype, upstream_id)
        if found is None:
            raise UpstreamServiceMissingError(
                f"The upstream account has no {self.itemtype} service {upstream_id} (saved as "
                f"{P.UPSTREAM_ID} of service {self.id}). Check that the module still uses the "
                "upstream account that ordered it; correct the param or close the service.",
                obj=P.UPSTREAM_ID,
                value=upstream_id,
            )
        return found

    # --- writes (skipped when nothing changes) --------------------------------------------

    def save(self, name: str, value: str) -> None:
        if self.params.get(name, "") == value:
            return
        self.billing.save_param(self.id, name, value)
        self.params[name] = value

    def set_expiredate(self, expiredate: date) -> None:
        if self.expiredate == expiredate:
            return
        self.billing.set_expiredate(self.id, expiredate)
        self.expiredate = expiredate

    def set_status(self, status: int) -> None:
        """A certificate's service_status (service.setstatus), skipped when unchanged."""
        if self.param(P.SERVICE_STATUS) == str(status):
            return
        self.billing.set_status(self.id, status)
        self.params[P.SERVICE_STATUS] = str(status)

    def post(self, operation: str) -> None:
        self.billing.post(self.id, operation)
